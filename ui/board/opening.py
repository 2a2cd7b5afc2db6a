"""Which sessions staff could open by hand, and what a change to a session would break.

Pure functions (no Qt) over a :class:`RuleContext` and an immutable schedule. A session
opened by hand starts with one official, so it is always below the program's minimum
size: that one finding ("too few guests" in the new session) is expected and not counted
as a reason to refuse; the rule checker keeps flagging the session until it has enough
officials.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from exchange_app import rules
from exchange_app.domain import Mode, PersonKind, Schedule, Session


@dataclass(frozen=True, slots=True)
class SessionOption:
    """One way to open a session (or to change one): topic, language, interpreter, mode."""

    topic: str
    language: str
    interpreter: str | None
    mode: Mode
    interest: int  # the official's interest in the topic (0 for a change that has no official)
    reasons: list[rules.Violation] = field(default_factory=list, compare=False)  # violations it would add

    @property
    def legal(self) -> bool:
        return not self.reasons


def _expected(v: rules.Violation, session_id: str) -> bool:
    return v.code == "too-few-guests" and v.session == session_id


def option_sessions(
    ctx: rules.RuleContext, official: str, host: str, slot: str, session_id: str
) -> list[tuple[Session, int]]:
    """Candidate sessions for ``official`` at ``host``/``slot``, likeliest-legal first:
    topics the host leads and the official wants (most wanted first), the host's languages
    (the official's own first; interpreters who bridge otherwise), in person first. These
    are all the sessions that could be legal: any other breaks a rule by its make-up."""
    return list(_option_sessions(ctx, official, host, slot, session_id))


# (topic, language, interpreter, interest) for an official and a host, the same in every
# slot: kept per rule context (a program) while it lives
_Combo = tuple[str, str, str | None, int]
_COMBOS: weakref.WeakKeyDictionary[rules.RuleContext, dict[tuple[str, str], list[_Combo]]] = (
    weakref.WeakKeyDictionary()
)


def _combos(ctx: rules.RuleContext, official: str, host: str) -> list[_Combo]:
    memo = _COMBOS.setdefault(ctx, {})
    found = memo.get((official, host))
    if found is not None:
        return found
    found = []
    h = ctx.hosts.get(host)
    o = ctx.officials.get(official)
    if h is not None and o is not None:
        topics = sorted(
            (t for t in h.expertise if t in ctx.topics and o.interests.get(t, 0) > 0),
            key=lambda t: (-o.interests[t], ctx.topics[t].name),
        )
        languages = sorted(h.languages, key=lambda lang: (lang not in o.languages, h.languages.index(lang)))
        bridging: dict[str, list[str | None]] = {}
        for lang in languages:
            if lang in o.languages:
                bridging[lang] = [None]
            else:
                bridging[lang] = [
                    i.id
                    for i in ctx.interpreters.values()
                    if lang in i.languages and any(x in i.languages for x in o.languages)
                ] or [None]
        found = [
            (topic, lang, interp, o.interests[topic])
            for topic in topics
            for lang in languages
            for interp in bridging[lang]
        ]
    memo[(official, host)] = found
    return found


def _option_sessions(
    ctx: rules.RuleContext, official: str, host: str, slot: str, session_id: str
) -> Iterator[tuple[Session, int]]:
    h = ctx.hosts.get(host)
    if h is None or official not in ctx.officials:
        return
    where = ctx.where(PersonKind.OFFICIAL, official).get(slot)
    in_person_first = where is None or None in where or h.location in where
    modes = [Mode.IN_PERSON] + ([Mode.VIRTUAL] if h.virtual else [])
    if not in_person_first:
        modes.reverse()
    for topic, lang, interp, interest in _combos(ctx, official, host):
        for mode in modes:
            yield (
                Session(
                    id=session_id,
                    host=host,
                    slot=slot,
                    topic=topic,
                    language=lang,
                    officials=[official],
                    interpreter=interp,
                    mode=mode,
                    location=h.location if mode is Mode.IN_PERSON else None,
                ),
                interest,
            )


def open_options(
    ctx: rules.RuleContext,
    schedule: Schedule,
    official: str,
    host: str,
    slot: str,
    session_id: str,
    first_legal: bool = False,
    judge: rules.OpenJudge | None = None,
) -> list[SessionOption]:
    """Every way to open a session for ``official`` at ``host``/``slot``, legal ones first
    (then by interest). ``first_legal``: stop at the first legal option (for highlights:
    every option is tried until one is legal, so "none legal" is exact); then only the
    first option, the most wanted, has all its reasons, the others the first one found.
    ``judge``: one made for ``schedule``, reused over many cells (scanned once)."""
    if judge is None or judge.schedule is not schedule:
        judge = rules.OpenJudge(ctx, schedule)

    def expected(v: rules.Violation) -> bool:
        return _expected(v, session_id)

    out: list[SessionOption] = []
    for s, interest in _option_sessions(ctx, official, host, slot, session_id):
        reasons = judge.why_not_open(s, ignore=expected, first=first_legal and bool(out))
        out.append(SessionOption(s.topic, s.language, s.interpreter, s.mode, interest, reasons))
        if first_legal and not reasons:
            break
    out.sort(key=lambda x: (not x.legal, -x.interest))
    return out


def any_legal(
    ctx: rules.RuleContext,
    schedule: Schedule,
    official: str,
    host: str,
    slot: str,
    session_id: str,
    judge: rules.OpenJudge | None = None,
) -> bool:
    """Whether some way to open a session for ``official`` at ``host``/``slot`` is legal:
    every option is tried until one is (exact, as :func:`open_options` with
    ``first_legal``), each only until its first violation."""
    if judge is None or judge.schedule is not schedule:
        judge = rules.OpenJudge(ctx, schedule)

    def expected(v: rules.Violation) -> bool:
        return _expected(v, session_id)

    return any(
        not judge.why_not_open(s, ignore=expected, first=True)
        for s, _interest in _option_sessions(ctx, official, host, slot, session_id)
    )


def no_option_reason(ctx: rules.RuleContext, official: str, host: str) -> str:
    """Why there is nothing to open at all: no topic both lead and want."""
    h, o = ctx.hosts.get(host), ctx.officials.get(official)
    if h is None or o is None:
        return "unknown host or official"
    return f"{h.name} leads no topic that {o.name} is interested in"


ChangeChoices = list[tuple[str | Mode | None, list[rules.Violation]]]


def change_options(ctx: rules.RuleContext, schedule: Schedule, session_id: str) -> dict[str, ChangeChoices]:
    """For a session's card menu: each topic, language, interpreter and mode it could
    change to, with the violations the change would add: ``{field: [(value, reasons)]}``."""
    s = next(x for x in schedule.sessions if x.id == session_id)
    h = ctx.hosts.get(s.host)

    def verdict(new: Session) -> list[rules.Violation]:
        return rules.why_not_replace(ctx, schedule, session_id, new)

    def changed(**kw: Any) -> Session:
        return Session(
            id=s.id,
            host=s.host,
            slot=s.slot,
            topic=kw.get("topic", s.topic),
            language=kw.get("language", s.language),
            officials=list(s.officials),
            interpreter=kw.get("interpreter", s.interpreter),
            mode=kw.get("mode", s.mode),
            location=kw.get("location", s.location),
            pinned=list(s.pinned),
        )

    out: dict[str, ChangeChoices] = {"topic": [], "language": [], "interpreter": [], "mode": []}
    for t in sorted(ctx.topics.values(), key=lambda t: t.name):
        if t.id != s.topic and (h is None or t.id in h.expertise):
            out["topic"].append((t.id, verdict(changed(topic=t.id))))
    for lang in h.languages if h else []:
        if lang != s.language:
            out["language"].append((lang, verdict(changed(language=lang))))
    interps: list[str | None] = [None] if s.interpreter is not None else []
    interps += [
        i.id for i in ctx.interpreters.values() if i.id != s.interpreter and s.language in i.languages
    ]
    for interp in interps:
        out["interpreter"].append((interp, verdict(changed(interpreter=interp))))
    if s.mode is Mode.IN_PERSON:
        out["mode"].append((Mode.VIRTUAL, verdict(changed(mode=Mode.VIRTUAL, location=None))))
    elif h is not None:
        out["mode"].append((Mode.IN_PERSON, verdict(changed(mode=Mode.IN_PERSON, location=h.location))))
    for values in out.values():
        values.sort(key=lambda vr: bool(vr[1]))  # legal first, stable
    return out


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A legal way to give an official one more session: join ``session`` or open at host/slot."""

    interest: int
    session: str | None = None  # join this session
    host: str | None = None  # or open a session here
    slot: str | None = None
    option: SessionOption | None = None


def suggestions(
    ctx: rules.RuleContext, schedule: Schedule, official: str, limit: int = 10
) -> list[Suggestion]:
    """For an official: the best legal joins and new sessions, most interest first."""
    o = ctx.officials.get(official)
    if o is None:
        return []
    found: list[Suggestion] = []
    joins = rules.why_not_join_all(ctx, schedule, official)
    for s in schedule.sessions:
        if official in s.officials or joins.get(s.id):
            continue
        interest = o.interests.get(s.topic, 0)
        found.append(Suggestion(interest, session=s.id))
    mine = [s for s in schedule.sessions if official in s.officials]
    busy = {s.slot for s in mine}
    met = {s.host for s in mine}
    taken = {(s.host, s.slot) for s in schedule.sessions}
    available = ctx.where(PersonKind.OFFICIAL, official)
    judge = rules.OpenJudge(ctx, schedule)
    for h in ctx.hosts.values():
        if h.id in met or not any(o.interests.get(t, 0) > 0 for t in h.expertise):
            continue
        host_free = ctx.where(PersonKind.HOST, h.id)
        for slot in available:
            if slot in busy or (h.id, slot) in taken or slot not in host_free:
                continue
            sid = f"suggest-{h.id}-{slot}"
            opts = open_options(ctx, schedule, official, h.id, slot, sid, first_legal=True, judge=judge)
            best = next((x for x in opts if x.legal), None)
            if best is not None:
                found.append(Suggestion(best.interest, host=h.id, slot=slot, option=best))
    found.sort(key=lambda x: (-x.interest, x.session is None, ctx.slot_rank.get(x.slot or "", 0)))
    return found[:limit]
