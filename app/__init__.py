"""exportgate: may this AI-bearing product be exported, and if not, what blocks it."""
