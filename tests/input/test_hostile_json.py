"""Hostile and contradictory JSON input: always exit 2 with file, record and field named,
nothing written, never a traceback (issue 14; issue 15 items 1, 8 and 10)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from exchange_app.cli import main
from exchange_app.errors import InputError
from exchange_app.io.scenario_json import parse_scenario, read_scenario, validate_person
from exchange_app.io.validation import MAX_DOCUMENT_BYTES
from exchange_app.services import Workspace
from tests.storage.cases import dump

DATA = Path(__file__).resolve().parents[1] / "data"
TINY = json.loads((DATA / "sample-tiny.json").read_text("utf-8"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "programs.db"
    assert main(["--db", str(path), "import", str(DATA / "sample-tiny.json")]) == 0
    return path


def dump_of(path: Path) -> Any:
    with Workspace.open(path) as ws:
        return dump(ws.engine)


def refused(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str | bytes) -> str:
    """Import ``text`` as a file; asserts exit 2, no traceback, database unchanged; the message."""
    before = dump_of(db)
    bad = tmp_path / "bad.json"
    bad.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    capsys.readouterr()
    code = main(["--db", str(db), "import", str(bad)])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert "Traceback" not in err and out == ""
    assert f"{bad}: refused" in err
    assert dump_of(db) == before
    return err


def edited(edit: Callable[[dict[str, Any]], None]) -> str:
    doc = copy.deepcopy(TINY)
    edit(doc)
    return json.dumps(doc, ensure_ascii=True)


# --------------------------------------------------------------------------- parse errors


def test_json_nested_100000_levels(db, tmp_path, capsys):
    err = refused(db, tmp_path, capsys, "[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in err


def test_json_nested_deeper_than_the_cap_inside_a_field(db, tmp_path, capsys):
    err = refused(db, tmp_path, capsys, edited(lambda d: d["officials"][0].update(title=[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]])))  # fmt: skip
    assert "nested deeper than 32 levels" in err


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2026-10-29T08:00+24:00", "offsets run from -18:00 to +18:00"),
        ("2026-10-29T08:00+99:99", "offsets run from -18:00 to +18:00"),
        ("2026-13-29T08:00-07:00", "month must be in 1..12"),
        ("2026-02-30T08:00-07:00", "day is out of range"),
        ("2026-10-29T25:00-07:00", "hour must be in 0..23"),
        ("0001-01-01T00:00+05:00", "in the year 1; times must fall in 1900..2200"),
        ("9999-12-31T23:00-05:00", "in the year 9999"),
        ("2026-10-29T08:00:00.1234567-07:00", "not an ISO 8601 time"),
    ],
)
def test_every_bad_date_time_and_offset_is_named(db, tmp_path, capsys, value, words):
    err = refused(
        db, tmp_path, capsys, edited(lambda d: d["officials"][0]["availability"][0].update(start=value))
    )
    assert "officials[0] (o-0001), field 'availability[0].start'" in err and words in err


def test_a_slot_in_month_13(db, tmp_path, capsys):
    err = refused(db, tmp_path, capsys, edited(lambda d: d["slots"][2].update(end="2026-13-01T10:00Z")))
    assert "slots[2] (" in err and "field 'end'" in err and "month must be in 1..12" in err


@pytest.mark.parametrize(
    ("where", "value", "words"),
    [
        (("program", "max_guests"), 1e308, "is written as a decimal number"),
        (("program", "max_guests"), 2**63, "is above 10,000"),
        (("program", "min_guests"), 10**40, "a 41-digit number is above 10,000"),
        (("program", "max_per_day"), 2**31, "is above 10,000"),
        (("program", "max_sessions"), 2.5, "is not a whole number"),
    ],
)
def test_numbers_beyond_range_are_named(db, tmp_path, capsys, where, value, words):
    err = refused(db, tmp_path, capsys, edited(lambda d: d[where[0]].update({where[1]: value})))
    assert f"program, field '{where[1]}'" in err and words in err


def test_an_interest_weight_written_as_decimal(db, tmp_path, capsys):
    def edit(d):
        d["officials"][1]["interests"]["security"] = 2.0

    err = refused(db, tmp_path, capsys, edited(edit))
    assert "officials[1] (o-0002), field 'interests.security'" in err and "decimal" in err


def test_numbers_json_does_not_allow_and_numbers_too_long_to_read(db, tmp_path, capsys):
    text = json.dumps(TINY).replace('"max_guests": 6', '"max_guests": NaN')
    assert "refused" in refused(db, tmp_path, capsys, text)
    text = json.dumps(TINY).replace('"max_guests": 6', '"max_guests": ' + "9" * 5000)
    assert "is not valid JSON" in refused(db, tmp_path, capsys, text)


def test_program_min_sessions_above_max_sessions(db, tmp_path, capsys):
    err = refused(db, tmp_path, capsys, edited(lambda d: d["program"].update(min_sessions=5, max_sessions=3)))
    assert "program, field 'min_sessions': min_sessions 5 is above max_sessions 3" in err


def test_a_document_above_the_size_cap_is_refused_before_it_is_read(db, tmp_path, capsys):
    big = tmp_path / "huge.json"
    with big.open("wb") as f:  # sparse: nothing is written to disk
        f.truncate(MAX_DOCUMENT_BYTES + 1)
    before = dump_of(db)
    assert main(["--db", str(db), "import", str(big)]) == 2
    err = capsys.readouterr().err
    assert "files above 200 MB are refused" in err and "Traceback" not in err
    assert dump_of(db) == before


def test_utf16_json_names_the_encoding(db, tmp_path, capsys):
    err = refused(db, tmp_path, capsys, json.dumps(TINY).encode("utf-16"))
    assert "is UTF-16 text; save it as UTF-8" in err
    assert err.count("\n") <= 2  # one message, not one per character


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("record", "field", "edit"),
    [
        (
            "program",
            "organizer.name",
            lambda d: d["program"]["organizer"].update(name="Staff\r\nBcc: x@y.org"),
        ),
        ("officials[2] (o-0003)", "name", lambda d: d["officials"][2].update(name="Ana\nMaria")),
        ("officials[2] (o-0003)", "organization", lambda d: d["officials"][2].update(organization="EMB\tKE")),
        ("hosts[0] (h-0001)", "title", lambda d: d["hosts"][0].update(title="Clerk\x00")),
        ("topics[0] (", "description", lambda d: d["topics"][0].update(description="a\u2028b")),
        ("officials[0] (o-0001)", "delegation", lambda d: d["officials"][0].update(delegation="D\x85")),
        ("forbidden[0]", "reason", lambda d: d["forbidden"][0].update(reason="x\x1b[31m")),
    ],
)
def test_control_characters_are_refused_with_record_and_field(db, tmp_path, capsys, record, field, edit):
    err = refused(db, tmp_path, capsys, edited(edit))
    assert record in err and f"field '{field}'" in err and "holds a control character" in err


def test_a_lone_surrogate_is_refused(db, tmp_path, capsys):
    text = edited(lambda d: d["officials"][3].update(name="Ana SURROGATE")).replace("SURROGATE", "\\ud800")
    err = refused(db, tmp_path, capsys, text)
    assert "officials[3] (o-0004), field 'name'" in err and "lone surrogate (U+D800)" in err


@pytest.mark.parametrize(
    ("field", "length", "cap"),
    [("name", 201, "200"), ("organization", 100_000, "200"), ("title", 201, "200")],
)
def test_names_are_capped_at_200_characters(db, tmp_path, capsys, field, length, cap):
    err = refused(db, tmp_path, capsys, edited(lambda d: d["officials"][0].update({field: "x" * length})))
    assert f"officials[0] (o-0001), field '{field}': is {length:,} characters long; at most {cap}" in err


def test_descriptions_are_capped_at_5000_characters(db, tmp_path, capsys):
    err = refused(db, tmp_path, capsys, edited(lambda d: d["topics"][1].update(description="y" * 5001)))
    assert "field 'description': is 5,001 characters long; at most 5,000" in err
    ok = copy.deepcopy(TINY)
    ok["topics"][1]["description"] = "y" * 5000
    assert parse_scenario(ok).topics[1].description == "y" * 5000


# --------------------------------------------------------------------------- contradictions


def pin(official: str, host: str, slot: str) -> dict[str, str]:
    return {"official": official, "host": host, "slot": slot}


SLOT = TINY["slots"]


def test_an_id_used_in_two_person_lists(db, tmp_path, capsys):
    def edit(d):
        d["interpreters"][0]["id"] = "o-0006"

    err = refused(db, tmp_path, capsys, edited(edit))
    assert "interpreters[0] (o-0006), field 'id'" in err
    assert "is also the id of official officials[5]" in err and TINY["officials"][5]["name"] in err


def test_an_official_id_equal_to_a_host_id(db, tmp_path, capsys):
    err = refused(db, tmp_path, capsys, edited(lambda d: d["hosts"][1].update(id="o-0002")))
    assert "hosts[1] (o-0002), field 'id'" in err and "official officials[1]" in err


def test_a_pin_on_a_forbidden_pair(db, tmp_path, capsys):
    def edit(d):
        d["pins"].append(pin("o-0001", "h-0004", SLOT[3]["id"]))

    err = refused(db, tmp_path, capsys, edited(edit))
    assert "pins[1]:" in err and "forbidden[0] says they must never share a session" in err


def test_an_official_pinned_to_two_hosts_at_the_same_slot(db, tmp_path, capsys):
    def edit(d):
        d["pins"] = [pin("o-0002", "h-0001", SLOT[0]["id"]), pin("o-0002", "h-0002", SLOT[0]["id"])]

    err = refused(db, tmp_path, capsys, edited(edit))
    assert "pins[1]:" in err and "overlaps pins[0]" in err and "two sessions at once" in err


def test_an_official_pinned_in_overlapping_slots(db, tmp_path, capsys):
    def edit(d):
        d["slots"].append({"id": "half-past", "start": "2026-10-29T12:30Z", "end": "2026-10-29T13:30Z"})
        d["pins"] = [pin("o-0002", "h-0001", SLOT[0]["id"]), pin("o-0002", "h-0002", "half-past")]

    err = refused(db, tmp_path, capsys, edited(edit))
    assert "pins[1]:" in err and "overlaps pins[0]" in err


def test_a_host_pinned_to_two_sessions_at_overlapping_slots(db, tmp_path, capsys):
    def edit(d):
        d["slots"].append({"id": "half-past", "start": "2026-10-29T12:30Z", "end": "2026-10-29T13:30Z"})
        d["pins"] = [pin("o-0002", "h-0001", SLOT[0]["id"]), pin("o-0003", "h-0001", "half-past")]

    err = refused(db, tmp_path, capsys, edited(edit))
    assert "pins[1]:" in err and "host" in err and "overlaps pins[0]" in err


def test_nine_pins_to_one_session_with_max_guests_6(db, tmp_path, capsys):
    def edit(d):
        d["program"]["max_same_country"] = 9
        d["pins"] = [pin(f"o-{n:04d}", "h-0005", SLOT[8]["id"]) for n in range(1, 10)]

    err = refused(db, tmp_path, capsys, edited(edit))
    assert "pins[6]: is pin number 7 to host" in err and "(with pins[0], pins[1]" in err
    assert "program.max_guests is 6" in err


def test_more_pins_from_one_country_than_max_same_country(db, tmp_path, capsys):
    by_country: dict[str, list[str]] = {}
    for o in TINY["officials"]:
        by_country.setdefault(o["country"], []).append(o["id"])
    country, ids = next((c, ids) for c, ids in by_country.items() if len(ids) >= 2)

    def edit(d):
        d["program"]["max_same_country"] = 1
        d["pins"] = [pin(x, "h-0005", SLOT[8]["id"]) for x in ids[:2]]

    err = refused(db, tmp_path, capsys, edited(edit))
    assert f"pins[1]: pins a 2th official from {country}" in err and "(with pins[0])" in err
    assert "max_same_country is 1" in err


def test_more_pins_than_max_sessions(db, tmp_path, capsys):
    def edit(d):
        d["officials"][1]["max_sessions"] = 1
        d["officials"][1]["min_sessions"] = 1
        d["pins"] = [pin("o-0002", "h-0001", SLOT[0]["id"]), pin("o-0002", "h-0002", SLOT[5]["id"])]

    err = refused(db, tmp_path, capsys, edited(edit))
    assert "pins[1]: is pin number 2 of official" in err and "(with pins[0])" in err
    assert "their max_sessions is 1" in err


def test_more_pins_on_one_day_than_max_per_day(db, tmp_path, capsys):
    def edit(d):
        d["officials"][1]["max_per_day"] = 1
        d["pins"] = [pin("o-0002", "h-0001", SLOT[0]["id"]), pin("o-0002", "h-0002", SLOT[2]["id"])]

    err = refused(db, tmp_path, capsys, edited(edit))
    assert "pins[1]: is pin number 2 of official" in err and "their max_per_day is 1" in err


def test_an_official_pinned_twice_to_one_host(db, tmp_path, capsys):
    def edit(d):
        d["pins"] = [pin("o-0002", "h-0001", SLOT[0]["id"]), pin("o-0002", "h-0001", SLOT[4]["id"])]

    err = refused(db, tmp_path, capsys, edited(edit))
    assert "pins[1]:" in err and "a second time (also pins[0]" in err


def test_the_samples_have_no_contradiction():
    for path in sorted(DATA.glob("sample-*.json")):
        read_scenario(path)


# --------------------------------------------------------------------------- the profile editor


def test_the_profile_editor_validation_refuses_control_characters_and_id_clashes():
    sc = read_scenario(DATA / "sample-tiny.json")
    from exchange_app.io.scenario_json import person_to_dict

    rec = person_to_dict(sc.officials[2], sc)
    rec["name"] = "Ana\r\nMaria"
    problems = validate_person("official", rec, sc, sc.officials[2].id)
    assert [(p.record, p.field) for p in problems] == [("officials[2] (o-0003)", "name")]
    assert "control character (U+000D CARRIAGE RETURN)" in problems[0].message
    rec = person_to_dict(sc.interpreters[0], sc)
    rec["id"] = "h-0001"
    problems = validate_person("interpreter", rec, sc, sc.interpreters[0].id)
    assert any(p.field == "id" and "also the id of host hosts[0]" in p.message for p in problems)


def test_a_refusal_lists_each_problem_once():
    doc = copy.deepcopy(TINY)
    doc["officials"][0]["name"] = "a\nb"
    with pytest.raises(InputError) as e:
        parse_scenario(doc)
    assert len(e.value.problems) == 1


@pytest.mark.parametrize("target", ["/dev/zero", "folder", "missing.json"])
def test_devices_folders_and_missing_files(db, tmp_path, capsys, target):
    path = Path(target) if target.startswith("/") else tmp_path / target
    if target == "folder":
        path.mkdir()
    before = dump_of(db)
    assert main(["--db", str(db), "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: refused" in err and "Traceback" not in err
    assert any(w in err for w in ("not a regular file", "is a folder", "cannot be read"))
    assert dump_of(db) == before
