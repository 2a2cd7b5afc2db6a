"""File and folder names that are safe on Windows, macOS and Linux, whatever the person's name.

Non-Latin scripts are kept (every current file system stores them); what is changed:
characters Windows refuses (``<>:"/\\|?*`` and control characters), trailing dots and
spaces (Windows drops them), a leading dot (hidden on macOS/Linux), names Windows reserves
for devices (``CON``, ``PRN``, ``AUX``, ``NUL``, ``COM1``-``COM9``, ``LPT1``-``LPT9``, also
with an extension such as ``con.txt``), and length (cut at a character boundary so the
name stays well under the 255-byte limit of ext4/APFS and the 255-unit limit of NTFS).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Leave room for a suffix such as " (2).pdf" and for deep folders on Windows.
MAX_NAME_BYTES = 120

_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_SPACES = re.compile(r"\s+")
_RESERVED = re.compile(
    r"^(con|prn|aux|nul|conin\$|conout\$|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(\..*)?$",
    re.IGNORECASE,
)


def _cut(text: str, max_bytes: int) -> str:
    """``text`` cut to at most ``max_bytes`` UTF-8 bytes, never inside a character or a
    combining sequence."""
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    out = []
    size = 0
    for ch in text:
        n = len(ch.encode("utf-8"))
        if size + n > max_bytes:
            break
        out.append(ch)
        size += n
    # Do not leave a base letter without the accent that followed it.
    while out and unicodedata.combining(out[-1]):
        out.pop()
    return "".join(out)


def safe_filename(
    name: str, *, suffix: str = "", default: str = "unnamed", max_bytes: int = MAX_NAME_BYTES
) -> str:
    """A file name for ``name`` (plus ``suffix``, e.g. ``".ics"``) safe on every platform.

    >>> safe_filename('Nguyễn "Ana" / CON', suffix=".pdf")
    'Nguyễn _Ana_ _ CON.pdf'
    >>> safe_filename("con", suffix=".ics")
    '_con.ics'
    """
    text = unicodedata.normalize("NFC", name or "")
    text = _SPACES.sub(" ", text).strip()
    text = _FORBIDDEN.sub("_", text)
    text = text.lstrip(".").strip()
    text = _cut(text, max(1, max_bytes - len(suffix.encode("utf-8"))))
    text = text.rstrip(". ")
    if not text:
        text = default
    if _RESERVED.match(text + suffix) or _RESERVED.match(text):
        text = "_" + text
    return text + suffix


def person_filename(name: str, person_id: str, suffix: str = "", max_bytes: int = 100) -> str:
    """``Name (id)`` plus ``suffix``: a long name is shortened, the id is always kept whole
    (up to 40 bytes) so that two people never end up with the same name.

    >>> person_filename("Ana Lima", "o-0001", ".pdf")
    'Ana Lima (o-0001).pdf'
    """
    pid = safe_filename(person_id, default="id", max_bytes=40)
    tail = f" ({pid}){suffix}"
    head = safe_filename(name, default="unnamed", max_bytes=max(8, max_bytes - len(tail.encode("utf-8"))))
    return safe_filename(head + tail, max_bytes=max_bytes + 40)


def unique_names(names: Iterable[str]) -> list[str]:
    """The names made unique, ignoring case (Windows and macOS folders do): a later
    duplicate gets `` (2)``, `` (3)``... before its extension."""
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        stem, dot, ext = name.rpartition(".")
        if not dot or not stem:
            stem, ext = name, ""
        else:
            ext = "." + ext
        candidate = name
        n = 2
        while candidate.casefold() in seen:
            candidate = f"{stem} ({n}){ext}"
            n += 1
        seen.add(candidate.casefold())
        out.append(candidate)
    return out
