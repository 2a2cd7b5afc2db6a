"""Checks every import shares (JSON documents, people sheets, the profile editor).

Hostile or broken input must end in a named refusal, never a traceback or a hang:

- :func:`read_document` reads a file with a size cap (:data:`MAX_DOCUMENT_BYTES`);
- :func:`parse_json_bytes` turns every JSON failure (syntax, nesting depth, numbers too
  long to read, ``NaN``) into a :class:`~exchange_app.errors.Problem`;
- :func:`text_problem` refuses control characters (line breaks, tabs, NUL), lone
  surrogates and text longer than its cap (names 200 characters, descriptions 5,000);
- :func:`number_problem` refuses numbers that are not whole or beyond :data:`MAX_COUNT`;
- :func:`parse_instant` reads an ISO 8601 instant and says what is wrong with a
  bad one (month 13, offset ``+24:00``, a year outside :data:`YEARS`).
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

from exchange_app.errors import InputError, Problem

#: Largest document (JSON file, CSV or XLSX workbook) an import reads.
MAX_DOCUMENT_BYTES = 200 * 1024 * 1024
#: Largest total uncompressed size of the entries of an XLSX workbook.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
#: Deepest nesting of a JSON document (a scenario needs 5 levels).
MAX_DEPTH = 32
#: Largest whole number in a count or limit (far below every storage's integer range).
MAX_COUNT = 10_000
#: Years an instant may fall in.
YEARS = (1900, 2200)

#: Longest text by field name; other text fields get :data:`TEXT_CAP`.
NAME_CAP = 200
TEXT_CAP = 5_000
LONG_TEXT_FIELDS = frozenset({"description", "reason"})

_BAD_CHAR = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def mib(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def read_document(path: str | os.PathLike[str], source: str | None = None) -> bytes:
    """The bytes of ``path``; an :class:`InputError` when it cannot be read or is larger
    than :data:`MAX_DOCUMENT_BYTES` (checked before reading)."""
    source = source if source is not None else str(path)
    p = Path(path)
    try:
        info = p.stat()
        size = info.st_size
        if stat.S_ISDIR(info.st_mode):
            raise InputError(source, [Problem("file", None, "is a folder, not a file")])
        if not stat.S_ISREG(info.st_mode):
            raise InputError(source, [Problem("file", None, "is not a regular file (a device or a pipe?)")])
        if size > MAX_DOCUMENT_BYTES:
            raise InputError(
                source,
                [
                    Problem(
                        "file",
                        None,
                        f"is {mib(size)}; files above {mib(MAX_DOCUMENT_BYTES)} are refused "
                        "(no program is that large: is it the right file?)",
                    )
                ],
            )
        with p.open("rb") as f:
            raw = f.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as e:
        raise InputError(source, [Problem("file", None, f"cannot be read: {e.strerror or e}")]) from e
    if len(raw) > MAX_DOCUMENT_BYTES:  # grew while being read, or not a regular file
        raise InputError(
            source, [Problem("file", None, f"is larger than {mib(MAX_DOCUMENT_BYTES)}; refused")]
        )
    return raw


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_json_bytes(raw: bytes, source: str) -> Any:
    """Parse UTF-8 JSON; every failure is an :class:`InputError` naming the file."""

    def refuse(message: str) -> InputError:
        return InputError(source, [Problem("file", None, message)])

    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) > 1 and b"\x00" in raw[:2]):
        raise refuse("is UTF-16 text; save it as UTF-8 (JSON files are UTF-8)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise refuse(f"is not UTF-8 text ({e.reason} at byte {e.start})") from None
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise refuse(f"is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}") from None
    except RecursionError:
        raise refuse(
            f"is nested too deeply (a scenario or schedule needs at most {MAX_DEPTH} levels)"
        ) from None
    except ValueError as e:  # NaN/Infinity, a number with thousands of digits
        raise refuse(f"is not valid JSON: {e}") from None
    depth_problem = nesting_problem(doc)
    if depth_problem is not None:
        raise InputError(source, [depth_problem])
    return doc


def nesting_problem(doc: Any, limit: int = MAX_DEPTH) -> Problem | None:
    """A problem when ``doc`` nests deeper than ``limit`` (checked without recursion)."""
    stack: list[tuple[Any, int, str]] = [(doc, 1, "")]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, dict):
            items: Any = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            continue
        if depth > limit:
            return Problem("document", path or None, f"is nested deeper than {limit} levels")
        for k, v in items:
            if isinstance(v, dict | list):
                stack.append(
                    (v, depth + 1, f"{path}[{k}]" if isinstance(k, int) else f"{path}.{k}".lstrip("."))
                )
    return None


def text_cap(field: str | None) -> int:
    """The longest text allowed in ``field`` (by its last name part)."""
    last = re.split(r"[.\[]", field or "")[-1] if field else ""
    if last in LONG_TEXT_FIELDS:
        return TEXT_CAP
    if last in ("name", "title", "organization", "delegation", "id", "email", "location", "timezone"):
        return NAME_CAP
    return TEXT_CAP


def looks_fine(value: str) -> bool:
    """Quick test: short text without control characters (then :func:`text_problem` is None)."""
    return len(value) <= NAME_CAP and _BAD_CHAR.search(value) is None


def text_problem(value: str, field: str | None = None) -> str | None:
    """Why ``value`` cannot be a text field (``None``: it can). Control characters (line
    breaks, tabs, NUL...) and lone surrogates are refused, and so is text above the
    field's cap."""
    m = _BAD_CHAR.search(value)
    if m is not None:
        ch = m.group()
        if "\ud800" <= ch <= "\udfff":
            what = f"a lone surrogate (U+{ord(ch):04X}), which is not a character"
        else:
            name = unicodedata.name(ch, "") or {
                "\n": "LINE FEED",
                "\r": "CARRIAGE RETURN",
                "\t": "TAB",
                "\x00": "NUL",
            }.get(ch, "control character")
            what = f"a control character (U+{ord(ch):04X} {name})"
        return f"holds {what} at position {m.start() + 1}; text fields are one line of printable text"
    cap = text_cap(field)
    if len(value) > cap:
        return f"is {len(value):,} characters long; at most {cap:,} are allowed"
    return None


