"""Workspace over SQLite and (when a server runs) PostgreSQL: every test gets a fresh database."""

from __future__ import annotations

import dataclasses
from datetime import UTC, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from exchange_app.domain import Official, PersonKind, Pin, Program, Window
from exchange_app.errors import ConflictError, InputError, NotFoundError
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace, import_file
from exchange_app.storage import programs as db_programs
from tests.storage.cases import BAD_CASES, dump, write_bad
from tests.storage.helpers import hand_schedule

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLES = ["sample-tiny.json", "sample-small.json", "sample-medium.json"]


@pytest.fixture
def ws(db_url):
    with Workspace.open(db_url, user="maria") as w:
        yield w


@pytest.fixture
def tiny(ws, tiny_path):
    return ws.import_scenario(read_scenario(tiny_path), source=str(tiny_path))


@pytest.mark.parametrize("sample", SAMPLES)
def test_import_then_load_gives_the_same_scenario(ws, sample):
    original = read_scenario(DATA / sample)
    pid = ws.import_scenario(original, source=sample)
    loaded = ws.load_scenario(pid)
    assert loaded == original  # every id, value, list order and instant
    [info] = ws.programs()
    assert (info.id, info.name) == (pid, original.program.name)
    assert (info.officials, info.hosts, info.interpreters, info.versions) == (
        len(original.officials),
        len(original.hosts),
        len(original.interpreters),
        0,
    )


def test_instants_come_back_in_utc(ws, tiny, tiny_path):
    original = read_scenario(tiny_path)
    loaded = ws.load_scenario(tiny)
    for before, after in zip(
        original.officials[0].availability, loaded.officials[0].availability, strict=False
    ):
        assert after.start.utcoffset() == timedelta(0) and after.start.tzinfo is UTC
        assert after.start == before.start and after.end == before.end
    assert loaded.slots[0].start == original.slots[0].start
    with ws.engine.connect() as c:  # what the database holds is the UTC time
        raw = c.execute(sa.text("SELECT starts_at FROM availability_windows ORDER BY id LIMIT 1")).scalar()
    first = original.officials[0].availability[0].start.astimezone(UTC)
    if isinstance(raw, str):  # SQLite: UTC wall time as text
        assert raw.startswith(first.strftime("%Y-%m-%d %H:%M:%S"))
    else:  # PostgreSQL timestamptz: an aware instant
        assert raw == first


def test_same_ids_in_two_programs(ws, tiny_path):
    a = ws.import_scenario(read_scenario(tiny_path))
    b = ws.import_scenario(read_scenario(tiny_path))
    assert a != b
    assert ws.load_scenario(a) == ws.load_scenario(b)
    ws.upsert_person(b, dataclasses.replace(ws.load_scenario(b).officials[0], name="Changed Only In B"))
    assert ws.load_scenario(a).officials[0].name != "Changed Only In B"


@pytest.mark.parametrize("case", BAD_CASES, ids=lambda c: c.name)
def test_bad_file_is_refused_and_database_unchanged(ws, tiny, tiny_path, tmp_path, case):
    before = dump(ws.engine)
    bad = write_bad(tiny_path, case, tmp_path / "bad.json")
    with pytest.raises(InputError) as e:
        import_file(ws, bad)
    assert any(
        p.record.startswith(case.record) and (case.field or "") in (p.field or "") and case.words in p.message
        for p in e.value.problems
    ), e.value.describe()
    assert str(bad) in str(e.value)
    assert dump(ws.engine) == before


def test_bad_scenario_object_is_refused_and_database_unchanged(ws, tiny, tiny_path):
    before = dump(ws.engine)
    sc = read_scenario(tiny_path)
    sc.hosts[0].expertise.append("no-such-topic")
    with pytest.raises(InputError) as e:
        ws.import_scenario(sc, source="edited")
    assert "hosts[0] (h-0001), field 'expertise[" in str(e.value) and "unknown topic 'no-such-topic'" in str(
        e.value
    )
    naive = read_scenario(tiny_path)
    naive.slots[0] = dataclasses.replace(naive.slots[0], start=naive.slots[0].start.replace(tzinfo=None))
    with pytest.raises(InputError, match=r"slots\[0\].*field 'start'.*UTC offset"):
        ws.import_scenario(naive)
    assert dump(ws.engine) == before


