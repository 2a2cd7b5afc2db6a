"""Calendar invitations as ``.eml`` files, one per person per session, for staff to send
from their own mail client (nothing is sent from here).

Each message is ``multipart/alternative``: a readable ``text/plain`` part and a
``text/calendar; method=REQUEST; charset=UTF-8`` part holding one VEVENT (Outlook reads
only the first) with the program's ORGANIZER and the session's ATTENDEEs (CN, ROLE,
RSVP=TRUE). A session that went away, or that the person was taken out of, gets a
``METHOD:CANCEL`` message with the same UID and a higher SEQUENCE. Messages carry
``X-Unsent: 1`` so Outlook opens them as drafts ready to send.

Given an earlier version, only what changed for each person since then is written
("new", "changed", "cancelled"); without one, every person gets an invitation for each of
their sessions in the latest version.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from email import policy
from email.charset import QP, Charset
from email.header import Header
from email.headerregistry import Address
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from exchange_app.domain import Person, PersonKind, Schedule, Session
from exchange_app.errors import InputError, Problem
from exchange_app.io.atomic import write_bytes
from exchange_app.io.calendar_ics import (
    CANCELLED_NOTE,
    REMOVED_NOTE,
    CalendarContext,
    PersonKey,
    SessionState,
    changes_for_people,
    key_of,
    people_of,
    session_states,
)
from exchange_app.io.filenames import person_filename, safe_filename, unique_names

# CRLF line endings in the file and inside the calendar part (RFC 5322 and RFC 5545).
EML_POLICY = policy.compat32.clone(linesep="\r\n")
_QP_UTF8 = Charset("utf-8")
_QP_UTF8.body_encoding = QP

SUBJECT_PREFIX = {
    "invitation": "Invitation",
    "new": "Invitation",
    "changed": "Updated invitation",
    "cancelled": "Cancelled",
}


@dataclass(frozen=True, slots=True)
class PlannedInvitation:
    person: PersonKey  # (kind, id)
    session_id: str
    kind: str  # "invitation" (full export), "new", "changed" or "cancelled"


@dataclass(slots=True)
class InvitationResult:
    files: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # by kind
    people: int = 0  # people who got at least one message
    without_email: list[str] = field(default_factory=list)  # names of people left out


def plan_invitations(versions: Sequence[Schedule], since: int | None = None) -> list[PlannedInvitation]:
    """What to send. ``versions`` are all stored versions, oldest first; ``since`` is an
    index into them: only what changed for each person from that version to the latest."""
    latest = versions[-1] if versions else Schedule()
    if since is None:
        return [PlannedInvitation(pid, s.id, "invitation") for s in latest.sessions for pid in people_of(s)]
    plan: list[PlannedInvitation] = []
    for pid, changes in changes_for_people(versions[since], latest).items():
        plan += [PlannedInvitation(pid, c.session_id, c.kind) for c in changes]
    return plan


def organizer_address(ctx: CalendarContext) -> Address:
    org = ctx.program.organizer
    if org is None or not org.email:
        raise InputError(
            ctx.program.name,
            [
                Problem(
                    "program",
                    "organizer",
                    "is needed for invitations (the address replies go to); set it in the program settings",
                )
            ],
        )
    return _address(org.name or "", org.email)


def _header(text: str) -> str | Header:
    """Plain ASCII stays as it is; anything else is encoded (RFC 2047)."""
    return text if text.isascii() else Header(text, "utf-8")


def _address(name: str, email: str) -> Address:
    user, _, domain = email.rpartition("@")
    return Address(display_name=name, username=user, domain=domain)


def _body(ctx: CalendarContext, person: Person, session: Session, kind: str, removed: bool) -> str:
    """The readable part of a message."""
    lines = [f"Dear {person.name},", ""]
    if kind == "cancelled":
        lines.append("You are no longer in this session:" if removed else "This session has been cancelled:")
        lines += [
            "",
            f"Topic: {ctx.topic_name(session.topic)}",
            f"When: {ctx.when(session)} (local time at the site)",
            *ctx.where_lines(session),
            f"Host: {ctx.person_line((PersonKind.HOST, session.host))}",
        ]
    else:
        lines.append(
            "A session in your schedule has changed. The new details:"
            if kind == "changed"
            else "You are invited to this session:"
        )
        lines += [
            "",
            ctx.description(session),
            "",
            "Please accept or decline with your calendar's buttons, or reply to this message.",
        ]
    org = ctx.program.organizer
    lines += ["", ctx.program.name]
    if org is not None:
        lines.append(f"{org.name} <{org.email}>" if org.name else org.email)
    return "\n".join(lines) + "\n"


class InvitationWriter:
    """Builds the messages of one export; calendar parts are built once per session and
    reused for every attendee."""

    def __init__(self, ctx: CalendarContext, versions: Sequence[Schedule]):
        self.ctx = ctx
        self.states: dict[str, SessionState] = session_states(versions)
        org = organizer_address(ctx)
        self.sender = formataddr((org.display_name, org.addr_spec), charset="utf-8")
        self._ical: dict[tuple[str, str, PersonKey | None], str] = {}
        self._b64: dict[tuple[object, ...], str] = {}

    def calendar_text(self, state: SessionState, person: PersonKey, kind: str) -> str:
        session = state.session
        key: tuple[str, str, PersonKey | None]
        if kind != "cancelled":
            key = (session.id, "REQUEST", None)
        elif state.cancelled:
            key = (session.id, "CANCEL", None)  # the whole session: everyone was told the same
        else:
            key = (session.id, "CANCEL", person)  # taken out: only they are named
        text = self._ical.get(key)
        if text is None:
            if key[1] == "REQUEST":
                ev = self.ctx.event_bytes(state, attendees=True, rsvp=True)
            else:
                ev = self.ctx.event_bytes(
                    state,
                    cancelled=True,
                    attendees=True,
                    only=key[2],
                    note=CANCELLED_NOTE if key[2] is None else REMOVED_NOTE,
                )
            text = self.ctx.calendar_bytes([ev], method=key[1]).decode("utf-8")
            if key[2] is None:
                self._ical[key] = text
        return text

    def message(self, person: Person, plan: PlannedInvitation) -> Message:
        """The message for one planned invitation. Built with the email package's
        ``compat32`` classes: the same MIME as ``EmailMessage`` at a fraction of the cost,
        which counts for thousands of messages."""
        state = self.states[plan.session_id]
        session = state.session
        method = "CANCEL" if plan.kind == "cancelled" else "REQUEST"
        removed = plan.kind == "cancelled" and not state.cancelled
        text = MIMEText(
            _body(self.ctx, person, session, plan.kind, removed),
            "plain",
            _QP_UTF8,  # type: ignore[arg-type]  # the email package takes a Charset; typeshed says str
            policy=EML_POLICY,
        )
        calendar = MIMENonMultipart("text", "calendar", policy=EML_POLICY, method=method, charset="UTF-8")
        calendar["Content-Transfer-Encoding"] = "base64"
        calendar.set_payload(self.calendar_base64(state, key_of(person), plan.kind))
        msg = MIMEMultipart("alternative", _subparts=[text, calendar], policy=EML_POLICY)
        msg["From"] = self.sender
        msg["To"] = formataddr((person.name, person.email or ""), charset="utf-8")
        msg["Subject"] = _header(  # type: ignore[assignment]  # compat32 Message takes a Header too
            f"{SUBJECT_PREFIX[plan.kind]}: {self.ctx.summary(session)}, {self.ctx.when(session)}"
        )
        msg["Date"] = format_datetime(self.ctx.stamp)
        msg["Message-ID"] = make_msgid(domain=f"{self.ctx.slug}.exchange-scheduler")
        msg["X-Unsent"] = "1"
        return msg

    def calendar_base64(self, state: SessionState, person: PersonKey, kind: str) -> str:
        key = (state.session.id, kind == "cancelled", state.cancelled or kind != "cancelled" or person)
        data = self._b64.get(key)
        if data is None:
            raw = self.calendar_text(state, person, kind).encode("utf-8")
            data = base64.encodebytes(raw).decode("ascii").replace("\n", "\r\n")
            if key[2] is True:
                self._b64[key] = data
        return data

    def write(self, plan: Sequence[PlannedInvitation], out: Path) -> InvitationResult:
        """One sub-folder per person, one ``.eml`` per planned invitation."""
        result = InvitationResult()
        by_person: dict[PersonKey, list[PlannedInvitation]] = {}
        for p in plan:
            by_person.setdefault(p.person, []).append(p)
        people = [p for p in self.ctx.scenario.people() if key_of(p) in by_person]
        folders = unique_names(person_filename(p.name, p.id) for p in people)
        for person, folder in zip(people, folders, strict=False):
            if not person.email:
                result.without_email.append(person.name)
                continue
            items = sorted(
                by_person[key_of(person)],
                key=lambda x: (self.ctx.slot(self.states[x.session_id].session).start, x.session_id),
            )
            names = unique_names(self.file_name(p) for p in items)
            for item, name in zip(items, names, strict=False):
                path = out / folder / name
                write_bytes(path, self.message(person, item).as_bytes())
                result.files.append(path)
                result.counts[item.kind] = result.counts.get(item.kind, 0) + 1
            result.people += 1
        return result

    def file_name(self, plan: PlannedInvitation) -> str:
        session = self.states[plan.session_id].session
        start, _ = self.ctx.local_times(session)
        label = {"invitation": "", "new": "new", "changed": "changed", "cancelled": "CANCELLED"}[plan.kind]
        parts = [f"{start:%Y-%m-%d %H%M}", label, self.ctx.topic_name(session.topic), session.id]
        return safe_filename(" - ".join(x for x in parts if x), suffix=".eml", max_bytes=100)


def write_invitations(
    ctx: CalendarContext, versions: Sequence[Schedule], out: Path, since: int | None = None
) -> InvitationResult:
    """Write the invitations for the latest of ``versions`` under ``out``; with ``since``
    (an index into ``versions``) only what changed for each person since that version."""
    writer = InvitationWriter(ctx, versions)
    return writer.write(plan_invitations(versions, since), Path(out))
