"""The redacted scenario export: nothing that names a person, everything the scheduler needs."""

from __future__ import annotations

import dataclasses
import json

from exchange_app.cli import main
from exchange_app.domain import Forbidden, Pin
from exchange_app.io.redact import redact_scenario
from exchange_app.io.scenario_json import dumps_scenario, read_scenario


def _personal(sc) -> set[str]:
    out = set()
    for p in sc.people():
        out |= {p.name, p.email or ""}
        out |= {getattr(p, "organization", None) or "", getattr(p, "title", None) or ""}
    if sc.program.organizer:
        out |= {sc.program.organizer.email, sc.program.organizer.name or ""}
    out |= {f.reason or "" for f in sc.forbidden}
    # a host's organization may also be a site's public name ("Maricopa County")
    public = " ".join([sc.program.name] + [x.name for x in sc.locations] + [t.name for t in sc.topics])
    return {x for x in out if len(x) > 3 and x not in public}


def test_redacted_scenario_names_nobody_and_keeps_the_problem(small_path):
    sc = read_scenario(small_path)
    red = redact_scenario(sc)
    text = dumps_scenario(red)
    leaked = [x for x in _personal(sc) if x in text]
    assert leaked == []
    assert red.officials[11].name == "Official 12" and red.hosts[0].name == "Host 1"
    assert all(p.email is None or p.email.endswith("@example.invalid") for p in red.people())
    assert all(o.organization is None and o.title is None for o in red.officials)
    for a, b in zip(sc.officials, red.officials, strict=False):
        assert (a.id, a.country, a.languages, a.interests, a.availability, a.delegation, a.min_sessions) == (
            b.id,
            b.country,
            b.languages,
            b.interests,
            b.availability,
            b.delegation,
            b.min_sessions,
        )
    for a, b in zip(sc.hosts, red.hosts, strict=False):
        assert (a.id, a.location, a.languages, a.expertise, a.availability, a.virtual) == (
            b.id,
            b.location,
            b.languages,
            b.expertise,
            b.availability,
            b.virtual,
        )
    assert red.pins == sc.pins and [(f.official, f.host) for f in red.forbidden] == [
        (f.official, f.host) for f in sc.forbidden
    ]
    assert (red.topics, red.locations, red.slots) == (sc.topics, sc.locations, sc.slots)


def test_ids_that_are_emails_are_replaced_everywhere(tiny_path):
    sc = read_scenario(tiny_path)
    o, h = sc.officials[0], sc.hosts[0]
    sc.officials[0] = dataclasses.replace(o, id="ana.perez@emb.example.org")
    sc.pins = [Pin(official="ana.perez@emb.example.org", host=h.id, slot=sc.slots[0].id)]
    sc.forbidden = [Forbidden(official="ana.perez@emb.example.org", host=h.id, reason="her cousin")]
    red = redact_scenario(sc)
    text = dumps_scenario(red)
    assert "ana.perez" not in text and "cousin" not in text
    assert red.officials[0].id == "official-1" and red.pins[0].official == "official-1"
    assert red.forbidden[0].official == "official-1"


def test_cli_export_scenario_redacted(tmp_path, small_path, capsys):
    db = str(tmp_path / "p.db")
    assert main(["--db", db, "import", str(small_path)]) == 0
    out = tmp_path / "bug-report.json"
    assert main(["--db", db, "export", "scenario", "--redacted", "--out", str(out)]) == 0
    assert "redacted" in capsys.readouterr().out
    red = read_scenario(out)  # a valid scenario file
    assert [o.id for o in red.officials] == [o.id for o in read_scenario(small_path).officials]
    text = out.read_text()
    assert "@example.invalid" in text and not [x for x in _personal(read_scenario(small_path)) if x in text]
    assert json.loads(text)["officials"][0]["name"] == "Official 1"
    assert main(["--db", db, "export", "ics", "--redacted", "--out", str(tmp_path / "ics")]) == 1
    assert "--redacted applies to 'export scenario' only" in capsys.readouterr().err
