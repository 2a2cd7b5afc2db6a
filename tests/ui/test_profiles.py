"""Profile tables, filter, detail editor, validation and undoable add/duplicate/delete."""

from __future__ import annotations

import dataclasses
from datetime import UTC

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from exchange_app.domain import Official, PersonKind, Window
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace
from ui.profiles.editor import staff_message
from ui.profiles.models import ID_ROLE, PeopleFilterProxy, PeopleTableModel, person_rows
from ui.profiles.tab import PeopleTab, next_id

# ------------------------------------------------------------------ models


@pytest.mark.parametrize("kind", list(PersonKind))
def test_people_model_and_proxy_pass_the_model_tester(qtmodeltester, small_path, kind):
    scenario = read_scenario(small_path)
    model = PeopleTableModel(kind)
    model.set_rows(person_rows(scenario, kind))
    qtmodeltester.check(model)
    proxy = PeopleFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_search("en")
    qtmodeltester.check(proxy)
    assert model.rowCount() == len(getattr(scenario, kind.value + "s"))


def test_filter_matches_name_country_language_topic_site_and_organization(small_path):
    scenario = read_scenario(small_path)
    model = PeopleTableModel(PersonKind.OFFICIAL)
    model.set_rows(person_rows(scenario, PersonKind.OFFICIAL))
    proxy = PeopleFilterProxy()
    proxy.setSourceModel(model)
    scenario.officials_by_id()
    topics = scenario.topics_by_id()
    sites = scenario.locations_by_id()

    def shown(text: str) -> set[str]:
        proxy.set_search(text)
        return {proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())}

    first = scenario.officials[0]
    assert first.id in shown(first.name.split()[1].upper())
    by_country = shown(first.country)
    assert first.id in by_country
    assert by_country == {
        o.id
        for o in scenario.officials
        if o.country == first.country or f" {first.country.lower()}" in model.search_text(model.row_of(o.id))
    }
    assert len(by_country) < len(scenario.officials)  # "CI" is not found inside "official"
    # a topic by its name: exactly the officials interested in it
    topic = next(iter(first.interests))
    assert {o.id for o in scenario.officials if topic in o.interests} <= shown(topics[topic].name)
    # a site by its name: officials with a window there
    site = next(w.location for w in first.availability if w.location)
    assert shown(sites[site].name) == {
        o.id for o in scenario.officials if any(w.location == site for w in o.availability)
    }
    # a language code, and two words that must both match
    language = first.languages[0]
    both = shown(f"{language} {first.country}")
    assert first.id in both
    assert all(f" {first.country.lower()}" in model.search_text(model.row_of(i)) for i in both)
    assert shown(first.name.split()[0][:3].lower()) >= {
        o.id for o in scenario.officials if o.name.startswith(first.name.split()[0][:3])
    }
    assert shown("no-such-text-anywhere") == set()
    assert len(shown("")) == len(scenario.officials)


def test_sorting_uses_natural_keys(small_path):
    scenario = read_scenario(small_path)
    model = PeopleTableModel(PersonKind.OFFICIAL)
    model.set_rows(person_rows(scenario, PersonKind.OFFICIAL))
    proxy = PeopleFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    names = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert names == sorted(names, key=str.casefold)
    # interests: the most interested first; sessions by (min, max); descending reverses
    proxy.sort(5, Qt.SortOrder.AscendingOrder)
    totals = [
        sum(scenario.officials_by_id()[proxy.index(r, 0).data(ID_ROLE)].interests.values())
        for r in range(proxy.rowCount())
    ]
    assert totals == sorted(totals, reverse=True)
    proxy.set_search(scenario.officials[0].country)
    proxy.sort(1, Qt.SortOrder.DescendingOrder)
    ids = [proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())]
    country = {o.id: o.country for o in scenario.officials}
    assert ids == sorted(ids, key=lambda i: (country[i], i), reverse=True)  # ties broken by id
    assert scenario.officials[0].id in ids and len(ids) < len(scenario.officials)


def test_selection_follows_the_person_when_the_table_is_sorted(main_window):
    tab = _tab(main_window)
    tab.select("o-0010")
    tab.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert tab.current_id() == "o-0010"
    assert tab.editor.id_edit.text() == "o-0010"
    tab.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert tab.current_id() == "o-0010"


