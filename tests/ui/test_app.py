"""Starting the app: database lock, program choice, empty database, recent files."""

from __future__ import annotations

import pytest

from exchange_app.domain import PersonKind
from exchange_app.errors import LockedError
from exchange_app.services import Workspace, import_file
from exchange_app.storage.lock import DatabaseLock
from ui.app import create_main_window, run
from ui.main_window import ProgramChooser, recent_databases


@pytest.fixture
def db_with(tmp_path):
    """A database file holding the given scenario files (one program each)."""

    def make(*paths) -> str:
        db = tmp_path / "programs.db"
        with Workspace.open(db) as ws:
            for p in paths:
                import_file(ws, p)
        return str(db)

    return make


def test_opens_the_only_program_and_holds_the_lock(qtbot, db_with, small_path, message_boxes):
    db = db_with(small_path)
    window = create_main_window(db)
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert window.program_id is not None
        assert window.people_tabs and window.scenario.program.name.startswith("2026")
        assert recent_databases()[0] == db
        with pytest.raises(LockedError):
            DatabaseLock.acquire(db)
    finally:
        window.close()
    DatabaseLock.acquire(db).release()  # closing the window released it


def test_a_locked_database_is_refused_with_the_holders_name(qapp, db_with, small_path, message_boxes):
    db = db_with(small_path)
    held = DatabaseLock.acquire(db)
    try:
        with pytest.raises(LockedError) as info:
            DatabaseLock.acquire(db)
        assert run(db, demo=False) == 1
    finally:
        held.release()
    assert message_boxes[-1] == ("critical", "Database in use", str(info.value))


def test_several_programs_ask_which_one(qtbot, db_with, small_path, tiny_path, monkeypatch, message_boxes):
    db = db_with(small_path, tiny_path)
    offered = []

    def choose(cls, parent, programs):
        offered.extend(p.name for p in programs)
        return programs[1].id

    monkeypatch.setattr(ProgramChooser, "ask", classmethod(choose))
    window = create_main_window(db)
    qtbot.addWidget(window)
    try:
        assert len(offered) == 2
        assert window.scenario.program.name == offered[1]
        assert window.switch_program_action.isEnabled()
    finally:
        window.close()


def test_cancelling_the_program_choice_opens_nothing(
    db_with, small_path, tiny_path, monkeypatch, message_boxes
):
    db = db_with(small_path, tiny_path)
    monkeypatch.setattr(ProgramChooser, "ask", classmethod(lambda cls, parent, programs: None))
    assert create_main_window(db) is None
    DatabaseLock.acquire(db).release()  # not left locked


def test_empty_database_opens_the_inviting_window(qtbot, tmp_path, message_boxes):
    window = create_main_window(str(tmp_path / "new.db"))
    qtbot.addWidget(window)
    try:
        assert window.program_id is None
        assert window.pages.currentWidget() is window.empty_page
    finally:
        window.close()


def test_open_and_new_database_switch_the_window_and_the_lock(
    qtbot, db_with, small_path, tmp_path, monkeypatch, message_boxes
):
    from ui.main_window import MainWindow

    first = db_with(small_path)
    window = create_main_window(first)
    qtbot.addWidget(window)
    try:
        second = str(tmp_path / "second")
        monkeypatch.setattr(
            MainWindow, "ask_save_file", staticmethod(lambda parent, caption, filters: second)
        )
        # an edit on the undo stack first: File > New database once raised
        # "NotFoundError: There is no program with id 1" (the status bar asked the new database)
        tab = window.people_tabs[PersonKind.OFFICIAL]
        tab.select(window.scenario.officials[0].id)
        tab.editor.name_edit.setText("Someone Else")
        tab.editor.save()
        assert not window.undo_stack.isClean()
        window.new_db_action.trigger()
        from ui.operations import wait_all

        wait_all()
        assert window.ws.path.name == "second.db" and window.program_id is None
        assert not [m for m in message_boxes if m[0] in ("warning", "critical")], message_boxes
        DatabaseLock.acquire(first).release()  # the first database is free again
        with pytest.raises(LockedError):
            DatabaseLock.acquire(second + ".db")
        monkeypatch.setattr(MainWindow, "ask_open_file", staticmethod(lambda parent, caption, filters: first))
        window.open_db_action.trigger()
        assert str(window.ws.path) == first and window.program_id is not None
        assert recent_databases()[:2] == [first, second + ".db"]
    finally:
        window.close()


def test_opening_a_database_someone_holds_keeps_the_current_one(
    qtbot, db_with, small_path, tmp_path, monkeypatch, message_boxes
):
    from ui.main_window import MainWindow

    first = db_with(small_path)
    window = create_main_window(first)
    qtbot.addWidget(window)
    other = tmp_path / "other.db"
    Workspace.open(other).close()
    held = DatabaseLock.acquire(other)
    try:
        monkeypatch.setattr(
            MainWindow, "ask_open_file", staticmethod(lambda parent, caption, filters: str(other))
        )
        window.open_db_action.trigger()
        assert message_boxes[-1][:2] == ("warning", "Database in use")
        assert str(window.ws.path) == first and window.program_id is not None
    finally:
        held.release()
        window.close()


def test_the_demo_says_so_in_the_title_and_is_not_a_recent_file(qtbot, db_with, small_path, message_boxes):
    db = db_with(small_path)
    window = create_main_window(db, demo=True)
    qtbot.addWidget(window)
    try:
        assert "(demo)" in window.windowTitle()
        window.reload()
        assert "(demo)" in window.windowTitle()
        assert db not in recent_databases()
    finally:
        window.close()


def test_without_a_display_the_app_says_so():
    from ui.app import missing_display

    why = missing_display({}, "linux")
    assert why is not None and "no display" in why and "xvfb-run" in why and "libxcb" not in why
    assert missing_display({"DISPLAY": ":0"}, "linux") is None
    assert missing_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert missing_display({}, "darwin") is None
