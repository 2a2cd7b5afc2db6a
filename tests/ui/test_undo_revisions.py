"""Undo and redo carry the revision they were based on: on a team database, an undo after
a colleague's edit is refused naming who changed the record and when, and the undo stack
stays consistent. Undoing a delete puts back exactly what the delete took (run on SQLite
and on the real PostgreSQL server when EXCHANGE_TEST_PG_URL is set)."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtGui import QUndoStack

from exchange_app.domain import Forbidden, PersonKind, Pin
from exchange_app.errors import ConflictError
from exchange_app.services import Workspace, import_file
from ui.profiles.commands import DeletePersonCommand, SavePersonCommand


@pytest.fixture
def two_staff(db_url, small_path):
    """Sam's and Maria's workspaces on one database."""
    sam = Workspace.open(db_url, user="sam")
    pid = import_file(sam, small_path).program_id
    maria = Workspace.open(db_url, user="maria")
    yield sam, maria, pid
    maria.close()
    sam.close()


class Hooks:
    def __init__(self):
        self.changes, self.errors = [], []

    def change(self, kind, pid):
        self.changes.append((kind, pid))

    def error(self, what, exc):
        self.errors.append((what, exc))


def _official(ws, pid, oid):
    return ws.load_scenario(pid).officials_by_id()[oid]


def _push(stack, command):
    command.apply()
    stack.push(command)


def test_an_undo_after_a_colleagues_edit_is_refused_naming_them(qtbot, two_staff):
    sam, maria, pid = two_staff
    hooks, stack = Hooks(), QUndoStack()
    before = _official(sam, pid, "o-0005")
    rev = sam.person_revisions(pid)[(PersonKind.OFFICIAL, "o-0005")].revision
    mine = dataclasses.replace(before, title="Commissioner")
    _push(stack, SavePersonCommand(sam, pid, before, mine, hooks.change, hooks.error, expected_revision=rev))
    # Maria edits the same official after Sam's save
    theirs = dataclasses.replace(_official(maria, pid, "o-0005"), name="Chen Hakobyan-Ruiz")
    maria.upsert_person(pid, theirs)
    stack.undo()  # Sam's undo would overwrite Maria's change: refused
    assert len(hooks.errors) == 1
    what, exc = hooks.errors[0]
    assert isinstance(exc, ConflictError) and "maria" in str(exc) and what.startswith("Undo Edit")
    stored = _official(sam, pid, "o-0005")
    assert stored.name == "Chen Hakobyan-Ruiz" and stored.title == "Commissioner"  # nothing overwritten
    # the refused step left the stack: nothing to undo or redo that could write stale data
    assert stack.count() == 0 and not stack.canUndo() and not stack.canRedo()


def test_undo_and_redo_go_on_working_without_a_colleague(qtbot, two_staff):
    sam, _maria, pid = two_staff
    hooks, stack = Hooks(), QUndoStack()
    before = _official(sam, pid, "o-0003")
    rev = sam.person_revisions(pid)[(PersonKind.OFFICIAL, "o-0003")].revision
    _push(
        stack,
        SavePersonCommand(
            sam, pid, before, dataclasses.replace(before, title="A"), hooks.change, hooks.error, rev
        ),
    )
    after_a = sam.person_revisions(pid)[(PersonKind.OFFICIAL, "o-0003")].revision
    _push(
        stack,
        SavePersonCommand(
            sam,
            pid,
            _official(sam, pid, "o-0003"),
            dataclasses.replace(before, title="B"),
            hooks.change,
            hooks.error,
            after_a,
        ),
    )
    stack.undo()
    stack.undo()
    assert _official(sam, pid, "o-0003") == before
    stack.redo()
    stack.redo()
    assert _official(sam, pid, "o-0003").title == "B" and not hooks.errors and stack.count() == 2


def test_a_redo_of_an_add_is_refused_when_a_colleague_added_that_id(qtbot, two_staff):
    sam, maria, pid = two_staff
    hooks, stack = Hooks(), QUndoStack()
    template = _official(sam, pid, "o-0001")
    new = dataclasses.replace(template, id="o-9999", name="Ana Lima", email="ana@example.org")
    _push(stack, SavePersonCommand(sam, pid, None, new, hooks.change, hooks.error))
    stack.undo()
    assert "o-9999" not in sam.load_scenario(pid).officials_by_id()
    maria.upsert_person(pid, dataclasses.replace(new, name="Ana Lima (Maria's)"))
    stack.redo()
    assert hooks.errors and "maria" in str(hooks.errors[0][1])
    assert _official(sam, pid, "o-9999").name == "Ana Lima (Maria's)"


def test_undoing_a_delete_restores_exactly_what_it_removed(qtbot, two_staff):
    sam, maria, pid = two_staff
    sc = sam.load_scenario(pid)
    official, host = sc.officials[0].id, sc.hosts[0].id
    other_host = sc.hosts[1].id
    # the official has a pin and a forbidden pair; another official has a pin too
    sam.set_pins(
        pid,
        [
            Pin(official=official, host=host, slot=sc.slots[0].id),
            Pin(official=sc.officials[1].id, host=other_host, slot=sc.slots[1].id),
        ],
    )
    sam.set_forbidden(pid, [Forbidden(official=official, host=other_host, reason="relatives")])
    before = sam.load_scenario(pid)
    hooks, stack = Hooks(), QUndoStack()
    rev = sam.person_revisions(pid)[(PersonKind.OFFICIAL, official)].revision
    _push(
        stack,
        DeletePersonCommand(
            sam, pid, before.officials_by_id()[official], before, hooks.change, hooks.error, rev
        ),
    )
    gone = sam.load_scenario(pid)
    assert official not in gone.officials_by_id() and len(gone.pins) == 1 and not gone.forbidden
    # meanwhile Maria pins someone else: the undo must not drop her pin
    maria_pin = Pin(official=sc.officials[2].id, host=sc.hosts[2].id, slot=sc.slots[2].id)
    maria.add_pins(pid, [maria_pin])
    stack.undo()
    back = sam.load_scenario(pid)
    assert not hooks.errors
    assert back.officials_by_id()[official] == before.officials_by_id()[official]
    assert set(back.pins) == set(before.pins) | {maria_pin}
    assert back.forbidden == before.forbidden
    stack.redo()
    assert official not in sam.load_scenario(pid).officials_by_id()
    assert set(sam.load_scenario(pid).pins) == {before.pins[1], maria_pin}


def test_undoing_a_delete_is_refused_when_a_colleague_re_added_the_id(qtbot, two_staff):
    sam, maria, pid = two_staff
    sc = sam.load_scenario(pid)
    person = sc.hosts[0]
    hooks, stack = Hooks(), QUndoStack()
    rev = sam.person_revisions(pid)[(PersonKind.HOST, person.id)].revision
    _push(stack, DeletePersonCommand(sam, pid, person, sc, hooks.change, hooks.error, rev))
    maria.upsert_person(pid, dataclasses.replace(person, name="New host, same id"))
    pins_before_undo = sam.load_scenario(pid).pins
    stack.undo()
    assert hooks.errors and "maria" in str(hooks.errors[0][1])
    now = sam.load_scenario(pid)
    assert now.hosts_by_id()[person.id].name == "New host, same id"
    assert now.pins == pins_before_undo  # a refused undo writes nothing, the pins neither
    assert stack.count() == 0
