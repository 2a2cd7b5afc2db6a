"""PostgreSQL passwords never shown (and kept out of URLs); a full disk never loses a solve;
``--out`` writes through links and refuses devices; ``solve | head`` ends cleanly."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from keyring.backend import KeyringBackend

from exchange_app.cli import main
from exchange_app.errors import DiskFullError, ResultNotStoredError, ServerUnavailableError
from exchange_app.io import atomic
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace
from exchange_app.storage import engine as storage_engine
from tests.storage.helpers import hand_schedule

ROOT = Path(__file__).resolve().parents[2]
SECRET = "S3cret-Pw-917"


def _pg_admin() -> str:
    url = os.environ.get("EXCHANGE_TEST_PG_URL")
    if not url:
        pytest.skip("PostgreSQL tests skipped: no server (set EXCHANGE_TEST_PG_URL or install postgresql)")
    return url


def _with_password(url: str, **parts: str) -> str:
    return sa.engine.make_url(url).set(password=SECRET, **parts).render_as_string(hide_password=False)


# --------------------------------------------------------------------------- secrets


def test_a_stopped_server_is_words_without_the_password(capsys):
    url = f"postgresql://staff:{SECRET}@127.0.0.1:1/exchange"  # nothing listens on port 1
    with pytest.raises(ServerUnavailableError, match=r"The server at 127.0.0.1:1 does not answer") as e:
        Workspace.open(url)
    assert SECRET not in str(e.value)
    assert main(["--db", url, "programs"]) == 5
    captured = capsys.readouterr()
    assert "does not answer" in captured.err and SECRET not in captured.err + captured.out


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://staff:{SECRET}@db.example.org:notaport/exchange",
        f"postgresql://staff:{SECRET}@[::1/exchange",
        f"mysql://staff:{SECRET}@db.example.org/exchange",
    ],
)
def test_a_malformed_url_never_shows_the_password(url, capsys):
    assert main(["--db", url, "programs"]) == 2
    captured = capsys.readouterr()
    assert "--db" in captured.err and SECRET not in captured.err + captured.out and "***" in captured.err


def test_the_password_is_masked_on_a_real_server(tiny_path, db_url, capsys):
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    url = _with_password(db_url)  # the test server trusts 127.0.0.1, so any password logs in
    assert main(["--db", url, "import", str(tiny_path)]) == 0
    assert main(["--db", url, "programs"]) == 0
    assert main(["--db", _with_password(db_url, database="no_such_db"), "programs"]) == 5
    captured = capsys.readouterr()
    assert "(12 officials, seed 1)" in captured.out
    assert "has no database named 'no_such_db'" in captured.err
    assert SECRET not in captured.out + captured.err
    with Workspace.open(url) as ws:
        assert SECRET not in ws.url and SECRET not in repr(ws)


class MemoryKeyring(KeyringBackend):
    """A keyring backend kept in memory (the keyring package's own backend interface)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def memory_keyring(monkeypatch):
    import keyring

    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    try:
        yield ring
    finally:
        keyring.set_keyring(previous)


def test_the_password_comes_from_the_keyring(memory_keyring, monkeypatch, capsys):
    url = "postgresql://staff@db.example.org:6543/exchange"
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: SECRET)
    assert main(["--db", url, "password"]) == 0
    assert "Kept the password for staff@db.example.org:6543/exchange" in capsys.readouterr().out
    assert memory_keyring.items == {("exchange-scheduler", "staff@db.example.org:6543/exchange"): SECRET}
    engine = storage_engine.make_engine(url)
    assert engine.url.password == SECRET  # used for the login (and pg_dump's PGPASSWORD)
    assert SECRET not in engine.url.render_as_string(hide_password=True)
    engine.dispose()


def test_the_keyring_password_logs_in_on_a_real_server(memory_keyring, db_url, tiny_path):
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    bare = sa.engine.make_url(db_url).set(drivername="postgresql")
    storage_engine.save_keyring_password(bare, SECRET)
    with Workspace.open(db_url) as ws:
        assert ws.engine.url.password == SECRET
        ws.import_scenario(read_scenario(tiny_path))
        assert [p.officials for p in ws.programs()] == [12]


# --------------------------------------------------------------------------- full disk


def _fill(folder: Path, leave: int) -> Path:
    """Fill the disk of ``folder`` up to ``leave`` bytes free."""
    filler = folder / "filler"
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError as e:
            assert e.errno == errno.ENOSPC
        os.ftruncate(f.fileno(), max(0, filler.stat().st_size - leave))
    return filler


def test_a_solve_is_refused_before_it_starts_when_the_disk_is_nearly_full(small_mount, tiny_path, capsys):
    db = small_mount / "programs.db"
    with Workspace.open(db) as ws:
        ws.import_scenario(read_scenario(tiny_path))
    _fill(small_mount, 120_000)
    assert main(["--db", str(db), "solve", "--time-limit", "1"]) == 5
    err = capsys.readouterr().err
    assert "Not enough free space for a solve" in err and "Traceback" not in err
    with Workspace.open(db) as ws:
        assert ws.schedule_versions(ws.programs()[0].id) == []