def test_a_failure_half_way_writes_nothing(ws, tiny, tiny_path, monkeypatch):
    before = dump(ws.engine)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(db_programs, "_insert_pins", broken)  # after program, people and windows were written
    with pytest.raises(RuntimeError):
        ws.import_scenario(read_scenario(tiny_path))
    assert dump(ws.engine) == before


def test_replace_scenario_keeps_rows_and_bumps_only_changed_people(ws, tiny, tiny_path):
    sc = read_scenario(tiny_path)
    before = ws.person_revisions(tiny)
    sc.officials[1].name = "Renamed Official"
    sc.officials[2].availability.append(Window(start=sc.slots[0].start, end=sc.slots[0].end, location=None))
    removed_host = next(
        h
        for h in sc.hosts
        if all(p.host != h.id for p in sc.pins) and all(f.host != h.id for f in sc.forbidden)
    )
    sc.hosts.remove(removed_host)
    sc.topics.append(dataclasses.replace(sc.topics[0], id="new-topic", name="A new topic"))
    sc.officials[3].interests["new-topic"] = 3
    sc.slots.pop()
    sc.program.max_guests = 5
    ws.replace_scenario(tiny, sc)
    assert ws.load_scenario(tiny) == sc
    after = ws.person_revisions(tiny)
    o = PersonKind.OFFICIAL
    assert after[(o, sc.officials[1].id)].revision == before[(o, sc.officials[1].id)].revision + 1
    assert after[(o, sc.officials[2].id)].revision == before[(o, sc.officials[2].id)].revision + 1
    assert after[(o, sc.officials[3].id)].revision == before[(o, sc.officials[3].id)].revision + 1
    assert after[(o, sc.officials[0].id)] == before[(o, sc.officials[0].id)]
    assert (PersonKind.HOST, removed_host.id) not in after


def test_replace_scenario_refuses_bad_input_and_changes_nothing(ws, tiny, tiny_path):
    before = dump(ws.engine)
    sc = read_scenario(tiny_path)
    sc.officials[0].name = "Would Be Renamed"
    sc.pins.append(Pin(official="o-9999", host=sc.hosts[0].id, slot=sc.slots[0].id))
    with pytest.raises(InputError, match=r"pins\[1\], field 'official': unknown official 'o-9999'"):
        ws.replace_scenario(tiny, sc)
    assert dump(ws.engine) == before


def test_upsert_person_adds_and_updates_with_revisions(ws, tiny):
    sc = ws.load_scenario(tiny)
    topic = sc.topics[0].id
    new = Official(
        id="o-9001",
        name="Ana Lima",
        email="ana@example.org",
        country="BR",
        languages=["pt", "en"],
        interests={topic: 3},
        availability=[Window(start=sc.slots[0].start, end=sc.slots[1].end, location=sc.locations[0].id)],
    )
    assert ws.upsert_person(tiny, new) == 1
    assert ws.load_scenario(tiny).officials[-1] == new
    rev = ws.person_revisions(tiny)[(PersonKind.OFFICIAL, "o-9001")]
    assert (rev.revision, rev.updated_by) == (1, "maria")
    changed = dataclasses.replace(new, languages=["pt"], interests={topic: 1})
    assert ws.upsert_person(tiny, changed, expected_revision=1) == 2
    assert ws.load_scenario(tiny).officials[-1] == changed
    assert ws.person_revisions(tiny)[(PersonKind.OFFICIAL, "o-9001")].revision == 2


def test_upsert_person_refuses_a_stale_revision_naming_who_and_when(db_url, tiny_path):
    with Workspace.open(db_url, user="maria") as maria, Workspace.open(db_url, user="li") as li:
        pid = maria.import_scenario(read_scenario(tiny_path))
        loaded_by_li = li.person_revisions(pid)[(PersonKind.OFFICIAL, "o-0001")].revision
        official = maria.load_scenario(pid).officials[0]
        maria.upsert_person(pid, dataclasses.replace(official, title="Chair"), expected_revision=loaded_by_li)
        with pytest.raises(ConflictError) as e:
            li.upsert_person(
                pid, dataclasses.replace(official, title="Deputy"), expected_revision=loaded_by_li
            )
        message = str(e.value)
        assert message.startswith(f"Official o-0001 ({official.name}) was changed by maria at ")
        assert "reload to see their change" in message
        assert maria.load_scenario(pid).officials[0].title == "Chair"  # maria's change kept, li's not written
        assert e.value.exit_code == 3


