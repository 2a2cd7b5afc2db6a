"""Each case of issue 14 through the real ``exchange-app`` command (a separate process,
its console script): exit 2 with the record and field named and no traceback, the database
unchanged; or a correct import and every later command without a traceback. The other
tests in tests/input call the same code in-process; this one proves the installed command."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
TINY: dict[str, Any] = json.loads((DATA / "sample-tiny.json").read_text("utf-8"))
SLOT = [s["id"] for s in TINY["slots"]]
COMMAND = shutil.which("exchange-app", path=str(Path(sys.executable).parent)) or "exchange-app"


def run(*argv: str) -> tuple[int, str, str]:
    p = subprocess.run([COMMAND, *argv], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in p.stderr + p.stdout, p.stderr
    return p.returncode, p.stdout, p.stderr


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("issue14") / "base.db"
    assert run("--db", str(db), "import", str(DATA / "sample-tiny.json"))[0] == 0
    return db


@pytest.fixture
def db(base: Path, tmp_path: Path) -> Path:
    copy_ = tmp_path / "programs.db"
    shutil.copy(base, copy_)
    return copy_


def edited(edit: Callable[[dict[str, Any]], None]) -> str:
    doc = copy.deepcopy(TINY)
    edit(doc)
    return json.dumps(doc)


def pin(o: str, h: str, s: str) -> dict[str, str]:
    return {"official": o, "host": h, "slot": s}


def nine_pins(d: dict[str, Any]) -> None:
    d["program"]["max_same_country"] = 9
    d["pins"] = [pin(f"o-{n:04d}", "h-0005", SLOT[8]) for n in range(1, 10)]


def huge_schedule() -> str:
    h = TINY["hosts"][0]
    sessions = [
        {
            "id": f"s-{i:06d}",
            "host": h["id"],
            "slot": SLOT[i % len(SLOT)],
            "topic": h["expertise"][0],
            "language": h["languages"][0],
            "officials": [TINY["officials"][i % 12]["id"]],
        }
        for i in range(100_000)
    ]
    return json.dumps({"format": "exchange-schedule/1", "sessions": sessions})


CASES: dict[str, tuple[Callable[[], str | bytes], str, list[str]]] = {
    # name: (file text, suffix, words the refusal must hold: record, field, reason)
    "JSON nested 100,000 levels": (lambda: "[" * 100_000 + "]" * 100_000, ".json", ["nested too deeply"]),
    "UTC offset +24:00": (
        lambda: edited(lambda d: d["officials"][0]["availability"][0].update(start="2026-10-29T08:00+24:00")),
        ".json",
        ["officials[0] (o-0001), field 'availability[0].start'", "offsets run from -18:00 to +18:00"],
    ),
    "UTC offset +99:99": (
        lambda: edited(lambda d: d["officials"][2]["availability"][0].update(end="2026-10-29T18:00+99:99")),
        ".json",
        ["officials[2] (o-0003), field 'availability[0].end'", "offsets run from -18:00 to +18:00"],
    ),
    "a window in month 13": (
        lambda: edited(lambda d: d["officials"][1]["availability"][0].update(end="2026-13-01T10:00Z")),
        ".json",
        ["officials[1] (o-0002), field 'availability[0].end'", "month must be in 1..12"],
    ),
    "an organizer name with CR/LF": (
        lambda: edited(lambda d: d["program"]["organizer"].update(name="Staff\r\nBcc: x@y.org")),
        ".json",
        ["program, field 'organizer.name'", "CARRIAGE RETURN"],
    ),
    "a pin on a forbidden pair": (
        lambda: edited(lambda d: d["pins"].append(pin("o-0001", "h-0004", SLOT[3]))),
        ".json",
        ["pins[1]", "forbidden[0] says they must never share a session"],
    ),
    "one official pinned to two hosts at one slot": (
        lambda: edited(
            lambda d: d.update(pins=[pin("o-0002", "h-0001", SLOT[0]), pin("o-0002", "h-0002", SLOT[0])])
        ),
        ".json",
        ["pins[1]", "overlaps pins[0]"],
    ),
    "nine pins to one session with max_guests 6": (
        lambda: edited(nine_pins),
        ".json",
        ["pins[6]", "program.max_guests is 6"],
    ),
    "an interpreter whose id equals an official's": (
        lambda: edited(lambda d: d["interpreters"][0].update(id="o-0006")),
        ".json",
        ["interpreters[0] (o-0006), field 'id'", "is also the id of official officials[5]"],
    ),
    "100,000 sessions for a 12-official program": (
        huge_schedule,
        ".json",
        ["sessions", "host-slots"],
    ),
    "an XLSX that is not a zip file": (
        lambda: "Id,Name\nx-1,Ana\n",
        ".xlsx",
        ["is not a readable .xlsx workbook"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_refused_by_the_command_with_record_and_field(db, tmp_path, case):
    make, suffix, words = CASES[case]
    path = tmp_path / f"bad{suffix}"
    text = make()
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    before = db.read_bytes()
    code, out, err = run("--db", str(db), "import", str(path))
    assert code == 2, err
    assert f"{path.name}: refused" in err and all(w in err for w in words), err
    assert db.read_bytes() == before


def test_an_xlsx_with_entities_and_a_zip_bomb_are_refused_by_the_command(db, tmp_path):
    from exchange_app.io.validation import MAX_UNCOMPRESSED_BYTES
    from tests.spreadsheets.helpers import OFFICIAL_HEADER, official_row, write_book

    bomb = tmp_path / "bomb.xlsx"
    write_book(bomb, {"Officials": [OFFICIAL_HEADER, official_row(1)]})
    with (
        zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as z,
        z.open("xl/comments1.xml", "w", force_zip64=True) as f,
    ):
        chunk = b" " * (1 << 20)
        for _ in range(MAX_UNCOMPRESSED_BYTES // len(chunk) + 1):
            f.write(chunk)
    before = db.read_bytes()
    code, _, err = run("--db", str(db), "import", str(bomb))
    assert code == 2 and "zip bomb" in err and db.read_bytes() == before


def test_a_program_that_imports_survives_every_later_command(db, tmp_path):
    """The tiny sample: solve, check and every export run without a traceback."""
    code, _, err = run("--db", str(db), "solve", "--time-limit", "3", "--workers", "1")
    assert code in (0, 1), err
    assert run("--db", str(db), "check")[0] in (0, 1)
    for kind in ("scenario", "schedule", "invitations", "ics", "itineraries", "spreadsheet"):
        target = tmp_path / ("out.xlsx" if kind == "spreadsheet" else f"out-{kind}")
        if kind in ("scenario", "schedule"):
            target = target.with_suffix(".json")
        code, _, err = run("--db", str(db), "export", kind, "--out", str(target))
        assert code in (0, 1), (kind, err)
