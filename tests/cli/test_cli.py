"""The exchange-app command line, in-process through main() and as a real program."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from exchange_app.cli import build_parser, main, package_version
from exchange_app.io.scenario_json import read_scenario
from exchange_app.io.schedule_json import read_schedule, write_schedule
from exchange_app.naming import Names
from exchange_app.services import Workspace
from tests.conftest import GENERATOR
from tests.io.test_scenario_json import instants
from tests.storage.cases import BAD_CASES, dump, write_bad
from tests.storage.helpers import hand_schedule

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLES = sorted(DATA.glob("sample-*.json"))
EXE = Path(sys.executable).with_name("exchange-app")


@pytest.fixture
def db(tmp_path, tiny_path):
    """A database holding the tiny sample as its only program."""
    path = tmp_path / "programs.db"
    assert main(["--db", str(path), "import", str(tiny_path)]) == 0
    return path


def dump_of(path: Path) -> dict:
    with Workspace.open(path) as ws:
        return dump(ws.engine)


@pytest.mark.parametrize("case", BAD_CASES, ids=lambda c: c.name)
def test_bad_scenario_exits_2_names_record_and_field_and_writes_nothing(
    db, tiny_path, tmp_path, capsys, case
):
    before = dump_of(db)
    capsys.readouterr()
    bad = write_bad(tiny_path, case, tmp_path / "officials.json")
    assert main(["--db", str(db), "import", str(bad)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert f"{bad}: refused" in err
    assert case.record in err and (case.field or "") in err and case.words in err
    assert dump_of(db) == before


def test_not_json_exits_2(db, tmp_path, capsys):
    before = dump_of(db)
    bad = tmp_path / "notes.json"
    bad.write_text("officials: o-0001, o-0002\n", "utf-8")
    assert main(["--db", str(db), "import", str(bad)]) == 2
    assert "notes.json: file: is not valid JSON" in capsys.readouterr().err
    assert main(["--db", str(db), "import", str(tmp_path / "missing.json")]) == 2
    assert "cannot be read" in capsys.readouterr().err
    assert dump_of(db) == before


def test_real_program_refuses_bad_input_and_imports_good_input(tmp_path, tiny_path):
    if not EXE.exists():
        pytest.skip(f"{EXE} is not installed (pip install -e .)")
    db = tmp_path / "p.db"
    bad = write_bad(tiny_path, BAD_CASES[2], tmp_path / "bad.json")  # dangling location
    run = subprocess.run([str(EXE), "--db", str(db), "import", str(bad)], capture_output=True, text=True)
    assert run.returncode == 2, run.stderr
    assert "hosts[0] (h-0001), field 'location': unknown location 'atlantis'" in run.stderr
    assert "Traceback" not in run.stderr
    run = subprocess.run([str(EXE), "--db", str(db), "programs"], capture_output=True, text=True)
    assert run.returncode == 0 and "No programs yet" in run.stdout
    run = subprocess.run(
        [str(EXE), "--db", str(db), "import", str(tiny_path)], capture_output=True, text=True
    )
    assert run.returncode == 0 and "12 officials, 5 hosts, 1 interpreter" in run.stdout
    run = subprocess.run(
        [sys.executable, "-m", "exchange_app", "--db", str(db), "programs"], capture_output=True, text=True
    )
    assert run.returncode == 0 and "(12 officials, seed 1)" in run.stdout


def _export_round_trip(source: Path, tmp_path: Path) -> None:
    db = tmp_path / "rt.db"
    out = tmp_path / "exported.json"
    assert main(["--db", str(db), "import", str(source)]) == 0
    assert main(["--db", str(db), "export", "scenario", "--out", str(out)]) == 0
    assert read_scenario(out) == read_scenario(source)
    raw, again = json.loads(source.read_text("utf-8")), json.loads(out.read_text("utf-8"))
    for key in ("topics", "locations", "slots", "officials", "hosts", "interpreters", "pins", "forbidden"):
        assert len(again[key]) == len(raw.get(key, []))
        for a, b in zip(instants(raw.get(key, [])), instants(again[key]), strict=False):
            # every field the source wrote comes back with the same value (instants as instants)
            assert {k: v for k, v in b.items() if k in a} == a


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_import_then_export_scenario_gives_the_same_document(sample, tmp_path, capsys):
    _export_round_trip(sample, tmp_path)


@pytest.mark.slow
def test_generated_xl_round_trip(tmp_path, capsys):
    if not GENERATOR.exists():
        pytest.skip(f"scenario generator not found at {GENERATOR}")
    xl = tmp_path / "xl.json"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--size", "xl", "--seed", "3", "--out", str(xl)], check=True
    )
    _export_round_trip(xl, tmp_path)
    assert "2000 officials" in capsys.readouterr().out


def test_schedule_import_export_and_versions(db, tiny_path, tmp_path, capsys):
    sc = read_scenario(tiny_path)
    first, second = hand_schedule(sc, 0), hand_schedule(sc, 1)
    write_schedule(first, tmp_path / "first.json", sc.program.name)
    write_schedule(second, tmp_path / "second.json", sc.program.name)
    capsys.readouterr()
    assert main(["--db", str(db), "import", str(tmp_path / "first.json")]) == 0
    assert "as version 1: 4 sessions, 11 assignments" in capsys.readouterr().out
    assert main(["--db", str(db), "--program", sc.program.name, "import", str(tmp_path / "second.json")]) == 0
    assert "as version 2" in capsys.readouterr().out
    assert main(["--db", str(db), "versions"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:5] == ["version", "created", "by", "source", "sessions"]
    assert [line.split()[0] for line in lines[1:]] == ["1", "2"] and "imported from first.json" in lines[1]
    assert (
        main(["--db", str(db), "export", "schedule", "--version", "1", "--out", str(tmp_path / "v1.json")])
        == 0
    )
    assert main(["--db", str(db), "export", "schedule", "--out", str(tmp_path / "latest.json")]) == 0
    assert read_schedule(tmp_path / "v1.json", sc) == first
    assert read_schedule(tmp_path / "latest.json", sc) == second
    capsys.readouterr()
    assert main(["--db", str(db), "programs"]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[-4:] == ["12", "5", "1", "2"]


def test_schedule_with_unknown_ids_is_refused_whole(db, tmp_path, capsys):
    doc = {
        "format": "exchange-schedule/1",
        "sessions": [
            {
                "id": "s-1",
                "host": "h-0001",
                "slot": "never",
                "topic": "voter-registration",
                "language": "en",
                "officials": ["o-0001", "o-0002"],
            }
        ],
    }
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc), "utf-8")
    before = dump_of(db)
    assert main(["--db", str(db), "import", str(path)]) == 2
    assert "sessions[0] (s-1), field 'slot': unknown slot 'never'" in capsys.readouterr().err
    assert dump_of(db) == before


def test_other_format_is_refused(db, tmp_path, capsys):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"format": "exchange-roster/1"}), "utf-8")
    assert main(["--db", str(db), "import", str(path)]) == 2
    assert "field 'format': is 'exchange-roster/1'; expected" in capsys.readouterr().err


def _no_pins(tiny_path: Path, tmp_path: Path) -> Path:
    doc = json.loads(tiny_path.read_text("utf-8"))
    doc["pins"] = []
    path = tmp_path / "nopins.json"
    path.write_text(json.dumps(doc), "utf-8")
    return path


def test_check_exit_status_follows_the_rules(tmp_path, tiny_path, capsys):
    db = tmp_path / "c.db"
    assert main(["--db", str(db), "import", str(_no_pins(tiny_path, tmp_path))]) == 0
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"format": "exchange-schedule/1", "sessions": []}), "utf-8")
    assert main(["--db", str(db), "import", str(empty)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "check"]) == 0  # an empty schedule breaks no hard rule
    out = capsys.readouterr().out
    assert "schedule version 1" in out and "every rule is kept" in out and "officials at their minimum" in out
    sc = read_scenario(tiny_path)
    h = sc.hosts[0]
    lonely = {
        "format": "exchange-schedule/1",
        "sessions": [
            {
                "id": "s-9",
                "host": h.id,
                "slot": sc.slots[0].id,
                "topic": h.expertise[0],
                "language": h.languages[0],
                "officials": [sc.officials[0].id],
            }
        ],
    }
    path = tmp_path / "lonely.json"
    path.write_text(json.dumps(lonely), "utf-8")
    assert main(["--db", str(db), "check", "--schedule", str(path)]) == 1
    out = capsys.readouterr().out
    assert "lonely.json" in out
    # named as the window names it: topic, host, local time and site, the id in parentheses
    names = Names(sc)
    line = next(x for x in out.splitlines() if "(s-9)" in x and "at least" in x)
    assert line.split()[0] == "3" and names.name(h.id) in line and names.site(h.location) in line
    assert "1 officials" not in out and "violation(s)" not in out
    assert (
        main(["--db", str(db), "versions"]) == 0 and "1 " in capsys.readouterr().out
    )  # the file was not stored


def test_check_without_schedule(db, capsys):
    assert main(["--db", str(db), "check"]) == 1
    assert "has no schedule yet" in capsys.readouterr().err


def test_export_calls_the_exporters(db, tiny_path, tmp_path, capsys, monkeypatch):
    calls = []
    fake = types.ModuleType("exchange_app.services.exports")

    def export_ics(ws, program_id, out, since_version=None, force=False):
        calls.append((program_id, out, since_version))
        return types.SimpleNamespace(summary="Wrote 3 calendars", files=[])

    fake.export_ics = export_ics
    monkeypatch.setitem(sys.modules, "exchange_app.services.exports", fake)
    monkeypatch.setattr("exchange_app.services.exports", fake, raising=False)
    assert (
        main(["--db", str(db), "export", "ics", "--out", str(tmp_path / "cal"), "--since-version", "2"]) == 0
    )
    assert calls == [(1, tmp_path / "cal", 2)]
    assert "Wrote 3 calendars" in capsys.readouterr().out
    assert main(["--db", str(db), "export", "ics", "--version", "1", "--out", str(tmp_path / "cal")]) == 1
    assert "--version applies to 'export schedule' only" in capsys.readouterr().err


def test_export_ics_for_real(db, tiny_path, tmp_path, capsys):
    sc = read_scenario(tiny_path)
    write_schedule(hand_schedule(sc), tmp_path / "s.json", sc.program.name)
    assert main(["--db", str(db), "import", str(tmp_path / "s.json")]) == 0
    assert main(["--db", str(db), "export", "ics", "--out", str(tmp_path / "calendars")]) == 0
    assert list((tmp_path / "calendars").rglob("*.ics"))


def test_export_to_an_unwritable_place(db, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["--db", str(db), "export", "scenario", "--out", str(blocker / "sub" / "s.json")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Cannot write") and "Traceback" not in err


def test_unreachable_database_is_a_message(capsys):
    assert main(["--db", "postgresql://nobody@127.0.0.1:1/none", "programs"]) == 5
    err = capsys.readouterr().err
    assert err.startswith("The server at 127.0.0.1:1 does not answer") and "Traceback" not in err


def test_several_programs_need_program(db, small_path, capsys):
    assert main(["--db", str(db), "import", str(small_path)]) == 0
    assert main(["--db", str(db), "versions"]) == 1
    assert "choose one with --program NAME|ID" in capsys.readouterr().err
    assert main(["--db", str(db), "--program", "2", "versions"]) == 0
    assert "Program 2 has no schedule yet." in capsys.readouterr().out


def test_version_and_help_everywhere(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"exchange-app {package_version()}"
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert {"import", "export", "check", "programs", "versions", "solve"} <= set(commands)
    for name in commands:
        assert main([name, "--help"]) == 0
        assert f"usage: exchange-app {name}" in capsys.readouterr().out
    assert main(["frobnicate"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_solve_placeholder_or_real_solver_has_help(capsys):
    assert main(["solve", "--help"]) == 0


@pytest.fixture
def fake_ui(monkeypatch):
    calls = []
    app = types.ModuleType("ui.app")
    app.run = lambda db, demo: calls.append((db, demo)) or 0
    monkeypatch.setitem(sys.modules, "ui.app", app)
    return calls


def test_no_command_opens_the_desktop_app(fake_ui, tmp_path):
    assert main(["--db", str(tmp_path / "p.db")]) == 0
    assert main([]) == 0
    assert fake_ui == [(str(tmp_path / "p.db"), False), (None, False)]


def test_demo_opens_a_fresh_demo_database(fake_ui, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["--demo"]) == 0
    [(db, demo)] = fake_ui
    assert demo is True and Path(db).is_relative_to(tmp_path / "data" / "exchange-scheduler")
    with Workspace.open(db) as ws:
        [info] = ws.programs()
        ws.delete_person(info.id, "official", ws.load_scenario(info.id).officials[0].id)
    assert main(["--demo"]) == 0  # refreshed: the change is gone
    with Workspace.open(fake_ui[1][0]) as ws:
        [info2] = ws.programs()
        assert info2.officials == info.officials
    assert main(["--demo", "programs"]) == 2


def test_no_qt_for_commands(db):
    code = (
        "import sys; from exchange_app.cli import main; "
        f"rc = main(['--db', {str(db)!r}, 'programs']); "
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'; sys.exit(rc)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert run.returncode == 0, run.stderr


def test_database_in_a_folder_that_cannot_be_made(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["--db", str(blocker / "sub" / "p.db"), "programs"]) == 5
    err = capsys.readouterr().err
    assert err.startswith("Cannot open the database") and "Traceback" not in err


def test_a_file_that_is_not_a_database(tmp_path, capsys):
    junk = tmp_path / "notes.db"
    junk.write_text("these are my notes, not a database\n" * 100)
    assert main(["--db", str(junk), "programs"]) == 5
    assert f"{junk} is not an Exchange Scheduler database" in capsys.readouterr().err
    assert junk.read_text() == "these are my notes, not a database\n" * 100


def test_schedule_goes_to_the_program_it_names(db, small_path, tiny_path, tmp_path, capsys):
    assert main(["--db", str(db), "import", str(small_path)]) == 0  # now two programs
    sc = read_scenario(tiny_path)
    write_schedule(hand_schedule(sc), tmp_path / "s.json", sc.program.name)
    capsys.readouterr()
    assert main(["--db", str(db), "import", str(tmp_path / "s.json")]) == 0
    assert (
        "into program '2026 General Election Peer Exchange (12 officials, seed 1)' (id 1) as version 1"
        in capsys.readouterr().out
    )
    doc = json.loads((tmp_path / "s.json").read_text("utf-8"))
    doc["program"] = "Some other name"
    (tmp_path / "renamed.json").write_text(json.dumps(doc), "utf-8")
    assert main(["--db", str(db), "import", str(tmp_path / "renamed.json")]) == 1
    assert "choose one with --program" in capsys.readouterr().err
    assert main(["--db", str(db), "--program", "1", "import", str(tmp_path / "renamed.json")]) == 0
    assert "Note: the file was written for program 'Some other name'." in capsys.readouterr().out


def test_commands_on_sqlite_and_postgresql(db_url, tiny_path, tmp_path, capsys):
    assert main(["--db", db_url, "import", str(tiny_path)]) == 0
    assert main(["--db", db_url, "programs"]) == 0
    assert "(12 officials, seed 1)" in capsys.readouterr().out
    assert main(["--db", db_url, "export", "scenario", "--out", str(tmp_path / "out.json")]) == 0
    assert read_scenario(tmp_path / "out.json") == read_scenario(tiny_path)


def test_a_database_busy_for_too_long_is_a_message(db, tiny_path, capsys, monkeypatch):
    import sqlite3

    from exchange_app.storage import engine as storage_engine

    monkeypatch.setattr(storage_engine, "SQLITE_BUSY_TIMEOUT_MS", 50)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program is writing
    try:
        assert main(["--db", str(db), "import", str(tiny_path)]) == 5
    finally:
        other.execute("ROLLBACK")
        other.close()
    err = capsys.readouterr().err
    assert f"{db} is busy" in err and "Traceback" not in err


def test_resolve_prints_and_lists_the_officials_the_one_diff_moves(tmp_path, small_path, capsys):
    """The CLI re-solve counts and lists moved officials with exchange_app.schedule_diff
    (as the app's re-optimize does: tests/ui/test_schedule_diff.py)."""
    import copy

    from exchange_app.schedule_diff import diff_schedules
    from exchange_app.services.solving import SolveOptions, solve_scenario

    path = tmp_path / "programs.db"
    assert main(["--db", str(path), "import", str(small_path)]) == 0
    first = solve_scenario(read_scenario(small_path), SolveOptions(time_limit=3, workers=1, seed=1)).schedule
    edited = copy.deepcopy(first)
    for session in edited.sessions[:3]:
        session.officials = session.officials[1:]
    with Workspace.open(path) as ws:
        pid = ws.programs()[0].id
        ws.save_schedule(pid, edited, "edit")
        before = ws.load_schedule(pid)
    capsys.readouterr()
    assert main(["--db", str(path), "solve", "--time-limit", "3", "--workers", "1", "--seed", "7"]) in (0, 1)
    out = capsys.readouterr().out
    with Workspace.open(path) as ws:
        after = ws.load_schedule(pid)
    diff = diff_schedules(before, after)
    assert diff.officials
    assert f"Changes: {diff.describe()}" in out
    listed = [line for line in out.splitlines() if line.startswith("  moved: ")]
    assert len(listed) == min(len(diff.officials), 20)
    for line, m in zip(listed, diff.officials, strict=False):
        assert f"({m.official}):" in line or line.startswith(f"  moved: {m.official}:")
