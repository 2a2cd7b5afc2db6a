"""The rule kernel (solver/kernel.py): the one copy of the hard rules inside the solver.

Its check must agree with the product's rule checker (``exchange_app.rules``) on valid and
broken schedules alike; the construction, the neighbourhoods and the diagnosis use it."""

from __future__ import annotations

import random
import time
from dataclasses import replace

import pytest

from exchange_app.domain import Mode, Schedule, Session
from exchange_app.io.scenario_json import read_scenario
from exchange_app.rules import check_schedule
from exchange_app.services.solving import build_input
from solver import SolveOptions, solve
from solver.diagnosis import explain_unmatched
from solver.greedy import greedy
from solver.kernel import Book, Draft, violations
from solver.model import score, score_change, select_candidates
from solver.problem import Problem
from solver.solve import Neighbourhoods, _Current, _improve, _Run
from solver.types import HostIn, OfficialIn, Rules, SlotIn, SolverInput
from tests.solver.helpers import all_day, host, official, scenario, slots, solve_checked


def _schedule(pb: Problem, sessions: list[Draft]) -> Schedule:
    return Schedule(
        sessions=[
            Session(
                id=f"s-{i:04d}",
                host=d.host,
                slot=d.slot,
                topic=d.topic,
                language=d.language,
                officials=list(d.officials),
                interpreter=d.interpreter,
                mode=Mode(d.mode),
                location=pb.hosts[d.host].location if d.mode != "virtual" else None,
            )
            for i, d in enumerate(sessions)
        ]
    )


def _mutate(rng: random.Random, pb: Problem, sessions: list[Draft]) -> list[Draft]:
    """One random change of a copy: an official moved or added elsewhere, a session moved
    to another slot, another topic, language or interpreter, a guest dropped."""
    out = [d.copy() for d in sessions]
    d = rng.choice(out)
    kind = rng.randrange(6)
    if kind == 0:  # an official of another session joins this one too
        other = rng.choice(out)
        d.officials.append(rng.choice(other.officials))
    elif kind == 1:  # an official moves to this session
        other = rng.choice(out)
        o = rng.choice(other.officials)
        other.officials.remove(o)
        d.officials.append(o)
    elif kind == 2:
        d.slot = rng.choice(pb.slot_order)
    elif kind == 3:
        d.topic = rng.choice(pb.inp.topics)
    elif kind == 4:
        d.interpreter = rng.choice([None, *pb.interpreters])
    else:
        d.officials.pop()
    return out


@pytest.mark.parametrize("name", ["sample-tiny.json", "sample-small.json"])
def test_kernel_check_agrees_with_the_rule_checker(data_dir, name):
    sc = read_scenario(data_dir / name)
    pb = Problem(build_input(sc))
    sessions, failed = greedy(pb)
    assert not failed
    assert violations(pb, sessions) == []
    assert check_schedule(sc, _schedule(pb, sessions)).ok
    rng = random.Random(5)
    broken = valid = 0
    for _ in range(300):
        changed = _mutate(rng, pb, sessions)
        ours = violations(pb, changed)
        # pins (rule 9) are the solver's objective and its pin check, not its check's
        theirs = [v for v in check_schedule(sc, _schedule(pb, changed)).violations if v.rule != 9]
        assert bool(ours) == bool(theirs), (ours, [v.message for v in theirs])
        broken += bool(ours)
        valid += not ours
    assert broken > 100 and valid > 10  # both kinds were tried


@pytest.mark.parametrize("name", ["sample-tiny.json", "sample-small.json"])
def test_a_neighbourhood_change_is_checked_and_scored_like_the_whole_schedule(data_dir, name):
    """The search checks and scores each neighbourhood's change against a Book of the rest
    (``violations(pb, new, rest)``, ``score_change``): the same verdict and the same score
    difference as the whole schedule's check and score."""
    sc = read_scenario(data_dir / name)
    pb = Problem(build_input(sc))
    sessions, _failed = greedy(pb)
    rng = random.Random(7)
    broken = valid = 0
    for _ in range(300):
        region = {(d.host, d.slot) for d in rng.sample(sessions, rng.randint(1, min(4, len(sessions))))}
        old = [d for d in sessions if (d.host, d.slot) in region]
        rest = [d for d in sessions if (d.host, d.slot) not in region]
        # one random change, or a session closed (its officials lose a session: valid)
        new = _mutate(rng, pb, old) if rng.random() < 0.7 else [d.copy() for d in old[1:]]
        whole = violations(pb, rest + new)
        assert bool(violations(pb, new, Book(pb, rest))) == bool(whole), whole
        if not whole:
            before, after = score(pb, rest + old), score(pb, rest + new)
            change = score_change(pb, Book(pb, rest), old, new)
            assert change == tuple(a - b for a, b in zip(after, before, strict=True))
        broken += bool(whole)
        valid += not whole
    assert broken > 50 and valid > 50  # both kinds were tried


