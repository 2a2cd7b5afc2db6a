"""Alembic head matches the ORM; upgrades run on open, after the backup hook."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace
from exchange_app.storage import migrate
from exchange_app.storage.models import Base


def test_head_matches_the_models(db_url):
    with Workspace.open(db_url) as ws, ws.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(ctx, Base.metadata) == []


def test_opening_an_up_to_date_database_does_not_migrate_or_back_up(db_url, monkeypatch):
    calls = []
    monkeypatch.setattr(migrate, "back_up_before_migrating", lambda *a: calls.append(a))
    Workspace.open(db_url).close()  # new database: nothing to back up
    upgrades = []
    monkeypatch.setattr(migrate.command, "upgrade", lambda *a: upgrades.append(a))
    Workspace.open(db_url).close()
    assert calls == [] and upgrades == []


def test_backup_hook_runs_before_an_existing_database_is_migrated(tmp_path, tiny_path, monkeypatch):
    db = tmp_path / "old.db"
    with Workspace.open(db) as ws:
        ws.import_scenario(read_scenario(tiny_path))
    events = []
    current = migrate.head_revision()  # what the database was made at (any engineer's head)
    monkeypatch.setattr(migrate, "head_revision", lambda: "9999_future")
    monkeypatch.setattr(
        migrate,
        "back_up_before_migrating",
        lambda engine, current, head: events.append(("backup", Path(engine.url.database), current, head)),
    )
    monkeypatch.setattr(migrate.command, "upgrade", lambda cfg, target: events.append(("upgrade", target)))
    Workspace.open(db).close()
    assert events == [("backup", db.resolve(), current, "9999_future"), ("upgrade", "head")]


def test_a_failing_backup_stops_the_migration(tmp_path, monkeypatch):
    db = tmp_path / "old.db"
    Workspace.open(db).close()
    monkeypatch.setattr(migrate, "head_revision", lambda: "9999_future")

    def refuse(*_):
        raise OSError("backup folder is read-only")

    upgrades = []
    monkeypatch.setattr(migrate, "back_up_before_migrating", refuse)
    monkeypatch.setattr(migrate.command, "upgrade", lambda *a: upgrades.append(a))
    with pytest.raises(OSError, match="read-only"):
        Workspace.open(db)
    assert upgrades == []


def test_downgrade_to_empty_and_up_again(tmp_path):
    db = tmp_path / "p.db"
    with Workspace.open(db) as ws, ws.engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "base")
        assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
    with Workspace.open(db) as ws:
        assert ws.programs() == []
        assert set(sa.inspect(ws.engine).get_table_names()) >= set(Base.metadata.tables)


def test_a_database_from_a_newer_app_is_refused_untouched(tmp_path, monkeypatch):
    from exchange_app.errors import ExchangeError

    db = tmp_path / "newer.db"
    with Workspace.open(db) as ws, ws.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0042_from_the_future'"))
    backups = []
    monkeypatch.setattr(migrate, "back_up_before_migrating", lambda *a: backups.append(a))
    with pytest.raises(ExchangeError, match="newer version of Exchange Scheduler.*0042_from_the_future"):
        Workspace.open(db)
    assert backups == []
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert migrate.current_revision(conn) == "0042_from_the_future"
    engine.dispose()


def test_several_apps_opening_a_new_database_at_once(db_url):
    """An app and the CLI (or two apps on a team database) may create the tables together."""
    import os
    import subprocess
    import sys

    code = "import sys; from exchange_app.services import Workspace; Workspace.open(sys.argv[1]).close()"
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": root}
    procs = [
        subprocess.Popen([sys.executable, "-c", code, db_url], stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(4)
    ]
    errors = [p.communicate()[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], "\n".join(errors)
    with Workspace.open(db_url) as ws:
        assert ws.programs() == []
