"""Use cases: each opens a unit of work, does one job, and commits."""