def test_next_id_follows_the_existing_style():
    assert next_id(PersonKind.OFFICIAL, ["o-0001", "o-0040"]) == "o-0041"
    assert next_id(PersonKind.INTERPRETER, ["i-001", "i-003"]) == "i-004"
    assert next_id(PersonKind.HOST, []) == "h-0001"


# ------------------------------------------------------------------ editing through the window


def _tab(window, kind=PersonKind.OFFICIAL) -> PeopleTab:
    tab = window.people_tabs[kind]
    window.tabs.setCurrentWidget(tab)
    return tab


def test_search_box_filters_the_table(main_window, qtbot):
    tab = _tab(main_window)
    total = tab.proxy.rowCount()
    site = main_window.scenario.locations[-1]
    qtbot.keyClicks(tab.search, site.id)
    assert 0 < tab.proxy.rowCount() < total
    assert tab.count_label.text() == f"{tab.proxy.rowCount()} of {total} officials"
    for r in range(tab.proxy.rowCount()):
        person_id = tab.proxy.index(r, 0).data(ID_ROLE)
        person = next(o for o in main_window.scenario.officials if o.id == person_id)
        assert any(w.location == site.id for w in person.availability)
    main_window.find_action.trigger()
    assert tab.search.selectedText() == site.id


def test_edit_and_save_stores_the_change_and_undo_restores_it(main_window, small_workspace, qtbot):
    ws, pid = small_workspace
    tab = _tab(main_window)
    before = ws.load_scenario(pid).officials_by_id()["o-0004"]
    assert tab.select("o-0004")
    editor = tab.editor
    assert not editor.save_button.isEnabled()
    editor.name_edit.clear()
    qtbot.keyClicks(editor.name_edit, "Priya Santos-Ruiz")
    editor.languages_edit.setText("es, en, fr")
    editor.per_day_spin.setValue(1)
    assert editor.save_button.isEnabled()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    stored = ws.load_scenario(pid).officials_by_id()["o-0004"]
    assert stored.name == "Priya Santos-Ruiz"
    assert stored.languages == ["es", "en", "fr"]
    assert stored.max_per_day == 1
    assert stored.interests == before.interests and stored.availability == before.availability
    assert main_window.undo_action.text() == "&Undo Edit official Priya Santos-Ruiz"
    assert not editor.is_dirty()
    assert editor.name_edit.text() == "Priya Santos-Ruiz"

    main_window.undo_action.trigger()
    assert ws.load_scenario(pid).officials_by_id()["o-0004"] == before
    assert tab.editor.name_edit.text() == before.name
    main_window.redo_action.trigger()
    assert ws.load_scenario(pid).officials_by_id()["o-0004"] == stored


def test_interests_and_availability_edits_are_stored(main_window, small_workspace):
    ws, pid = small_workspace
    tab = _tab(main_window)
    tab.select("o-0002")
    editor = tab.editor
    before = ws.load_scenario(pid).officials_by_id()["o-0002"]
    # check a topic the official has no interest in and give it weight 3
    row = next(
        r
        for r in range(editor.interests.rowCount())
        if editor.interests.item(r, 0).checkState() == Qt.CheckState.Unchecked
    )
    topic = editor.interests.item(row, 0).data(Qt.ItemDataRole.UserRole)
    editor.interests.item(row, 0).setCheckState(Qt.CheckState.Checked)
    editor.interests.item(row, 1).setData(Qt.ItemDataRole.EditRole, 3)
    # drop the first availability window
    editor.windows_list.setCurrentRow(0)
    editor.remove_window()
    editor.save()
    stored = ws.load_scenario(pid).officials_by_id()["o-0002"]
    assert stored.interests == before.interests | {topic: 3}
    assert stored.availability == before.availability[1:]
    main_window.undo_action.trigger()
    assert ws.load_scenario(pid).officials_by_id()["o-0002"] == before


def test_bad_email_shows_the_import_message_and_blocks_save(main_window, small_workspace, qtbot):
    ws, pid = small_workspace
    tab = _tab(main_window)
    tab.select("o-0003")
    editor = tab.editor
    editor.email_edit.clear()
    qtbot.keyClicks(editor.email_edit, "anahit.example.org")
    assert editor.problems_label.isVisibleTo(editor)
    text = editor.problems_label.text()
    assert "E-mail: 'anahit.example.org' is not an e-mail address" in text  # words for staff
    assert "officials[2]" not in text and "field '" not in text
    assert editor.email_edit.property("invalid") is True
    assert not editor.save_button.isEnabled()
    editor.save()  # refused while invalid
    assert ws.load_scenario(pid).officials_by_id()["o-0003"].email != "anahit.example.org"
    qtbot.keyClicks(editor.email_edit, ".x")  # still no @
    assert not editor.save_button.isEnabled()
    editor.email_edit.setText("anahit@example.org")
    assert not editor.problems_label.isVisibleTo(editor)
    assert editor.email_edit.property("invalid") is False
    assert editor.save_button.isEnabled()


