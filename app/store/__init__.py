"""The only code that touches SQLAlchemy: rows, repositories, unit of work, engine."""
