"""Tests: the graph layer, built from domain values alone."""