@pytest.mark.parametrize("name", ["sample-small.json", "sample-medium.json"])
def test_the_search_keeps_its_score_and_the_rules_in_step(data_dir, name):
    """The search changes its schedule in place, one neighbourhood at a time, and keeps
    the score by differences: the result's objective is ``score()`` of its sessions, and
    they keep every rule."""
    inp = build_input(read_scenario(data_dir / name))
    pb = Problem(inp)
    result = solve(inp, SolveOptions(time_limit=4, workers=2, seed=3))
    drafts = [
        Draft(s.host, s.slot, s.topic, s.language, s.mode, s.interpreter, list(s.officials), list(s.pinned))
        for s in result.sessions
    ]
    assert violations(pb, drafts) == []
    assert score(pb, drafts) == (result.objective, result.officials_at_min, result.total_interest)


def test_searchers_sharing_one_schedule_keep_its_score_and_the_rules(data_dir):
    """Three searchers re-form disjoint neighbourhoods of one schedule at once (each
    change checked and scored against the schedule as it is when it comes back): the
    result keeps every rule, its kept score is ``score()`` of its sessions, and the
    search improved on the construction."""
    pb = Problem(build_input(read_scenario(data_dir / "sample-medium.json")))
    run = _Run(pb, SolveOptions(time_limit=6), None, None, set())
    run.offer(greedy(pb)[0], "greedy")
    start = run.best_score
    assert pb.build_candidates(time.monotonic() + 60)
    _improve(run, select_candidates(pb, 0, set()), time.monotonic() + 6, 3)
    assert violations(pb, run.best) == []
    assert score(pb, run.best) == run.best_score
    assert run.best_score[0] > start[0]


def _tiny_input(**rules: int) -> SolverInput:
    slots = tuple(SlotIn(f"s{i}", 60 * i, 60 * i + 60, 0) for i in range(3)) + (SlotIn("s1b", 90, 150, 0),)
    every = {s.id: None for s in slots}
    offs = tuple(
        OfficialIn(f"o{i}", "AB" if i < 3 else f"C{i}", ("en",), {"t": 2}, every, max_per_day=2)
        for i in range(7)
    )
    hosts = (
        HostIn("h1", "site", ("en",), ("t",), every, max_sessions=1),
        HostIn("h2", "site", ("en",), ("t",), every),
    )
    return SolverInput(Rules(**rules), ("t",), slots, offs, hosts)


def test_book_counts_the_rules():
    pb = Problem(_tiny_input(max_same_country=2))
    book = Book(pb)
    d = Draft("h1", "s1", "t", "en", "in-person", None, ["o0", "o1"])
    book.open(d)
    assert book.clashes("o0", "s1b") and not book.clashes("o0", "s2")  # s1b overlaps s1
    assert not book.free("o0", "s1b") and book.free("o0", "s2")
    assert not book.official_free("o0", "s2", "h1")  # met h1 already
    assert book.full("h1") and not book.free("h1", "s2")  # h1 takes one session
    assert not book.country_room(d, "o2") and book.country_room(d, "o3")  # two from AB
    assert not book.can_join(d, "o2") and book.can_join(d, "o3")
    book.open(Draft("h2", "s2", "t", "en", "in-person", None, ["o0", "o3"]))
    assert not book.free("o0", "s0")  # two sessions that day: max_per_day 2
    book.close(d)
    assert book.free("o0", "s0") and book.free("h1", "s2") and book.official_free("o1", "s0", "h1")
    # the free officials at a slot follow every change
    assert book.free_officials("s0") == {f"o{i}" for i in range(7)}
    book.open(Draft("h1", "s0", "t", "en", "in-person", None, ["o4", "o5"]))
    assert {"o4", "o5"}.isdisjoint(book.free_officials("s0"))


def test_check_names_each_broken_rule():
    pb = Problem(_tiny_input())
    a = Draft("h1", "s1", "t", "en", "in-person", None, ["o0", "o3"])
    b = Draft("h2", "s1b", "t", "en", "in-person", None, ["o0", "o4"])  # o0 twice at once
    c = Draft("h1", "s2", "t", "en", "in-person", None, ["o0", "o1", "o2"])  # h1's 2nd; 3 from AB
    got = "\n".join(violations(pb, [a, b, c]))
    assert "o0: in two sessions at once (s1, s1b)" in got
    assert "meets the host twice" in got
    assert "too many from one country" in got
    assert "h1: more than 1 sessions" in got
    assert "o0: more than 2 sessions on a day" in got


