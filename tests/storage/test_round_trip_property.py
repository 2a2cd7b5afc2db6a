"""Whatever a valid program holds comes back from the database unchanged (hypothesis)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exchange_app.domain import Window, zone
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace
from tests.conftest import DATA

TINY = read_scenario(DATA / "sample-tiny.json")
TOPICS = [t.id for t in TINY.topics]
LOCATIONS = [x.id for x in TINY.locations]
# valid text holds no control characters or line/paragraph separators (the format's rule)
text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40
)
maybe_text = st.none() | text
maybe_count = st.none() | st.integers(1, 6)  # at least 1: the sample's pin needs one session of each


@st.composite
def windows(draw):
    out = []
    for _ in range(draw(st.integers(0, 3))):
        start = TINY.slots[0].start + timedelta(minutes=15 * draw(st.integers(0, 400)))
        end = start + timedelta(minutes=15 * draw(st.integers(1, 40)))
        tz = draw(st.sampled_from([None, "America/Phoenix", "Asia/Kolkata", "UTC"]))
        if tz:  # the same instant, written in another zone
            start, end = start.astimezone(zone(tz)), end.astimezone(zone(tz))
        out.append(Window(start=start, end=end, location=draw(st.none() | st.sampled_from(LOCATIONS))))
    return out


@st.composite
def official(draw, base):
    interests = draw(st.dictionaries(st.sampled_from(TOPICS), st.integers(1, 3), min_size=1, max_size=5))
    return dataclasses.replace(
        base,
        name=draw(text),
        email=draw(st.none() | st.just("someone@example.org")),
        organization=draw(maybe_text),
        title=draw(maybe_text),
        delegation=draw(maybe_text),
        languages=draw(
            st.lists(
                st.sampled_from(["en", "fr", "es", "ar", "pt", "sw"]), min_size=1, max_size=3, unique=True
            )
        ),
        interests=interests,
        availability=draw(windows()),
        min_sessions=draw(st.none() | st.integers(0, 2)),
        max_sessions=draw(st.none() | st.integers(2, 6)),
        max_per_day=draw(maybe_count),
    )


@st.composite
def host(draw, base):
    return dataclasses.replace(
        base,
        name=draw(text),
        title=draw(maybe_text),
        organization=draw(maybe_text),
        location=draw(st.sampled_from(LOCATIONS)),
        virtual=draw(st.booleans()),
        expertise=draw(st.lists(st.sampled_from(TOPICS), min_size=1, max_size=4, unique=True)),
        availability=draw(windows()),
        max_sessions=draw(maybe_count),
        max_per_day=draw(maybe_count),
    )


@st.composite
def scenarios(draw):
    sc = read_scenario(DATA / "sample-tiny.json")
    sc.officials = [draw(official(o)) for o in sc.officials[:4]] + sc.officials[4:]
    sc.hosts = [draw(host(h)) for h in sc.hosts]
    sc.topics[0] = dataclasses.replace(sc.topics[0], description=draw(st.none() | text), name=draw(text))
    sc.program.name = draw(text)
    return sc


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sc=scenarios())
def test_any_valid_program_round_trips(tmp_path_factory, sc):
    db = tmp_path_factory.mktemp("prop") / "p.db"
    with Workspace.open(db) as ws:
        pid = ws.import_scenario(sc)
        assert ws.load_scenario(pid) == sc
        # and a whole-program update to another drawn state is exact too
        changed = dataclasses.replace(sc, officials=list(reversed(sc.officials)))
        ws.replace_scenario(pid, changed)
        assert ws.load_scenario(pid) == changed