def number_problem(value: Any, low: int = 0, high: int = MAX_COUNT) -> str | None:
    """Why ``value`` cannot be a count or limit (``None``: it can)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{value!r} is not a whole number"
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return f"{value!r} is not a whole number"
        return f"{value!r} is written as a decimal number; write a whole number such as {int(value) if abs(value) < 1e15 else 6}"
    if value < low:
        return f"{value} is below {low}"
    if value > high:
        shown = f"{value}" if len(str(value)) <= 30 else f"a {len(str(value))}-digit number"
        return f"{shown} is above {high:,}, more than any program needs"
    return None


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with offset (``Z`` accepted) as an aware datetime; ``ValueError``
    says what is wrong."""
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a time")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})", text):
        raise ValueError(f"{text!r} is not an ISO 8601 time with a UTC offset (e.g. 2026-11-02T09:00-07:00)")
    offset = text[-6:] if not text.endswith("Z") else "+00:00"
    hh, mm = int(offset[1:3]), int(offset[4:6])
    if hh > 23 or mm > 59 or (hh, mm) > (18, 0):
        raise ValueError(f"{text!r} has UTC offset {offset}; offsets run from -18:00 to +18:00")
    try:
        dt = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError as e:
        raise ValueError(f"{text!r} is not a valid date and time ({e})") from None
    if not YEARS[0] <= dt.year <= YEARS[1]:
        raise ValueError(f"{text!r} is in the year {dt.year}; times must fall in {YEARS[0]}..{YEARS[1]}")
    return dt


def instant_problem(value: Any) -> str | None:
    try:
        parse_instant(value)
    except ValueError as e:
        return str(e)
    return None
