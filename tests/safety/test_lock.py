"""One desktop app per SQLite file: the lock beside the database."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from exchange_app.errors import LockedError
from exchange_app.storage.lock import DatabaseLock, lock_paths, read_holder

HOLD = """
import sys, time
from exchange_app.storage.lock import DatabaseLock
lock = DatabaseLock.acquire(sys.argv[1])
print("held", flush=True)
time.sleep(120)
"""


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_second_acquire_is_refused_naming_the_holder(tmp_path):
    db = tmp_path / "programs.db"
    first = DatabaseLock.acquire(db)
    try:
        info, _ = lock_paths(db)
        data = json.loads(info.read_text())
        assert data["pid"] == os.getpid() and data["host"] == socket.gethostname() and data["user"]
        with pytest.raises(LockedError) as e:
            DatabaseLock.acquire(db)
        message = str(e.value)
        assert "programs.db" in message and f"process {os.getpid()}" in message
        assert data["user"] in message and socket.gethostname() in message
        assert e.value.exit_code == 4
    finally:
        first.release()
    assert not lock_paths(db)[0].exists()
    again = DatabaseLock.acquire(db)  # free again after release
    assert again.held and again.took_over is None
    again.release()


def test_lock_held_by_another_process_then_taken_over_after_kill(tmp_path):
    db = tmp_path / "programs.db"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline().strip() == "held"
        with pytest.raises(LockedError) as e:
            DatabaseLock.acquire(db)
        assert f"process {proc.pid}" in str(e.value)
        assert read_holder(db).pid == proc.pid
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    lock = DatabaseLock.acquire(db)  # the dead app's lock is stale: taken over
    try:
        assert lock.took_over is not None and lock.took_over.pid == proc.pid
        assert read_holder(db).pid == os.getpid()
    finally:
        lock.release()


def test_stale_lock_file_of_a_dead_process_is_taken_over(tmp_path):
    db = tmp_path / "programs.db"
    info, os_file = lock_paths(db)
    dead = _dead_pid()
    info.write_text(
        json.dumps(
            {"user": "alice", "host": socket.gethostname(), "pid": dead, "since": "2026-11-02T08:00:00+00:00"}
        )
    )
    os_file.write_text("")
    lock = DatabaseLock.acquire(db)
    try:
        assert lock.took_over.user == "alice" and lock.took_over.pid == dead
        assert read_holder(db).pid == os.getpid()
    finally:
        lock.release()


def test_postgresql_urls_are_not_locked():
    lock = DatabaseLock.acquire("postgresql://staff@db.example.invalid/programs")
    assert lock.path is None and not lock.held
    lock.release()


def test_sqlite_url_locks_the_file(tmp_path):
    db = tmp_path / "team.db"
    with DatabaseLock.acquire(f"sqlite:///{db}"):
        with pytest.raises(LockedError):
            DatabaseLock.acquire(db)
    assert DatabaseLock.acquire(db).held
