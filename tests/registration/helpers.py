"""A program across far time zones and the 2026-11-01 change, and a person who fills in a
registration workbook by finding the cells as a person would (by their labels)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl

from exchange_app.domain import (
    Host,
    Interpreter,
    Location,
    Official,
    Organizer,
    Program,
    Scenario,
    Slot,
    Topic,
    Window,
)

SITES = {
    "honolulu": ("Honolulu, Hawaii", "Pacific/Honolulu"),
    "anchorage": ("Anchorage, Alaska", "America/Anchorage"),
    "atlanta": ("Atlanta, Georgia", "America/New_York"),
}
DAYS = [date(2026, 10, 30), date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)]


def far_program() -> Scenario:
    """Hourly slots 18:00Z-04:00Z (08:00-18:00 in Honolulu, 14:00-24:00 in Atlanta before the change)."""
    slots = []
    for d in DAYS:
        for h in range(10):
            start = datetime(d.year, d.month, d.day, 18, tzinfo=UTC) + timedelta(hours=h)
            slots.append(Slot(id=f"{start:%Y%m%dT%H%MZ}", start=start, end=start + timedelta(hours=1)))
    topics = [
        Topic(id="voter-registration", name="Voter registration", description="Lists and eligibility."),
        Topic(id="ballot-access", name="Ballot access"),
        Topic(id="audits", name="Post-election audits", description="Risk-limiting audits."),
    ]

    def w(site: str, d: date, h0: int, h1: int) -> Window:
        z = ZoneInfo(SITES[site][1])
        return Window(
            start=datetime(d.year, d.month, d.day, h0, tzinfo=z).astimezone(UTC),
            end=datetime(d.year, d.month, d.day, h1, tzinfo=z).astimezone(UTC),
            location=site,
        )

    officials = [
        Official(
            id="o-1",
            name="Ana Lima",
            email="ana@example.org",
            country="BR",
            languages=["pt", "en"],
            interests={"voter-registration": 3},
            delegation="D1",
            availability=[w("honolulu", DAYS[0], 9, 12), w("anchorage", DAYS[2], 9, 17)],
        ),
        Official(
            id="o-2",
            name="Kenji Sato",
            email="kenji@example.org",
            country="JP",
            languages=["ja", "en"],
            interests={"ballot-access": 2, "audits": 1},
            delegation="D1",
            availability=[w("anchorage", DAYS[1], 8, 12)],
        ),
        Official(
            id="o-3",
            name="Marie Dubois",
            email="marie@example.org",
            country="FR",
            languages=["fr"],
            interests={"audits": 3},
            availability=[w("atlanta", DAYS[3], 14, 18)],
        ),
    ]
    hz, az = ZoneInfo("Pacific/Honolulu"), ZoneInfo("America/Anchorage")
    hosts = [
        Host(
            id="h-1",
            name="Leilani Kahale",
            email="leilani@example.gov",
            location="honolulu",
            languages=["en"],
            expertise=["voter-registration"],
            availability=[
                Window(
                    start=datetime(2026, 10, 30, 8, tzinfo=hz).astimezone(UTC),
                    end=datetime(2026, 10, 30, 12, tzinfo=hz).astimezone(UTC),
                )
            ],
        ),
        Host(
            id="h-2",
            name="Sam Nanook",
            email="sam@example.gov",
            location="anchorage",
            languages=["en"],
            expertise=["audits"],
            virtual=True,
            availability=[
                Window(
                    start=datetime(2026, 11, 1, 9, tzinfo=az).astimezone(UTC),
                    end=datetime(2026, 11, 1, 13, tzinfo=az).astimezone(UTC),
                )
            ],
        ),
    ]
    interpreters = [
        Interpreter(
            id="i-1",
            name="Chloé Martin",
            email="chloe@example.com",
            languages=["en", "fr"],
            availability=[w("atlanta", DAYS[4], 15, 19)],
        )
    ]
    return Scenario(
        program=Program(name="Far sites 2026", organizer=Organizer(email="staff@example.org", name="Staff")),
        topics=topics,
        locations=[Location(id=k, name=v[0], timezone=v[1]) for k, v in SITES.items()],
        slots=slots,
        officials=officials,
        hosts=hosts,
        interpreters=interpreters,
    )


@dataclass
class Answers:
    """What a person fills in."""

    languages: list[str]  # names as typed/chosen
    title: str = ""
    interests: dict[str, int] = field(default_factory=dict)  # topic name -> 0..3
    expertise: dict[str, bool] = field(default_factory=dict)  # topic name -> yes/no
    video: bool | None = None
    days: dict[date, tuple[str | None, list[int]]] = field(default_factory=dict)  # day -> (site name, hours)


def random_answers(rng: random.Random, kind: str, site_names: list[str], hours: range) -> Answers:
    a = Answers(languages=rng.sample(["English", "French", "Japanese", "Portuguese"], rng.randint(1, 3)))
    a.title = rng.choice(["Commissioner", "Director", ""])
    topics = ["Voter registration", "Ballot access", "Post-election audits"]
    if kind == "official":
        a.interests = {t: rng.randint(0, 3) for t in topics}
        if not any(a.interests.values()):
            a.interests[topics[0]] = 2
    if kind == "host":
        a.expertise = {t: rng.random() < 0.5 for t in topics}
        a.expertise[topics[1]] = True
        a.video = rng.random() < 0.5
    for d in DAYS:
        site = None if kind == "host" else rng.choice(site_names)
        chosen = sorted(rng.sample(list(hours), rng.randint(0, 5)))
        a.days[d] = (site, chosen)
    return a


def fill(path: Path, person_name: str, answers: Answers, out: Path | None = None) -> Path:
    """Fill ``person_name``'s cells of a workbook by their labels, and save (as a person would)."""
    book = openpyxl.load_workbook(path)
    about = book["About you"]
    header = [c.value for c in about[4]]
    row = next(r for r in range(5, about.max_row + 1) if about.cell(r, 1).value == person_name)
    if "Title" in header:
        about.cell(row, header.index("Title") + 1).value = answers.title or None
    first = header.index("Language 1") + 1
    for k in range(5):
        about.cell(row, first + k).value = answers.languages[k] if k < len(answers.languages) else None
    if answers.video is not None:
        about.cell(row, header.index("Video sessions (yes/no)") + 1, "yes" if answers.video else "no")
    for title, values in (("Interests", answers.interests), ("Expertise", answers.expertise)):
        if not values:
            continue
        sheet = book[title]
        col = next(c for c in range(3, sheet.max_column + 1) if sheet.cell(4, c).value == person_name)
        for r in range(5, sheet.max_row + 1):
            topic = sheet.cell(r, 1).value
            if topic in values:
                v = values[topic]
                sheet.cell(r, col, ("yes" if v else "no") if isinstance(v, bool) else v)
    av = book["Availability"]
    top = next(
        r for r in range(1, av.max_row + 1) if str(av.cell(r, 1).value or "").startswith(person_name + ":")
    )
    labels = {
        str(av.cell(top + 1, c).value): c for c in range(3, av.max_column + 1) if av.cell(top + 1, c).value
    }
    for r in range(top + 2, top + 2 + len(DAYS)):
        day = date.fromisoformat(str(av.cell(r, 1).value).split()[-1])
        site, hours = answers.days.get(day, (None, []))
        if site is not None:
            av.cell(r, 2, site)
        for c in labels.values():
            av.cell(r, c).value = None  # (cell(r, c, None) would leave the old value)
        for h in hours:
            av.cell(r, labels[f"{h:02d}:00"], "x")
    target = out or path
    book.save(target)
    return target


def expected_windows(answers: Answers, site_ids: dict[str, str], host_site: str | None) -> list[tuple]:
    """The windows the grid means, computed directly with zoneinfo: consecutive hours merge."""
    out = []
    for d, (site_name, hours) in sorted(answers.days.items()):
        site = host_site if host_site else site_ids[site_name]
        z = ZoneInfo(SITES[site][1])
        runs: list[list[int]] = []
        for h in hours:
            if runs and runs[-1][-1] == h - 1:
                runs[-1].append(h)
            else:
                runs.append([h])
        for run in runs:
            start = datetime(d.year, d.month, d.day, run[0], tzinfo=z).astimezone(UTC)
            last = run[-1] + 1  # the local wall clock at the end of the last ticked hour
            e = d + timedelta(days=last // 24)
            end = datetime(e.year, e.month, e.day, last % 24, tzinfo=z).astimezone(UTC)
            out.append((start, end, None if host_site else site))
    return sorted(out)
