"""exchange-schedule/1 against its program: defaults, refusals naming session and field, round trip."""

from __future__ import annotations

import pytest

from exchange_app.domain import Mode
from exchange_app.errors import InputError
from exchange_app.io.scenario_json import read_scenario
from exchange_app.io.schedule_json import parse_schedule, read_schedule, schedule_to_dict, write_schedule
from tests.storage.helpers import hand_schedule


@pytest.fixture
def tiny(tiny_path):
    return read_scenario(tiny_path)


def minimal(sc):
    h = sc.hosts[0]
    return {
        "format": "exchange-schedule/1",
        "sessions": [
            {
                "id": "s-1",
                "host": h.id,
                "slot": sc.slots[0].id,
                "topic": h.expertise[0],
                "language": h.languages[0],
                "officials": [sc.officials[0].id, sc.officials[1].id],
            }
        ],
    }


def test_optional_fields_take_their_defaults(tiny):
    schedule = parse_schedule(minimal(tiny), tiny)
    [s] = schedule.sessions
    assert s.mode is Mode.IN_PERSON and s.location == tiny.hosts[0].location
    assert s.interpreter is None and s.pinned == [] and schedule.unmatched == [] and schedule.solver is None


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("host", "h-9999", "unknown host 'h-9999'"),
        ("slot", "never", "unknown slot 'never'"),
        ("topic", "astrology", "unknown topic 'astrology'"),
        ("interpreter", "i-404", "unknown interpreter 'i-404'"),
        ("mode", "hybrid", "neither 'in-person' nor 'virtual'"),
        ("officials", ["o-0001", "o-9999"], "unknown official 'o-9999'"),
    ],
)
def test_unknown_ids_are_refused_naming_session_and_field(tiny, field, value, words):
    doc = minimal(tiny)
    doc["sessions"][0][field] = value
    with pytest.raises(InputError) as e:
        parse_schedule(doc, tiny, source="edited.json")
    [p] = e.value.problems
    assert p.record == "sessions[0] (s-1)" and p.field.startswith(field) and words in p.message
    assert "edited.json" in str(e.value)


def test_other_format_and_duplicates(tiny):
    doc = minimal(tiny) | {"format": "exchange-scenario/1"}
    with pytest.raises(InputError, match="field 'format'"):
        parse_schedule(doc, tiny)
    doc = minimal(tiny)
    doc["sessions"].append(dict(doc["sessions"][0]))
    with pytest.raises(InputError, match=r"sessions\[1\] \(s-1\), field 'id': duplicate session id"):
        parse_schedule(doc, tiny)


def test_round_trip(tiny, tmp_path):
    schedule = hand_schedule(tiny)
    out = tmp_path / "schedule.json"
    write_schedule(schedule, out, tiny.program.name)
    again = read_schedule(out, tiny)
    assert again == schedule
    assert schedule_to_dict(again) == schedule_to_dict(schedule)
