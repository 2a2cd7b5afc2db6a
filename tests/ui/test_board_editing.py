"""Hand editing on the board: open a session by dropping on a free cell, delete a session,
change its topic / language / interpreter / mode, swap two officials, "show possible
places" and the suggestions list. Each edit is one undo command (do, undo, redo) and the
rule checker judges it live."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

import pytest
from PySide6.QtGui import QUndoStack

from exchange_app import rules
from exchange_app.domain import (
    Host,
    Interpreter,
    Location,
    Mode,
    Official,
    Program,
    Scenario,
    Session,
    Slot,
    Topic,
    Window,
)
from exchange_app.schedule_diff import diff_schedules
from tests.ui.test_board import _solved
from tests.ui.test_board_tab import _solved_small
from ui.board import commands, edits
from ui.board.document import BoardDocument
from ui.board.mime import DragPayload
from ui.board.model import ILLEGAL, LEGAL, NONE, BoardModel, HighlightRole
from ui.board.opening import change_options, open_options, option_sessions, suggestions
from ui.board.picker import TargetPicker
from ui.board.session_dialog import OpenSessionDialog


@pytest.fixture
def tab(qtbot, small_workspace, small_path, message_boxes):
    from ui.board.schedule_tab import ScheduleTab

    ws, pid = small_workspace
    ws.save_schedule(pid, _solved_small(str(small_path)), "solve")
    widget = ScheduleTab(ws, pid, QUndoStack())
    qtbot.addWidget(widget)
    widget.resize(1500, 950)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def doc(qtbot):
    scenario, schedule = _solved("sample-small.json")
    return BoardDocument(scenario, schedule)


@pytest.fixture
def model(doc):
    return BoardModel(doc, QUndoStack())


def _keys(violations) -> set:
    return {v.key for v in violations}


def _open_cell(doc: BoardDocument, model: BoardModel):
    """(official, day, index) of a free cell where a session can be opened legally."""
    for o in doc.scenario.officials:
        for day in doc.days:
            model.set_day(day)
            for r in range(model.rowCount()):
                for c in range(model.columnCount()):
                    index = model.index(r, c)
                    if model.session_at(index) is None and not model.reasons(
                        DragPayload(official=o.id), index
                    ):
                        return o.id, day, index
    pytest.fail("no free cell where a session can be opened")


def test_drop_on_a_free_cell_opens_a_session_undo_redo(doc, model, monkeypatch):
    official, _day, index = _open_cell(doc, model)
    host, slot = model.host_at(index.row()), model.slot_at(index.column())
    asked = {}

    def ask(parent, d, o, h, s, options):
        asked["options"] = options
        return options[0]

    monkeypatch.setattr(OpenSessionDialog, "ask", classmethod(lambda cls, *a: ask(*a)))
    before = doc.schedule
    data = DragPayload(official=official).to_mime()
    assert model.canDropMimeData(data, None, -1, -1, index)
    assert model.dropMimeData(data, model.supportedDropActions(), -1, -1, index)
    opened = doc.sessions[doc.cell[(host, slot)]]
    assert opened.officials == [official] and opened.host == host and opened.slot == slot
    # the dialog offered only topics the host leads and the official wants, legal first
    options = asked["options"]
    h, o = doc.hosts[host], doc.officials[official]
    assert {x.topic for x in options} <= set(h.expertise) & {t for t, v in o.interests.items() if v > 0}
    assert [x.legal for x in options] == sorted((x.legal for x in options), reverse=True)
    assert options[0].legal and opened.topic == options[0].topic
    # the live check flags only the session's size (one official) and nothing else new
    new = [
        v
        for v in doc.report.violations
        if v.key not in _keys(rules.check_schedule(doc.scenario, before).violations)
    ]
    assert [v.code for v in new] == ["too-few-guests"] and new[0].session == opened.id
    stack = model.undo_stack
    assert (
        stack.count() == 1 and "Open session" in stack.text(0) and doc.person_name(official) in stack.text(0)
    )
    stack.undo()
    assert doc.schedule is before and (host, slot) not in doc.cell
    stack.redo()
    assert doc.sessions[doc.cell[(host, slot)]].officials == [official]


def test_cancelling_the_open_dialog_changes_nothing(doc, model, monkeypatch):
    official, _day, index = _open_cell(doc, model)
    monkeypatch.setattr(OpenSessionDialog, "ask", classmethod(lambda cls, *a: None))
    before = doc.schedule
    model.dropMimeData(DragPayload(official=official).to_mime(), model.supportedDropActions(), -1, -1, index)
    assert doc.schedule is before and model.undo_stack.count() == 0


def test_open_dialog_lists_legal_choices_first(qtbot, doc, model):
    official, _day, index = _open_cell(doc, model)
    host, slot = model.host_at(index.row()), model.slot_at(index.column())
    options = doc.open_options(official, host, slot)
    dlg = OpenSessionDialog(doc, official, host, slot, options)
    qtbot.addWidget(dlg)
    assert dlg.topic.count() == len({x.topic for x in options})
    assert "✖" not in dlg.topic.itemText(0)
    chosen = dlg.chosen()
    assert chosen is not None and chosen.legal and "Keeps every rule" in dlg.verdict.text()


def test_free_cells_where_the_host_is_away_are_refused_with_the_name(doc, model):
    official = doc.scenario.officials[0].id
    for day in doc.days:
        model.set_day(day)
        for r in range(model.rowCount()):
            for c in range(model.columnCount()):
                index = model.index(r, c)
                if model.session_at(index) is None and not model._available(
                    model.host_at(r), model.slot_at(c)
                ):
                    why = model.reasons(DragPayload(official=official), index)
                    assert f"{doc.person_name(model.host_at(r))} is not available" in why[0].message
                    return
    pytest.skip("every host is available in every slot")


def test_open_options_agree_with_the_checker(doc):
    """Each option's reasons are exactly what checking the schedule with that session finds."""
    sc, schedule = doc.scenario, doc.schedule
    before = _keys(rules.check_schedule(sc, schedule).violations)
    tried = 0
    for o in sc.officials[:12]:
        for h in sc.hosts[:6]:
            for slot in sc.slots[::5]:
                sid = edits.new_session_id(schedule, h.id, slot.id)
                for opt in open_options(doc.ctx, schedule, o.id, h.id, slot.id, sid):
                    s = Session(
                        id=sid,
                        host=h.id,
                        slot=slot.id,
                        topic=opt.topic,
                        language=opt.language,
                        officials=[o.id],
                        interpreter=opt.interpreter,
                        mode=opt.mode,
                        location=h.location if opt.mode is Mode.IN_PERSON else None,
                    )
                    after = _keys(rules.check_schedule(sc, edits.add_session(schedule, s)).violations)
                    expected = {k for k in after - before if not (k[1] == "too-few-guests" and k[2] == sid)}
                    assert _keys(opt.reasons) == expected
                    tried += 1
    assert tried > 20


