"""Live calendars on a CalDAV server: each person's calendar and the master calendar as
calendar collections under one URL, kept in step with the latest schedule.

* Collections: ``<URL>/<program>-all-sessions/`` and ``<URL>/<program>-<kind>-<id>/``, one
  per person who was ever in a session (a person taken out of every session keeps an
  empty calendar rather than stale events).
* One resource per session, its name fixed by the session's UID (``<UID>.ics``): an update
  replaces it, a session that was cancelled (or that the person left) is deleted.
* Only what changed is touched: each event carries ``X-EXCHANGE-SCHEDULER-HASH`` (its
  content without DTSTAMP); a resource whose hash on the server is the one we would write
  is left alone, so a publish with no change makes no PUT and no DELETE.
* Resources are calendar object resources (RFC 4791): no METHOD, no ATTENDEE.
* Credentials come from the system keyring (service :data:`KEYRING_SERVICE`, user
  ``caldav:<user>@<host>``), never from the database, the command line or the logs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

from exchange_app.errors import ExchangeError
from exchange_app.io.calendar_ics import (
    CalendarContext,
    PersonKey,
    SessionState,
    calendar_name,
    key_of,
    people_in,
    people_of,
    session_states,
)
from exchange_app.services.exports import load_history

if TYPE_CHECKING:
    from exchange_app.services.workspace import Workspace

KEYRING_SERVICE = "exchange-scheduler"
HASH_PROPERTY = "X-EXCHANGE-SCHEDULER-HASH"
_HASH_RE = re.compile(rf"^{HASH_PROPERTY}:([0-9a-f]+)\r?$", re.M)
_DTSTAMP_RE = re.compile(rb"^DTSTAMP[:;][^\r\n]*\r\n", re.M)


class PublishError(ExchangeError):
    """The CalDAV server could not be reached or refused a request (the message says which)."""


def keyring_user(url: str, user: str) -> str:
    """The keyring entry for ``user`` on the server of ``url``: ``caldav:user@host:port``."""
    return f"caldav:{user}@{urlsplit(url).netloc.rsplit('@', 1)[-1]}"


def password_from_keyring(url: str, user: str) -> str:
    import keyring
    import keyring.errors

    entry = keyring_user(url, user)
    try:
        password = keyring.get_password(KEYRING_SERVICE, entry)
    except keyring.errors.KeyringError as e:
        raise PublishError(f"The system keyring cannot be read ({e}); no password for {entry}") from e
    if password is None:
        raise PublishError(
            f"No password for {entry} in the system keyring (service {KEYRING_SERVICE!r}). Store it with "
            f"'exchange-app publish caldav {url} --user {user} --set-password' or "
            f"'keyring set {KEYRING_SERVICE} {entry}'"
        )
    return password


def store_password(url: str, user: str, password: str) -> None:
    import keyring

    keyring.set_password(KEYRING_SERVICE, keyring_user(url, user), password)


@dataclass(slots=True)
class PublishReport:
    calendars: dict[str, str] = field(default_factory=dict)  # collection URL -> calendar name
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    summary: str = ""


def collection_name(slug: str, key: PersonKey | None) -> str:
    """``slug-all-sessions`` or ``slug-<kind>-<id>``; an id with characters outside
    ``[A-Za-z0-9._-]`` gets them replaced and a short hash added (still one name per id)."""
    if key is None:
        return f"{slug}-all-sessions"
    kind, pid = key
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", pid)
    if safe != pid:
        safe += "-" + hashlib.sha1(pid.encode()).hexdigest()[:8]
    return f"{slug}-{kind}-{safe}"


def resource(ctx: CalendarContext, state: SessionState) -> tuple[str, bytes, str]:
    """(resource name, calendar object, content hash) of one session."""
    event, tzid = ctx.event_bytes(state)
    digest = hashlib.sha256(_DTSTAMP_RE.sub(b"", event)).hexdigest()
    end = b"END:VEVENT\r\n"
    event = event[: -len(end)] + f"{HASH_PROPERTY}:{digest}\r\n".encode() + end
    body = ctx.calendar_bytes([(event, tzid)], method=None)
    uid = f"{state.session.id}@{ctx.slug}.exchange-scheduler"
    return f"{uid}.ics", body, digest


def wanted_calendars(
    ctx: CalendarContext, states: dict[str, SessionState]
) -> dict[str, tuple[str, list[str]]]:
    """Collection name -> (display name, ids of the sessions it holds now)."""
    live = [sid for sid, st in states.items() if not st.cancelled]
    out = {collection_name(ctx.slug, None): (calendar_name(ctx), live)}
    for person in people_in(states, ctx.scenario):
        key = key_of(person)
        mine = [sid for sid in live if key in people_of(states[sid].session)]
        out[collection_name(ctx.slug, key)] = (calendar_name(ctx, person), mine)
    return out


def publish_caldav(
    ws: Workspace,
    program_id: int,
    url: str,
    user: str,
    password: str | None = None,
    stamp: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> PublishReport:
    """Publish the latest schedule of the program under the CalDAV ``url`` (a collection
    the user may create calendars in, e.g. Radicale's ``http://host:5232/<user>/``)."""
    import caldav
    from caldav.elements import dav
    from caldav.lib import error as dav_error

    h = load_history(ws, program_id, None, "CalDAV publishing")
    ctx = CalendarContext(h.scenario, stamp=stamp)
    states = session_states(h.schedules)
    wanted = wanted_calendars(ctx, states)
    resources = {sid: resource(ctx, st) for sid, st in states.items() if not st.cancelled}
    if password is None:
        password = password_from_keyring(url, user)
    base = url if url.endswith("/") else url + "/"
    client: Any = caldav.DAVClient(base, username=user, password=password)  # type: ignore[operator]
    report = PublishReport()

    def check(response: object, what: str, ok: tuple[int, ...]) -> None:
        status = getattr(response, "status", None)
        if status not in ok:
            raise PublishError(f"The CalDAV server refused to {what} (HTTP {status})")

    try:
        for name, (display, session_ids) in wanted.items():
            col = f"{base}{quote(name)}/"
            report.calendars[col] = display
            if progress:
                progress(display)
            exists = client.propfind(col, depth=0).status == 207
            calendar = client.calendar(url=col)
            if not exists:
                check(client.mkcalendar(col), f"create the calendar {col}", (201,))
                calendar.set_properties([dav.DisplayName(display)])
            on_server: dict[str, str | None] = {}
            if exists:
                for obj in calendar.events():
                    rname = unquote(str(obj.url).rstrip("/").rsplit("/", 1)[-1])
                    text = re.sub(r"\r?\n[ \t]", "", obj.data or "")  # unfolded, whatever the line ends
                    found = _HASH_RE.search(text)
                    on_server[rname] = found.group(1) if found else None
            keep = set()
            for sid in session_ids:
                rname, body, digest = resources[sid]
                keep.add(rname)
                if rname in on_server and on_server[rname] == digest:
                    report.unchanged += 1
                    continue
                check(
                    client.put(
                        col + quote(rname, safe=""),
                        body.decode("utf-8"),
                        {"Content-Type": "text/calendar; charset=utf-8"},
                    ),
                    f"write {rname} in {col}",
                    (200, 201, 204),
                )
                if rname in on_server:
                    report.updated += 1
                else:
                    report.created += 1
            for rname in sorted(on_server.keys() - keep):
                if not rname.endswith(f"@{ctx.slug}.exchange-scheduler.ics"):
                    continue  # not ours: left alone
                check(client.delete(col + quote(rname, safe="")), f"delete {rname} in {col}", (200, 204, 404))
                report.deleted += 1
    except dav_error.AuthorizationError as e:
        raise PublishError(
            f"The CalDAV server at {base} refused user {user!r} (wrong password or no access)"
        ) from e
    except dav_error.DAVError as e:
        raise PublishError(f"CalDAV error at {base}: {e}") from e
    except OSError as e:
        raise PublishError(f"Cannot reach the CalDAV server at {base}: {e}") from e
    except Exception as e:  # the HTTP layer's own connection errors (niquests/requests)
        if type(e).__name__ in ("ConnectionError", "ConnectTimeout", "ReadTimeout", "Timeout"):
            raise PublishError(f"Cannot reach the CalDAV server at {base}: {e}") from e
        raise
    report.summary = (
        f"Published schedule version {h.latest_number} to {base}: {len(wanted):,} calendars "
        f"(1 master, {len(wanted) - 1:,} personal); {report.created:,} events added, "
        f"{report.updated:,} updated, {report.deleted:,} removed, {report.unchanged:,} unchanged."
    )
    return report


__all__ = [
    "KEYRING_SERVICE",
    "PublishError",
    "PublishReport",
    "collection_name",
    "keyring_user",
    "password_from_keyring",
    "publish_caldav",
    "store_password",
]
