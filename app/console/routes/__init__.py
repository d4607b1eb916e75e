"""The console's pages: one module each, each a router of ConsolePage routes."""
