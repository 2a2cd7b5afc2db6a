"""Checks made before an export writes anything: a text with a line break or another
control character would break a calendar line or a mail header (an injection), so an export
with one is refused whole, naming every record and field, before the first file is written."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable, Sequence

from exchange_app.domain import Scenario, Schedule
from exchange_app.errors import ExchangeError, Problem
from exchange_app.naming import plural


class ExportRefused(ExchangeError):
    """The program has data an export cannot write; nothing was written."""

    exit_code = 2

    def __init__(self, what: str, problems: list[Problem]):
        self.what = what
        self.problems = list(problems)
        lines = [f"  {p}" for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"  ... and {len(self.problems) - 50} more")
        super().__init__(
            "\n".join(
                [
                    f"{what}: refused, {plural(len(self.problems), 'problem')}; nothing was written "
                    "(fix them in the program and export again)",
                    *lines,
                ]
            )
        )


def control_character(text: str) -> str | None:
    """A description of the first control character in ``text`` (line break, tab, NUL,
    any other Unicode category Cc, and the line/paragraph separators), or None."""
    for ch in text:
        if unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029\u0085":
            label = {"\n": "a line break (LF)", "\r": "a line break (CR)", "\t": "a tab"}.get(ch)
            return label or f"a control character (U+{ord(ch):04X})"
    return None


def _text_problems(record: str, obj: object) -> Iterable[Problem]:
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        items: list[tuple[str, object]]
        if isinstance(value, str):
            items = [(f.name, value)]
        elif isinstance(value, list | tuple):
            items = [(f"{f.name}[{i}]", v) for i, v in enumerate(value)]
        elif isinstance(value, dict):
            items = [(f"{f.name}.{k}", k) for k in value]
        else:
            continue
        for name, v in items:
            if isinstance(v, str):
                bad = control_character(v)
                if bad:
                    yield Problem(record, name, f"has {bad}")


def _record(kind: str, i: int, rid: str) -> str:
    bad = control_character(rid)
    return f"{kind}[{i}]" if bad else f"{kind}[{i}] ({rid})"


def export_problems(scenario: Scenario, versions: Sequence[Schedule] = ()) -> list[Problem]:
    """Everything in the program and its schedule versions an export cannot write."""
    problems: list[Problem] = list(_text_problems("program", scenario.program))
    org = scenario.program.organizer
    if org is not None:
        problems += _text_problems("program.organizer", org)
    groups: list[tuple[str, Sequence[object]]] = [
        ("topics", scenario.topics),
        ("locations", scenario.locations),
        ("slots", scenario.slots),
        ("officials", scenario.officials),
        ("hosts", scenario.hosts),
        ("interpreters", scenario.interpreters),
    ]
    for kind, records in groups:
        for i, r in enumerate(records):
            problems += _text_problems(_record(kind, i, str(getattr(r, "id", ""))), r)
    for i, slot in enumerate(scenario.slots):
        if slot.end <= slot.start:
            problems.append(Problem(_record("slots", i, slot.id), "end", "is not after the start"))
    for i, host in enumerate(scenario.hosts):
        if host.video_url is not None and not host.video_url.startswith("https://"):
            problems.append(Problem(_record("hosts", i, host.id), "video_url", "is not an https:// link"))
    slot_ids = {s.id for s in scenario.slots}
    seen: set[tuple[str, str | None, str]] = set()
    for n, version in enumerate(versions, start=1):
        for i, s in enumerate(version.sessions):
            record = f"schedule version {n}, " + _record("sessions", i, s.id)
            for p in _text_problems(record, s):
                key = (s.id, p.field, p.message)
                if key not in seen:  # the same session in many versions: named once
                    seen.add(key)
                    problems.append(p)
            if s.slot not in slot_ids:
                problems.append(
                    Problem(record, "slot", f"names slot {s.slot!r}, which the program does not have")
                )
    return problems


def check_exportable(scenario: Scenario, versions: Sequence[Schedule] = (), what: str = "Export") -> None:
    """Raise :class:`ExportRefused` naming every problem; return when there is none."""
    problems = export_problems(scenario, versions)
    if problems:
        raise ExportRefused(what, problems)


__all__ = ["ExportRefused", "check_exportable", "control_character", "export_problems"]