def test_other_field_problems_use_import_messages(main_window):
    tab = _tab(main_window)
    tab.select("o-0001")
    editor = tab.editor
    editor.country_edit.setText("Ivory Coast")  # names are taken as well as codes
    editor.languages_edit.setText("French")
    assert editor.problems() == []
    editor.country_edit.setText("Atlantis")
    editor.languages_edit.setText("Klingonese")
    texts = [staff_message(p) for p in editor.problems()]
    assert any(t.startswith("Country: 'Atlantis' is not a country we know") for t in texts), texts
    assert any(t.startswith("Spoken languages: 'Klingonese' is not a language") for t in texts), texts
    editor.country_edit.setText("CI")
    editor.languages_edit.setText("fr")
    for r in range(editor.interests.rowCount()):
        editor.interests.item(r, 0).setCheckState(Qt.CheckState.Unchecked)
    assert any(p.field == "interests" for p in editor.problems())
    assert not editor.save_button.isEnabled()


def test_window_that_ends_before_it_starts_is_refused(main_window, monkeypatch):
    from ui.profiles.window_dialog import WindowDialog

    tab = _tab(main_window, PersonKind.HOST)
    host = next(h for h in main_window.scenario.hosts if h.availability)
    tab.select(host.id)
    start = host.availability[0].start
    monkeypatch.setattr(
        WindowDialog,
        "ask",
        classmethod(
            lambda cls, parent, window, person, scenario: Window(start=start, end=start, location=None)
        ),
    )
    tab.editor.add_window()
    assert any(
        p.field and p.field.startswith("availability[") and "is not after the start" in p.message
        for p in tab.editor.problems()
    )
    assert not tab.editor.save_button.isEnabled()
    assert tab.editor.windows_list.property("invalid") is True


def test_add_official_then_undo_and_redo(main_window, small_workspace, qtbot):
    ws, pid = small_workspace
    tab = _tab(main_window)
    before = ws.load_scenario(pid)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    editor = tab.editor
    assert editor.is_new() and editor.id_edit.text() == "o-0041"
    assert not editor.save_button.isEnabled()  # name, country, languages, interests missing
    qtbot.keyClicks(editor.name_edit, "Amina Diallo")
    editor.country_edit.setText("SN")
    editor.languages_edit.setText("fr, wo")
    editor.email_edit.setText("amina@example.org")
    editor.interests.item(0, 0).setCheckState(Qt.CheckState.Checked)
    assert editor.problems() == []
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    added = ws.load_scenario(pid).officials_by_id()["o-0041"]
    assert added == Official(
        id="o-0041",
        name="Amina Diallo",
        email="amina@example.org",
        country="SN",
        languages=["fr", "wo"],
        interests={before.topics[0].id: 1},
    )
    assert tab.current_id() == "o-0041"
    assert main_window.counts_label.text().startswith("41 officials")
    main_window.undo_action.trigger()
    assert ws.load_scenario(pid) == before
    assert tab.model.row_of("o-0041") is None
    main_window.redo_action.trigger()
    assert ws.load_scenario(pid).officials_by_id()["o-0041"] == added


def test_duplicate_then_undo(main_window, small_workspace):
    ws, pid = small_workspace
    tab = _tab(main_window, PersonKind.HOST)
    before = ws.load_scenario(pid)
    source = before.hosts[2]
    tab.select(source.id)
    tab.duplicate_button.click()
    after = ws.load_scenario(pid)
    assert len(after.hosts) == len(before.hosts) + 1
    twin = after.hosts[-1]
    assert twin.id not in before.hosts_by_id() and twin.name == f"{source.name} (copy)"
    assert dataclasses.replace(twin, id=source.id, name=source.name) == source
    assert tab.current_id() == twin.id
    assert main_window.undo_action.text().startswith("&Undo Duplicate host")
    main_window.undo_action.trigger()
    assert ws.load_scenario(pid) == before


