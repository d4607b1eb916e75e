"""exportgate's test suite."""
