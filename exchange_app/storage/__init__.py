"""Storage: SQLAlchemy tables, engines for SQLite files and PostgreSQL URLs, Alembic migrations.

Services (``exchange_app.services``) are the way in; nothing outside them should need a
database session. ``programs`` and ``schedules`` hold the row <-> domain mapping.
"""

from exchange_app.storage.engine import database_url, default_database_path, make_engine, sqlite_path
from exchange_app.storage.migrate import back_up_before_migrating, head_revision, upgrade
from exchange_app.storage.models import Base

__all__ = [
    "Base",
    "back_up_before_migrating",
    "database_url",
    "default_database_path",
    "head_revision",
    "make_engine",
    "sqlite_path",
    "upgrade",
]
