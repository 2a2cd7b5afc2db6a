"""Sending invitations through a real SMTP server (aiosmtpd on loopback, STARTTLS with a
certificate made here, login): dry run, send, re-run sends nothing, a change sends only to
those concerned, a run that stopped halfway is finished without duplicates."""

from __future__ import annotations

import email
from email import policy

import pytest

from exchange_app.cli import main
from exchange_app.services import Workspace
from exchange_app.services.sending import SendError, send_invitations, store_smtp_password
from tests.io.test_calendar_ics import build_program, build_schedule, move_official


@pytest.fixture
def program_ws(tmp_path):
    ws = Workspace.open(tmp_path / "p.db")
    program = build_program()
    pid = ws.import_scenario(program)
    ws.save_schedule(pid, build_schedule(program), "solve")
    yield ws, pid
    ws.close()


def everyone(schedule) -> int:
    return sum(
        len([s.host, *s.officials, *([s.interpreter] if s.interpreter else [])]) for s in schedule.sessions
    )


def parsed(raw: bytes):
    msg = email.message_from_bytes(raw, policy=policy.default)
    part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    return msg, part.get_param("method"), part.get_content()


def send(ws, pid, server, **kw):
    return send_invitations(
        ws, pid, "127.0.0.1", server.port, server.USER, context=server.client_context(), **kw
    )


def test_send_then_rerun_then_change(program_ws, smtp_server, temp_keyring):
    ws, pid = program_ws
    v1 = ws.load_schedule(pid)
    store_smtp_password("127.0.0.1", smtp_server.port, smtp_server.USER, smtp_server.PASSWORD)

    dry = send(ws, pid, smtp_server, dry_run=True)
    assert len(dry.planned) == everyone(v1) and smtp_server.messages == []

    first = send(ws, pid, smtp_server)
    assert len(first.sent) == everyone(v1) == len(smtp_server.messages)
    assert all(tls for *_, tls in smtp_server.messages)  # every message went over TLS
    mail_from, rcpts, raw, _ = smtp_server.messages[0]
    msg, method, cal = parsed(raw)
    assert mail_from == "staff@example.org" and rcpts == [msg["To"].addresses[0].addr_spec]
    assert method == "REQUEST" and "METHOD:REQUEST" in cal and msg["X-Unsent"] is None

    # A re-run sends nothing.
    assert send(ws, pid, smtp_server).sent == [] and len(smtp_server.messages) == everyone(v1)
    assert send(ws, pid, smtp_server, dry_run=True).planned == []

    # o-1 moves from s-03 to s-04 (a roster change: only o-1 hears), s-05 moves (all of s-05 hear).
    v2 = move_official(v1, "o-1", "s-03", "s-04")
    s5 = v2.sessions_by_id()["s-05"]
    program = ws.load_scenario(pid)
    s5.slot = next(sl.id for sl in program.slots if sl.id != s5.slot)
    ws.save_schedule(pid, v2, "edit")
    before = len(smtp_server.messages)
    third = send(ws, pid, smtp_server)
    got = {(o.person[1], o.session_id, o.kind) for o in third.sent}
    assert got == {("o-1", "s-03", "cancelled"), ("o-1", "s-04", "new")} | {
        (p, "s-05", "changed") for p in [s5.host, *s5.officials]
    }
    new_msgs = [parsed(raw) for _, _, raw, _ in smtp_server.messages[before:]]
    assert sorted(m for _, m, _ in new_msgs) == sorted(
        ["CANCEL", "REQUEST"] + ["REQUEST"] * (1 + len(s5.officials))
    )
    assert send(ws, pid, smtp_server).sent == []


def test_a_run_that_stopped_is_finished_without_duplicates(
    program_ws, smtp_server, temp_keyring, monkeypatch
):
    ws, pid = program_ws
    total = everyone(ws.load_schedule(pid))
    import smtplib

    real = smtplib.SMTP.send_message
    calls = {"n": 0}

    def drop_after_five(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 6:
            raise smtplib.SMTPServerDisconnected("connection lost")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "send_message", drop_after_five)
    with pytest.raises(SendError, match="5 of .* sent"):
        send(ws, pid, smtp_server, password=smtp_server.PASSWORD)
    assert len(smtp_server.messages) == 5
    monkeypatch.setattr(smtplib.SMTP, "send_message", real)
    rest = send(ws, pid, smtp_server, password=smtp_server.PASSWORD)
    assert len(rest.sent) == total - 5 and len(smtp_server.messages) == total
    pairs = [(tuple(r), parsed(raw)[2].split("UID:")[1].split()[0]) for _, r, raw, _ in smtp_server.messages]
    assert len(pairs) == len(set(pairs))  # nobody got the same session twice


def test_wrong_password_and_cli(program_ws, smtp_server, temp_keyring, tmp_path, capsys):
    ws, pid = program_ws
    with pytest.raises(SendError, match="refused the login"):
        send(ws, pid, smtp_server, password="wrong")
    assert smtp_server.messages == []
    with pytest.raises(SendError, match="No password for smtp:sender@127.0.0.1"):
        send(ws, pid, smtp_server)
    store_smtp_password("127.0.0.1", smtp_server.port, smtp_server.USER, smtp_server.PASSWORD)
    db = str(tmp_path / "p.db")
    base = ["--db", db, "send", "invitations", "--smtp", "127.0.0.1", "--port", str(smtp_server.port)]
    base += ["--user", smtp_server.USER, "--cafile", smtp_server.cert]
    assert main([*base, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Would send" in out and "nothing was sent" in out and smtp_server.messages == []
    assert out.count("new ") >= 10
    assert main(base) == 0
    assert "Sent " in capsys.readouterr().out and smtp_server.messages
    assert smtp_server.PASSWORD not in capsys.readouterr().err
    # Without the CA file the self-signed certificate is not trusted: refused, nothing sent.
    count = len(smtp_server.messages)
    ws.save_schedule(pid, move_official(ws.load_schedule(pid), "o-1", "s-03", "s-04"), "edit")
    assert main(base[:-2]) == 1
    assert "stopped" in capsys.readouterr().err and len(smtp_server.messages) == count
