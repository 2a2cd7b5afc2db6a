"""Shared by the storage, CLI and io tests: bad scenario documents and a database dump."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from exchange_app.storage.models import Base


@dataclass(frozen=True)
class BadCase:
    """A change that makes a good scenario bad, and what the refusal must name."""

    name: str
    change: Callable[[dict], None]
    record: str  # the record the problem names (prefix)
    field: str | None  # the field it names
    words: str  # a fragment of the message


def _first_interest(d: dict) -> str:
    return next(iter(d["officials"][0]["interests"]))


def _window_backwards(d: dict) -> None:
    w = d["officials"][0]["availability"][0]
    w["end"] = w["start"]


BAD_CASES = [
    BadCase(
        "other format",
        lambda d: d.update(format="exchange-scenario/2"),
        "document",
        "format",
        "exchange-scenario/1",
    ),
    BadCase(
        "dangling topic",
        lambda d: d["officials"][0]["interests"].update({"no-such-topic": 2}),
        "officials[0] (o-0001)",
        "interests.no-such-topic",
        "unknown topic",
    ),
    BadCase(
        "dangling location",
        lambda d: d["hosts"][0].update(location="atlantis"),
        "hosts[0] (h-0001)",
        "location",
        "unknown location 'atlantis'",
    ),
    BadCase(
        "dangling host",
        lambda d: d["pins"][0].update(host="h-9999"),
        "pins[0]",
        "host",
        "unknown host 'h-9999'",
    ),
    BadCase(
        "dangling slot",
        lambda d: d["pins"][0].update(slot="20991231T0000Z"),
        "pins[0]",
        "slot",
        "unknown slot",
    ),
    BadCase(
        "duplicate id",
        lambda d: d["officials"][1].update(id=d["officials"][0]["id"]),
        "officials[1] (o-0001)",
        "id",
        "duplicate id 'o-0001'",
    ),
    BadCase(
        "time without offset",
        lambda d: d["slots"][0].update(start="2026-10-29T08:00"),
        "slots[0]",
        "start",
        "UTC offset",
    ),
    BadCase(
        "unknown time zone",
        lambda d: d["locations"][0].update(timezone="America/Atlantis"),
        "locations[0] (phoenix-az)",
        "timezone",
        "unknown time zone 'America/Atlantis'",
    ),
    BadCase(
        "window ends before it starts",
        _window_backwards,
        "officials[0] (o-0001)",
        "availability[0].end",
        "is not after the start",
    ),
    BadCase(
        "interest weight outside 1..3",
        lambda d: d["officials"][0]["interests"].update({_first_interest(d): 4}),
        "officials[0] (o-0001)",
        "interests.",
        "outside 1..3",
    ),
    BadCase(
        "invalid email",
        lambda d: d["officials"][0].update(email="not-an-email"),
        "officials[0] (o-0001)",
        "email",
        "not a valid email address",
    ),
    BadCase("missing id", lambda d: d["officials"][0].pop("id"), "officials[0]", "id", "is required"),
]


def bad_document(good: Path, case: BadCase) -> dict:
    doc = json.loads(good.read_text("utf-8"))
    doc = copy.deepcopy(doc)
    case.change(doc)
    return doc


def write_bad(good: Path, case: BadCase, out: Path) -> Path:
    out.write_text(json.dumps(bad_document(good, case)), "utf-8")
    return out


def dump(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of every table (ordered by primary key): compare before and after."""
    out = {}
    with engine.connect() as c:
        for table in Base.metadata.sorted_tables:
            out[table.name] = [
                tuple(r) for r in c.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
    return out