@pytest.mark.parametrize("official", ["o-0008", "o-0033"])  # one has a pin, one a forbidden pair
def test_delete_then_undo_restores_person_pins_and_forbidden_pairs(
    main_window, small_workspace, monkeypatch, official
):
    ws, pid = small_workspace
    monkeypatch.setattr(PeopleTab, "confirm_delete", staticmethod(lambda parent, person: True))
    tab = _tab(main_window)
    before = ws.load_scenario(pid)
    assert any(official in (p.official,) for p in before.pins) or any(
        f.official == official for f in before.forbidden
    )
    tab.select(official)
    tab.delete_button.click()
    after = ws.load_scenario(pid)
    assert official not in after.officials_by_id()
    assert all(p.official != official for p in after.pins) and all(
        f.official != official for f in after.forbidden
    )
    assert tab.model.row_of(official) is None
    main_window.undo_action.trigger()
    restored = ws.load_scenario(pid)
    assert restored.officials_by_id()[official] == before.officials_by_id()[official]
    assert restored.pins == before.pins and restored.forbidden == before.forbidden
    assert sorted(o.id for o in restored.officials) == sorted(o.id for o in before.officials)
    main_window.redo_action.trigger()
    assert official not in ws.load_scenario(pid).officials_by_id()


def test_delete_asks_first(main_window, small_workspace, monkeypatch):
    ws, pid = small_workspace
    monkeypatch.setattr(PeopleTab, "confirm_delete", staticmethod(lambda parent, person: False))
    tab = _tab(main_window, PersonKind.INTERPRETER)
    person = main_window.scenario.interpreters[0]
    tab.select(person.id)
    tab.delete_button.click()
    assert person.id in ws.load_scenario(pid).interpreters_by_id()
    assert main_window.undo_stack.count() == 0


def test_change_made_elsewhere_gives_conflict_and_reload(
    qtbot, db_url, small_path, monkeypatch, message_boxes
):
    """Two staff on one team database (SQLite file, and PostgreSQL when a server runs)."""
    from exchange_app.services import import_file
    from ui.main_window import MainWindow

    ws = Workspace.open(db_url, user="sam")
    pid = import_file(ws, small_path).program_id
    window = MainWindow(ws, pid)
    qtbot.addWidget(window)
    asked = []
    monkeypatch.setattr(
        PeopleTab, "ask_conflict", staticmethod(lambda parent, error: asked.append(str(error)) or True)
    )
    try:
        tab = _tab(window)
        tab.select("o-0005")
        tab.editor.name_edit.setText("Chen Hakobyan (mine)")
        # a colleague changes the same official meanwhile
        with Workspace.open(db_url, user="maria") as other:
            theirs = other.load_scenario(pid).officials_by_id()["o-0005"]
            other.upsert_person(pid, dataclasses.replace(theirs, title="Deputy Chair"))
        tab.editor.save()
        assert asked and "maria" in asked[0]
        stored = ws.load_scenario(pid).officials_by_id()["o-0005"]
        assert stored.title == "Deputy Chair" and stored.name == "Chen Hakobyan"
        assert window.undo_stack.count() == 0
        # Reload shows their change, and saving again now works
        assert tab.current_id() == "o-0005"
        assert tab.editor.title_edit.text() == "Deputy Chair"
        assert tab.editor.name_edit.text() == "Chen Hakobyan"
        tab.editor.name_edit.setText("Chen Hakobyan-Ruiz")
        tab.editor.save()
        assert ws.load_scenario(pid).officials_by_id()["o-0005"].name == "Chen Hakobyan-Ruiz"
        # a delete of someone a colleague changed meanwhile is refused the same way
        monkeypatch.setattr(PeopleTab, "confirm_delete", staticmethod(lambda parent, person: True))
        with Workspace.open(db_url, user="maria") as other:
            theirs = other.load_scenario(pid).officials_by_id()["o-0005"]
            other.upsert_person(pid, dataclasses.replace(theirs, title="Chair"))
        tab.delete_button.click()
        assert len(asked) == 2 and "maria" in asked[1]
        assert "o-0005" in ws.load_scenario(pid).officials_by_id()
    finally:
        window.close()
        ws.close()


def _inside(widget, types) -> bool:
    parent = widget.parent()
    while parent is not None:
        if isinstance(parent, types):
            return True
        parent = parent.parent()
    return False


