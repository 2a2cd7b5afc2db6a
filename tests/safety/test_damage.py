"""A damaged, foreign, newer or read-only database: words naming the file and what to do,
never a traceback; a damaged file is never backed up and never rotates a good backup out."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from exchange_app.cli import main
from exchange_app.errors import (
    DamagedDatabaseError,
    NewerDatabaseError,
    NotADatabaseError,
    ReadOnlyDatabaseError,
    StorageError,
)
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace, backups
from exchange_app.storage.engine import file_mode
from exchange_app.storage.health import quick_check

ROOT = Path(__file__).resolve().parents[2]
PAGE = 4096


def _damage(db: Path) -> None:
    """Overwrite pages in the middle of the file (the header stays), as the probe did."""
    size = db.stat().st_size
    assert size > 12 * PAGE
    with open(db, "r+b") as f:
        for page in range(3, size // PAGE - 1, 3):
            f.seek(page * PAGE)
            f.write(b"\xa5" * PAGE)
    assert quick_check(db) is not None


@pytest.fixture
def good_db(tmp_path, small_path) -> Path:
    db = tmp_path / "programs.db"
    with Workspace.open(db) as ws:
        ws.import_scenario(read_scenario(small_path))
        for _ in range(3):
            backups.back_up(ws, keep=3)
    return db


def test_a_damaged_file_is_never_backed_up_and_keeps_the_good_backups(good_db, capsys):
    good = [i.path for i in backups.list_backups(good_db)]
    assert len(good) == 3
    _damage(good_db)
    for _ in range(3):  # the probe's three 'backups --now' (keep 3)
        assert main(["--db", str(good_db), "backups", "--now", "--keep", "3"]) == 5
        err = capsys.readouterr().err
        assert f"{good_db} is damaged" in err and f"Newest good backup: {good[0].name}" in err
        assert f"restore {good[0].name}" in err and "Traceback" not in err
    assert [i.path for i in backups.list_backups(good_db)] == good
    assert all(quick_check(p) is None for p in good)
    # listing still works on the damaged file
    assert main(["--db", str(good_db), "backups"]) == 0
    assert good[0].name in capsys.readouterr().out


@pytest.mark.parametrize(
    "command",
    [
        ["programs"],
        ["versions"],
        ["check"],
        ["import", "tests/data/sample-tiny.json"],
        ["export", "scenario", "--out", "OUT/s.json"],
        ["export", "ics", "--out", "OUT/ics"],
        ["solve", "--time-limit", "1"],
    ],
)
def test_every_command_on_a_damaged_file_says_damaged_with_the_backup(good_db, tmp_path, command, capsys):
    _damage(good_db)
    before = good_db.read_bytes()
    args = [str(ROOT / a) if a.startswith("tests/") else a.replace("OUT", str(tmp_path)) for a in command]
    assert main(["--db", str(good_db), *args]) == 5
    err = capsys.readouterr().err
    assert (
        f"{good_db} is damaged" in err and "Newest good backup: programs." in err and "Traceback" not in err
    )
    assert good_db.read_bytes() == before  # nothing written into it


def test_restore_latest_repairs_a_damaged_file(good_db, small_path, capsys):
    _damage(good_db)
    newest = backups.list_backups(good_db)[0]
    assert main(["--db", str(good_db), "restore", "latest"]) == 0
    out = capsys.readouterr().out
    assert f"Restored {newest.name}" in out and "damaged file was moved to" in out
    assert quick_check(good_db) is None
    with Workspace.open(good_db) as ws:
        assert [p.officials for p in ws.programs()] == [len(read_scenario(small_path).officials)]
    (moved,) = (good_db.parent / "backups" / "damaged").glob("programs.*.damaged.db")
    assert quick_check(moved) is not None  # kept for a closer look, not counted as a backup
    assert newest.path in [i.path for i in backups.list_backups(good_db)]


def test_damage_found_in_the_middle_of_a_session_is_words(good_db, small_path):
    ws = Workspace.open(good_db)
    try:
        ws.engine.dispose()  # the open app between two actions holds no page of the file
        _damage(good_db)
        with pytest.raises(DamagedDatabaseError) as e:
            ws.import_scenario(read_scenario(small_path))
        assert e.value.good_backups and "Newest good backup" in str(e.value)
        with pytest.raises(StorageError):  # a read of a damaged page: words too
            for p in ws.programs():
                ws.load_scenario(p.id)
            ws.check_sound()
    finally:
        ws.close()


def test_a_foreign_sqlite_file_is_refused_and_left_unchanged(tmp_path, capsys):
    other = tmp_path / "photos.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE albums (id INTEGER PRIMARY KEY, title TEXT)")
    con.execute("INSERT INTO albums (title) VALUES ('Summer')")
    con.commit()
    con.close()
    before = other.read_bytes()
    with pytest.raises(NotADatabaseError, match="is not an Exchange Scheduler database"):
        Workspace.open(other)
    assert main(["--db", str(other), "programs"]) == 5
    assert "holds other tables: albums" in capsys.readouterr().err
    assert other.read_bytes() == before
    con = sqlite3.connect(other)
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["albums"]
    con.close()


def test_a_database_from_a_newer_version_is_refused_in_words(tmp_path, tiny_path, capsys):
    db = tmp_path / "programs.db"
    with Workspace.open(db) as ws:
        ws.import_scenario(read_scenario(tiny_path))
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '0099_future'")
    con.commit()
    con.close()
    with pytest.raises(NewerDatabaseError, match="written by a newer version"):
        Workspace.open(db)
    assert main(["--db", str(db), "programs"]) == 5
    err = capsys.readouterr().err
    assert "schema 0099_future" in err and "Update the app" in err and "Traceback" not in err


def test_new_database_and_backups_are_private(tmp_path, tiny_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    from exchange_app.storage.engine import data_dir, default_database_path

    with Workspace.open(None) as ws:  # the default database in the user data folder
        ws.import_scenario(read_scenario(tiny_path))
        made = backups.back_up(ws)
    db = default_database_path()
    assert file_mode(db) == 0o600
    for side in ("-wal", "-shm"):
        p = db.with_name(db.name + side)
        assert not p.exists() or file_mode(p) == 0o600
    assert file_mode(data_dir()) == 0o700
    assert file_mode(made.path.parent) == 0o700 and file_mode(made.path) == 0o600
    elsewhere = tmp_path / "team" / "p.db"
    with Workspace.open(elsewhere):
        pass
    assert file_mode(elsewhere) == 0o600


def test_a_database_on_a_read_only_mount_opens_read_only(small_mount, tiny_path, tmp_path, capsys):
    db = small_mount / "programs.db"
    with Workspace.open(db) as ws:
        ws.import_scenario(read_scenario(tiny_path))
    subprocess.run(["mount", "-o", "remount,ro", str(small_mount)], check=True)
    with Workspace.open(db) as ws:
        assert ws.read_only and "opened read-only" in ws.notices[0]
        (info,) = ws.programs()
        assert ws.load_scenario(info.id).program.name == read_scenario(tiny_path).program.name
        with pytest.raises(ReadOnlyDatabaseError, match="read-only"):
            ws.delete_program(info.id)
    assert main(["--db", str(db), "programs"]) == 0
    captured = capsys.readouterr()
    assert "(12 officials, seed 1)" in captured.out and "opened read-only" in captured.err
    assert main(["--db", str(db), "export", "scenario", "--out", str(tmp_path / "s.json")]) == 0
    assert main(["--db", str(db), "import", str(tiny_path)]) == 5
    assert "read-only" in capsys.readouterr().err