def test_upsert_person_checks_references(ws, tiny):
    before = dump(ws.engine)
    o = ws.load_scenario(tiny).officials[0]
    bad = dataclasses.replace(o, interests={"no-such-topic": 2})
    with pytest.raises(InputError) as e:
        ws.upsert_person(tiny, bad)
    assert "official o-0001, field 'interests.no-such-topic': unknown topic 'no-such-topic'" in str(e.value)
    h = ws.load_scenario(tiny).hosts[0]
    with pytest.raises(InputError, match=r"host h-0001, field 'location': unknown location 'atlantis'"):
        ws.upsert_person(tiny, dataclasses.replace(h, location="atlantis"))
    with pytest.raises(InputError, match=r"official o-0001, field 'email'"):
        ws.upsert_person(tiny, dataclasses.replace(o, email="nope"))
    assert dump(ws.engine) == before


def test_delete_person_removes_their_pins_and_forbidden_pairs(ws, tiny):
    sc = ws.load_scenario(tiny)
    pinned, forbidden = sc.pins[0].official, sc.forbidden[0].official
    schedule = hand_schedule(sc)
    schedule.sessions[0].officials.append(pinned)
    ws.save_schedule(tiny, schedule, "edit")
    ws.delete_person(tiny, PersonKind.OFFICIAL, pinned)
    ws.delete_person(tiny, "official", forbidden)
    after = ws.load_scenario(tiny)
    assert after.pins == [] and after.forbidden == []
    assert {pinned, forbidden}.isdisjoint(o.id for o in after.officials)
    assert pinned in ws.load_schedule(tiny).sessions[0].officials  # stored schedules keep them
    with pytest.raises(NotFoundError, match="Official o-0001 is not in this program"):
        ws.delete_person(tiny, PersonKind.OFFICIAL, "o-0001")


def test_set_pins_checks_every_id(ws, tiny):
    sc = ws.load_scenario(tiny)
    good = [Pin(official=sc.officials[0].id, host=sc.hosts[0].id, slot=sc.slots[0].id)]
    ws.set_pins(tiny, good)
    assert ws.load_scenario(tiny).pins == good
    with pytest.raises(InputError, match=r"pins\[0\], field 'slot': unknown slot 'never'"):
        ws.set_pins(tiny, [Pin(official=sc.officials[0].id, host=sc.hosts[0].id, slot="never")])
    assert ws.load_scenario(tiny).pins == good


def test_program_settings_with_revision(db_url, tiny_path):
    with Workspace.open(db_url, user="maria") as maria, Workspace.open(db_url, user="li") as li:
        pid = maria.import_scenario(read_scenario(tiny_path))
        rev = li.program_revision(pid)
        program = maria.load_scenario(pid).program
        maria.save_program_settings(
            pid, dataclasses.replace(program, max_guests=4), expected_revision=rev.revision
        )
        assert maria.program_revision(pid).revision == rev.revision + 1
        with pytest.raises(ConflictError, match=r"was changed by maria at"):
            li.save_program_settings(
                pid, dataclasses.replace(program, name="Other"), expected_revision=rev.revision
            )
        with pytest.raises(InputError, match="unknown time zone"):
            maria.save_program_settings(pid, dataclasses.replace(program, timezone="Mars/Olympus"))
        stored = li.load_scenario(pid).program
        assert (stored.max_guests, stored.name, stored.timezone) == (4, program.name, program.timezone)


def test_schedule_versions_are_numbered_and_kept(ws, tiny):
    sc = ws.load_scenario(tiny)
    first, second = hand_schedule(sc, rotate=0), hand_schedule(sc, rotate=1)
    assert ws.save_schedule(tiny, first, "solve", note="first solve") == 1
    assert ws.save_schedule(tiny, second, "edit") == 2
    assert ws.load_schedule(tiny, 1) == first
    assert ws.load_schedule(tiny, 2) == second
    assert ws.load_schedule(tiny) == second
    v1, v2 = ws.schedule_versions(tiny)
    assert (v1.number, v1.source, v1.note, v1.created_by, v1.sessions) == (
        1,
        "solve",
        "first solve",
        "maria",
        4,
    )
    assert v1.solver == first.solver and v2.solver is None
    assert v2.created_at >= v1.created_at and v2.created_at.tzinfo is not None
    assert ws.programs()[0].versions == 2
    with pytest.raises(NotFoundError, match="no schedule version 3"):
        ws.load_schedule(tiny, 3)
    with pytest.raises(ValueError):
        ws.save_schedule(tiny, first, "guess")


