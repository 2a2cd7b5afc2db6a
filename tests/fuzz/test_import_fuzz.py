"""Mutation fuzz of imports (issue 14): the samples with things deleted, retyped, nulled,
made huge or deep, given control characters, or with ids copied across person lists.

Each mutated file either is refused (exit 2, a message naming the file and a record and
field, the database unchanged), or imports (exit 0) and then every later command runs
without a traceback: solve with a tiny time limit, check, and every export.

CI runs a fixed, derandomized number of examples (``EXCHANGE_FUZZ_EXAMPLES``, default 40
per target); ``benchmarks/fuzz_nightly.py`` runs thousands.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from exchange_app.cli import main
from exchange_app.services import Workspace
from tests.storage.cases import dump

DATA = Path(__file__).resolve().parents[1] / "data"
TINY = json.loads((DATA / "sample-tiny.json").read_text("utf-8"))
EXAMPLES = int(os.environ.get("EXCHANGE_FUZZ_EXAMPLES", "40"))
EXPORTS = ("scenario", "schedule", "ics", "invitations", "itineraries", "spreadsheet")

BAD_TEXT = ["\n", "\r\n", "\x00", "\t", "\u2028", "\x85", "\x1b", "\ud800", "\udfff"]
ODD_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    2**63,
    2**31,
    10**30,
    1e308,
    2.5,
    "",
    "x" * 300,
    "y" * 6000,
    [],
    {},
    [None],
    {"a": 1},
    "2026-13-01T10:00Z",
    "2026-10-29T08:00+24:00",
    "2026-10-29T08:00+99:99",
    "0001-01-01T00:00+05:00",
    "not a date",
    "o-0001",
    "h-0001",
    "America/Nowhere",
    "A" * 2000,
]


def paths(doc: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into ``doc`` (dict keys and list positions), in document order."""
    out: list[tuple[Any, ...]] = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.append((*here, k))
            out += paths(v, (*here, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.append((*here, i))
            out += paths(v, (*here, i))
    return out


def parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for p in path[:-1]:
        doc = doc[p]
    return doc


def deep(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


UNICODE = [
    "Zoë 🗳️ Ñandú",
    "محمد الأمين",
    "Nguyễn Thị Ánh",
    "e\u0301\u0301",
    "\u202eevil",
    "=1+1",
    " @SUM(A1)",
    "'; DROP",
]


def odd_but_valid(draw: st.DrawFn, doc: dict[str, Any]) -> str:
    """An edit a real program may have: optional data gone, extreme but legal limits, odd text."""
    people = [(k, i) for k in ("officials", "hosts", "interpreters") for i in range(len(doc.get(k, [])))]
    choice = draw(st.integers(0, 7))
    if choice == 0 and people:
        k, i = draw(st.sampled_from(people))
        doc[k][i]["name"] = draw(st.sampled_from(UNICODE))
        return f"name {k}[{i}]"
    if choice == 1 and people:
        k, i = draw(st.sampled_from(people))
        field = draw(
            st.sampled_from(["email", "availability", "max_sessions", "max_per_day", "organization"])
        )
        doc[k][i].pop(field, None)
        return f"drop {k}[{i}].{field}"
    if choice == 2 and people:
        k, i = draw(st.sampled_from(people))
        doc[k][i]["max_sessions"] = draw(st.sampled_from([0, 1, 10_000]))
        doc[k][i].pop("min_sessions", None)
        return f"limit {k}[{i}]"
    if choice == 3 and isinstance(doc.get("program"), dict):
        doc["program"].update(
            min_guests=1, max_guests=draw(st.sampled_from([1, 2, 10_000])), max_same_country=1
        )
        return "program sizes"
    if choice == 4:
        key = draw(st.sampled_from(["pins", "forbidden", "interpreters", "unmatched", "solver", "topics"]))
        if key in doc:
            doc[key] = [] if isinstance(doc[key], list) else None
        return f"empty {key}"
    if choice == 5 and doc.get("topics"):
        doc["topics"][0]["name"] = draw(st.sampled_from(UNICODE))
        return "topic name"
    if choice == 6 and isinstance(doc.get("program"), dict):
        doc["program"]["name"] = draw(st.sampled_from(UNICODE))
        return "program name"
    if choice == 7 and doc.get("sessions"):
        i = draw(st.integers(0, len(doc["sessions"]) - 1))
        s = doc["sessions"][i]
        s["officials"] = s["officials"][:1] + s["officials"]  # listed twice
        return f"listed twice sessions[{i}]"
    return "none"


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    doc = copy.deepcopy(base)
    done: list[str] = []
    if draw(st.booleans()):  # half the cases: edits a real program may have, most of which import
        for _ in range(draw(st.integers(1, 3))):
            done.append(odd_but_valid(draw, doc))
        return doc, done
    for _ in range(draw(st.integers(1, 2))):
        all_paths = paths(doc)
        if not all_paths:
            break
        path = draw(st.sampled_from(all_paths))
        where, key = parent(doc, path), path[-1]
        kind = draw(st.sampled_from(["delete", "retype", "null", "huge", "deep", "control", "duplicate"]))
        if kind == "delete":
            del where[key]
        elif kind == "retype":
            where[key] = draw(st.sampled_from(ODD_VALUES))
        elif kind == "null":
            where[key] = None
        elif kind == "huge":
            value = where[key]
            if isinstance(value, str):
                where[key] = value * 1000
            elif isinstance(value, list) and value:
                where[key] = value * 200
            else:
                where[key] = draw(st.sampled_from([2**64, 1e308, 10**100, "z" * 100_000]))
        elif kind == "deep":
            where[key] = deep(draw(st.sampled_from([33, 60, 300])))
        elif kind == "control":
            value = where[key]
            text = value if isinstance(value, str) else str(value)
            at = draw(st.integers(0, len(text)))
            where[key] = text[:at] + draw(st.sampled_from(BAD_TEXT)) + text[at:]
        else:  # an id from one list in a record of another (people, sessions, pins)
            ids = [r["id"] for k in ("officials", "hosts", "interpreters") for r in base.get(k, [])]
            ids += [s["id"] for s in base.get("sessions", [])]
            where[key] = draw(st.sampled_from(ids)) if ids else "o-0001"
        done.append(f"{kind} {'/'.join(map(str, path))}")
    return doc, done


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A database with the tiny program and one solved schedule; and that schedule's document."""
    folder = tmp_path_factory.mktemp("fuzz")
    db = folder / "base.db"
    assert run("--db", str(db), "import", str(DATA / "sample-tiny.json"))[0] == 0
    assert run("--db", str(db), "solve", "--time-limit", "3", "--workers", "1")[0] in (0, 1)
    out = folder / "schedule.json"
    assert run("--db", str(db), "export", "schedule", "--out", str(out))[0] == 0
    return db, json.loads(out.read_text("utf-8"))


def check_one(db: Path, doc: Any, what: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "work.db"
        work.write_bytes(db.read_bytes())
        path = Path(tmp) / "input.json"
        path.write_text(json.dumps(doc, ensure_ascii=True), "utf-8")
        with Workspace.open(work) as ws:
            before = dump(ws.engine)
        code, out, err = run("--db", str(work), "--program", "1", "import", str(path))
        assert "Traceback" not in err, what
        event("refused" if code == 2 else "imported")
        if code == 2:
            assert f"{path}: refused" in err, (what, err)
            # every problem line names a record (and usually a field)
            lines = [line for line in err.splitlines()[1:] if line.strip() and "... and" not in line]
            assert lines, (what, err)
            for line in lines:
                assert re.search(r": (document|file|program|solver|\w+\[\d+\])", line), (what, line)
            with Workspace.open(work) as ws:
                assert dump(ws.engine) == before, what
            return
        assert code == 0, (what, code, out, err)
        m = re.search(r"as program (\d+)", out)
        program = m.group(1) if m else "1"
        db_args = ("--db", str(work), "--program", program)
        code, _, err = run(*db_args, "solve", "--time-limit", "0.5", "--workers", "1")
        assert code in (0, 1, 2), (what, "solve", err)
        code, _, err = run(*db_args, "check")
        assert code in (0, 1), (what, "check", err)
        for kind in EXPORTS:
            target = Path(tmp) / ("out.xlsx" if kind == "spreadsheet" else f"out-{kind}")
            if kind in ("scenario", "schedule"):
                target = target.with_suffix(".json")
            code, _, err = run(*db_args, "export", kind, "--out", str(target))
            assert code in (0, 1), (what, kind, err)
            assert "Traceback" not in err


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("EXCHANGE_FUZZ_RANDOM") is None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    database=None,
)


@FUZZ
@given(case=mutated(TINY))
def test_mutated_scenarios(
    base_db: tuple[Path, dict[str, Any]], case: tuple[dict[str, Any], list[str]]
) -> None:
    doc, what = case
    check_one(base_db[0], doc, what)


@FUZZ
@given(data=st.data())
def test_mutated_schedules(base_db: tuple[Path, dict[str, Any]], data: st.DataObject) -> None:
    db, schedule = base_db
    doc, what = data.draw(mutated(schedule))
    check_one(db, doc, what)