def test_editor_controls_have_accessible_names(main_window):
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QComboBox,
        QHeaderView,
        QLineEdit,
        QWidget,
    )

    controls = (QLineEdit, QAbstractSpinBox, QComboBox, QAbstractItemView, QAbstractButton)
    for kind, tab in main_window.people_tabs.items():
        checked = 0
        for widget in tab.findChildren(QWidget):
            if (
                not isinstance(widget, controls)
                or isinstance(widget, QHeaderView)
                or _inside(widget, (QAbstractItemView, QLineEdit, QAbstractSpinBox, QComboBox))
            ):
                continue  # parts of other controls (headers, clear buttons, popups, inner editors)
            checked += 1
            assert widget.accessibleName() or (isinstance(widget, QAbstractButton) and widget.text()), (
                f"{kind}: {type(widget).__name__} {widget.objectName()} has no accessible name"
            )
        assert checked >= 10


# ------------------------------------------------------------------ availability windows


def test_window_dialog_reads_times_in_the_sites_zone(qtbot, small_path):
    from datetime import datetime

    from PySide6.QtCore import QDate, QDateTime, QTime

    from exchange_app.domain import zone
    from ui.profiles.window_dialog import WindowDialog

    scenario = read_scenario(small_path)
    site = next(x for x in scenario.locations if x.timezone == "America/Phoenix")
    official = scenario.officials[0]
    dialog = WindowDialog(None, official, scenario)
    qtbot.addWidget(dialog)
    dialog.site.setCurrentIndex(dialog.site.findData(site.id))
    assert "America/Phoenix" in dialog.zone_note.text()
    dialog.start.setDateTime(QDateTime(QDate(2026, 11, 2), QTime(9, 0)))
    dialog.end.setDateTime(QDateTime(QDate(2026, 11, 2), QTime(12, 30)))
    window = dialog.chosen_window()
    assert window.location == site.id
    assert window.start == datetime(2026, 11, 2, 9, 0, tzinfo=zone("America/Phoenix"))
    assert window.end.utcoffset().total_seconds() == -7 * 3600 and window.end.hour == 12
    # an existing window opens at its own wall-clock time
    again = WindowDialog(window, official, scenario)
    qtbot.addWidget(again)
    assert again.chosen_window() == window


def test_window_edit_through_the_editor_is_stored(main_window, small_workspace, monkeypatch):
    from datetime import timedelta

    from ui.profiles.window_dialog import WindowDialog

    ws, pid = small_workspace
    tab = _tab(main_window, PersonKind.INTERPRETER)
    person = main_window.scenario.interpreters[0]
    tab.select(person.id)
    first = person.availability[0]
    longer = Window(start=first.start, end=first.end + timedelta(hours=1), location=first.location)
    monkeypatch.setattr(WindowDialog, "ask", classmethod(lambda cls, parent, window, p, scenario: longer))
    tab.editor.windows_list.setCurrentRow(0)
    tab.editor.edit_window()
    assert tab.editor.windows()[0] == longer
    tab.editor.save()
    assert ws.load_scenario(pid).interpreters_by_id()[person.id].availability[0] == longer
    main_window.undo_action.trigger()
    assert ws.load_scenario(pid).interpreters_by_id()[person.id].availability[0] == first


