"""Tests: hostile input."""
