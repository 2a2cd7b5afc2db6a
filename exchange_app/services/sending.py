"""Sending invitations by email (``exchange-app send invitations --smtp HOST``): the same
messages as the ``.eml`` export, sent over SMTP with STARTTLS, and only what each person
has not been told yet.

What a person was last told about a session is recorded in the database
(``sent_invitations``, one row per message the server accepted, written right after it
accepted it). From that record and the latest schedule:

* in the session now, never told (or last told it was cancelled): an invitation;
* in the session now, last invited at a lower SEQUENCE (its time, place, mode or topic
  changed since): an updated invitation;
* last invited, and now out of the session or the session cancelled: a cancellation;
* anything else: nothing. A re-run, or a run after one that stopped halfway, sends nothing
  twice.

The password comes from the system keyring (``smtp:<user>@<host>:<port>``).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exchange_app.domain import PersonKind
from exchange_app.errors import ExchangeError
from exchange_app.io.calendar_ics import CalendarContext, PersonKey, people_of
from exchange_app.io.invitations import InvitationWriter, PlannedInvitation
from exchange_app.naming import plural
from exchange_app.services.exports import load_history
from exchange_app.services.publishing import KEYRING_SERVICE
from exchange_app.storage.models import SentInvitationRow

if TYPE_CHECKING:
    from exchange_app.services.workspace import Workspace


class SendError(ExchangeError):
    """The mail server could not be reached, or refused the login or a message."""


def smtp_keyring_user(host: str, port: int, user: str) -> str:
    return f"smtp:{user}@{host}:{port}"


def smtp_password(host: str, port: int, user: str) -> str:
    import keyring

    entry = smtp_keyring_user(host, port, user)
    password = keyring.get_password(KEYRING_SERVICE, entry)
    if password is None:
        raise SendError(
            f"No password for {entry} in the system keyring (service {KEYRING_SERVICE!r}). Store it with "
            f"'exchange-app send invitations --smtp {host} --port {port} --user {user} --set-password'"
        )
    return password


def store_smtp_password(host: str, port: int, user: str, password: str) -> None:
    import keyring

    keyring.set_password(KEYRING_SERVICE, smtp_keyring_user(host, port, user), password)


@dataclass(frozen=True, slots=True)
class Outgoing:
    person: PersonKey
    name: str
    email: str
    session_id: str
    kind: str  # "new", "changed" or "cancelled"
    method: str  # "REQUEST" or "CANCEL"
    sequence: int
    subject: str = ""


@dataclass(slots=True)
class SendReport:
    sent: list[Outgoing] = field(default_factory=list)
    planned: list[Outgoing] = field(default_factory=list)  # dry run: what would go
    without_email: list[str] = field(default_factory=list)
    summary: str = ""


def _last_told(s: Session, program_id: int) -> dict[tuple[PersonKey, str], tuple[str, int]]:
    """(person, session) -> (method, sequence) of the last message the server accepted."""
    out: dict[tuple[PersonKey, str], tuple[str, int]] = {}
    rows = s.execute(
        select(
            SentInvitationRow.kind,
            SentInvitationRow.ext_id,
            SentInvitationRow.session_id,
            SentInvitationRow.method,
            SentInvitationRow.sequence,
        )
        .where(SentInvitationRow.program_id == program_id)
        .order_by(SentInvitationRow.id)
    )
    for kind, ext, sid, method, seq in rows:
        out[((PersonKind(kind), ext), sid)] = (method, seq)
    return out


def plan_sending(ws: Workspace, program_id: int) -> tuple[list[Outgoing], list[str], InvitationWriter, int]:
    """What to send now: (messages, names of people without an email address who would get
    one, the writer that builds them, the latest version number)."""
    h = load_history(ws, program_id, None, "Invitations")
    ctx = CalendarContext(h.scenario)
    writer = InvitationWriter(ctx, h.schedules)  # refuses a program without an organizer
    with sessionmaker(ws.engine)() as s:
        told = _last_told(s, program_id)
    out: list[Outgoing] = []
    without: list[str] = []
    ordered = sorted(writer.states.items(), key=lambda kv: (ctx.slot(kv[1].session).start, kv[0]))
    for sid, st in ordered:
        now = set() if st.cancelled else set(people_of(st.session))
        for key in sorted(st.people | now, key=lambda k: (str(k[0]), k[1])):
            last = told.get((key, sid))
            if key in now:
                if last is None or last[0] == "CANCEL":
                    kind = "new"
                elif last[1] < st.sequence:
                    kind = "changed"
                else:
                    continue
                method = "REQUEST"
            elif last is not None and last[0] == "REQUEST":
                kind, method = "cancelled", "CANCEL"
            else:
                continue
            person = ctx.person(key)
            if person is None:
                continue
            if not person.email:
                if person.name not in without:
                    without.append(person.name)
                continue
            subject = writer.message(person, PlannedInvitation(key, sid, kind))["Subject"]
            out.append(Outgoing(key, person.name, person.email, sid, kind, method, st.sequence, str(subject)))
    return out, without, writer, h.latest_number


def send_invitations(
    ws: Workspace,
    program_id: int,
    host: str,
    port: int = 587,
    user: str | None = None,
    *,
    password: str | None = None,
    dry_run: bool = False,
    context: ssl.SSLContext | None = None,
    timeout: float = 60,
    progress: Callable[[Outgoing], None] | None = None,
) -> SendReport:
    """Send what each person has not been told yet (see the module text). STARTTLS is
    required: a server that does not offer it gets nothing. ``dry_run``: only plan."""
    plan, without, writer, version = plan_sending(ws, program_id)
    report = SendReport(without_email=without)
    if dry_run:
        report.planned = plan
        report.summary = (
            f"Would send {plural(len(plan), 'message')} for schedule version {version}"
            + (f" ({_counts(plan)})" if plan else "")
            + "; nothing was sent (dry run)."
        )
        return report
    if not plan:
        report.summary = f"Nothing to send: everyone has been told about schedule version {version}."
        return report
    if user is not None and password is None:
        password = smtp_password(host, port, user)
    org = writer.ctx.program.organizer
    sender = org.email if org is not None else ""
    records = sessionmaker(ws.engine, expire_on_commit=False)
    try:
        with smtplib.SMTP(host, port, timeout=timeout) as smtp:
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                raise SendError(f"The mail server {host}:{port} does not offer STARTTLS: nothing was sent")
            smtp.starttls(context=context or ssl.create_default_context())
            smtp.ehlo()
            if user is not None and password is not None:
                smtp.login(user, password)
            for item in plan:
                person = writer.ctx.person(item.person)
                if person is None:  # pragma: no cover - planned from the program's people
                    continue
                msg = writer.message(person, PlannedInvitation(item.person, item.session_id, item.kind))
                del msg["X-Unsent"]  # a sent message, not a draft
                smtp.send_message(msg, from_addr=sender, to_addrs=[item.email])
                with records.begin() as s:
                    s.add(
                        SentInvitationRow(
                            program_id=program_id,
                            kind=str(item.person[0]),
                            ext_id=item.person[1],
                            session_id=item.session_id,
                            method=item.method,
                            sequence=item.sequence,
                            version=version,
                            email=item.email,
                            message_id=str(msg["Message-ID"]),
                            sent_at=datetime.now(UTC),
                        )
                    )
                report.sent.append(item)
                if progress:
                    progress(item)
    except smtplib.SMTPAuthenticationError as e:
        raise SendError(
            f"The mail server {host}:{port} refused the login of {user!r}: nothing more was sent"
        ) from e
    except (smtplib.SMTPException, ssl.SSLError, OSError) as e:
        done = f"{len(report.sent):,} of {len(plan):,} sent (recorded; a re-run sends the rest)"
        raise SendError(f"Sending through {host}:{port} stopped: {e}; {done}") from e
    report.summary = (
        f"Sent {plural(len(report.sent), 'message')} for schedule version {version} ({_counts(report.sent)})."
    )
    return report


def _counts(items: list[Outgoing]) -> str:
    kinds = {k: sum(1 for i in items if i.kind == k) for k in ("new", "changed", "cancelled")}
    return ", ".join(f"{n:,} {k}" for k, n in kinds.items() if n)


__all__ = [
    "Outgoing",
    "SendError",
    "SendReport",
    "plan_sending",
    "send_invitations",
    "smtp_keyring_user",
    "store_smtp_password",
]