def test_timeline_splits_windows_by_local_day():
    from datetime import datetime

    from ui.profiles.timeline import layout_bars

    w = Window(start=datetime(2026, 11, 3, 3, 0, tzinfo=UTC), end=datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    bars = layout_bars([w], ["America/Denver"])  # 20:00 on 2 Nov to 02:00 on 3 Nov, MST
    assert [(b.day.day, b.start_h, b.end_h) for b in bars] == [(2, 20.0, 24.0), (3, 0.0, 2.0)]
    assert "MST" in bars[0].text


@pytest.mark.parametrize("kind", list(PersonKind))
def test_tab_key_follows_the_editor_in_reading_order(main_window, qtbot, kind):
    tab = _tab(main_window, kind)
    tab.select(tab.model.id_at(0))
    editor = tab.editor
    order = editor.focus_order()
    editor.windows_list.setCurrentRow(0)  # so Edit and Remove are enabled
    editor.name_edit.setText(editor.name_edit.text() + "x")  # so Revert and Save are enabled
    assert editor.save_button.isEnabled()
    editor.id_edit.setFocus()
    qtbot.waitUntil(editor.id_edit.hasFocus)
    seen = [QApplication.focusWidget()]
    for _ in order[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert seen == order
    # the search box, table and buttons come before the editor
    assert tab.search.nextInFocusChain() is not None


@pytest.mark.parametrize("save", [True, False])
def test_leaving_an_edited_person_offers_to_save(main_window, small_workspace, monkeypatch, save):
    ws, pid = small_workspace
    asked = []
    monkeypatch.setattr(
        PeopleTab,
        "ask_unsaved",
        staticmethod(lambda parent, name, can_save: asked.append((name, can_save)) or save),
    )
    tab = _tab(main_window)
    tab.select("o-0011")
    before = ws.load_scenario(pid).officials_by_id()["o-0011"]
    tab.editor.title_edit.setText("Commissioner for Training")
    # the user clicks another official in the table
    row = tab.proxy.mapFromSource(tab.model.index(tab.model.row_of("o-0012"), 0))
    tab.table.setCurrentIndex(row)
    assert asked == [(before.name, True)]
    stored = ws.load_scenario(pid).officials_by_id()["o-0011"]
    assert (stored.title == "Commissioner for Training") is save
    assert tab.current_id() == "o-0012"
    assert tab.editor.id_edit.text() == "o-0012" and not tab.editor.is_dirty()
    assert main_window.undo_stack.count() == (1 if save else 0)


def test_interest_weight_is_edited_with_a_one_to_three_spin_box(main_window, small_workspace, qtbot):
    from PySide6.QtWidgets import QAbstractItemDelegate, QSpinBox

    ws, pid = small_workspace
    tab = _tab(main_window)
    tab.select("o-0009")
    table = tab.editor.interests
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).checkState() == Qt.CheckState.Checked)
    topic = table.item(row, 0).data(Qt.ItemDataRole.UserRole)
    table.setCurrentCell(row, 1)
    table.editItem(table.item(row, 1))
    spin = table.viewport().findChild(QSpinBox)
    assert spin is not None and (spin.minimum(), spin.maximum()) == (1, 3)
    spin.setValue(3 if table.item(row, 1).data(Qt.ItemDataRole.EditRole) != 3 else 1)
    wanted = spin.value()
    table.commitData(spin)  # what the delegate does on Return or when focus leaves
    table.closeEditor(spin, QAbstractItemDelegate.EndEditHint.NoHint)
    assert tab.editor.record()["interests"][topic] == wanted
    tab.editor.save()
    assert ws.load_scenario(pid).officials_by_id()["o-0009"].interests[topic] == wanted


# ------------------------------------------------------------------ validate_person (scenario_json)


def test_validate_person_gives_the_importers_messages(small_path):
    from exchange_app.io.scenario_json import parse_person, person_to_dict, validate_person

    scenario = read_scenario(small_path)
    for kind, people in (
        ("official", scenario.officials),
        ("host", scenario.hosts),
        ("interpreter", scenario.interpreters),
    ):
        for person in people[:3]:
            record = person_to_dict(person, scenario)
            assert validate_person(kind, record, scenario, person.id) == []
            assert parse_person(kind, record, scenario, person.id) == person
    host = scenario.hosts[4]
    record = person_to_dict(host, scenario) | {"location": "nowhere-xx", "id": scenario.hosts[0].id}
    texts = [str(p) for p in validate_person("host", record, scenario, host.id)]
    assert f"hosts[4] ({scenario.hosts[0].id}), field 'location': unknown location 'nowhere-xx'" in texts
    assert (
        f"hosts[4] ({scenario.hosts[0].id}), field 'id': duplicate id '{scenario.hosts[0].id}' (also hosts[0])"
        in texts
    )
    official = scenario.officials[1]
    record = person_to_dict(official, scenario) | {"min_sessions": 5, "max_sessions": 2}
    assert [str(p) for p in validate_person("official", record, scenario, official.id)] == [
        f"officials[1] ({official.id}), field 'min_sessions': min_sessions is above max_sessions"
    ]
    new = {"id": "o-0999", "name": "New Person", "country": "SN", "languages": ["fr"], "interests": {}}
    assert [(p.record, p.field) for p in validate_person("official", new, scenario)] == [
        (f"officials[{len(scenario.officials)}] (o-0999)", "interests")
    ]


