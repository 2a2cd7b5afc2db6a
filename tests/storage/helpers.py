"""Small builders for storage and CLI tests."""

from __future__ import annotations

from exchange_app.domain import Mode, Scenario, Schedule, Session, SolverInfo, Unmatched


def hand_schedule(sc: Scenario, rotate: int = 0) -> Schedule:
    """A schedule that uses real ids of ``sc`` (it need not keep the rules): one in-person
    session per host on successive slots, one virtual session with an interpreter."""
    officials = [o.id for o in sc.officials]
    sessions = []
    for i, h in enumerate(sc.hosts[:3]):
        members = [officials[(rotate + i + k) % len(officials)] for k in range(3)]
        sessions.append(
            Session(
                id=f"s-{i + 1:04d}",
                host=h.id,
                slot=sc.slots[(i + rotate) % len(sc.slots)].id,
                topic=h.expertise[0],
                language=h.languages[0],
                officials=members,
                mode=Mode.IN_PERSON,
                location=h.location,
                pinned=members[:1] if i == 0 else [],
            )
        )
    h = sc.hosts[-1]
    sessions.append(
        Session(
            id="s-0100",
            host=h.id,
            slot=sc.slots[-1].id,
            topic=h.expertise[-1],
            language=h.languages[0],
            officials=officials[-2:],
            interpreter=sc.interpreters[0].id if sc.interpreters else None,
            mode=Mode.VIRTUAL,
            location=None,
        )
    )
    return Schedule(
        sessions=sessions,
        unmatched=[
            Unmatched(
                official=officials[0], sessions=1, min_sessions=2, reason="speaks only ps; nobody else does"
            )
        ],
        solver=SolverInfo(status="feasible", objective=123.0, bound=130.0, seconds=1.5)
        if rotate % 2 == 0
        else None,
        program=sc.program.name,
    )