def test_diagnosis_agrees_in_number_and_names_languages():
    inp = _tiny_input(max_guests=2)
    # h2 leads t at s2 with two guests (full); h1 held its one session at s0; o6 is left
    inp = replace(inp, language_names={"en": "English (en)"})
    pb = Problem(inp)
    sessions = [
        Draft("h1", "s0", "t", "en", "in-person", None, ["o3", "o4"]),
        Draft("h2", "s2", "t", "en", "in-person", None, ["o0", "o5"]),
    ]
    assert violations(pb, sessions) == []
    pb.officials["o6"] = replace(pb.officials["o6"], availability={"s0": None, "s2": None})
    (why,) = [u.reason for u in explain_unmatched(pb, sessions) if u.official == "o6"]
    assert "1 of the 2 possible hosts is full" in why
    assert "2 matching sessions already full" in why
    mn = replace(inp, language_names={"mn": "Mongolian (mn)"})
    mn = replace(mn, officials=(*mn.officials[:6], replace(mn.officials[6], languages=("mn",))))
    (why,) = [u.reason for u in explain_unmatched(Problem(mn), []) if u.official == "o6"]
    assert why.startswith("speaks only Mongolian (mn); no host or interpreter speaks Mongolian (mn)")


def test_every_window_holding_a_slot_counts_with_its_site():
    # o-two's windows hold the same slots at both sites (the first at Denver); the only host
    # is in New York and holds no video sessions. The rule checker accepts o-two in New York,
    # so the solver must too: availability names every site, not the first window's
    sl = slots(per_day=2)
    ny = "raleigh-nc"
    two = official("o-two", "Kenya", sl, site="denver-co")
    two = replace(two, availability=[*all_day(sl, "denver-co"), *all_day(sl, ny)])
    offs = [two, official("o-ny", "Peru", sl, site=ny), official("o-ny2", "Chad", sl, site=ny)]
    sc = scenario(sl, offs, [host("h-ny", sl, site=ny)])
    inp = build_input(sc)
    [o] = [o for o in inp.officials if o.id == "o-two"]
    assert all(where == frozenset({"denver-co", ny}) for where in o.availability.values())
    out = solve_checked(sc, time_limit=5)
    assert any("o-two" in s.officials for s in out.schedule.sessions)
    assert not out.schedule.unmatched or all(u.official != "o-two" for u in out.schedule.unmatched)


def _search_state(data_dir, name: str = "sample-medium.json"):
    pb = Problem(build_input(read_scenario(data_dir / name)))
    run = _Run(pb, SolveOptions(time_limit=6), None, None, set())
    run.offer(greedy(pb)[0], "greedy")
    assert pb.build_candidates(time.monotonic() + 60)
    cands = select_candidates(pb, 0, set())
    return pb, _Current(run), Neighbourhoods(pb, cands, random.Random(5))


def test_a_neighbourhood_re_forms_sessions_not_scattered_host_slots(data_dir):
    """Host slots that hold a session come first: a neighbourhood frees several sessions
    (and so their officials), and most of its candidates stay live once the rest of the
    schedule is counted (a random sample of host slots freed fewer, mostly empty ones)."""
    pb, cur, hoods = _search_state(data_dir)
    freed, live, taken = [], 0, 0
    for _ in range(40):
        kind, free = hoods.pick(cur.book, [])
        old = cur.take_out(free)
        sub = cur.book.filter([c for hs in free for c in hoods.cands_at[hs]])
        cur.put_back(old)
        freed.append(len(old))
        live += len(sub)
        taken += sum(hoods.size[hs] for hs in free)
        hoods.learn(kind, free, len(sub))
    # on sample-medium: 14 sessions and a live share of 0.36 (random host slots: 6 and 0.16)
    assert sum(freed) / len(freed) >= 10, freed
    assert live / taken >= 0.25, (live, taken)


def test_searchers_leave_each_others_people_alone(data_dir):
    """A searcher's model reserves the people it may place; another searcher's
    neighbourhood then neither frees a session with one of them nor offers them a seat,
    so two changes made at once never break a limit together."""
    pb, cur, hoods = _search_state(data_dir)
    _kind, free = hoods.pick(cur.book, [])
    first = cur.book.filter([c for hs in free for c in hoods.cands_at[hs]])
    cur.reserved |= free
    people = cur.reserve(first, 1)
    assert people and set(cur.people) == people
    for _ in range(20):
        _kind, other = hoods.pick(cur.book, [])
        other = cur.unclaimed(other)
        assert not other & free
        for hs in other:
            d = cur.book.at.get(hs)
            if d is not None:
                assert not people & {d.host, d.interpreter, *d.officials}
        sub = cur.unreserved(cur.book.filter([c for hs in other for c in hoods.cands_at[hs]]))
        for c in sub:
            assert c.o not in people and c.h not in people
            assert all(pb.options[(c.h, c.s)][k].interpreter not in people for k in c.options)
    cur.reserve(first, -1)
    assert not cur.people
