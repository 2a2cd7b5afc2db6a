"""Is this database sound, and is it ours? Checked when a workspace opens, before every
backup and before every large write (imports, schedule saves).

SQLite: the file must start with the SQLite header, pass ``PRAGMA quick_check`` and,
when it holds tables at all, hold Exchange Scheduler's (Alembic's ``alembic_version``).
A file with other tables is refused and never gets ours added. PostgreSQL: the same
"tables but not ours" rule.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlalchemy.exc
from sqlalchemy import Engine, inspect

from exchange_app.storage.engine import sqlite_path
from exchange_app.storage.errors import damaged_error, label, not_ours_error, translated

SQLITE_HEADER = b"SQLite format 3\x00"
OUR_TABLES = {"alembic_version", "programs"}


def quick_check(path: Path, engine: Engine | None = None) -> str | None:
    """None when ``path`` passes ``PRAGMA quick_check`` (a missing or empty file passes),
    else what is wrong. Reads only (works on read-only folders too).

    Give the ``engine`` this process has open on ``path``: the check then runs on one of
    its connections, and the file is never opened by hand (closing a descriptor of the
    file would drop the POSIX locks of every SQLite connection of this process on it)."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    if engine is not None:
        # Never open() the file itself here: closing any descriptor of it drops the POSIX
        # locks this process's SQLite connections hold on it. SQLite reads the header.
        try:
            with engine.connect() as conn:
                found = conn.exec_driver_sql("PRAGMA quick_check").fetchall()
        except sqlalchemy.exc.DBAPIError as e:
            return str(e.orig)
        return _result([str(r[0]) for r in found])
    try:
        with open(path, "rb") as f:  # no connection of this process is open on it
            header = f.read(len(SQLITE_HEADER))
    except OSError as e:
        return f"cannot be read: {e.strerror or e}"
    if header != SQLITE_HEADER:
        return "file is not a database"
    try:
        con = sqlite3.connect(_uri(path), uri=True)
        try:
            con.execute("PRAGMA busy_timeout=10000")
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        return str(e)
    return _result([str(r[0]) for r in rows])


def _uri(path: Path) -> str:
    """A plain connection where the file can be written (a read-only one would leave the
    write-ahead log behind), read-only otherwise (immutable on a read-only folder)."""
    if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        return f"file:{path}"
    return f"file:{path}?mode=ro" + ("" if os.access(path.parent, os.W_OK) else "&immutable=1")


def _sqlite_tables(path: Path) -> set[str]:
    """The tables of an SQLite file, read before the engine's first connection (which
    would switch the file to write-ahead logging: a foreign file must stay as it is)."""
    if not path.exists() or path.stat().st_size == 0:
        return set()
    con = sqlite3.connect(_uri(path), uri=True)
    try:
        return {str(r[0]) for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        con.close()


def _result(rows: list[str]) -> str | None:
    return None if rows == ["ok"] else "; ".join(rows[:3])


def check_sound(path: Path, engine: Engine | None = None) -> None:
    """Raise :class:`~exchange_app.errors.DamagedDatabaseError` (naming the newest good
    backup) when the SQLite file ``path`` fails the quick check (``engine``: see
    :func:`quick_check`)."""
    problem = quick_check(path, engine)
    if problem is None:
        return
    from exchange_app.storage.backup import list_backups

    if problem == "file is not a database" and not list_backups(path):
        raise not_ours_error(path, "not an SQLite database file")
    raise damaged_error(path, problem)


def check_database(engine: Engine) -> None:
    """Refuse a damaged SQLite file, and any database that has tables but not ours.
    Call it before anything else uses a new ``engine``: an SQLite file is read without it."""
    path = sqlite_path(engine.url)
    if path is not None:
        check_sound(path)
        with translated(engine.url):
            tables = _sqlite_tables(path)
    else:
        with translated(engine.url), engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
    if tables and not OUR_TABLES <= tables:
        if "alembic_version" not in tables:
            what = f"it holds other tables: {', '.join(sorted(tables)[:5])}"
            if path is not None:
                raise not_ours_error(path, what)
            from exchange_app.errors import NotADatabaseError

            raise NotADatabaseError(
                f"{label(engine.url)} is not an Exchange Scheduler database ({what}); it was left unchanged. "
                "Use an empty database for the app.",
                label(engine.url),
            )
