"""Calendar subscription feeds (``exchange-app serve-calendars``): a small read-only HTTP
server with one ``.ics`` feed per person and one for the master calendar.

* Each feed's URL holds an unguessable token (``secrets.token_urlsafe``, 256 bits) kept
  in the database (table ``calendar_feeds``); :func:`revoke` ends a token for good (the
  person gets a new URL), an unknown or revoked token gets a plain 404.
* A feed is made from the latest schedule on each request, so a subscribed calendar app
  sees a change at its next fetch; ``REFRESH-INTERVAL``/``X-PUBLISHED-TTL`` tell it how
  often to fetch, and ``ETag``/``If-None-Match`` spare it unchanged downloads.
* The server binds to loopback (127.0.0.1) unless told otherwise, answers GET and HEAD
  only, and never lists feeds.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exchange_app.errors import ExchangeError, NotFoundError
from exchange_app.io.calendar_ics import (
    CalendarContext,
    PersonKey,
    key_of,
    master_calendar,
    people_in,
    person_calendar,
    session_states,
    sessions_by_person,
)
from exchange_app.services.exports import load_history
from exchange_app.storage.models import CalendarFeedRow

if TYPE_CHECKING:
    from exchange_app.services.workspace import Workspace

REFRESH = timedelta(hours=1)
MASTER = "master"
_TOKEN_PATH = re.compile(r"^/feeds/([A-Za-z0-9_-]{20,64})\.ics$")


@dataclass(frozen=True, slots=True)
class Feed:
    kind: str  # "official", "host", "interpreter" or "master"
    person_id: str  # "" for the master calendar
    name: str  # the calendar's name
    token: str


def _sessions(ws: Workspace) -> sessionmaker[Session]:
    return sessionmaker(ws.engine, expire_on_commit=False)


def feeds(ws: Workspace, program_id: int) -> list[Feed]:
    """The live feed of the master calendar and of every person in a session of any
    version, creating tokens for those who have none yet."""
    h = load_history(ws, program_id, None, "Calendar feeds")
    states = session_states(h.schedules)
    wanted: list[tuple[str, str, str]] = [(MASTER, "", h.scenario.program.name)]
    wanted += [(str(p.kind), p.id, p.name) for p in people_in(states, h.scenario)]
    now = datetime.now(UTC)
    with _sessions(ws).begin() as s:
        live = {
            (r.kind, r.ext_id): r.token
            for r in s.scalars(
                select(CalendarFeedRow).where(
                    CalendarFeedRow.program_id == program_id, CalendarFeedRow.revoked_at.is_(None)
                )
            )
        }
        out = []
        for kind, pid, name in wanted:
            token = live.get((kind, pid))
            if token is None:
                token = secrets.token_urlsafe(32)
                s.add(
                    CalendarFeedRow(program_id=program_id, kind=kind, ext_id=pid, token=token, created_at=now)
                )
            out.append(Feed(kind, pid, name, token))
    return out


def revoke(ws: Workspace, program_id: int, kind: str, person_id: str) -> int:
    """End the feed token of a person (or ``kind`` "master"); returns how many were revoked.
    The next :func:`feeds` makes a new one."""
    with _sessions(ws).begin() as s:
        rows = list(
            s.scalars(
                select(CalendarFeedRow).where(
                    CalendarFeedRow.program_id == program_id,
                    CalendarFeedRow.kind == kind,
                    CalendarFeedRow.ext_id == person_id,
                    CalendarFeedRow.revoked_at.is_(None),
                )
            )
        )
        for r in rows:
            r.revoked_at = datetime.now(UTC)
    if not rows:
        raise NotFoundError(f"No live calendar feed for {kind} {person_id!r}")
    return len(rows)


def feed_for_token(ws: Workspace, token: str) -> tuple[int, str, str] | None:
    """(program id, kind, person id) of a live token, or None."""
    with _sessions(ws)() as s:
        row = s.scalars(
            select(CalendarFeedRow).where(
                CalendarFeedRow.token == token, CalendarFeedRow.revoked_at.is_(None)
            )
        ).first()
        return (row.program_id, row.kind, row.ext_id) if row is not None else None


def feed_calendar(ws: Workspace, program_id: int, kind: str, person_id: str) -> bytes | None:
    """The feed's calendar from the latest schedule, or None when the person is gone."""
    h = load_history(ws, program_id, None, "Calendar feed")
    ctx = CalendarContext(h.scenario)
    states = session_states(h.schedules)
    if kind == MASTER:
        return master_calendar(ctx, states, refresh=REFRESH)
    key: PersonKey | None = None
    person = None
    for p in h.scenario.people():
        if str(p.kind) == kind and p.id == person_id:
            person, key = p, key_of(p)
    if person is None or key is None:
        return None
    return person_calendar(ctx, person, states, sessions_by_person(states).get(key, []), refresh=REFRESH)


def _stable(data: bytes) -> bytes:
    """The calendar without DTSTAMP (which is the time of the request), for the ETag."""
    return re.sub(rb"^DTSTAMP[:;][^\r\n]*\r\n", b"", data, flags=re.M)


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, ws: Workspace, host: str = "127.0.0.1", port: int = 0):
        self.ws = ws
        super().__init__((host, port), _Handler)

    @property
    def base_url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        return f"http://{host if ':' not in host else f'[{host}]'}:{port}"

    def url(self, feed: Feed) -> str:
        return f"{self.base_url}/feeds/{feed.token}.ics"

    def start(self) -> threading.Thread:
        """Serve in a background thread (tests, the desktop app); :meth:`shutdown` ends it."""
        thread = threading.Thread(target=self.serve_forever, name="calendar-feeds", daemon=True)
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    server: FeedServer
    server_version = "ExchangeScheduler-feeds"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        # Never log the token (it is the feed's secret): only the status.
        return

    def do_HEAD(self) -> None:  # noqa: N802 - the stdlib's naming
        self._answer(body=False)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(body=True)

    def _answer(self, body: bool) -> None:
        m = _TOKEN_PATH.match(self.path.split("?", 1)[0])
        found = feed_for_token(self.server.ws, m.group(1)) if m else None
        data = None
        if found is not None:
            try:
                data = feed_calendar(self.server.ws, *found)
            except ExchangeError:
                data = None
        if data is None:
            self.send_response(HTTPStatus.NOT_FOUND)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", "10")
            self.end_headers()
            if body:
                self.wfile.write(b"Not found\n")
            return
        etag = '"' + hashlib.sha256(_stable(data)).hexdigest()[:32] + '"'
        if etag in [t.strip() for t in self.headers.get("If-None-Match", "").split(",")]:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", etag)
        self.send_header("Cache-Control", "private, max-age=300")
        self.end_headers()
        if body:
            self.wfile.write(data)


__all__ = ["MASTER", "REFRESH", "Feed", "FeedServer", "feed_calendar", "feeds", "revoke"]