def test_delete_session_undo_redo(doc):
    stack = QUndoStack()
    s = doc.schedule.sessions[0]
    before = doc.schedule
    stack.push(commands.delete_session(doc, s.id))
    assert s.id not in doc.sessions and len(doc.schedule.sessions) == len(before.sessions) - 1
    assert all(
        doc.session_count(o) == sum(o in x.officials for x in before.sessions) - 1 for o in s.officials
    )
    assert "Delete session" in stack.text(0) and doc.person_name(s.host) in stack.text(0)
    stack.undo()
    assert doc.schedule is before
    stack.redo()
    assert s.id not in doc.sessions
    assert before.sessions[0] is s  # the schedule it started from is unchanged


@pytest.mark.parametrize("field", ["topic", "language", "interpreter", "mode"])
def test_change_session_fields_undo_redo(doc, field):
    found = None
    for s in doc.schedule.sessions:
        values = change_options(doc.ctx, doc.schedule, s.id)[field]
        if values:
            found = s, values[0]
            break
    if found is None:
        pytest.skip(f"no session can change its {field}")
    s, (value, reasons) = found
    changed = {
        "topic": {"topic": value},
        "language": {"language": value},
        "interpreter": {"interpreter": value},
    }
    if field == "mode":
        loc = doc.hosts[s.host].location if value is Mode.IN_PERSON else None
        kw = {"mode": value, "location": loc}
    else:
        kw = changed[field]
    new = replace(s, officials=list(s.officials), pinned=list(s.pinned), **kw)
    before = doc.schedule
    old_keys = _keys(doc.report.violations)
    stack = QUndoStack()
    stack.push(commands.change_session(doc, new, f"{field} changed"))
    got = doc.sessions[s.id]
    assert getattr(got, field if field != "mode" else "mode") == value
    # the verdict shown in the menu is what the live check then reports as new
    assert _keys(reasons) == _keys(doc.report.violations) - old_keys
    stack.undo()
    assert doc.schedule is before
    stack.redo()
    assert doc.sessions[s.id] is new


