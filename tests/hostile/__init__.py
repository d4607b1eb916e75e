"""Tests: hostile inputs and conditions, each a defect that once got through."""