def test_no_schedule_yet(ws, tiny):
    assert ws.schedule_versions(tiny) == []
    with pytest.raises(NotFoundError, match="has no schedule yet"):
        ws.load_schedule(tiny)


def test_resolve_program(ws, tiny_path, small_path):
    with pytest.raises(NotFoundError, match="no program yet"):
        ws.resolve_program(None)
    a = ws.import_scenario(read_scenario(tiny_path))
    assert ws.resolve_program(None) == a
    b = ws.import_scenario(read_scenario(small_path))
    name_b = read_scenario(small_path).program.name
    with pytest.raises(NotFoundError, match="holds 2 programs"):
        ws.resolve_program(None)
    assert ws.resolve_program(name_b) == b
    assert ws.resolve_program(name_b.upper()) == b
    assert ws.resolve_program(a) == a and ws.resolve_program(str(b)) == b
    with pytest.raises(NotFoundError, match="no program named 'nope'"):
        ws.resolve_program("nope")
    with pytest.raises(NotFoundError, match="no program with id 99"):
        ws.resolve_program(99)
    ws.import_scenario(read_scenario(small_path))
    with pytest.raises(NotFoundError, match="Several programs are named"):
        ws.resolve_program(name_b)


def test_delete_program_removes_everything_it_owns(ws, tiny, small_path):
    ws.save_schedule(tiny, hand_schedule(ws.load_scenario(tiny)), "solve")
    other = ws.import_scenario(read_scenario(small_path))
    kept = ws.load_scenario(other)
    ws.delete_program(tiny)
    assert [p.id for p in ws.programs()] == [other]
    assert ws.load_scenario(other) == kept
    rows = dump(ws.engine)
    assert (
        rows["schedule_versions"] == [] and rows["schedule_sessions"] == [] and rows["session_members"] == []
    )
    with pytest.raises(NotFoundError):
        ws.load_scenario(tiny)


def test_program_settings_round_trip(ws, tiny):
    program = Program(
        name="Renamed",
        timezone="America/Chicago",
        min_guests=3,
        max_guests=5,
        max_same_country=1,
        min_sessions=2,
        max_sessions=4,
        max_per_day=2,
    )
    ws.save_program_settings(tiny, program)
    assert ws.load_scenario(tiny).program == program


def test_a_save_that_loses_the_race_is_refused_naming_the_winner(db_url, tiny_path, monkeypatch):
    """Li saves between maria's read and maria's write: the revision column catches it."""
    with Workspace.open(db_url, user="maria") as maria, Workspace.open(db_url, user="li") as li:
        pid = maria.import_scenario(read_scenario(tiny_path))
        official = maria.load_scenario(pid).officials[0]
        real = db_programs.person_columns
        raced = []

        def columns_then_li_saves(person, location_ids):
            if not raced:
                raced.append(True)
                li.upsert_person(pid, dataclasses.replace(official, title="Li's title"))
            return real(person, location_ids)

        monkeypatch.setattr(db_programs, "person_columns", columns_then_li_saves)
        with pytest.raises(ConflictError, match=rf"Official o-0001 \({official.name}\) was changed by li at"):
            maria.upsert_person(pid, dataclasses.replace(official, title="Maria's title"))
        assert maria.load_scenario(pid).officials[0].title == "Li's title"


def test_set_forbidden(ws, tiny):
    from exchange_app.domain import Forbidden

    sc = ws.load_scenario(tiny)
    pairs = [Forbidden(official=sc.officials[2].id, host=sc.hosts[1].id, reason="same family")]
    ws.set_forbidden(tiny, pairs)
    assert ws.load_scenario(tiny).forbidden == pairs
    with pytest.raises(InputError, match=r"forbidden\[0\], field 'host': unknown host 'h-0'"):
        ws.set_forbidden(tiny, [Forbidden(official=sc.officials[2].id, host="h-0")])
    assert ws.load_scenario(tiny).forbidden == pairs


def test_save_schedule_refuses_what_the_tables_cannot_hold(ws, tiny):
    schedule = hand_schedule(ws.load_scenario(tiny))
    schedule.sessions[1].id = schedule.sessions[0].id
    schedule.sessions[2].pinned = ["o-0404"]
    with pytest.raises(InputError) as e:
        ws.save_schedule(tiny, schedule, "edit")
    text = str(e.value)
    assert "sessions[1] (s-0001), field 'id': duplicate session id 's-0001'" in text
    assert "sessions[2] (s-0003), field 'pinned[0]': 'o-0404' is pinned but not among" in text
    assert ws.schedule_versions(tiny) == []