def _swap_pair(doc: BoardDocument):
    for sa in doc.schedule.sessions:
        for sb in doc.schedule.sessions:
            if sa.id >= sb.id:
                continue
            for a in sa.officials:
                for b in sb.officials:
                    if a in sb.officials or b in sa.officials:
                        continue
                    if not doc.why_not_swap(a, sa.id, b, sb.id):
                        return a, sa.id, b, sb.id
    pytest.fail("no legal swap")


def test_swap_two_officials_in_one_step_undo_redo(doc):
    a, sa, b, sb = _swap_pair(doc)
    before = doc.schedule
    stack = QUndoStack()
    stack.push(commands.swap_officials(doc, a, sa, b, sb))
    assert stack.count() == 1
    assert b in doc.sessions[sa].officials and a not in doc.sessions[sa].officials
    assert a in doc.sessions[sb].officials and b not in doc.sessions[sb].officials
    assert _keys(doc.report.violations) <= _keys(rules.check_schedule(doc.scenario, before).violations)
    stack.undo()
    assert doc.schedule is before
    stack.redo()
    assert a in doc.sessions[sb].officials


def test_show_possible_places_highlights_every_legal_cell_before_any_drag(tab):
    doc = tab.document
    s = next(x for x in doc.schedule.sessions if x.officials)
    tab.select_session(s.id)
    official = tab.board.current_official
    assert official in s.officials
    model = tab.board_model
    assert model.index(0, 0).data(HighlightRole) == NONE
    tab.hand.places.setChecked(True)
    payload = DragPayload(official=official, session=s.id)
    marks = {}
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            index = model.index(r, c)
            marks[(r, c)] = index.data(HighlightRole)
            assert marks[(r, c)] == (ILLEGAL if model.reasons(payload, index) else LEGAL)
    assert ILLEGAL in marks.values()
    assert "possible place" in tab.status.text()
    # a drag shows its own targets, and the preview comes back after it
    other = DragPayload(session=s.id)
    model.begin_highlight(other)
    model.end_highlight()
    assert model.payload == payload
    tab.hand.places.setChecked(False)
    assert model.index(0, 0).data(HighlightRole) == NONE


def _late_option_program(bridging: int = 20):
    """One host (French, in person only), one official (Mongolian) and ``bridging``
    interpreters who bridge French and Mongolian; only the last is free at the morning
    slot, so the only legal way to open a session there comes after every other one."""
    from datetime import datetime, timedelta

    day = datetime(2026, 10, 27, 13, tzinfo=UTC)  # 09:00 in New York
    morning = Slot(id="s-am", start=day, end=day + timedelta(hours=1))
    noon = Slot(id="s-noon", start=day + timedelta(hours=2), end=day + timedelta(hours=3))
    whole = [Window(start=day, end=day + timedelta(hours=4))]
    interpreters = [
        Interpreter(
            id=f"i-{n:02d}",
            name=f"Interpreter {n:02d}",
            languages=["fr", "mn"],
            availability=whole if n == bridging else [Window(start=noon.start, end=noon.end)],
        )
        for n in range(1, bridging + 1)
    ]
    return Scenario(
        program=Program(name="Late option"),
        topics=[Topic(id="t-tab", name="Tabulation")],
        locations=[Location(id="loc-a", name="Atlanta", timezone="America/New_York")],
        slots=[morning, noon],
        officials=[
            Official(
                id="o-1",
                name="Bat Erdene",
                country="MN",
                languages=["mn"],
                interests={"t-tab": 3},
                availability=whole,
            )
        ],
        hosts=[
            Host(
                id="h-1",
                name="Denise Harris",
                languages=["fr"],
                availability=whole,
                location="loc-a",
                expertise=["t-tab"],
            )
        ],
        interpreters=interpreters,
    )


