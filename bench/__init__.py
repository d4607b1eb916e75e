"""Benchmarks of exportgate's ingest against cyclonedx-python-lib on generated BOMs."""