def test_concurrent_saves_get_distinct_numbers(db_url, tiny_path):
    from concurrent.futures import ThreadPoolExecutor

    with Workspace.open(db_url, user="maria") as maria, Workspace.open(db_url, user="li") as li:
        pid = maria.import_scenario(read_scenario(tiny_path))
        schedule = hand_schedule(maria.load_scenario(pid))

        def save(ws):
            return [ws.save_schedule(pid, schedule, "edit") for _ in range(5)]

        with ThreadPoolExecutor(2) as pool:
            numbers = [n for batch in pool.map(save, [maria, li]) for n in batch]
        assert sorted(numbers) == list(range(1, 11))
        assert [v.number for v in li.schedule_versions(pid)] == list(range(1, 11))


def test_adding_someone_another_user_just_added_is_a_conflict(db_url, tiny_path, monkeypatch):
    with Workspace.open(db_url, user="maria") as maria, Workspace.open(db_url, user="li") as li:
        pid = maria.import_scenario(read_scenario(tiny_path))
        newcomer = dataclasses.replace(maria.load_scenario(pid).officials[0], id="o-9001", name="Newcomer")
        real = db_programs.person_columns
        raced = []

        def columns_then_li_adds(person, location_ids):
            if not raced:
                raced.append(True)
                li.upsert_person(pid, dataclasses.replace(newcomer, title="Added by li"))
            return real(person, location_ids)

        monkeypatch.setattr(db_programs, "person_columns", columns_then_li_adds)
        with pytest.raises(ConflictError, match=r"Official o-9001 \(Newcomer\) was changed by li at"):
            maria.upsert_person(pid, newcomer)
        assert maria.load_scenario(pid).officials[-1].title == "Added by li"


def test_long_free_text_and_session_ids_fit(ws, tiny):
    sc = ws.load_scenario(tiny)
    long_name = ("Commission électorale nationale indépendante " * 20)[:200]  # the cap on names
    official = dataclasses.replace(sc.officials[0], name=long_name, organization=long_name, title=long_name)
    with pytest.raises(InputError, match="201 characters long; at most 200"):
        ws.upsert_person(tiny, dataclasses.replace(official, name=long_name + "x"))
    ws.upsert_person(tiny, official)
    assert ws.load_scenario(tiny).officials[0] == official
    schedule = hand_schedule(sc)
    schedule.sessions[0].id = "session-" + "x" * 300
    number = ws.save_schedule(tiny, schedule, "import")
    assert ws.load_schedule(tiny, number) == schedule


def test_replace_scenario_with_revisions_refuses_what_changed_meanwhile(db_url, tiny_path):
    with Workspace.open(db_url, user="maria") as maria, Workspace.open(db_url, user="li") as li:
        pid = maria.import_scenario(read_scenario(tiny_path))
        loaded, revisions = maria.load_scenario(pid), maria.person_revisions(pid)
        loaded.officials[5].name = "Maria's edit"
        other = li.load_scenario(pid).officials[0]
        li.upsert_person(pid, dataclasses.replace(other, title="Li's edit"))
        before = dump(maria.engine)
        with pytest.raises(ConflictError, match=rf"Official o-0001 \({other.name}\) was changed by li at"):
            maria.replace_scenario(pid, loaded, expected_revisions=revisions)
        assert dump(maria.engine) == before
        # reloaded: it goes through, and li's edit is kept
        loaded, revisions = maria.load_scenario(pid), maria.person_revisions(pid)
        loaded.officials[5].name = "Maria's edit"
        li.upsert_person(pid, dataclasses.replace(other, id="o-0999", name="Added by Li"))
        with pytest.raises(ConflictError, match=r"Official o-0999 \(Added by Li\) was added by li at"):
            maria.replace_scenario(pid, loaded, expected_revisions=revisions)
        li.delete_person(pid, PersonKind.OFFICIAL, "o-0999")
        maria.replace_scenario(pid, loaded, expected_revisions={k: r.revision for k, r in revisions.items()})
        after = maria.load_scenario(pid)
        assert after.officials[5].name == "Maria's edit" and after.officials[0].title == "Li's edit"
        li.delete_person(pid, PersonKind.OFFICIAL, "o-0012")
        with pytest.raises(ConflictError, match=r"Official o-0012 was deleted by someone else"):
            maria.replace_scenario(
                pid,
                after,
                expected_revisions=maria.person_revisions(pid) | {(PersonKind.OFFICIAL, "o-0012"): 1},
            )
