"""A profile save shows what changed without reading the whole program again: one table
row is rebuilt (no model reset), and the window's program, revisions, counts and the other
tabs end up exactly as a full reload from the database would leave them."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt

from exchange_app.domain import PersonKind
from exchange_app.io.scenario_json import read_scenario
from ui.profiles.models import PeopleTableModel, person_rows
from ui.profiles.tab import PeopleTab
from ui.topics_sites import site_rows, topic_rows


def _tab(window, kind=PersonKind.OFFICIAL) -> PeopleTab:
    tab = window.people_tabs[kind]
    window.tabs.setCurrentWidget(tab)
    return tab


class Resets:
    """Counts the full resets of every people table (a whole-program refresh resets them)."""

    def __init__(self, window):
        self.count = 0
        for tab in window.people_tabs.values():
            tab.model.modelReset.connect(self._reset)

    def _reset(self) -> None:
        self.count += 1


def _as_stored(window, ws, pid) -> None:
    """The window holds the program exactly as stored (what a full reload would read)."""
    assert window.scenario == ws.load_scenario(pid)
    assert window.revisions == ws.person_revisions(pid)
    for kind, tab in window.people_tabs.items():
        people = getattr(window.scenario, kind.value + "s")
        assert sorted(tab.model.ids()) == sorted(p.id for p in people)
        assert tab._scenario is window.scenario
        assert tab.model.rowCount() == len(people)
    counts = window.counts_label.text()
    assert f"{len(window.scenario.officials)} officials" in counts
    stored = ws.load_scenario(pid)
    assert window.topics_tab.topics_model._rows == topic_rows(stored)
    assert window.topics_tab.sites_model._rows == site_rows(stored)


def test_a_save_rebuilds_one_row_and_keeps_the_window_as_stored(main_window, small_workspace, qtbot):
    ws, pid = small_workspace
    tab = _tab(main_window)
    resets = Resets(main_window)
    tab.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by name
    assert tab.select("o-0004")
    tab.editor.name_edit.selectAll()
    qtbot.keyClicks(tab.editor.name_edit, "Aaron Abara")  # sorts first now
    tab.editor.save()
    assert resets.count == 0
    row = tab.model.row_of("o-0004")
    assert row == 0 and tab.model.index(row, 0).data() == "Aaron Abara"
    assert tab.current_id() == "o-0004" and tab.editor.name_edit.text() == "Aaron Abara"
    assert tab.model.ids() == [r.id for r in tab.model._sorted(person_rows(main_window.scenario, tab.kind))]
    _as_stored(main_window, ws, pid)
    main_window.undo_action.trigger()  # undo and redo refresh the same way
    assert resets.count == 0 and tab.model.index(tab.model.row_of("o-0004"), 0).data() != "Aaron Abara"
    _as_stored(main_window, ws, pid)
    main_window.redo_action.trigger()
    assert resets.count == 0 and tab.model.row_of("o-0004") == 0
    _as_stored(main_window, ws, pid)


def test_add_delete_and_their_undo_update_rows_counts_pins_and_topics(
    main_window, small_workspace, monkeypatch
):
    ws, pid = small_workspace
    monkeypatch.setattr(PeopleTab, "confirm_delete", staticmethod(lambda parent, person: True))
    tab = _tab(main_window, PersonKind.HOST)
    host = next(
        h for h in main_window.scenario.hosts if any(p.host == h.id for p in main_window.scenario.pins)
    )
    resets = Resets(main_window)
    topics_before = main_window.topics_tab.topics_model.rowCount()
    tab.select(host.id)
    tab.delete_button.click()
    assert resets.count == 0 and tab.model.row_of(host.id) is None
    assert all(p.host != host.id for p in main_window.scenario.pins)
    assert f"{len(main_window.scenario.hosts)} hosts" == tab.count_label.text()
    _as_stored(main_window, ws, pid)
    main_window.undo_action.trigger()  # back, with their pins
    assert resets.count == 0 and tab.model.row_of(host.id) is not None
    assert any(p.host == host.id for p in main_window.scenario.pins)
    _as_stored(main_window, ws, pid)
    # a copy is a new person: a row is inserted where the sort puts it
    copy = dataclasses.replace(host, id="h-9999", name=host.name + " (copy)")
    tab._save_requested(copy, None)
    assert resets.count == 0 and tab.current_id() == "h-9999"
    _as_stored(main_window, ws, pid)
    assert main_window.topics_tab.topics_model.rowCount() == topics_before


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_set_row_keeps_the_model_sorted_and_passes_the_model_tester(qtmodeltester, small_path, order):
    scenario = read_scenario(small_path)
    kind = PersonKind.OFFICIAL
    model = PeopleTableModel(kind)
    model.sort(0, order)
    model.set_rows(person_rows(scenario, kind))
    qtmodeltester.check(model)  # the tester stays attached and checks every change below
    people = list(scenario.officials)

    def expect() -> list[str]:
        sc = dataclasses.replace(scenario, officials=people)
        return [r.id for r in model._sorted(person_rows(sc, kind))]

    for i, name in ((0, "Zz Last"), (3, "Aa First"), (5, people[5].name), (7, "Mm Middle")):
        people[i] = dataclasses.replace(people[i], name=name)
        model.set_row(people[i].id, person_rows(scenario, kind, [people[i]])[0])
        assert model.ids() == expect()
        assert model.index(model.row_of(people[i].id), 0).data() == name
    added = dataclasses.replace(people[1], id="o-9999", name="Ka New")
    people.append(added)
    model.set_row(added.id, person_rows(scenario, kind, [added])[0])
    assert model.ids() == expect()
    gone = people.pop(2)
    model.set_row(gone.id, None)
    assert model.ids() == expect() and model.row_of(gone.id) is None
    model.set_row(gone.id, None)  # already gone: nothing happens
    assert model.rowCount() == len(people)


def test_topic_counts_follow_interests_and_other_edits_leave_that_tab_alone(main_window, small_workspace):
    ws, pid = small_workspace
    tab = _tab(main_window)
    topic_resets = []
    main_window.topics_tab.topics_model.modelReset.connect(lambda: topic_resets.append(1))
    official = main_window.scenario.officials_by_id()["o-0004"]
    tab._save_requested(dataclasses.replace(official, title="Commissioner"), official.id)
    assert topic_resets == []  # a title is not counted there
    _as_stored(main_window, ws, pid)
    official = main_window.scenario.officials_by_id()["o-0004"]
    unused = next(t.id for t in main_window.scenario.topics if t.id not in official.interests)
    tab._save_requested(dataclasses.replace(official, interests={unused: 3}), official.id)
    assert topic_resets == [1]
    _as_stored(main_window, ws, pid)  # the new interest is counted
