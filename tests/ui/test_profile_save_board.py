"""Saving one person's profile updates the board for that person only (issue 10, "profile
saves update only what changed"): the board, the person view and the live rule check show
the change, and the board is not rebuilt from the whole program (no ``scenario_changed``,
no model reset, the schedule is not read again)."""

from __future__ import annotations

import dataclasses

import pytest

from exchange_app.domain import PersonKind, Window
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services.solving import SolveOptions, solve_scenario
from ui.main_window import MainWindow
from ui.operations import wait_all


@pytest.fixture
def window(qtbot, small_workspace, small_path, message_boxes):
    ws, pid = small_workspace
    solved = solve_scenario(read_scenario(small_path), SolveOptions(time_limit=3, workers=1, seed=1))
    ws.save_schedule(pid, solved.schedule, "solve")
    w = MainWindow(ws, pid)
    qtbot.addWidget(w)
    w.show()
    w.ensure_schedule_tab()
    wait_all()
    qtbot.waitUntil(lambda: w.schedule_tab is not None, timeout=10000)
    yield w
    w.close()
    wait_all()


class Counter:
    def __init__(self, *signals):
        self.n = 0
        for s in signals:
            s.connect(self)

    def __call__(self, *_args) -> None:
        self.n += 1


def _save(window: MainWindow, kind: PersonKind, person) -> None:
    """What the profile editor's Save does: the tab stores it and tells the window."""
    tab = window.people_tabs[kind]
    tab.select(person.id)
    tab._save_requested(person, person.id)


def _watch(board):
    doc = board.document
    return {
        "scenario_changed": Counter(doc.scenario_changed),
        "board reset": Counter(board.board_model.modelReset),
        "picker refill": Counter(board.person_panel.picker.model().modelReset),
        "schedule read": Counter(),
    }


def test_a_rename_shows_on_the_board_without_rebuilding_it(window, monkeypatch):
    board = window.schedule_tab
    doc = board.document
    schedule = doc.schedule
    session = next(s for s in schedule.sessions if s.officials and s.slot in board.board_model._cols)
    oid = session.officials[0]
    seen = _watch(board)
    monkeypatch.setattr(board, "_load_schedule", lambda: seen["schedule read"]())
    board.person_panel.show_person(oid)
    before = window.scenario.officials_by_id()[oid]

    _save(window, PersonKind.OFFICIAL, dataclasses.replace(before, name="Zz Renamed Official"))

    assert doc.officials[oid].name == "Zz Renamed Official"
    card = board.board_model.card(session.id)
    assert any("Zz Renamed Official" in line.name for line in card.officials)
    picker = board.person_panel.picker
    at = picker.findData(oid)
    assert picker.itemText(at).startswith("Zz Renamed Official — official")
    assert picker.currentIndex() == at  # still the person shown
    # name order kept, as a full refill would have it: the last official now
    officials = len(window.scenario.officials)
    assert at == officials - 1
    assert doc.schedule is schedule  # the same schedule object: not read again
    assert {k: c.n for k, c in seen.items()} == {
        "scenario_changed": 0,
        "board reset": 0,
        "picker refill": 0,
        "schedule read": 0,
    }


def test_availability_and_interests_saved_reach_the_live_rule_check(window, qtbot):
    board = window.schedule_tab
    doc = board.document
    assert doc.report.ok, [v.message for v in doc.report.violations]
    session = next(s for s in doc.schedule.sessions if s.officials)
    oid = session.officials[0]
    seen = _watch(board)
    official = window.scenario.officials_by_id()[oid]
    slot = doc.slots[session.slot]
    # the official is no longer available at their session's time
    away = [Window(start=w.start, end=w.end, location=w.location) for w in official.availability]
    away = [w for w in away if not w.holds(slot.start, slot.end)]
    _save(window, PersonKind.OFFICIAL, dataclasses.replace(official, availability=away))
    qtbot.waitUntil(lambda: board.check_panel.model.rowCount() > 0, timeout=5000)
    broken = {v.session for v in doc.report.violations if v.person == oid}
    # that session breaks the rule, and only sessions no window is left for (a removed
    # window may have held another of their sessions too)
    left_out = {
        s.id
        for s in doc.schedule.sessions
        if oid in s.officials
        and not any(w.holds(doc.slots[s.slot].start, doc.slots[s.slot].end) for w in away)
    }
    assert session.id in broken and broken - {None} <= left_out
    assert any(
        board.check_panel.model.violation(r).person == oid for r in range(board.check_panel.model.rowCount())
    )
    assert board.board_model.card(session.id).flagged
    assert doc.why_not_join(oid, session.id) or oid in doc.sessions[session.id].officials

    # a host without the session's topic among their expertise: the check says so too
    host = window.scenario.hosts_by_id()[session.host]
    _save(
        window,
        PersonKind.HOST,
        dataclasses.replace(host, expertise=[t for t in host.expertise if t != session.topic]),
    )
    qtbot.waitUntil(
        lambda: any(
            v.person == host.id or v.session == session.id and v.person != oid for v in doc.report.violations
        ),
        timeout=5000,
    )
    assert doc.hosts[host.id].expertise == [t for t in host.expertise if t != session.topic]
    assert seen["scenario_changed"].n == 0 and seen["board reset"].n == 0

    # undo puts the profiles back, and the check is clean again
    window.undo_stack.undo()
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: doc.report.ok, timeout=5000)
    assert doc.officials[oid].availability == official.availability
    assert seen["scenario_changed"].n == 0


def test_a_delete_still_rebuilds_the_board_with_the_pins(window, message_boxes, monkeypatch):
    from ui.profiles.tab import PeopleTab

    board = window.schedule_tab
    doc = board.document
    seen = _watch(board)
    monkeypatch.setattr(PeopleTab, "confirm_delete", staticmethod(lambda parent, person: True))
    tab = window.people_tabs[PersonKind.INTERPRETER]
    gone = window.scenario.interpreters[0].id
    tab.select(gone)
    tab.delete_person()
    assert gone not in doc.interpreters
    assert seen["scenario_changed"].n == 1
