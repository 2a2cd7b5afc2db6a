"""Team mode on the Schedule tab: two staff on one database (an SQLite file, and the real
PostgreSQL server when EXCHANGE_TEST_PG_URL is set). The board saves from the version it
loaded, so a colleague's version saved meanwhile is merged in (her pins and moves stay,
and the board shows them), or, when both changed the same session, the save is refused
naming her, and the board keeps its edits unsaved. The program's pins (not the board's)
are written by the window only as exact deltas, so hers stay there too."""

from __future__ import annotations

import functools

import pytest
from PySide6.QtGui import QUndoStack

from exchange_app.domain import PersonKind, Pin
from exchange_app.errors import ConflictError
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace, import_file
from exchange_app.services.solving import SolveOptions, solve_scenario
from ui.board import commands, edits
from ui.board.schedule_tab import ScheduleTab
from ui.profiles.commands import DeletePersonCommand


@functools.cache
def _solved(path: str):
    return solve_scenario(read_scenario(path), SolveOptions(time_limit=3, workers=1, seed=1)).schedule


@pytest.fixture
def team(qtbot, db_url, small_path, message_boxes):
    """Sam's board and Maria's workspace on one database holding a solved sample-small."""
    sam = Workspace.open(db_url, user="sam")
    pid = import_file(sam, small_path).program_id
    sam.save_schedule(pid, _solved(str(small_path)), "import")
    maria = Workspace.open(db_url, user="maria")
    tab = ScheduleTab(sam, pid, QUndoStack())
    qtbot.addWidget(tab)
    yield tab, sam, maria, pid
    tab.shutdown()
    maria.close()
    sam.close()


def _two_sessions(tab: ScheduleTab):
    """Two sessions without pins and without an official in common (the first has two or more)."""
    sessions = [s for s in tab.document.schedule.sessions if s.officials and not s.pinned]
    a = next(s for s in sessions if len(s.officials) > 1)
    b = next(s for s in sessions if s.id != a.id and not set(s.officials) & set(a.officials))
    return a, b


def test_a_colleagues_pin_saved_meanwhile_is_kept_and_shown(team):
    tab, sam, maria, pid = team
    loaded = tab.version
    a, b = _two_sessions(tab)
    # Maria pins an official in session a and saves, from the same version
    hers = edits.set_pinned(maria.load_schedule(pid), a.id, [a.officials[0]], True)
    theirs = maria.save_schedule(pid, hers, "edit", base_version=loaded)
    # Sam, not knowing, pins an official in session b on his board and saves
    tab.undo_stack.push(commands.set_pinned(tab.document, b.id, [b.officials[0]], True))
    saving = tab.save()
    assert saving is not None and saving.wait() and saving.error is None, saving.error
    number = saving.value
    assert number == theirs + 1
    stored = sam.load_schedule(pid).sessions_by_id()
    assert stored[a.id].pinned == [a.officials[0]]  # hers kept
    assert stored[b.id].pinned == [b.officials[0]]  # his stored
    # the board shows what is stored, is not dirty, and the next save merges from there
    assert tab.document.sessions[a.id].pinned == [a.officials[0]]
    assert not tab.has_unsaved_changes() and tab.version == number
    assert f"version {theirs} by maria" in tab.status.text()
    assert tab.undo_stack.undoText() == f"Take in version {theirs} by maria"
    info = {v.number: v for v in sam.schedule_versions(pid)}
    assert "merged with version" in info[number].note and info[number].created_by == "sam"


def test_a_colleagues_move_saved_meanwhile_is_kept(team):
    tab, sam, maria, pid = team
    a, b = _two_sessions(tab)
    leaving = a.officials[-1]
    # Maria takes an official out of session a; Sam pins one in session b
    hers = edits.move_official(maria.load_schedule(pid), leaving, a.id, None)
    maria.save_schedule(pid, hers, "edit", base_version=tab.version)
    tab.undo_stack.push(commands.set_pinned(tab.document, b.id, [b.officials[0]], True))
    saving = tab.save()
    assert saving is not None and saving.wait() and saving.error is None, saving.error
    stored = sam.load_schedule(pid)
    assert leaving not in stored.sessions_by_id().get(a.id, a).officials
    assert stored.sessions_by_id()[b.id].pinned == [b.officials[0]]
    assert leaving not in tab.document.sessions.get(a.id, a).officials


def test_the_same_session_changed_by_both_is_refused_naming_the_colleague(team, message_boxes):
    tab, sam, maria, pid = team
    a, _b = _two_sessions(tab)
    hers = edits.set_pinned(maria.load_schedule(pid), a.id, [a.officials[0]], True)
    theirs = maria.save_schedule(pid, hers, "edit", base_version=tab.version)
    tab.undo_stack.push(commands.set_pinned(tab.document, a.id, [a.officials[-1]], True))  # another pin
    saving = tab.save()
    assert saving is not None and saving.wait()
    assert isinstance(saving.error, ConflictError)
    assert "maria" in str(saving.error) and f"session {a.id}" in str(saving.error)
    assert any("maria" in text for _kind, _title, text in message_boxes)
    # nothing written: her version is the latest, and Sam's edit waits on the board
    assert max(v.number for v in sam.schedule_versions(pid)) == theirs
    assert sam.load_schedule(pid).sessions_by_id()[a.id].pinned == [a.officials[0]]
    assert tab.has_unsaved_changes() and "not saved" in tab.status.text()


def test_a_colleagues_pin_stays_through_a_delete_and_its_undo(team):
    """The window writes the program's pins only as exact deltas (a delete removes the pins
    naming the person, its undo adds them back), so a pin Maria adds meanwhile stays."""
    _tab, sam, maria, pid = team
    sc = sam.load_scenario(pid)
    gone, kept = sc.officials[0], sc.officials[1]
    sam.set_pins(pid, [Pin(official=gone.id, host=sc.hosts[0].id, slot=sc.slots[0].id)], base=sam.pins(pid))
    loaded = sam.load_scenario(pid)  # what Sam's window shows
    base = maria.pins(pid)
    hers = Pin(official=kept.id, host=sc.hosts[1].id, slot=sc.slots[1].id)
    maria.set_pins(pid, [*base, hers], base=base)
    changes, errors, stack = [], [], QUndoStack()
    rev = sam.person_revisions(pid)[(PersonKind.OFFICIAL, gone.id)].revision
    delete = DeletePersonCommand(
        sam, pid, gone, loaded, lambda *a: changes.append(a), lambda *a: errors.append(a), rev
    )
    delete.apply()
    stack.push(delete)
    assert sam.pins(pid) == [hers]
    stack.undo()
    assert not errors and set(sam.pins(pid)) == {hers, *loaded.pins}
