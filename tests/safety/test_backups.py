"""Backups: made, kept N, listed, restored (SQLite and PostgreSQL), from the CLI too."""

from __future__ import annotations

import sqlite3

import pytest

from exchange_app.cli import main
from exchange_app.errors import LockedError, NotFoundError
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace, backups
from exchange_app.storage import backup as store
from exchange_app.storage import migrate
from exchange_app.storage.lock import DatabaseLock


def _names(ws) -> list[str]:
    return sorted(p.name for p in ws.programs())


def _needs_pg_dump(db_url):
    if db_url.startswith("postgresql") and not backups.pg_dump_available():
        pytest.skip("pg_dump is not installed: PostgreSQL relies on the server's own backups")


def test_backup_then_restore_brings_the_data_back(db_url, tiny_path, small_path):
    _needs_pg_dump(db_url)
    with Workspace.open(db_url) as ws:
        pid = ws.import_scenario(read_scenario(tiny_path))
        before = ws.load_scenario(pid)
        made = backups.back_up(ws)
        assert made is not None and made.path.exists() and made.reason == "manual"
        ws.delete_program(pid)
        ws.import_scenario(read_scenario(small_path))
        assert [p.officials for p in ws.programs()] == [40]
        result = backups.restore(ws, made.name)
        assert result.restored.path == made.path and result.safety is not None
        assert [p.officials for p in ws.programs()] == [12]
        (again,) = ws.programs()
        assert ws.load_scenario(again.id) == before
        # the state before the restore was kept, and restoring it undoes the restore
        backups.restore(ws, result.safety.path)
        assert [p.officials for p in ws.programs()] == [40]


def test_sqlite_backup_is_a_sound_standalone_file(tmp_path, tiny_path):
    db = tmp_path / "programs.db"
    with Workspace.open(db) as ws:
        ws.import_scenario(read_scenario(tiny_path))
        made = backups.back_up(ws, "before-solve")
    assert made.path.parent == tmp_path / "backups"
    assert made.path.name.startswith("programs.") and made.path.name.endswith(".before-solve.db")
    assert store.integrity_problem(made.path) is None
    con = sqlite3.connect(made.path)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert con.execute("SELECT count(*) FROM programs").fetchone()[0] == 1
    finally:
        con.close()
    assert not list((tmp_path / "backups").glob(".*.tmp"))


def test_only_the_newest_n_are_kept(tmp_path, tiny_path, monkeypatch):
    db = tmp_path / "programs.db"
    with Workspace.open(db) as ws:
        ws.import_scenario(read_scenario(tiny_path))
        made = [backups.back_up(ws, keep=3) for _ in range(5)]
        listed = backups.list_backups(ws)
        assert [i.path for i in listed] == [m.path for m in reversed(made[2:])]
        monkeypatch.setenv("EXCHANGE_BACKUPS_KEEP", "2")
        backups.back_up(ws)
        assert len(backups.list_backups(ws)) == 2


def test_restore_latest_and_unknown_names(tmp_path, tiny_path):
    with Workspace.open(tmp_path / "p.db") as ws:
        with pytest.raises(NotFoundError):
            backups.restore(ws, "latest")
        pid = ws.import_scenario(read_scenario(tiny_path))
        backups.back_up(ws)
        ws.delete_program(pid)
        with pytest.raises(NotFoundError, match="no-such"):
            backups.restore(ws, "no-such.db")
        backups.restore(ws, "latest")
        assert len(ws.programs()) == 1


def test_restore_refuses_a_damaged_backup(tmp_path, tiny_path):
    with Workspace.open(tmp_path / "p.db") as ws:
        ws.import_scenario(read_scenario(tiny_path))
        made = backups.back_up(ws)
        made.path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
        with pytest.raises(store.BackupError, match="not a sound database"):
            backups.restore(ws, made.name)
        assert len(ws.programs()) == 1


def test_restore_is_refused_while_an_app_holds_the_file(tmp_path, tiny_path):
    db = tmp_path / "p.db"
    with Workspace.open(db) as ws:
        ws.import_scenario(read_scenario(tiny_path))
        backups.back_up(ws)
        with DatabaseLock.acquire(db):
            with pytest.raises(LockedError):
                backups.restore(ws, "latest")
            backups.restore(ws, "latest", lock_held=True)  # the app holding the lock may


def test_backup_before_migrating_an_existing_database(tmp_path, tiny_path, monkeypatch):
    db = tmp_path / "old.db"
    with Workspace.open(db) as ws:
        ws.import_scenario(read_scenario(tiny_path))
        assert backups.list_backups(ws) == []
    monkeypatch.setattr(migrate, "head_revision", lambda: "9999_future")
    monkeypatch.setattr(migrate.command, "upgrade", lambda cfg, target: None)
    Workspace.open(db).close()
    (made,) = store.list_backups(db)
    assert made.reason == "before-migration" and store.integrity_problem(made.path) is None


def test_cli_backups_and_restore(tmp_path, tiny_path, capsys):
    db = str(tmp_path / "p.db")
    assert main(["--db", db, "backups"]) == 0
    assert "No backups yet" in capsys.readouterr().out
    assert main(["--db", db, "import", str(tiny_path)]) == 0
    assert main(["--db", db, "backups", "--now"]) == 0
    out = capsys.readouterr().out
    assert "manual" in out and ".manual.db" in out
    with Workspace.open(db) as ws:
        ws.delete_program(ws.programs()[0].id)
    assert main(["--db", db, "restore", "latest"]) == 0
    assert "Restored p." in capsys.readouterr().out
    with Workspace.open(db) as ws:
        assert [p.officials for p in ws.programs()] == [12]
    assert main(["--db", db, "restore", "nothing-like-this"]) == 1
    with DatabaseLock.acquire(db):
        assert main(["--db", db, "restore", "latest"]) == 4
        assert "already open" in capsys.readouterr().err


def test_a_solve_that_stores_a_version_is_backed_up_first(tmp_path, tiny_path):
    from exchange_app.services.solving import SolveOptions, solve_program

    db = tmp_path / "p.db"
    with Workspace.open(db) as ws:
        pid = ws.import_scenario(read_scenario(tiny_path))
        outcome = solve_program(ws, pid, SolveOptions(time_limit=2, workers=1))
        (made,) = backups.list_backups(ws)
        assert made.reason == "before-solve" and outcome.version == 1
    con = sqlite3.connect(made.path)
    try:  # the backup holds the state before the new version
        assert con.execute("SELECT count(*) FROM schedule_versions").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM programs").fetchone()[0] == 1
    finally:
        con.close()


def test_every_stored_solve_is_backed_up_but_not_edits(tmp_path, tiny_path):
    from tests.storage.helpers import hand_schedule

    with Workspace.open(tmp_path / "p.db") as ws:
        sc = read_scenario(tiny_path)
        pid = ws.import_scenario(sc)
        ws.save_schedule(pid, hand_schedule(sc), "edit")
        assert backups.list_backups(ws) == []
        ws.save_schedule(pid, hand_schedule(sc), "solve")  # what the board's Solve does
        ws.save_schedule(pid, hand_schedule(sc), "re-solve")
        assert [b.reason for b in backups.list_backups(ws)] == ["before-solve", "before-solve"]


def test_pg_tools_get_the_password_from_the_environment_not_the_command_line():
    from sqlalchemy.engine import make_url

    url = make_url("postgresql+psycopg://maria:s3cret@db.example.org:5433/exchange")
    assert store.libpq_url(url) == "postgresql://maria@db.example.org:5433/exchange"
    assert store.libpq_env(url)["PGPASSWORD"] == "s3cret"