def test_possible_places_try_every_option_so_a_late_legal_one_counts(qtbot):
    """A cell is green when any legal way to open a session there exists, however many
    illegal ones come first (here the 20th candidate: the only free interpreter)."""
    scenario = _late_option_program()
    doc = BoardDocument(scenario)
    model = BoardModel(doc, QUndoStack())
    candidates = option_sessions(doc.ctx, "o-1", "h-1", "s-am", "hand-h-1-s-am")
    legal = [
        i
        for i, (s, _) in enumerate(candidates)
        if all(v.code == "too-few-guests" for v in rules.why_not_replace(doc.ctx, doc.schedule, None, s))
    ]
    assert len(candidates) == 20 and legal == [19]  # beyond the first 16 candidates
    assert doc.why_not_open("o-1", "h-1", "s-am") == []
    options = doc.open_options("o-1", "h-1", "s-am")
    assert options[0].legal and options[0].interpreter == "i-20"
    assert sum(o.legal for o in options) == 1 and len(options) == 20
    payload = DragPayload(official="o-1")
    model.set_preview(payload)
    row = model._rows.index("h-1")
    am, noon = model.index(row, model._cols.index("s-am")), model.index(row, model._cols.index("s-noon"))
    assert am.data(HighlightRole) == LEGAL
    assert noon.data(HighlightRole) == LEGAL  # every interpreter is free at noon
    # the suggestions find it too
    found = suggestions(doc.ctx, doc.schedule, "o-1")
    assert {(x.slot, x.option.interpreter if x.option else None) for x in found} >= {("s-am", "i-20")}
    # with the last interpreter away as well, no legal way is left: refused, with a reason
    noon_slot = scenario.slots[1]
    away = Window(start=noon_slot.start, end=noon_slot.end)
    scenario.interpreters[-1] = replace(scenario.interpreters[-1], availability=[away])
    doc.set_scenario(scenario, doc.schedule)
    model.set_preview(payload)
    assert am.data(HighlightRole) == ILLEGAL and doc.why_not_open("o-1", "h-1", "s-am")


def test_quick_verdicts_of_the_highlights_agree_with_the_reasons(doc, model):
    """The highlights ask only "legal or not" (``BoardModel.legal``); it is exactly "no
    reason" for every cell of every day, from the unassigned list and from a card."""
    opener, _day, _index = _open_cell(doc, model)  # one with a legal free cell somewhere
    picks = [(opener, None)] + [(o.id, None) for o in doc.scenario.officials[:3]]
    picks += [(s.officials[0], s.id) for s in doc.schedule.sessions[:4] if s.officials]
    greens = 0
    for official, sid in picks:
        payload = DragPayload(official=official, session=sid)
        for day in doc.days:
            model.set_day(day)
            for r in range(model.rowCount()):
                for c in range(model.columnCount()):
                    index = model.index(r, c)
                    legal = model.legal(payload, index)
                    assert legal == (not model.reasons(payload, index)), (official, sid, r, c)
                    greens += legal
    assert greens > 0


def test_suggestions_for_an_official_below_minimum_are_legal_and_ranked(doc):
    # take an official out of a session so they are below their minimum
    official, source = next(
        (o, s.id)
        for s in doc.schedule.sessions
        for o in s.officials
        if doc.session_count(o) <= doc.min_sessions(o)
    )
    doc.set_schedule(edits.move_official(doc.schedule, official, source, None))
    assert doc.session_count(official) < doc.min_sessions(official)
    found = suggestions(doc.ctx, doc.schedule, official)
    assert found, "the place just left is free again"
    assert [x.interest for x in found] == sorted((x.interest for x in found), reverse=True)
    assert any(x.session == source for x in found)
    for x in found:
        if x.session is not None:
            assert not doc.why_not_join(official, x.session)
        else:
            assert x.option is not None and x.option.legal


def test_suggestion_applied_from_the_tab_is_one_undoable_step(tab):
    doc = tab.document
    official, source = next(
        (o, s.id)
        for s in doc.schedule.sessions
        for o in s.officials
        if doc.session_count(o) <= doc.min_sessions(o)
    )
    tab.undo_stack.push(commands.move_official(doc, official, source, None))
    tab.unassigned.setFocus()
    row = tab.unassigned_model.row_of(official)
    tab.unassigned.setCurrentIndex(tab.unassigned_model.index(row, 0))
    tab.hand.refresh()
    assert tab.hand.suggestions.count() > 0
    n = doc.session_count(official)
    tab.hand._apply_suggestion(tab.hand.suggestions.item(0))
    assert doc.session_count(official) == n + 1
    tab.undo_stack.undo()
    assert doc.session_count(official) == n


