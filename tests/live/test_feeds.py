"""Subscription feeds served over HTTP on loopback, read with an HTTP client the way a
calendar app subscribes: fetch, re-fetch (ETag), fetch after a change, revoke."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
import vobject

from exchange_app.cli import main
from exchange_app.services import Workspace
from exchange_app.services.feeds import FeedServer, feeds, revoke
from tests.ical_readers import assert_libical_clean
from tests.io.test_calendar_ics import build_program, build_schedule, move_official


@pytest.fixture
def served(tmp_path):
    ws = Workspace.open(tmp_path / "p.db")
    program = build_program()
    pid = ws.import_scenario(program)
    ws.save_schedule(pid, build_schedule(program), "solve")
    server = FeedServer(ws)  # default: 127.0.0.1, any free port
    thread = server.start()
    yield ws, pid, program, server
    server.shutdown()
    server.server_close()
    thread.join(timeout=30)
    ws.close()


def fetch(url: str, etag: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def uids(data: bytes) -> set[str]:
    (cal,) = vobject.readComponents(data.decode(), validate=True)
    return {e.uid.value.split("@")[0] for e in cal.vevent_list}


def test_feeds_fetch_refetch_change_and_revoke(served, tmp_path):
    ws, pid, program, server = served
    assert server.server_address[0] == "127.0.0.1"
    all_feeds = feeds(ws, pid)
    assert [f.token for f in feeds(ws, pid)] == [f.token for f in all_feeds]  # stable
    tokens = [f.token for f in all_feeds]
    assert len(set(tokens)) == len(tokens) and all(len(t) >= 43 for t in tokens)
    mine = next(f for f in all_feeds if f.kind == "official" and f.person_id == "o-1")

    status, headers, body = fetch(server.url(mine))
    assert status == 200 and headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body
    assert_libical_clean([body])
    v1 = ws.load_schedule(pid)
    assert uids(body) == {s.id for s in v1.sessions if "o-1" in s.officials}

    # A subscription re-fetch with the ETag: nothing new.
    again = fetch(server.url(mine), headers["ETag"])
    assert again[0] == 304 and again[2] == b""

    # The schedule changes: the next fetch has it.
    ws.save_schedule(pid, move_official(v1, "o-1", "s-03", "s-04"), "edit")
    status, headers2, body2 = fetch(server.url(mine), headers["ETag"])
    assert status == 200 and headers2["ETag"] != headers["ETag"]
    (cal,) = vobject.readComponents(body2.decode())
    status_of = {e.uid.value.split("@")[0]: e.status.value for e in cal.vevent_list}
    assert status_of["s-03"] == "CANCELLED" and status_of["s-04"] == "CONFIRMED"

    # Unknown tokens and other paths: 404, nothing listed.
    assert fetch(f"{server.base_url}/feeds/{'x' * 43}.ics")[0] == 404
    assert fetch(f"{server.base_url}/feeds/")[0] == 404
    assert fetch(f"{server.base_url}/")[0] == 404

    # Revoked: the old URL is dead, the person gets a new one.
    revoke(ws, pid, "official", "o-1")
    assert fetch(server.url(mine))[0] == 404
    new = next(f for f in feeds(ws, pid) if f.kind == "official" and f.person_id == "o-1")
    assert new.token != mine.token and fetch(server.url(new))[0] == 200
    master = next(f for f in feeds(ws, pid) if f.kind == "master")
    assert uids(fetch(server.url(master))[2]) >= {s.id for s in v1.sessions}


def test_cli_lists_loopback_urls_and_revokes(tmp_path, capsys):
    db = str(tmp_path / "p.db")
    with Workspace.open(db) as ws:
        program = build_program()
        pid = ws.import_scenario(program)
        ws.save_schedule(pid, build_schedule(program), "solve")
    assert main(["--db", db, "serve-calendars", "--list", "--port", "0"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 1 + len(program.people()) and all("http://127.0.0.1:" in line for line in lines)
    old = next(line for line in lines if "(official o-1)" in line)
    assert main(["--db", db, "serve-calendars", "--revoke", "official:o-1"]) == 0
    assert "Revoked the feed of" in capsys.readouterr().out
    assert main(["--db", db, "serve-calendars", "--list", "--port", "0"]) == 0
    now = next(line for line in capsys.readouterr().out.splitlines() if "(official o-1)" in line)
    assert now.rsplit("/", 1)[1] != old.rsplit("/", 1)[1]
    assert main(["--db", db, "serve-calendars", "--revoke", "nobody:x"]) == 1