def test_editor_names_the_country_and_languages_typed(main_window):
    tab = _tab(main_window)
    tab.select("o-0001")
    editor = tab.editor
    editor.country_edit.setText("KE")
    editor.languages_edit.setText("sw, en, zz")
    assert editor.country_hint.text() == "Kenya"
    assert editor.languages_hint.text() == "Swahili, English, ?"
    editor.country_edit.setText("Kenya")  # a name is taken too: the hint confirms it
    assert editor.country_hint.text() == "Kenya"
    row = tab.proxy.mapFromSource(tab.model.index(tab.model.row_of("o-0001"), 1))
    assert "(" in row.data(Qt.ItemDataRole.ToolTipRole)  # e.g. "Côte d'Ivoire (CI)"


def test_edit_an_official_with_the_keyboard_only(main_window, small_workspace, qtbot):
    """Find, pick a row, edit and save without the mouse (shortcuts as staff press them)."""
    ws, pid = small_workspace
    main_window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main_window)
    target = ws.load_scenario(pid).officials_by_id()["o-0006"]
    qtbot.keyClick(main_window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # View > Officials
    tab = main_window.people_tabs[PersonKind.OFFICIAL]
    assert main_window.tabs.currentWidget() is tab
    qtbot.keyClick(main_window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # Edit > Find
    assert tab.search.hasFocus()
    qtbot.keyClicks(tab.search, "o-0006")
    assert tab.proxy.rowCount() == 1
    qtbot.keyClick(tab.search, Qt.Key.Key_Tab)  # to the table
    assert tab.table.hasFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Down)
    assert tab.current_id() == "o-0006"
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)  # to the editor
    assert tab.editor.name_edit.hasFocus()
    tab.editor.name_edit.selectAll()
    qtbot.keyClicks(tab.editor.name_edit, "Keyboard Person")
    qtbot.keyClick(tab.editor.name_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Save
    assert ws.load_scenario(pid).officials_by_id()["o-0006"].name == "Keyboard Person"
    qtbot.keyClick(main_window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Edit > Undo
    assert ws.load_scenario(pid).officials_by_id()["o-0006"] == target


def test_saving_a_new_official_asks_nothing(main_window, qtbot, monkeypatch):
    """Saving a new official once asked "Save the changes to ?" with a blank name."""
    asked = []
    monkeypatch.setattr(PeopleTab, "ask_unsaved", staticmethod(lambda parent, name, can: asked.append(name)))
    tab = _tab(main_window)
    tab.select(main_window.scenario.officials[3].id)  # someone was selected before Add
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    editor = tab.editor
    qtbot.keyClicks(editor.name_edit, "Amina Diallo")
    editor.country_edit.setText("SN")
    editor.languages_edit.setText("fr, wo")
    editor.interests.item(0, 0).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert asked == []
    assert tab.current_id() == "o-0041" and not editor.is_dirty()


def test_editor_takes_country_and_language_names_and_says_problems_in_words(
    main_window, small_workspace, qtbot
):
    ws, pid = small_workspace
    tab = _tab(main_window)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    editor = tab.editor
    qtbot.keyClicks(editor.name_edit, "Wanjiru Kamau")
    editor.country_edit.setText("Kenya")
    editor.languages_edit.setText("English, Swahili")
    messages = [staff_message(p) for p in editor.problems()]
    assert messages == ["Interests: choose at least one topic"], messages
    assert not any("officials[" in m or "{}" in m for m in messages)
    editor.interests.item(0, 0).setCheckState(Qt.CheckState.Checked)
    assert editor.problems() == []
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    added = ws.load_scenario(pid).officials_by_id()["o-0041"]
    assert added.country == "KE" and added.languages == ["en", "sw"]
    editor.load(None, main_window.scenario)
    tab.select("o-0041")
    editor.country_edit.setText("Atlantis")
    assert any(
        m.startswith("Country: 'Atlantis' is not a country we know")
        for m in map(staff_message, editor.problems())
    )


def test_search_finds_country_and_language_names(main_window):
    tab = _tab(main_window)
    scenario = main_window.scenario
    country = scenario.officials[0].country
    from exchange_app.rules import country_name

    name = country_name(country).rsplit(" (", 1)[0]  # e.g. "Nigeria" for NG
    nigerians = [o for o in scenario.officials if o.country == country]
    english = [o for o in scenario.officials if "en" in o.languages]
    assert nigerians and english and name != country
    tab.search.setText(name)
    assert tab.proxy.rowCount() == len(nigerians)
    tab.search.setText("English")
    assert tab.proxy.rowCount() == len(english)
