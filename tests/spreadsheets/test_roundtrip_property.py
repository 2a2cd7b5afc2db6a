"""Property: any valid set of people written as a sheet (XLSX either layout, or CSV) and
imported into a program without people gives exactly those people back."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exchange_app.domain import Host, Interpreter, Official, PersonKind, Window
from exchange_app.io import spreadsheets as sheets
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace
from exchange_app.services.spreadsheets import import_people
from tests.spreadsheets.helpers import without_people

DATA = Path(__file__).resolve().parents[1] / "data"
BASE = without_people(read_scenario(DATA / "sample-small.json"))
TOPICS = [t.id for t in BASE.topics]
SITES = [x.id for x in BASE.locations]
LANGUAGES = ["en", "fr", "es", "ar", "ru", "pt", "fil", "sw", "uk", "ka", "prs", "yue", "zh", "ht"]
COUNTRIES = ["KE", "CI", "GB", "US", "KR", "CD", "TR", "MD", "PS", "BO", "VN"]
START = datetime(2026, 10, 20, tzinfo=UTC)
FOLD = (datetime(2026, 11, 1, 5, tzinfo=UTC), datetime(2026, 11, 1, 10, tzinfo=UTC))

text = (
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def windows(draw):
    out = []
    for _ in range(draw(st.integers(0, 3))):
        start = START + timedelta(minutes=15 * draw(st.integers(0, 4 * 24 * 20)))
        end = start + timedelta(minutes=15 * draw(st.integers(1, 4 * 30)))
        # Local times on the night the clocks go back happen twice; a sheet means the first
        # (documented in docs/spreadsheets.md), so the second is not generated.
        if any(FOLD[0] <= t < FOLD[1] for t in (start, end)):
            continue
        out.append(Window(start=start, end=end, location=draw(st.sampled_from([None, *SITES]))))
    return out


def common(draw, i: int, prefix: str) -> dict:
    return dict(
        id=f"{prefix}-{i:04d}",
        name=draw(text),
        email=draw(st.sampled_from([None, f"{prefix}{i}@example.org"])),
        languages=draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3, unique=True)),
        availability=draw(windows()),
        max_sessions=draw(st.sampled_from([None, 3, 12])),
        max_per_day=draw(st.sampled_from([None, 2])),
    )


@st.composite
def people(draw):
    officials = [
        Official(
            **common(draw, i, "o"),
            country=draw(st.sampled_from(COUNTRIES)),
            organization=draw(st.none() | text),
            title=draw(st.none() | text),
            interests=draw(
                st.dictionaries(st.sampled_from(TOPICS), st.integers(1, 3), min_size=1, max_size=4)
            ),
            delegation=draw(st.none() | st.sampled_from(["D01", "Kenya team"])),
            min_sessions=draw(st.sampled_from([None, 0, 2])),
        )
        for i in range(1, draw(st.integers(1, 4)) + 1)
    ]
    hosts = [
        Host(
            **common(draw, i, "h"),
            location=draw(st.sampled_from(SITES)),
            title=draw(st.none() | text),
            organization=draw(st.none() | text),
            expertise=draw(st.lists(st.sampled_from(TOPICS), min_size=1, max_size=3, unique=True)),
            virtual=draw(st.booleans()),
        )
        for i in range(1, draw(st.integers(0, 3)) + 1)
    ]
    interpreters = [Interpreter(**common(draw, i, "i")) for i in range(1, draw(st.integers(0, 2)) + 1)]
    sc = copy.copy(BASE)
    sc.officials, sc.hosts, sc.interpreters = officials, hosts, interpreters
    return sc


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    ws = Workspace.open(tmp_path_factory.mktemp("prop") / "p.db")
    yield ws
    ws.close()


def _same_instants(people):
    return [
        (p.id, [(w.start.timestamp(), w.end.timestamp(), w.location) for w in p.availability]) for p in people
    ]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sc=people(), layout=st.sampled_from(["sheet", "column", "csv"]))
def test_people_round_trip_through_a_sheet(workspace, tmp_path_factory, sc, layout):
    folder = tmp_path_factory.mktemp("sheet")
    pid = workspace.import_scenario(BASE)
    try:
        if layout == "csv":
            paths = []
            for kind in PersonKind:
                if getattr(sc, f"{kind.value}s"):
                    sheets.write_people_csv(sc, kind, folder / f"{kind.value}s.csv")
                    paths.append(folder / f"{kind.value}s.csv")
        else:
            sheets.write_people_workbook(sc, folder / "people.xlsx", availability=layout)
            paths = [folder / "people.xlsx"]
        for path in paths:
            import_people(workspace, pid, path)
        got = workspace.load_scenario(pid)
        for name in ("officials", "hosts", "interpreters"):
            mine, theirs = getattr(got, name), getattr(sc, name)
            assert _same_instants(mine) == _same_instants(theirs)
            assert [_fields(p) for p in mine] == [_fields(p) for p in theirs]
        again = [import_people(workspace, pid, path) for path in paths]  # nothing changes on re-import
        assert all(r.added == r.updated == 0 for r in again)
    finally:
        workspace.delete_program(pid)


def _fields(p) -> dict:
    d = {f: getattr(p, f) for f in p.__dataclass_fields__ if f != "availability"}
    return d
