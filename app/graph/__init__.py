"""The only code that touches networkx: the portfolio graph and the questions asked of it."""