def test_a_failed_backup_is_said_and_the_solve_is_stored(small_mount, tiny_path):
    db = small_mount / "programs.db"
    with Workspace.open(db) as ws:
        pid = ws.import_scenario(read_scenario(tiny_path))
        schedule = hand_schedule(ws.load_scenario(pid))
        _fill(small_mount, 400_000)  # room for the schedule, not for a backup plus its margin
        number = ws.save_schedule(pid, schedule, "solve")
        assert number == 1 and ws.load_schedule(pid, 1).sessions == schedule.sessions
        assert any("No backup was made before storing the solve" in n for n in ws.notices)
        assert not (small_mount / "backups").exists() or not list((small_mount / "backups").glob("*.db"))


def test_a_solve_that_cannot_be_stored_goes_to_a_schedule_file(small_mount, tiny_path, capsys):
    db = small_mount / "programs.db"
    with Workspace.open(db) as ws:
        pid = ws.import_scenario(read_scenario(tiny_path))
        schedule = hand_schedule(ws.load_scenario(pid))
        filler = _fill(small_mount, 0)
        with pytest.raises(ResultNotStoredError) as e:
            ws.save_schedule(pid, schedule, "solve")
        saved = Path(e.value.saved_to)
        assert saved.is_file() and "import it with" in str(e.value)
    filler.unlink()
    assert main(["--db", str(db), "import", str(saved)]) == 0  # nothing of the solve was lost
    with Workspace.open(db) as ws:
        assert ws.load_schedule(pid).sessions == schedule.sessions


def test_a_disk_full_backup_is_words(small_mount, tiny_path):
    db = small_mount / "programs.db"
    with Workspace.open(db) as ws:
        ws.import_scenario(read_scenario(tiny_path))
        _fill(small_mount, 50_000)
        from exchange_app.services import backups

        with pytest.raises(DiskFullError, match="Not enough free space for a backup"):
            backups.back_up(ws)


# --------------------------------------------------------------------------- --out


def test_out_through_a_symlink_writes_its_target(tmp_path, tiny_path):
    db = str(tmp_path / "p.db")
    assert main(["--db", db, "import", str(tiny_path)]) == 0
    real = tmp_path / "real" / "scenario.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert main(["--db", db, "export", "scenario", "--out", str(link)]) == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert read_scenario(real) == read_scenario(tiny_path)


@pytest.mark.parametrize("target", ["/dev/null", "/dev/new-file.json", "/proc/self/x.json", "FOLDER"])
def test_out_refuses_devices_and_system_folders(tmp_path, tiny_path, target, capsys):
    db = str(tmp_path / "p.db")
    assert main(["--db", db, "import", str(tiny_path)]) == 0
    target = str(tmp_path) if target == "FOLDER" else target
    before = os.stat("/dev/null") if target == "/dev/null" else None
    assert main(["--db", db, "export", "scenario", "--out", target]) == 2
    assert "Refused to write" in capsys.readouterr().err
    if before is not None:
        after = os.stat("/dev/null")
        assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert not Path("/dev/new-file.json").exists()


def test_out_dev_stdout_is_a_stream(tmp_path, tiny_path):
    db = str(tmp_path / "p.db")
    assert main(["--db", db, "import", str(tiny_path)]) == 0
    before = os.lstat("/dev/stdout")
    run = subprocess.run(
        [sys.executable, "-m", "exchange_app", "--db", db, "export", "scenario", "--out", "/dev/stdout"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    assert run.stdout.startswith("{") and '"format": "exchange-scenario/1"' in run.stdout
    assert "Wrote scenario" in run.stderr  # the report stays out of the data
    after = os.lstat("/dev/stdout")
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)


def test_sync_all_flushes_only_the_files_written_without_fsync(tmp_path, monkeypatch):
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "sync", lambda: pytest.fail("os.sync() waits for the whole machine"))

    def fsync(fd: int) -> None:
        synced.append(os.fstat(fd).st_ino)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    paths = [tmp_path / f"f{i}.ics" for i in range(3)]
    for p in paths:
        atomic.write_bytes(p, b"x", fsync=False)
    assert synced == [] and atomic.pending() == sorted(paths)
    atomic.sync_all()
    assert {p.stat().st_ino for p in paths} | {tmp_path.stat().st_ino} == set(synced)
    assert atomic.pending() == []


# --------------------------------------------------------------------------- pipes


def test_solve_into_a_closed_pipe_ends_cleanly(tmp_path, tiny_path):
    db = str(tmp_path / "p.db")
    assert main(["--db", db, "import", str(tiny_path)]) == 0
    cmd = f"{sys.executable} -m exchange_app --db {db} solve --time-limit 2 | head -1"
    run = subprocess.run(
        ["bash", "-c", cmd], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    assert run.returncode == 0 and run.stdout.startswith("Status:")
    assert "Traceback" not in run.stderr and "BrokenPipeError" not in run.stderr
    with Workspace.open(db) as ws:
        assert [v.number for v in ws.schedule_versions(ws.programs()[0].id)] == [1]  # stored all the same
