"""``exchange-app new-program`` (options or TOML) and the program builder behind it and
the wizard: local business hours per site, clear refusals, and a program that exports a
valid scenario which imports again and solves."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import jsonschema
import pytest

from exchange_app.cli import main
from exchange_app.domain import Host, Official, Window, zone
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace
from exchange_app.services.new_program import ProgramSpec, SiteSpec, TopicSpec, build_scenario
from exchange_app.services.solving import SolveOptions, solve_scenario

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "new-program.toml"
SCHEMA = ROOT / "exchange_app" / "io" / "scenario.schema.json"

OPTIONS = [
    "new-program",
    "--name",
    "Peer Exchange",
    "--timezone",
    "America/New_York",
    "--organizer-email",
    "staff@exchange.example.org",
    "--dates",
    "2026-10-29..2026-10-30",
    "--site",
    "New York, New York|America/New_York|1 Centre St",
    "--site",
    "Honolulu, Hawaii|Pacific/Honolulu",
    "--topic",
    "Voter registration",
    "--topic",
    "Ballot access",
    "--block",
    "90",
    "--lunch",
    "12:00-13:00",
]


def _local_starts(scenario, tz: str) -> set[time]:
    z = zone(tz)
    return {s.start.astimezone(z).time() for s in scenario.slots}


def test_each_site_gets_its_own_business_hours():
    spec = ProgramSpec(
        name="x",
        dates=[date(2026, 10, 29)],
        sites=[
            SiteSpec(name="New York", timezone="America/New_York"),
            SiteSpec(name="Honolulu", timezone="Pacific/Honolulu"),
        ],
        block_minutes=60,
    )
    sc = build_scenario(spec)
    hours = {time(h) for h in (9, 10, 11, 13, 14, 15, 16)}  # lunch 12-13 left out
    assert hours <= _local_starts(sc, "America/New_York")
    assert hours <= _local_starts(sc, "Pacific/Honolulu")
    # slots shared where the two days overlap (15:00 EDT = 09:00 HST), none at lunch
    assert len(sc.slots) == 7 + 7 - 2
    for s in sc.slots:
        assert s.end - s.start == timedelta(hours=1)
        ny, hnl = (s.start.astimezone(zone(z)).time() for z in ("America/New_York", "Pacific/Honolulu"))
        assert (time(9) <= ny < time(17) and ny != time(12)) or (
            time(9) <= hnl < time(17) and hnl != time(12)
        )


def test_ninety_minute_blocks_skip_lunch():
    spec = ProgramSpec(
        name="x",
        dates=[date(2026, 11, 2)],
        sites=[SiteSpec(name="A", timezone="America/Denver")],
        block_minutes=90,
    )
    starts = sorted(_local_starts(build_scenario(spec), "America/Denver"))
    assert starts == [time(9), time(10, 30), time(13), time(14, 30)]  # 12:00-13:30 would overlap lunch


def test_cli_program_exports_a_valid_scenario_that_imports_and_solves(tmp_path, capsys):
    db = tmp_path / "p.db"
    assert main(["--db", str(db), *OPTIONS]) == 0
    out = capsys.readouterr().out
    assert "Created program 1, 'Peer Exchange': 2 sites, 2 topics" in out and "1 sites" not in out
    exported = tmp_path / "scenario.json"
    assert main(["--db", str(db), "export", "scenario", "--out", str(exported)]) == 0
    doc = json.loads(exported.read_text("utf-8"))
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text("utf-8"))).validate(doc)
    sc = read_scenario(exported)  # the importer accepts it
    assert [x.timezone for x in sc.locations] == ["America/New_York", "Pacific/Honolulu"]
    assert sc.program.organizer is not None and sc.program.organizer.email == "staff@exchange.example.org"
    # with a few people added, it solves
    day = sc.slots[0].start.astimezone(zone("America/New_York")).date()
    z = zone("America/New_York")
    all_day = [
        Window(
            start=datetime.combine(day + timedelta(days=d), time(0), z),
            end=datetime.combine(day + timedelta(days=d), time(23, 59), z),
        )
        for d in (0, 1)
    ]
    ny, topic = sc.locations[0].id, sc.topics[0].id
    sc.hosts = [
        Host(
            id="h-1",
            name="Denise Harris",
            location=ny,
            languages=["en"],
            expertise=[topic],
            availability=all_day,
        )
    ]
    sc.officials = [
        Official(
            id=f"o-{i}",
            name=f"Official {i}",
            country=c,
            languages=["en"],
            interests={topic: 3},
            availability=all_day,
        )
        for i, c in enumerate(["KE", "GH", "PE"])
    ]
    with Workspace.open(tmp_path / "again.db") as ws:
        pid = ws.import_scenario(sc, source="test")
        stored = ws.load_scenario(pid)
    outcome = solve_scenario(stored, SolveOptions(time_limit=5, workers=1, seed=1))
    assert outcome.report.ok and outcome.schedule.sessions
    assert all(s.host == "h-1" for s in outcome.schedule.sessions)


def test_toml_file_makes_the_same_kind_of_program(tmp_path, capsys):
    db = tmp_path / "p.db"
    assert main(["--db", str(db), "new-program", "--from", str(EXAMPLE)]) == 0
    assert "3 topics" in capsys.readouterr().out
    with Workspace.open(db) as ws:
        sc = ws.load_scenario(ws.resolve_program(None))
    assert time(9) in _local_starts(sc, "Pacific/Honolulu") and time(9) in _local_starts(
        sc, "America/New_York"
    )
    assert sc.program.min_guests == 2 and len(sc.locations) == 2


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["--site", "Mars|Mars/Olympus"],
            ["sites[2] (Mars), field 'timezone'", "'Mars/Olympus' is not an IANA time zone"],
        ),
        (["--dates", "2026-13-01"], ["--dates", "is not a date"]),
        (["--hours", "17:00-09:00"], ["hours, field 'end'"]),
        (["--min-guests", "9"], ["rules, field 'min_guests'"]),
        (["--organizer-email", "nobody"], ["organizer, field 'email'"]),
    ],
)
def test_bad_options_are_refused_naming_the_field(tmp_path, capsys, args, words):
    db = tmp_path / "p.db"
    assert main(["--db", str(db), *OPTIONS, *args]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for w in words:
        assert w in err
    with Workspace.open(db) as ws:
        assert ws.programs() == []


def test_bad_toml_names_the_file(tmp_path, capsys):
    bad = tmp_path / "program.toml"
    bad.write_text('name = "x"\ndates = ["2026-10-29"]\n[[sites]]\nname = "A"\n', "utf-8")
    assert main(["--db", str(tmp_path / "p.db"), "new-program", "--from", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "sites[0], field 'timezone': is missing" in err


def test_topics_and_sites_get_readable_ids():
    sc = build_scenario(
        ProgramSpec(
            name="x",
            dates=[date(2026, 10, 29)],
            sites=[SiteSpec(name="Atlanta, Georgia", timezone="America/New_York")],
            topics=[TopicSpec(name="Voter registration")],
        )
    )
    assert sc.locations[0].id == "atlanta-georgia" and sc.topics[0].id == "voter-registration"
