"""Bring a database's tables up to date with Alembic, configured in code (no alembic.ini).

:func:`upgrade` runs on every open. When an existing database needs migrating,
:func:`back_up_before_migrating` is called first, on SQLite and PostgreSQL alike.

To change the schema: edit ``models.py``, then write the next migration, e.g.::

    .venv/bin/python -c "from alembic import command; from exchange_app.storage.migrate import alembic_config; \
    c = alembic_config(); c.set_main_option('sqlalchemy.url', 'sqlite:////tmp/head.db'); \
    command.upgrade(c, 'head'); command.revision(c, 'what changed', autogenerate=True, rev_id='0002')"

review it (batch mode is on, so SQLite gets table copies for ALTERs), and run
``tests/storage/test_migrations.py``: it checks that head matches the models.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from exchange_app.errors import NewerDatabaseError, ReadOnlyDatabaseError
from exchange_app.storage.engine import is_read_only
from exchange_app.storage.errors import label

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant: serialises concurrent upgrades of one PostgreSQL database.
_PG_MIGRATION_LOCK = 7_202_611


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for the bundled migrations (optionally bound to a connection)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def back_up_before_migrating(engine: Engine, current: str, head: str) -> None:
    """Hook: called before an existing database (at ``current``) is migrated to ``head``.

    The backup engineer wires ``exchange_app.storage.backup`` in here; it must handle
    SQLite files and PostgreSQL URLs (``engine.url``). Raising stops the migration.
    """
    from exchange_app.storage.backup import create_backup

    create_backup(engine.url, "before-migration", engine=engine)


def known_revisions() -> set[str]:
    return {s.revision for s in _scripts().walk_revisions()}


def upgrade(engine: Engine) -> None:
    """Upgrade the database to the newest schema (creates it when empty).

    A database from a newer version of the app (a schema this one does not know) is
    refused with :class:`~exchange_app.errors.ExchangeError` and left untouched.
    """
    head = head_revision()
    with engine.connect() as conn:
        current = current_revision(conn)
    if current == head:
        return
    if current is not None and current not in known_revisions():
        raise NewerDatabaseError(
            f"{label(engine.url)} was written by a newer version of Exchange Scheduler (schema {current}; "
            f"this version knows up to {head}). Update the app to open it; it was left unchanged.",
            label(engine.url),
        )
    if is_read_only(engine.url):
        raise ReadOnlyDatabaseError(
            f"{label(engine.url)} is read-only and "
            + ("empty" if current is None else "from an older version of the app (it needs updating)")
            + ": copy it to a writable folder to open it.",
            label(engine.url),
        )
    if current is not None:
        back_up_before_migrating(engine, current, head)
    with engine.begin() as conn:
        # One migrator at a time (two apps, or an app and the CLI, may open a new database
        # together): PostgreSQL has an advisory lock; SQLite takes its write lock up front.
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        if current_revision(conn) == head:  # another app migrated it meanwhile
            return
        command.upgrade(alembic_config(conn), "head")
