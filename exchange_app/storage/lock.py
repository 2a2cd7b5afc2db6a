"""One desktop app per SQLite file.

Beside ``programs.db`` the app keeps ``programs.db.lock``, a small JSON file naming who
holds the database (user, host, process id, since when), and takes an operating-system
lock on ``programs.db.lock.os`` (the ``filelock`` library: ``flock`` on Unix, ``msvcrt``
on Windows). The OS lock is what keeps a second app out; it ends by itself when the holder
dies, so a lock left behind by a crashed app (a dead process) is simply taken over. The
JSON file is what makes the refusal readable.

PostgreSQL databases are shared by design (optimistic concurrency on every record), so
the lock is a no-op for them.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from exchange_app.errors import LockedError
from exchange_app.io.atomic import write_text


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who holds (or held) a database."""

    user: str
    host: str
    pid: int
    since: str  # ISO 8601, UTC
    app: str = "Exchange Scheduler"

    def describe(self) -> str:
        try:
            when = datetime.fromisoformat(self.since).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        except ValueError:
            when = self.since
        return f"user {self.user} on {self.host} (process {self.pid}) since {when}"

    @classmethod
    def me(cls) -> LockHolder:
        try:
            user = getpass.getuser()
        except Exception:  # no user name in the environment (some containers)
            user = "unknown"
        return cls(
            user=user,
            host=socket.gethostname(),
            pid=os.getpid(),
            since=datetime.now(UTC).isoformat(timespec="seconds"),
        )


def _sqlite_file(db: str | os.PathLike[str]) -> Path | None:
    """The SQLite file behind ``db`` (a path or ``sqlite:///`` URL); None for server URLs."""
    text = os.fspath(db)
    if "://" in text:
        from exchange_app.storage.engine import database_url, sqlite_path

        return sqlite_path(database_url(text))
    return Path(text).expanduser().resolve()


def lock_paths(db_file: Path) -> tuple[Path, Path]:
    """(holder file, OS lock file) beside ``db_file``."""
    return db_file.with_name(db_file.name + ".lock"), db_file.with_name(db_file.name + ".lock.os")


def read_holder(db: str | os.PathLike[str]) -> LockHolder | None:
    """Who the lock file beside ``db`` names (None: no lock file, or unreadable)."""
    path = _sqlite_file(db)
    if path is None:
        return None
    info, _ = lock_paths(path)
    try:
        data = json.loads(info.read_text("utf-8"))
        return LockHolder(
            user=str(data["user"]),
            host=str(data["host"]),
            pid=int(data["pid"]),
            since=str(data["since"]),
            app=str(data.get("app", "Exchange Scheduler")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, belongs to someone else
        return True
    except OSError:
        return False
    return True


class DatabaseLock:
    """The lock one desktop app holds on its SQLite file (see the module docstring).

    ``DatabaseLock.acquire(db)`` returns the held lock or raises :class:`LockedError`
    naming the holder; ``release()`` (or leaving a ``with`` block) gives it up.
    ``took_over`` names the holder of a stale lock that was taken over, if any.
    """

    def __init__(
        self,
        db_file: Path | None,
        os_lock: FileLock | None,
        holder: LockHolder | None,
        took_over: LockHolder | None = None,
    ):
        self.path = db_file
        self._os_lock = os_lock
        self.holder = holder
        self.took_over = took_over

    @classmethod
    def acquire(cls, db: str | os.PathLike[str]) -> DatabaseLock:
        db_file = _sqlite_file(db)
        if db_file is None:  # PostgreSQL: shared by design
            return cls(None, None, None)
        db_file.parent.mkdir(parents=True, exist_ok=True)
        info, os_file = lock_paths(db_file)
        os_lock = FileLock(os_file, timeout=0, is_singleton=False, thread_local=False, mode=0o600)
        previous = read_holder(db_file)
        try:
            try:
                os_lock.acquire()
            except Timeout:
                if previous is None or previous.host != socket.gethostname() or pid_alive(previous.pid):
                    raise
                # The named holder died on this machine. With a real OS lock that cannot
                # hold it any more; where the file system offers none (filelock then falls
                # back to a lock file that outlives its process) remove the leftover.
                os_file.unlink(missing_ok=True)
                os_lock.acquire()
        except Timeout:
            who = previous.describe() if previous else "another process"
            raise LockedError(
                f"{db_file.name} is already open in another Exchange Scheduler window: {who}. "
                f"Close it there first (lock file {info})."
            ) from None
        me = LockHolder.me()
        try:
            write_text(info, json.dumps(asdict(me), indent=1) + "\n")
        except BaseException:
            os_lock.release()
            raise
        stale = previous if previous is not None and previous != me else None
        return cls(db_file, os_lock, me, took_over=stale)

    @property
    def held(self) -> bool:
        return self._os_lock is not None and self._os_lock.is_locked

    def release(self) -> None:
        """Give the database up (idempotent)."""
        if self._os_lock is None or not self._os_lock.is_locked or self.path is None:
            return
        info, _ = lock_paths(self.path)
        if read_holder(self.path) == self.holder:
            try:
                info.unlink()
            except FileNotFoundError:
                pass
        self._os_lock.release()

    def __enter__(self) -> DatabaseLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"DatabaseLock({str(self.path) if self.path else 'server database'}, held={self.held})"
