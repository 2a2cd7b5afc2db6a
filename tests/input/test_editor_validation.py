"""The profile editor refuses what an import refuses (control characters, over-long text,
an id another kind of person has), with the importer's record and field, and blocks Save."""

from __future__ import annotations

from pathlib import Path

import pytest

from exchange_app.domain import PersonKind
from exchange_app.io.scenario_json import read_scenario

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def editor(qtbot):
    from ui.profiles.editor import PersonEditor

    sc = read_scenario(DATA / "sample-small.json")
    ed = PersonEditor(PersonKind.OFFICIAL)
    qtbot.addWidget(ed)
    ed.load(sc.officials[2], sc)
    return ed, sc


@pytest.mark.parametrize(
    ("widget", "text", "field", "words"),
    [
        ("name_edit", "Ana\tMaria", "name", "control character (U+0009"),
        ("organization_edit", "EMB\x00", "organization", "control character (U+0000"),
        ("title_edit", "T" * 201, "title", "201 characters long; at most 200"),
    ],
)
def test_the_editor_shows_the_importers_refusal(editor, widget, text, field, words):
    ed, sc = editor
    getattr(ed, widget).setText(text)
    problems = ed.problems()
    assert any(
        p.record == "officials[2] (o-0003)" and p.field == field and words in p.message for p in problems
    )
    assert not ed.save_button.isEnabled() and ed.edited_person() is None


def test_the_editor_refuses_an_id_of_another_kind(editor):
    ed, sc = editor
    ed.id_edit.setText(sc.hosts[0].id)
    assert any(p.field == "id" and "also the id of host hosts[0]" in p.message for p in ed.problems())
    assert not ed.save_button.isEnabled()
