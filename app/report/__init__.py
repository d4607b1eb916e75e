"""A decision record as a document a person reads and prints: HTML from autoescaped
templates, and the same page as PDF."""
