"""File > New program… (the wizard) and the editable Topics & Sites tab: a program made
in the wizard exports a scenario the schema and importer accept and that solves; topics
and sites are added, renamed and removed (refused while used), each one undoable step."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

import jsonschema
import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QInputDialog, QMessageBox

from exchange_app.domain import zone
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace, export_scenario
from exchange_app.services.solving import SolveOptions, solve_scenario
from ui.dialogs.new_program import ProgramWizard
from ui.topics_sites import SiteDialog

SCHEMA = Path(__file__).resolve().parents[2] / "exchange_app" / "io" / "scenario.schema.json"


def _filled_wizard(qtbot) -> ProgramWizard:
    w = ProgramWizard()
    qtbot.addWidget(w)
    w.name.setText("Wizard Exchange")
    w.zone.setCurrentText("America/New_York")
    w.org_email.setText("staff@exchange.example.org")
    w.first_day.setDate(QDate(2026, 10, 29))
    w.last_day.setDate(QDate(2026, 11, 2))  # Thu..Mon: the weekend is left out
    w.block.setCurrentIndex(w.block.findData(90))
    w.add_site("New York, New York", "America/New_York", "1 Centre St")
    w.add_site("Honolulu, Hawaii", "Pacific/Honolulu")
    w.add_topic("Voter registration")
    w.add_topic("Ballot access", "Candidate qualification")
    return w


def test_wizard_spec_has_business_hours_per_site_and_no_weekend(qtbot):
    w = _filled_wizard(qtbot)
    spec = w.spec()
    assert spec.dates == [date(2026, 10, 29), date(2026, 10, 30), date(2026, 11, 2)]
    assert [s.timezone for s in spec.sites] == ["America/New_York", "Pacific/Honolulu"]
    assert spec.block_minutes == 90 and spec.lunch == (time(12), time(13))
    w._summarize()
    assert w._valid and "2 sites, 2 topics" in w.summary.text()


def test_wizard_summary_refuses_a_bad_zone_naming_the_site(qtbot):
    w = _filled_wizard(qtbot)
    w.sites.cellWidget(1, 1).setCurrentText("Hawaii/Nowhere")
    w._summarize()
    assert not w._valid and "Honolulu, Hawaii" in w.summary.text() and "timezone" in w.summary.text()


def test_program_made_in_the_wizard_exports_imports_and_solves(qtbot, main_window, monkeypatch, tmp_path):
    w = _filled_wizard(qtbot)
    spec = w.spec()
    monkeypatch.setattr(ProgramWizard, "ask", classmethod(lambda cls, parent: spec))
    main_window.new_program_action.trigger()
    ws = main_window.ws
    pid = main_window.program_id
    assert ws.load_scenario(pid).program.name == "Wizard Exchange"
    out = export_scenario(ws, pid, tmp_path / "wizard.json")
    doc = json.loads(Path(out).read_text("utf-8"))
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text("utf-8"))).validate(doc)
    sc = read_scenario(out)
    hnl = {s.start.astimezone(zone("Pacific/Honolulu")).time() for s in sc.slots}
    assert {time(9), time(10, 30), time(13), time(14, 30)} <= hnl
    with Workspace.open(tmp_path / "again.db") as other:
        other.import_scenario(sc, source="wizard.json")
    outcome = solve_scenario(sc, SolveOptions(time_limit=2, workers=1, seed=1))
    assert outcome.report.ok  # no people yet: an empty, valid schedule


@pytest.fixture
def topics_tab(main_window):
    main_window.tabs.setCurrentWidget(main_window.topics_tab)
    return main_window.topics_tab


def _select(view, column_value: str) -> None:
    model = view.model()
    for r in range(model.rowCount()):
        if model.index(r, 1).data() == column_value:
            view.setCurrentIndex(model.index(r, 0))
            return
    pytest.fail(f"{column_value} not in the table")


def test_add_rename_remove_a_topic_each_undoable(topics_tab, main_window, monkeypatch):
    ws, pid, stack = main_window.ws, main_window.program_id, main_window.undo_stack
    n = len(ws.load_scenario(pid).topics)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Cybersecurity drills", True)))
    topics_tab.buttons["add topic"].click()
    assert [t.name for t in ws.load_scenario(pid).topics][-1] == "Cybersecurity drills"
    assert stack.text(stack.count() - 1) == "Add topic Cybersecurity drills"
    _select(topics_tab.topics_view, "cybersecurity-drills")
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Cyber drills", True)))
    topics_tab.buttons["rename topic"].click()
    assert any(t.name == "Cyber drills" for t in ws.load_scenario(pid).topics)
    _select(topics_tab.topics_view, "cybersecurity-drills")
    topics_tab.buttons["remove topic"].click()
    assert len(ws.load_scenario(pid).topics) == n
    stack.undo()
    assert any(t.name == "Cyber drills" for t in ws.load_scenario(pid).topics)
    stack.undo()
    stack.undo()
    assert len(ws.load_scenario(pid).topics) == n
    stack.redo()
    assert len(ws.load_scenario(pid).topics) == n + 1


def test_removing_a_used_topic_or_site_is_refused_naming_who_uses_it(topics_tab, main_window, message_boxes):
    ws, pid = main_window.ws, main_window.program_id
    sc = ws.load_scenario(pid)
    used = next(t for t in sc.topics if any(t.id in o.interests for o in sc.officials))
    _select(topics_tab.topics_view, used.id)
    topics_tab.buttons["remove topic"].click()
    kind, title, text = message_boxes[-1]
    assert (
        title == "Topic not removed" and "cannot be removed while it is used" in text and "official" in text
    )
    site = sc.locations[0]
    _select(topics_tab.sites_view, site.id)
    topics_tab.buttons["remove site"].click()
    assert message_boxes[-1][1] == "Site not removed" and "host" in message_boxes[-1][2]
    assert len(ws.load_scenario(pid).topics) == len(sc.topics)
    assert main_window.undo_stack.count() == 0


def test_add_a_site_with_a_zone_from_the_list(topics_tab, main_window, monkeypatch):
    ws, pid = main_window.ws, main_window.program_id
    monkeypatch.setattr(
        SiteDialog,
        "ask",
        classmethod(lambda cls, parent: ("Honolulu, Hawaii", "Pacific/Honolulu", "530 S King St")),
    )
    topics_tab.buttons["add site"].click()
    loc = ws.load_scenario(pid).locations[-1]
    assert (loc.name, loc.timezone) == ("Honolulu, Hawaii", "Pacific/Honolulu")
    main_window.undo_stack.undo()
    assert all(x.name != "Honolulu, Hawaii" for x in ws.load_scenario(pid).locations)


def test_site_dialog_lists_iana_zones(qtbot):
    d = SiteDialog()
    qtbot.addWidget(d)
    items = [d.zone.itemText(i) for i in range(d.zone.count())]
    assert "Pacific/Honolulu" in items and "America/New_York" in items and "UTC" not in items[:1]
    assert QMessageBox  # used by the tab for refusals


def test_help_opens_the_user_guide_with_its_pictures(main_window, qtbot):
    main_window.guide_action.trigger()
    dlg = main_window._guide
    qtbot.addWidget(dlg)
    text = dlg.browser.toPlainText()
    assert "Set up the program" in text and "Show possible places" in text
    html = dlg.browser.toHtml()
    assert "screenshots/guide-open-session.png" in html
    for name in ("guide-open-session.png", "guide-board-possible-places.png", "guide-overview.png"):
        assert (Path(__file__).resolve().parents[2] / "docs" / "screenshots" / name).exists()
