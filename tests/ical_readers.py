"""Independent readers of calendar files for the tests: libical (the library behind Evolution
and GNOME, through Debian's ``gir1.2-ical-3.0``), vobject and ics.py.

libical's Python binding (PyGObject) lives in Debian's own Python, not in the venv, so
:func:`libical_read` runs a small script under ``/usr/bin/python3`` (``LIBICAL_PYTHON``
to use another) and reads back JSON. Without libical the tests that need it are skipped,
unless ``EXCHANGE_REQUIRE_LIBICAL=1`` (set by ``.ci/run``), where they fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

LIBICAL_PYTHON = os.environ.get("LIBICAL_PYTHON", "/usr/bin/python3")

_SCRIPT = r"""
import json, sys
import gi
gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as I

def params(prop, kind, getter):
    out = []
    p = prop.get_first_parameter(kind)
    while p is not None:
        out.append(getattr(p, getter)())
        p = prop.get_next_parameter(kind)
    return out

def props(comp, kind):
    out = []
    p = comp.get_first_property(kind)
    while p is not None:
        out.append(p)
        p = comp.get_next_property(kind)
    return out

def instant(t):
    if t is None or t.is_null_time():
        return None
    return t.as_timet_with_zone(t.get_timezone()) if t.get_timezone() is not None else t.as_timet()

result = []
for path in json.load(sys.stdin):
    text = open(path, encoding="utf-8").read()
    cal = I.Component.new_from_string(text)
    if cal is None:
        result.append({"path": path, "parsed": False})
        continue
    parse_errors = cal.count_errors()
    restrictions_ok = bool(cal.check_restrictions())
    unfolded = cal.as_ical_string().replace("\r\n ", "").replace("\n ", "")
    errors = [line for line in unfolded.splitlines() if line.startswith("X-LIC-ERROR")]
    events = []
    names = [p.get_x() for p in props(cal, I.PropertyKind.X_PROPERTY) if p.get_x_name() == "X-WR-CALNAME"]
    ev = cal.get_first_component(I.ComponentKind.VEVENT_COMPONENT)
    while ev is not None:
        start, end = ev.get_dtstart(), ev.get_dtend()
        org = ev.get_first_property(I.PropertyKind.ORGANIZER_PROPERTY)
        events.append({
            "uid": ev.get_uid(),
            "start": instant(start),
            "end": instant(end),
            "start_utc": bool(start.is_utc()),
            "summary": ev.get_summary(),
            "location": ev.get_location(),
            "description": ev.get_description(),
            "status": [p.get_value_as_string() for p in props(ev, I.PropertyKind.STATUS_PROPERTY)],
            "sequence": ev.get_sequence(),
            "transp": [p.get_value_as_string() for p in props(ev, I.PropertyKind.TRANSP_PROPERTY)],
            "url": [p.get_url() for p in props(ev, I.PropertyKind.URL_PROPERTY)],
            "attendees": [
                {"value": p.get_attendee(), "cn": params(p, I.ParameterKind.CN_PARAMETER, "get_cn")}
                for p in props(ev, I.PropertyKind.ATTENDEE_PROPERTY)
            ],
            "organizer_cn": params(org, I.ParameterKind.CN_PARAMETER, "get_cn") if org else [],
        })
        ev = cal.get_next_component(I.ComponentKind.VEVENT_COMPONENT)
    method = cal.get_method()
    result.append({
        "path": path,
        "parsed": True,
        "parse_errors": parse_errors,
        "restrictions_ok": restrictions_ok,
        "errors": errors,
        "calname": names,
        "events": events,
    })
json.dump(result, sys.stdout)
"""


def libical_available() -> bool:
    try:
        done = subprocess.run(
            [LIBICAL_PYTHON, "-c", "import gi; gi.require_version('ICalGLib', '3.0')"],
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


_AVAILABLE: bool | None = None


def need_libical() -> None:
    global _AVAILABLE
    if _AVAILABLE is None:
        _AVAILABLE = libical_available()
    if not _AVAILABLE:
        if os.environ.get("EXCHANGE_REQUIRE_LIBICAL") == "1":
            pytest.fail(f"libical (gir1.2-ical-3.0 for {LIBICAL_PYTHON}) is required here but missing")
        pytest.skip(f"libical's GObject binding is not installed for {LIBICAL_PYTHON} (gir1.2-ical-3.0)")


def libical_read(items: list[bytes | Path]) -> list[dict]:
    """What libical reads in each calendar (bytes or a file): parse errors, the result of
    ``check_restrictions()`` (RFC 5546 rules for the calendar's METHOD), X-LIC-ERROR texts,
    X-WR-CALNAME and every VEVENT's fields, instants as POSIX seconds."""
    need_libical()
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for n, item in enumerate(items):
            if isinstance(item, bytes):
                path = Path(tmp) / f"{n}.ics"
                path.write_bytes(item)
                item = path
            paths.append(str(item))
        done = subprocess.run(
            [LIBICAL_PYTHON, "-c", _SCRIPT],
            input=json.dumps(paths),
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_libical_clean(items: list[bytes | Path]) -> list[dict]:
    """Every calendar parses without errors and passes ``check_restrictions()``; every
    event has a positive length."""
    read = libical_read(items)
    for cal in read:
        assert cal["parsed"], cal["path"]
        assert cal["parse_errors"] == 0 and not cal["errors"], (cal["path"], cal["errors"])
        assert cal["restrictions_ok"], cal["path"]
        for ev in cal["events"]:
            assert ev["end"] > ev["start"], (cal["path"], ev["uid"])
    return read
