"""The pure core: identities, BOM contents, errors. Standard library only."""
