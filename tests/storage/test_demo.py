"""The bundled demo program, refreshed into the user data folder."""

from __future__ import annotations

import pytest

from exchange_app.errors import LockedError
from exchange_app.services import Workspace, demo_database
from exchange_app.storage.lock import DatabaseLock


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    return tmp_path


def test_demo_database_holds_the_demo_program(data_home):
    path = demo_database()
    assert path.is_relative_to(data_home / "exchange-scheduler")
    with Workspace.open(path) as ws:
        [info] = ws.programs()
        assert info.officials > 0 and info.hosts > 0
        ws.delete_program(info.id)
    assert demo_database() == path  # refreshed
    with Workspace.open(path) as ws:
        assert len(ws.programs()) == 1
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []


def test_a_demo_open_in_an_app_is_not_replaced(data_home):
    path = demo_database()
    with Workspace.open(path) as ws:
        ws.delete_program(ws.programs()[0].id)
    with DatabaseLock.acquire(path):
        with pytest.raises(LockedError):
            demo_database()
    with Workspace.open(path) as ws:
        assert ws.programs() == []  # the open one was left alone
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".demo")] == []
