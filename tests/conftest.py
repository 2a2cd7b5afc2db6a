"""Fixtures shared by every test package."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from tests.live_servers import radicale, smtp_server, temp_keyring  # noqa: F401 (fixtures: real servers on loopback)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"
# A copy of ../shared/tools/make_scenario.py, so tests never depend on a folder outside the clone.
GENERATOR = DATA / "make_scenario.py"


@pytest.fixture(autouse=True)
def _user_data_folder_in_tmp(tmp_path_factory, monkeypatch):
    """The app's per-user folder (platformdirs: demo database, PostgreSQL backups, saved
    sheet columns) is a temp folder, so tests never write into the home folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("user-data")))


@pytest.fixture
def data_dir() -> Path:
    """tests/data: copies of the shared sample programs (sample-tiny/small/medium.json) and generator."""
    return DATA


@pytest.fixture
def tiny_path() -> Path:
    return DATA / "sample-tiny.json"


@pytest.fixture
def small_path() -> Path:
    return DATA / "sample-small.json"


@pytest.fixture
def medium_path() -> Path:
    return DATA / "sample-medium.json"


def _postgres_url() -> str | None:
    return os.environ.get("EXCHANGE_TEST_PG_URL") or None


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A fresh, empty database: an SQLite file, and a new database on the test PostgreSQL
    server (EXCHANGE_TEST_PG_URL, started by ./dev test) when one is running."""
    if request.param == "sqlite":
        yield str(tmp_path / "program.db")
        return
    admin = _postgres_url()
    if not admin:
        pytest.skip("PostgreSQL tests skipped: no server (set EXCHANGE_TEST_PG_URL or install postgresql)")
    import sqlalchemy as sa

    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with engine.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
