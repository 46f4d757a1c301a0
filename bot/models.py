"""SQLAlchemy tables of the assistant (municipalities, contact requests, ...).

The glossary keeps its own tables in glossary/; both live in the same database.
"""

from __future__ import annotations

from sqlalchemy.orm import declarative_base

Base = declarative_base()
