"""``kill -9`` in the middle of a write leaves the database as it was before the action.

Each test starts a real subprocess (the CLI, or the schedule save a solve makes) on an
SQLite file that already holds a program, waits until that process is inside its write
transaction, kills it with SIGKILL, then reopens the file: ``PRAGMA integrity_check`` is
``ok``, the earlier data is unchanged and nothing of the killed action is there.

"Inside its write transaction" is observed from outside, without any hook in the product:
the test polls ``BEGIN IMMEDIATE`` on its own connection (timeout 0); while another
connection holds the write lock that fails with "database is locked". The killed actions
write megabytes, so the kill lands long before their commit.
"""

from __future__ import annotations

import copy
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exchange_app.domain import PersonKind
from exchange_app.io import spreadsheets as sheets
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace
from tests.conftest import GENERATOR

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.fixture(scope="module")
def xl_path(tmp_path_factory) -> Path:
    if not GENERATOR.exists():
        pytest.skip(f"scenario generator not found at {GENERATOR}")
    out = tmp_path_factory.mktemp("xl") / "xl.json"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--size", "xl", "--seed", "3", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    return out


def _snapshot(db: Path) -> tuple:
    with Workspace.open(db) as ws:
        programs = ws.programs()
        return (
            programs,
            [ws.load_scenario(p.id) for p in programs],
            [ws.schedule_versions(p.id) for p in programs],
        )


def _write_locked(db: Path) -> bool:
    con = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            return True
        raise
    finally:
        con.close()


def _kill_mid_write(cmd: list[str], db: Path, timeout: float = 300, wal_bytes: int = 0) -> int:
    """Start ``cmd``, kill it while it holds the write lock (and, with ``wal_bytes``, once
    that much of its uncommitted write is in the write-ahead log); returns the log's size."""
    wal = db.with_name(db.name + "-wal")
    proc = subprocess.Popen(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    try:
        while not (_write_locked(db) and (not wal_bytes or wal.exists() and wal.stat().st_size >= wal_bytes)):
            if proc.poll() is not None:
                out, err = proc.communicate()
                pytest.fail(
                    f"the action ended (exit {proc.returncode}) before it could be killed:\n{out.decode()}\n{err.decode()}"
                )
            if time.monotonic() > deadline:
                pytest.fail("the action never started writing")
            time.sleep(0.002)
        os.kill(proc.pid, signal.SIGKILL)
        size = wal.stat().st_size if wal.exists() else 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    return size


def _integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def test_kill_during_a_large_scenario_import(tmp_path, small_path, xl_path):
    db = tmp_path / "programs.db"
    with Workspace.open(db) as ws:
        ws.import_scenario(read_scenario(small_path))
    before = _snapshot(db)
    wal = _kill_mid_write(
        [sys.executable, "-m", "exchange_app", "--db", str(db), "import", str(xl_path)],
        db,
        wal_bytes=1_000_000,
    )
    assert wal >= 1_000_000  # a megabyte of the import was already written when it died
    assert _integrity(db) == "ok"
    assert _snapshot(db) == before  # the small program intact, nothing of the xl one
    assert _integrity(db) == "ok"


def test_kill_during_a_large_people_sheet_import(tmp_path, xl_path):
    xl = read_scenario(xl_path)
    empty = copy.copy(xl)
    empty.officials, empty.hosts, empty.interpreters, empty.pins, empty.forbidden = [], [], [], [], []
    db = tmp_path / "programs.db"
    with Workspace.open(db) as ws:
        pid = ws.import_scenario(empty)
        ws.upsert_person(pid, xl.officials[0])  # one person before the sheet
    sheet = tmp_path / "officials.csv"
    sheets.write_people_csv(xl, PersonKind.OFFICIAL, sheet)
    before = _snapshot(db)
    assert before[0][0].officials == 1
    wal = _kill_mid_write(
        [sys.executable, "-m", "exchange_app", "--db", str(db), "import", str(sheet)], db, wal_bytes=500_000
    )
    assert wal >= 500_000
    assert _integrity(db) == "ok"
    assert _snapshot(db) == before


SAVE = """
import sys
from exchange_app.domain import Schedule, Session, SolverInfo
from exchange_app.services import Workspace
ws = Workspace.open(sys.argv[1])
pid = ws.programs()[0].id
sc = ws.load_scenario(pid)
officials = [o.id for o in sc.officials]
sessions = [Session(id=f"s-{i:06d}", host=sc.hosts[i % len(sc.hosts)].id, slot=sc.slots[i % len(sc.slots)].id,
                    topic=sc.topics[i % len(sc.topics)].id, language="en",
                    officials=[officials[(i + k) % len(officials)] for k in range(5)], location=None)
            for i in range(int(sys.argv[2]))]
ws.save_schedule(pid, Schedule(sessions=sessions, solver=SolverInfo(status="feasible")), "solve", "killed")
"""


def test_kill_during_a_schedule_save(tmp_path, small_path):
    from tests.storage.helpers import hand_schedule

    db = tmp_path / "programs.db"
    with Workspace.open(db) as ws:
        sc = read_scenario(small_path)
        pid = ws.import_scenario(sc)
        ws.save_schedule(pid, hand_schedule(sc), "solve")
    before = _snapshot(db)
    _kill_mid_write([sys.executable, "-c", SAVE, str(db), "60000"], db, wal_bytes=500_000)
    assert _integrity(db) == "ok"
    assert _snapshot(db) == before
    with Workspace.open(db) as ws:
        assert [v.number for v in ws.schedule_versions(pid)] == [1]
        assert ws.load_schedule(pid) == ws.load_schedule(pid, 1)


def test_kill_during_an_export_leaves_no_half_file(tmp_path, xl_path):
    db = tmp_path / "programs.db"
    with Workspace.open(db) as ws:
        ws.import_scenario(read_scenario(xl_path))
    before = _snapshot(db)
    out = tmp_path / "out" / "scenario.json"
    out.parent.mkdir()
    # The file is written for a few milliseconds only: try a few times to kill it then.
    for _attempt in range(8):
        proc = subprocess.Popen(
            [sys.executable, "-m", "exchange_app", "--db", str(db), "export", "scenario", "--out", str(out)],
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            while proc.poll() is None and not list(out.parent.glob(".scenario.json.*.tmp")):
                time.sleep(0.0005)
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()
        if proc.returncode == -signal.SIGKILL:
            break
        out.unlink()  # finished before the kill: again
    else:
        pytest.fail("the export always finished before it could be killed")
    if out.exists():  # the kill came after the move into place: then the file is whole
        assert len(read_scenario(out).officials) == 2000
    assert _integrity(db) == "ok" and _snapshot(db) == before
