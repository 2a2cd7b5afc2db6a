"""Engines for a database given as a file path or a URL.

``--db programs.db`` and ``--db sqlite:///programs.db`` open an SQLite file;
``--db postgresql://user@server/db`` opens a PostgreSQL database through psycopg 3.

A new SQLite file is created readable by its owner only (0600) and the app's own folders
(the user data folder, ``backups/``) 0700. A file the process cannot write (read-only
file, folder or mount) is opened read-only (:func:`is_read_only`).

A PostgreSQL password is best kept out of the URL: libpq reads ``~/.pgpass`` and
``PGPASSWORD`` by itself, and :func:`keyring_password` looks in the system keyring
(service ``exchange-scheduler``, user ``USER@HOST:PORT/DATABASE``). Messages never show it.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from exchange_app.errors import InputError, Problem

APP_NAME = "exchange-scheduler"
DEFAULT_FILE = "programs.db"
SQLITE_BUSY_TIMEOUT_MS = 5000
KEYRING_SERVICE = APP_NAME
FILE_MODE = 0o600
FOLDER_MODE = 0o700
_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


def data_dir() -> Path:
    """The per-user folder for the app's databases (``platformdirs.user_data_dir``)."""
    return Path(platformdirs.user_data_dir(APP_NAME))


def default_database_path() -> Path:
    return data_dir() / DEFAULT_FILE


def private_folder(folder: Path) -> Path:
    """Create ``folder`` (and parents) if needed; the app's own folders are 0700."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for p in reversed(missing):  # every folder made here is 0700, not only the last
        p.mkdir(exist_ok=True, mode=FOLDER_MODE)
        os.chmod(p, FOLDER_MODE)
    return folder


def mask_url_text(text: str) -> str:
    """``text`` with any ``scheme://user:PASSWORD@`` password replaced by ``***``."""
    return _PASSWORD_IN_URL.sub(r"\1***@", text)


def database_url(db: str | os.PathLike[str] | None) -> URL:
    """The SQLAlchemy URL for ``db``: a file path, an ``sqlite:///`` or ``postgresql://`` URL.

    ``None`` means the default file in the user data folder. ``postgresql://`` and
    ``postgres://`` get the psycopg 3 driver.
    """
    if db is None:
        db = default_database_path()
    text = os.fspath(db)
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).expanduser().resolve()))
    shown = mask_url_text(text)
    try:
        url = make_url(text)
    except Exception as e:  # sqlalchemy.exc.ArgumentError and friends
        raise InputError(
            shown, [Problem("--db", None, f"is not a database file or URL ({mask_url_text(str(e))})")]
        ) from None
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        try:
            url.port  # noqa: B018 - a port that is not a number raises here
        except ValueError as e:
            raise InputError(shown, [Problem("--db", None, "the port is not a number")]) from e
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return url
    raise InputError(
        shown,
        [
            Problem(
                "--db", None, f"unsupported database {backend!r}; use an SQLite file or a postgresql:// URL"
            )
        ],
    )


def sqlite_path(url: URL) -> Path | None:
    """The file of an SQLite URL (None for other databases and in-memory SQLite)."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    name = str(url.database)
    if name.startswith("file:"):  # a read-only URI (see make_engine)
        name = name[len("file:") :]
    return Path(name)


def is_read_only(url: URL) -> bool:
    """Whether the engine for ``url`` opens an SQLite file read-only."""
    return url.get_backend_name() == "sqlite" and url.query.get("mode") == "ro"


def keyring_user(url: URL) -> str:
    return f"{url.username or ''}@{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def keyring_password(url: URL) -> str | None:
    """The password the system keyring holds for ``url`` (None: none, or no keyring)."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # pragma: no cover - a dependency
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_user(url))
    except (KeyringError, RuntimeError, OSError):  # no usable backend on this computer
        return None


def save_keyring_password(url: URL, password: str) -> None:
    """Keep ``password`` for ``url`` in the system keyring (KeyringError when there is none)."""
    import keyring

    keyring.set_password(KEYRING_SERVICE, keyring_user(url), password)


def make_engine(db: str | os.PathLike[str] | URL | None, password: str | None = None) -> Engine:
    """An engine for ``db``.

    SQLite: the folder is created, a new file gets mode 0600, a file this process cannot
    write is opened read-only, and every connection gets the pragmas. PostgreSQL: a
    ``password`` given here (or found in the keyring) is used when the URL has none;
    otherwise libpq's ``~/.pgpass`` and ``PGPASSWORD`` apply.
    """
    url = db if isinstance(db, URL) else database_url(db)
    path = sqlite_path(url)
    if path is not None:
        url = _sqlite_url(path, url)
        engine = create_engine(url)
        event.listen(engine, "connect", _pragmas(read_only=is_read_only(url)))
        return engine
    if url.password is None:
        found = password or (None if os.environ.get("PGPASSWORD") else keyring_password(url))
        if found:
            url = url.set(password=found)
    return create_engine(url, pool_pre_ping=True)


def _sqlite_url(path: Path, url: URL) -> URL:
    if path.exists():
        folder_ro = not os.access(path.parent, os.W_OK)
        if folder_ro or not os.access(path, os.W_OK):
            # immutable: nobody can change a file on a read-only folder or mount, and the
            # write-ahead log index cannot be created there.
            query = {"mode": "ro", "uri": "true"} | ({"immutable": "1"} if folder_ro else {})
            return URL.create("sqlite", database=f"file:{path}", query=query)
        return url
    if not path.parent.is_dir():
        private_folder(path.parent)
    if os.access(path.parent, os.W_OK):
        # An empty file is an empty SQLite database; made here so it is 0600 from the start
        # (SQLite gives its -wal and -shm files the same mode).
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
        os.close(fd)
    return url


def file_mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _pragmas(read_only: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        """Foreign keys on, write-ahead log, wait for a busy writer instead of failing at once."""
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            if not read_only:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    return on_connect
