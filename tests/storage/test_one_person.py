"""Reading one person (a profile save refreshes only them): the same person and revision a
whole-program read gives, and the pins and forbidden pairs as that read orders them."""

from __future__ import annotations

import dataclasses

import pytest

from exchange_app.domain import PersonKind
from exchange_app.services import Workspace, import_file


@pytest.fixture
def program(db_url, small_path):
    ws = Workspace.open(db_url, user="sam")
    pid = import_file(ws, small_path).program_id
    yield ws, pid
    ws.close()


def test_one_person_reads_as_the_whole_program_does(program):
    ws, pid = program
    scenario, revisions = ws.load_scenario(pid), ws.person_revisions(pid)
    people = [*scenario.officials, *scenario.hosts, *scenario.interpreters]
    assert {p.kind for p in people} == set(PersonKind)
    for person in people:
        assert ws.person(pid, person.kind, person.id) == (person, revisions[(person.kind, person.id)])
    # interests, windows and expertise are there (not only the columns of the person row)
    assert any(o.interests for o in scenario.officials) and any(h.expertise for h in scenario.hosts)
    assert any(p.availability for p in people)


def test_one_person_after_a_save_and_a_delete(program):
    ws, pid = program
    official = ws.load_scenario(pid).officials[2]
    changed = dataclasses.replace(official, title="Commissioner", availability=official.availability[:1])
    revision = ws.upsert_person(pid, changed)
    stored, rev = ws.person(pid, PersonKind.OFFICIAL, official.id) or (None, None)
    assert stored == changed and rev is not None and rev.revision == revision and rev.updated_by == "sam"
    ws.delete_person(pid, PersonKind.OFFICIAL, official.id)
    assert ws.person(pid, PersonKind.OFFICIAL, official.id) is None
    assert ws.person(pid, PersonKind.HOST, official.id) is None  # ids are per kind


def test_pins_and_forbidden_read_in_the_programs_order(program):
    ws, pid = program
    scenario = ws.load_scenario(pid)
    assert scenario.pins or scenario.forbidden
    assert ws.pins_and_forbidden(pid) == (scenario.pins, scenario.forbidden)