def test_card_menu_offers_changes_delete_and_swap(tab, monkeypatch):
    doc = tab.document
    s = next(x for x in doc.schedule.sessions if len(x.officials) >= 2)
    tab.select_session(s.id)
    index = tab.board.currentIndex()
    menu = tab.build_menu(index, s.officials[0])
    texts = [a.text().replace("&", "") for a in menu.actions()]
    assert "Delete session" in texts and "Swap with…" in texts
    assert "Change topic" in texts
    # delete through the action asks nothing when no rule breaks, and is undoable
    monkeypatch.setattr("ui.board.hand_editing.confirm_rule_break", lambda *a: True)
    tab.hand.delete_action.trigger()
    assert s.id not in doc.sessions
    tab.undo_stack.undo()
    assert s.id in doc.sessions


def test_swap_by_keyboard_lists_legal_partners_first(tab, monkeypatch):
    doc = tab.document
    a, sa, b, sb = _swap_pair(doc)
    tab.select_session(sa)
    while tab.board.current_official != a:
        tab.board.step_official(1)
    seen = {}

    def pick(parent, title, prompt, choices):
        seen["choices"] = choices
        return next(c for c in choices if c.key == (b, sb))

    monkeypatch.setattr(TargetPicker, "ask", staticmethod(pick))
    tab.hand.swap_action.trigger()
    assert any(not c.reasons for c in seen["choices"])
    assert a in doc.sessions[sb].officials and b in doc.sessions[sa].officials
    tab.undo_stack.undo()
    assert a in doc.sessions[sa].officials


# --------------------------------------------------------------------------- pins stay pins


def test_a_reoptimize_that_breaks_a_pin_asks_in_names_before_anything_changes(tab, monkeypatch):
    """The app side of "pins stay pins": whatever the solver returns, a pinned official who
    would not be at their pinned host and time is named, and staff are asked first."""
    from types import SimpleNamespace

    from exchange_app.naming import Names
    from ui.board.changes import ChangesDialog

    doc = tab.document
    s = max(doc.schedule.sessions, key=lambda x: len(x.officials))
    official = s.officials[0]
    tab.undo_stack.push(commands.set_pinned(doc, s.id, [official], True))
    current = doc.schedule
    # a "re-optimized" schedule in which the pinned official has left that session
    moved = edits.move_official(current, official, s.id, None)
    asked, shown = [], []
    monkeypatch.setattr(
        "ui.board.schedule_tab.ask_broken_pins", lambda parent, lines, conflicts: asked.append(lines) or False
    )
    monkeypatch.setattr(ChangesDialog, "ask", staticmethod(lambda *a, **k: shown.append(a) or True))
    count = tab.undo_stack.count()
    outcome = SimpleNamespace(schedule=moved, pin_conflicts=())
    assert not tab.offer_reoptimized(current, outcome)
    assert asked == [[Names(doc.scenario).meeting(official, s.host, s.slot)]]
    assert doc.person_name(official) in asked[0][0] and doc.person_name(s.host) in asked[0][0]
    assert not shown and tab.undo_stack.count() == count and doc.schedule is current


def test_a_pinned_official_kept_in_place_is_never_listed_as_moved(doc):
    from ui.board.changes import describe_diff

    s = max(doc.schedule.sessions, key=lambda x: len(x.officials))
    official = s.officials[0]
    doc.set_schedule(edits.set_pinned(doc.schedule, s.id, [official], True))
    other = next(t for t in doc.topics if t != s.topic)
    # same host and time, other topic: the solver kept the pin but renumbered the session
    new = edits._with_sessions(
        doc.schedule,
        [replace(x, id="renumbered", topic=other) if x.id == s.id else x for x in doc.schedule.sessions],
    )
    diff = diff_schedules(doc.schedule, new)
    assert official not in diff.officials_moved  # the one diff: the CLI re-solve counts alike
    pinned = set(doc.schedule.sessions_by_id()[s.id].pinned)  # the fixture may pin others there too
    assert pinned and set(s.officials) - pinned <= set(diff.officials_moved)
    assert not pinned & set(diff.officials_moved)
    lines = describe_diff(doc, diff, new.sessions_by_id())["Officials moved"]
    assert not any(doc.person_name(official) in line for line in lines)
    assert any(doc.person_name(o) in line for o in s.officials[1:] for line in lines)
    assert edits.broken_pins(doc.schedule, new) == []
