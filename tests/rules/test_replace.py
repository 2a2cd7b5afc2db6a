"""``why_not_replace`` (open, delete or change a session) agrees with checking the edited
schedule: the violations it names are exactly those the edited schedule has and the
current one has not (by key)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exchange_app.domain import Mode, Schedule, Session
from exchange_app.errors import NotFoundError
from exchange_app.rules import OpenJudge, check_schedule, why_not_replace
from tests.rules.test_agreement import keys, program


def _edited(schedule: Schedule, old_id: str | None, new: Session | None) -> Schedule:
    sessions = []
    for s in schedule.sessions:
        if s.id == old_id:
            if new is not None:
                sessions.append(new)
        else:
            sessions.append(s)
    if old_id is None and new is not None:
        sessions.append(new)
    return Schedule(sessions=sessions)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_why_not_replace_agrees_with_checking_the_edited_schedule(data):
    roomy = data.draw(st.booleans(), label="roomy")
    sc, ctx, schedule = program(roomy)
    kind = data.draw(st.sampled_from(["open", "delete", "change"]), label="kind")
    old = data.draw(st.sampled_from(schedule.sessions), label="session")
    if kind == "delete":
        old_id, new = old.id, None
    elif kind == "open":
        host = data.draw(st.sampled_from(sc.hosts), label="host")
        slot = data.draw(st.sampled_from(sc.slots), label="slot")
        officials = data.draw(
            st.lists(st.sampled_from([o.id for o in sc.officials]), min_size=1, max_size=3, unique=True)
        )
        virtual = data.draw(st.booleans(), label="virtual")
        new = Session(
            id=data.draw(st.sampled_from(["hand-1", old.id]), label="id"),
            host=host.id,
            slot=slot.id,
            topic=data.draw(st.sampled_from([t.id for t in sc.topics])),
            language=data.draw(st.sampled_from(["en", "es", "fr", "ar"])),
            officials=officials,
            interpreter=data.draw(st.sampled_from([None, *[i.id for i in sc.interpreters]])),
            mode=Mode.VIRTUAL if virtual else Mode.IN_PERSON,
            location=None if virtual else host.location,
        )
        old_id = None
    else:
        field = data.draw(st.sampled_from(["topic", "language", "interpreter", "mode"]), label="field")
        if field == "topic":
            new = replace(old, topic=data.draw(st.sampled_from([t.id for t in sc.topics])))
        elif field == "language":
            new = replace(old, language=data.draw(st.sampled_from(["en", "es", "fr", "ar", "pt"])))
        elif field == "interpreter":
            new = replace(
                old, interpreter=data.draw(st.sampled_from([None, *[i.id for i in sc.interpreters]]))
            )
        else:
            virtual = old.mode is Mode.IN_PERSON
            loc = None if virtual else sc.hosts_by_id()[old.host].location
            new = replace(old, mode=Mode.VIRTUAL if virtual else Mode.IN_PERSON, location=loc)
        old_id = old.id
    expected = keys(check_schedule(sc, _edited(schedule, old_id, new), ctx).violations) - keys(
        check_schedule(sc, schedule, ctx).violations
    )
    assert keys(why_not_replace(ctx, schedule, old_id, new)) == expected


def test_why_not_replace_names_an_unknown_session():
    sc, ctx, schedule = program(False)
    with pytest.raises(NotFoundError, match="nope"):
        why_not_replace(ctx, schedule, "nope", None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_open_judge_gives_what_why_not_replace_gives(data):
    """``OpenJudge`` (the schedule scanned once, many sessions judged) names the same
    violations, in the same order and words, as :func:`why_not_replace` opening each one;
    its quick answer refuses the same sessions."""
    sc, ctx, schedule = program(data.draw(st.booleans(), label="roomy"))
    judge = OpenJudge(ctx, schedule)
    for _ in range(5):
        host = data.draw(st.sampled_from(sc.hosts), label="host")
        slot = data.draw(st.sampled_from(sc.slots), label="slot")
        virtual = data.draw(st.booleans(), label="virtual")
        new = Session(
            id=data.draw(st.sampled_from(["hand-1", *[s.id for s in schedule.sessions[:2]]]), label="id"),
            host=host.id,
            slot=slot.id,
            topic=data.draw(st.sampled_from([t.id for t in sc.topics])),
            language=data.draw(st.sampled_from(["en", "es", "fr", "ar"])),
            officials=data.draw(
                st.lists(st.sampled_from([o.id for o in sc.officials]), min_size=1, max_size=3, unique=True)
            ),
            interpreter=data.draw(st.sampled_from([None, *[i.id for i in sc.interpreters]])),
            mode=Mode.VIRTUAL if virtual else Mode.IN_PERSON,
            location=None if virtual else host.location,
        )
        full = why_not_replace(ctx, schedule, None, new)
        assert judge.why_not_open(new) == full
        # the quick answer (first violation found) refuses exactly what the full one refuses
        quick = judge.why_not_open(new, first=True)
        assert bool(quick) == bool(full) and {v.key for v in quick} <= {v.key for v in full}
        size = judge.why_not_open(new, ignore=lambda v: v.code == "too-few-guests", first=True)
        assert bool(size) == any(v.code != "too-few-guests" for v in full)
