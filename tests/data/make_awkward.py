#!/usr/bin/env python3
"""Awkward programs: the generator's programs changed the way real ones differ.

Built on ``make_scenario.make`` (deterministic for a seed), then:

* two far sites, Honolulu and Anchorage, whose hosts all offer video; the slot grid is
  widened to their business hours;
* a tenth of the officials with windows that name no location;
* a third of the interpreters remote (windows with no location);
* names with commas, quotes and non-Latin scripts;
* three officials whose only language nobody bridges (Dzongkha);
* pins taken from a known valid schedule (the solver's construction of the program
  without pins, checked by ``exchange_app.rules``), so every pin can be kept together;
  forbidden pairs that the valid schedule does not use.

    python tests/data/make_awkward.py --size large --seed 3 --out large-awkward.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import UTC, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for p in (str(HERE), str(ROOT)):
    if p not in sys.path:
        sys.path.insert(0, p)

import make_scenario as ms  # noqa: E402

FAR_SITES = [
    ("honolulu-hi", "Honolulu, Hawaii (City and County of Honolulu)", "Pacific/Honolulu"),
    ("anchorage-ak", "Anchorage, Alaska (Municipality of Anchorage)", "America/Anchorage"),
]
AWKWARD_NAMES = [
    "Mariam Batbayar",
    "O'Brien, Siobhán",
    'Nguyễn "Tom" Văn An',
    "Мария Иванова",
    "محمد علي الحسن",
    "李伟",
    "Zoë d'Arcy-Ñúñez",
    'Batbayar, Mariam ("Maya")',
    "Ἀλέξανδρος Παπαδόπουλος",
    "ნინო ბერიძე",
    "Ամալյա Սարգսյան",
    "দীপা রায়",
]
PIN_SHARE = 40  # one pin per 40 officials
FORBIDDEN_SHARE = 50


def awkward(size: str = "large", seed: int = 1, pins: int | None = None, **override: int) -> dict:
    """An awkward program of ``size`` (tiny ... xl); ``pins`` defaults to one per 40 officials."""
    params = dict(ms.SIZES[size])
    params.update(override)
    sc = ms.make(seed=seed, **params)
    rng = random.Random(seed * 7919 + 17)
    days = ms.PROGRAM_DAYS[: params["days"]]

    # far sites: their hosts hold video sessions; slots reach their business hours
    for sid, name, zone in FAR_SITES:
        sc["locations"].append({"id": sid, "name": name, "timezone": zone})
    slot_ids = {s["id"] for s in sc["slots"]}
    for _sid, _name, zone in FAR_SITES:
        for day in days:
            for hour in range(8, 18):
                start = ms.local(day, hour, zone).astimezone(UTC)
                sid = start.strftime("%Y%m%dT%H%MZ")
                if sid not in slot_ids:
                    slot_ids.add(sid)
                    end = start + timedelta(minutes=60)
                    sc["slots"].append({"id": sid, "start": ms.iso(start), "end": ms.iso(end)})
    sc["slots"].sort(key=lambda s: s["start"])
    hosts = sc["hosts"]
    far = rng.sample(range(len(hosts)), max(2, len(hosts) // 12))
    for k, i in enumerate(far):
        sid, _name, zone = FAR_SITES[k % len(FAR_SITES)]
        h = hosts[i]
        h["location"] = sid
        h["virtual"] = True
        h["availability"] = [
            {"start": ms.iso(ms.local(day, a, zone)), "end": ms.iso(ms.local(day, b, zone))}
            for day in days
            if rng.random() < 0.8
            for a, b in [rng.choice([(8, 17), (9, 17), (8, 12), (13, 18)])]
        ]

    officials = sc["officials"]
    for o in rng.sample(officials, max(1, len(officials) // 10)):
        for w in o["availability"]:
            w.pop("location", None)
    interps = sc["interpreters"]
    for it in rng.sample(interps, len(interps) // 3):
        for w in it["availability"]:
            w.pop("location", None)
    people = officials + hosts + interps
    for k, person in enumerate(rng.sample(people, min(len(people), max(12, len(people) // 15)))):
        person["name"] = AWKWARD_NAMES[k % len(AWKWARD_NAMES)] + ("" if k < len(AWKWARD_NAMES) else f" {k}")
    for o in rng.sample(officials, min(3, len(officials))):
        o["languages"] = ["dz"]
    sc["program"]["name"] = f"Awkward exchange ({len(officials)} officials, seed {seed})"

    sc["pins"], sc["forbidden"] = [], []
    n_pins = max(1, len(officials) // PIN_SHARE) if pins is None else pins
    sc["pins"], sc["forbidden"] = _pins_and_forbidden(sc, rng, n_pins)
    return sc


def _pins_and_forbidden(sc: dict, rng: random.Random, n_pins: int) -> tuple[list[dict], list[dict]]:
    """Pins from a valid schedule of the program without pins, one official per session;
    forbidden pairs that schedule does not use."""
    from exchange_app.domain import Mode, Schedule, Session
    from exchange_app.io.scenario_json import parse_scenario
    from exchange_app.rules import check_schedule
    from exchange_app.services.solving import build_input
    from solver.greedy import greedy
    from solver.problem import Problem

    scenario = parse_scenario(json.loads(json.dumps(sc)))
    pb = Problem(build_input(scenario))
    sessions, _failed = greedy(pb)
    schedule = Schedule(
        sessions=[
            Session(
                id=f"s-{k:04d}",
                host=d.host,
                slot=d.slot,
                topic=d.topic,
                language=d.language,
                officials=list(d.officials),
                interpreter=d.interpreter,
                mode=Mode(d.mode),
                location=pb.hosts[d.host].location if d.mode != "virtual" else None,
            )
            for k, d in enumerate(sessions, start=1)
        ]
    )
    report = check_schedule(scenario, schedule)
    if not report.ok:  # the construction keeps every rule; a violation is a solver bug
        raise RuntimeError(f"construction broke a rule: {report.violations[0].message}")
    picked = rng.sample(sessions, min(n_pins, len(sessions)))
    pins = [{"official": rng.choice(d.officials), "host": d.host, "slot": d.slot} for d in picked]
    met = {(o, d.host) for d in sessions for o in d.officials}
    forbidden: list[dict] = []
    tries = 0
    while len(forbidden) < max(1, len(sc["officials"]) // FORBIDDEN_SHARE) and tries < 10_000:
        tries += 1
        o, h = rng.choice(sc["officials"]), rng.choice(sc["hosts"])
        pair = (o["id"], h["id"])
        if pair not in met and all((f["official"], f["host"]) != pair for f in forbidden):
            forbidden.append(
                {"official": o["id"], "host": h["id"], "reason": "conflict of interest, declared"}
            )
    return pins, forbidden


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--size", choices=sorted(ms.SIZES), default="large")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pins", type=int, help="number of pins (default: one per 40 officials)")
    ap.add_argument("--out", help="file to write (default: standard output)")
    a = ap.parse_args(argv)
    text = json.dumps(awkward(a.size, a.seed, a.pins), indent=1, ensure_ascii=False) + "\n"
    if a.out:
        Path(a.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
