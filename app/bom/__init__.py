"""The only code that reads CycloneDX: detect, validate, and translate into domain terms."""
