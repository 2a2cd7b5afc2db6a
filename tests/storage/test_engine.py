"""Database locations: file paths, URLs, the default file; SQLite pragmas."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from exchange_app.errors import InputError
from exchange_app.services import Workspace
from exchange_app.storage.engine import database_url, default_database_path, make_engine, sqlite_path


def test_a_path_is_an_sqlite_file(tmp_path):
    url = database_url(tmp_path / "x" / "p.db")
    assert url.get_backend_name() == "sqlite"
    assert sqlite_path(url) == (tmp_path / "x" / "p.db").resolve()
    assert database_url(f"sqlite:///{tmp_path}/q.db").database == f"{tmp_path}/q.db"


@pytest.mark.parametrize(
    "given", ["postgresql://staff@db.example.org/exchange", "postgres://staff@db.example.org/exchange"]
)
def test_postgresql_urls_use_psycopg_3(given):
    url = database_url(given)
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.database, url.username) == ("db.example.org", "exchange", "staff")


def test_other_databases_are_refused():
    with pytest.raises(InputError, match="unsupported database 'mysql'"):
        database_url("mysql://root@localhost/x")


def test_default_file_is_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_database_path() == tmp_path / "exchange-scheduler" / "programs.db"
    with Workspace.open(None) as ws:
        assert ws.path == (tmp_path / "exchange-scheduler" / "programs.db").resolve()
        assert ws.path.exists()


def test_sqlite_pragmas_on_every_connection(tmp_path):
    engine = make_engine(tmp_path / "p.db")
    try:
        for _ in range(2):
            with engine.connect() as c:
                assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
            engine.dispose()
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced(db_url):
    with Workspace.open(db_url) as ws, pytest.raises(sa.exc.IntegrityError):
        with ws.engine.begin() as c:
            c.execute(
                sa.text("INSERT INTO topics (program_id, ext_id, position, name) VALUES (4242, 't', 0, 'T')")
            )


def test_workspace_url_hides_the_password():
    ws = Workspace(sa.create_engine("postgresql+psycopg://staff:secret@db.example.org/exchange"))
    assert "secret" not in ws.url and ws.path is None
    ws.close()
