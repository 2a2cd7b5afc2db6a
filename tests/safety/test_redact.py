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


def _free_text(sc) -> set[str]:
    """Every id and free text staff typed (what --redacted must not keep)."""
    out = _personal(sc)
    for p in sc.people():
        out.add(p.id)
    out |= {o.delegation or "" for o in sc.officials}
    out |= {t.id for t in sc.topics} | {t.name for t in sc.topics} | {t.description or "" for t in sc.topics}
    out |= {x.id for x in sc.locations} | {x.name for x in sc.locations} | {x.id for x in sc.slots}
    out.add(sc.program.name)
    return {x for x in out if len(x) > 3}


def test_redacted_scenario_names_nobody_and_keeps_the_problem(small_path):
    sc = read_scenario(small_path)
    sc.officials[0].id = "andrei-kowalska"  # ids may be names
    sc.officials[0].delegation = "Ministry of the Interior of Freedonia"
    sc.pins = [
        dataclasses.replace(p, official="andrei-kowalska") if p.official == "o-0001" else p for p in sc.pins
    ]
    sc.forbidden = [
        dataclasses.replace(f, official="andrei-kowalska") if f.official == "o-0001" else f
        for f in sc.forbidden
    ]
    red = redact_scenario(sc)
    text = dumps_scenario(red)
    # JSON keys and codes are not free text; look only for whole quoted values
    leaked = sorted(x for x in _free_text(sc) if f'"{x}"' in text)
    assert leaked == []
    assert "andrei" not in text and "Freedonia" not in text
    assert red.officials[11].name == "Official 12" and red.hosts[0].name == "Host 1"
    assert red.officials[0].id == "official-1" and red.program.name == "Program"
    assert all(p.email is None or p.email.endswith("@example.invalid") for p in red.people())
    assert all(o.organization is None and o.title is None for o in red.officials)
    topic = {a.id: b.id for a, b in zip(sc.topics, red.topics, strict=True)}
    site = {a.id: b.id for a, b in zip(sc.locations, red.locations, strict=True)}
    slot = {a.id: b.id for a, b in zip(sc.slots, red.slots, strict=True)}
    official = {a.id: b.id for a, b in zip(sc.officials, red.officials, strict=True)}
    host = {a.id: b.id for a, b in zip(sc.hosts, red.hosts, strict=True)}
    # the problem is the same under the new names: every relation maps one to one
    for a, b in zip(sc.officials, red.officials, strict=True):
        assert (a.country, a.languages, a.min_sessions) == (b.country, b.languages, b.min_sessions)
        assert {topic[t]: w for t, w in a.interests.items()} == b.interests
        assert [(w.start, w.end, site.get(w.location)) for w in a.availability] == [
            (w.start, w.end, w.location) for w in b.availability
        ]
    delegations = {}
    for a, b in zip(sc.officials, red.officials, strict=True):
        assert (a.delegation is None) == (b.delegation is None)
        if a.delegation is not None:
            assert (
                delegations.setdefault(a.delegation, b.delegation) == b.delegation
            )  # same group, same token
    assert len(set(delegations.values())) == len(delegations)
    for a, b in zip(sc.hosts, red.hosts, strict=True):
        assert (site[a.location], a.languages, [topic[t] for t in a.expertise], a.virtual) == (
            b.location,
            b.languages,
            b.expertise,
            b.virtual,
        )
    assert red.pins == [
        Pin(official=official[p.official], host=host[p.host], slot=slot[p.slot]) for p in sc.pins
    ]
    assert [(f.official, f.host, f.reason) for f in red.forbidden] == [
        (official[f.official], host[f.host], None) for f in sc.forbidden
    ]
    assert [(x.start, x.end) for x in red.slots] == [(x.start, x.end) for x in sc.slots]
    assert [x.timezone for x in red.locations] == [x.timezone for x in sc.locations]


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
    assert [o.id for o in red.officials] == [f"official-{n}" for n in range(1, len(red.officials) + 1)]
    text = out.read_text()
    assert "@example.invalid" in text and not [x for x in _personal(read_scenario(small_path)) if x in text]
    assert json.loads(text)["officials"][0]["name"] == "Official 1"
    assert main(["--db", db, "export", "ics", "--redacted", "--out", str(tmp_path / "ics")]) == 1
    assert "--redacted applies to 'export scenario' only" in capsys.readouterr().err
