"""People sheets (CSV and XLSX): reading, header mapping and cell parsing.

A workbook holds officials, hosts and interpreters, either one sheet per kind (named
"Officials", "Hosts", "Interpreters") or one sheet with a "Kind" column; a CSV file is one
sheet (its kind from a "Kind" column or from the file name, e.g. ``officials.csv``). An
optional sheet named "Availability" lists windows one per row. Headers are mapped to
fields by name (with aliases such as "E-mail", "Languages spoken", "Country"); staff can
adjust the mapping (``mapping`` arguments: normalized header -> field or ``""`` to ignore).

This module knows nothing of the database: :func:`parse_people` turns the sheets into
:class:`PersonRow` values plus :class:`CellProblem` values that name file, sheet, row and
column. ``exchange_app.services.spreadsheets`` merges them into a program.

Column reference: ``docs/spreadsheets.md``.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from exchange_app.domain import Location, PersonKind, Scenario, Topic, Window, zone
from exchange_app.errors import InputError, Problem
from exchange_app.io import validation

SUFFIXES = (".csv", ".xlsx")

# --------------------------------------------------------------------------- problems


@dataclass(frozen=True, slots=True)
class CellProblem(Problem):
    """A problem in one row (and column) of a sheet: ``record`` is "sheet Officials, row 14"
    (or "row 14" in a CSV file), ``field`` the column header as written in the sheet."""

    def __str__(self) -> str:
        if self.field:
            return f"{self.record}, column '{self.field}': {self.message}"
        return f"{self.record}: {self.message}"


# --------------------------------------------------------------------------- fields


#: People-sheet fields: name -> (label shown to staff, header aliases).
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "kind": (
        "Kind (official/host/interpreter)",
        ("kind", "type", "role", "participant type", "category", "person type"),
    ),
    "id": ("Id", ("id", "person id", "participant id", "registration id", "ref", "reference", "identifier")),
    "name": ("Name", ("name", "full name", "participant", "participant name", "person")),
    "first_name": ("First name", ("first name", "given name", "forename", "first")),
    "last_name": ("Last name", ("last name", "family name", "surname", "last")),
    "email": ("Email", ("email", "e-mail", "email address", "e-mail address", "mail")),
    "languages": (
        "Languages",
        ("languages", "language", "languages spoken", "spoken languages", "working languages"),
    ),
    "country": ("Country", ("country", "country code", "nationality", "home country")),
    "organization": (
        "Organization",
        ("organization", "organisation", "org", "agency", "institution", "employer"),
    ),
    "title": ("Title", ("title", "job title", "position", "function")),
    "interests": (
        "Interests (topic:weight; ...)",
        ("interests", "interest", "topics of interest", "interest topics"),
    ),
    "expertise": (
        "Expertise (topics a host leads)",
        ("expertise", "topics led", "can lead", "expertise topics"),
    ),
    "topics": ("Topics (interests for officials, expertise for hosts)", ("topics", "topic")),
    "delegation": ("Delegation", ("delegation", "group", "travel group")),
    "min_sessions": ("Min sessions", ("min sessions", "minimum sessions", "min")),
    "max_sessions": ("Max sessions", ("max sessions", "maximum sessions", "max")),
    "max_per_day": (
        "Max sessions per day",
        ("max per day", "max sessions per day", "sessions per day", "per day"),
    ),
    "location": ("Site (hosts)", ("location", "site", "office", "office location", "home site", "host site")),
    "virtual": (
        "Virtual (yes/no)",
        ("virtual", "video", "virtual sessions", "holds video sessions", "remote"),
    ),
    "video_url": (
        "Video link (https://..., hosts)",
        (
            "video url",
            "video link",
            "video_url",
            "meeting link",
            "meeting url",
            "zoom link",
            "video meeting link",
        ),
    ),
    "availability": (
        "Availability (2026-11-02 08:00-12:00 @ site; ...)",
        ("availability", "available", "availability windows", "windows", "times available"),
    ),
}

#: Availability-sheet fields.
AVAILABILITY_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "person": (
        "Person (id or email)",
        (
            "id",
            "person",
            "person id",
            "participant",
            "participant id",
            "official",
            "host",
            "interpreter",
            "who",
            "name or id",
        ),
    ),
    "email": ("Email", ("email", "e-mail", "email address")),
    "kind": ("Kind", ("kind", "type", "role")),
    "date": ("Date", ("date", "day")),
    "start": ("Start", ("start", "from", "start time", "begins", "starts")),
    "end": ("End", ("end", "to", "until", "end time", "ends")),
    "site": ("Site", ("site", "location", "where", "at")),
    "window": ("Window (2026-11-02 08:00-12:00 @ site)", ("window", "availability", "time", "times")),
}

KIND_WORDS = {
    PersonKind.OFFICIAL: (
        "official",
        "officials",
        "guest",
        "guests",
        "visitor",
        "visitors",
        "international",
        "delegate",
        "delegates",
        "participant",
        "participants",
    ),
    PersonKind.HOST: ("host", "hosts", "administrator", "administrators", "us host", "us hosts"),
    PersonKind.INTERPRETER: ("interpreter", "interpreters", "translator", "translators"),
}

REQUIRED = {
    PersonKind.OFFICIAL: ("name", "country", "languages", "interests"),
    PersonKind.HOST: ("name", "location", "languages", "expertise"),
    PersonKind.INTERPRETER: ("name", "languages"),
}


def normalize_header(text: Any) -> str:
    """Header text as compared: lower case, letters and digits only ("E-mail " -> "email")."""
    return re.sub(r"[\W_]+", "", str(text or "").casefold())


_ALIASES = {normalize_header(a): f for f, (_, aliases) in FIELDS.items() for a in aliases}
_AV_ALIASES = {normalize_header(a): f for f, (_, aliases) in AVAILABILITY_FIELDS.items() for a in aliases}


def suggest_mapping(
    headers: Iterable[str], saved: dict[str, str] | None = None, availability: bool = False
) -> dict[str, str | None]:
    """Header -> field for each header (None: not imported). A saved mapping (normalized
    header -> field, ``""`` = ignore) wins over the built-in aliases."""
    aliases = _AV_ALIASES if availability else _ALIASES
    known = AVAILABILITY_FIELDS if availability else FIELDS
    out: dict[str, str | None] = {}
    used: set[str] = set()
    for h in headers:
        key = normalize_header(h)
        if not key:
            continue
        if saved and key in saved and not availability:
            target = saved[key] or None
            target = target if target in known else None
        else:
            target = aliases.get(key)
        if target in used:  # a second "Email" column is not imported twice
            target = None
        out[h] = target
        if target:
            used.add(target)
    return out


# --------------------------------------------------------------------------- reading


@dataclass(slots=True)
class SheetRow:
    number: int  # as shown by the spreadsheet program (1-based)
    cells: list[Any]
    unsaved_formulas: set[int] = field(default_factory=set)  # columns whose formula has no saved value


@dataclass(slots=True)
class SheetTable:
    """One sheet: its header row and its non-empty rows."""

    source: str  # the file name
    title: str | None  # the sheet's name (None for CSV)
    header_row: int
    headers: list[str]
    rows: list[SheetRow]

    def where(self, row: int | None = None) -> str:
        parts = [f"sheet {self.title}"] if self.title else []
        if row is not None:
            parts.append(f"row {row}")
        return ", ".join(parts) or "file"

    @property
    def is_availability(self) -> bool:
        title = self.title or Path(self.source).stem
        if "availab" in normalize_header(title):
            return True
        if kind_from_title(title) is not None:
            return False
        fields = set(suggest_mapping(self.headers, availability=True).values())
        people = set(suggest_mapping(self.headers).values())
        return bool({"start", "end"} <= fields and not {"name", "languages", "country", "location"} & people)


def read_workbook(path: str | os.PathLike[str]) -> list[SheetTable]:
    """The sheets of a CSV or XLSX file (empty sheets left out). Raises :class:`InputError`
    when the file cannot be read at all."""
    path = Path(path)
    source = path.name
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        hint = (
            " (an old Excel or OpenDocument file: save it as .xlsx first)"
            if suffix in (".xls", ".ods", ".xlsm")
            else ""
        )
        raise InputError(source, [Problem("file", None, f"is not a .csv or .xlsx file{hint}")])
    raw = validation.read_document(path, source)
    read = [_csv_table(raw, source)] if suffix == ".csv" else _xlsx_tables(raw, source)
    tables = [t for t in read if t is not None]
    if not tables:
        raise InputError(source, [Problem("file", None, "holds no rows (is it empty?)")])
    return tables


def _table(
    source: str, title: str | None, rows: Iterable[tuple[int, list[Any], set[int]]]
) -> SheetTable | None:
    header: list[str] | None = None
    header_row = 0
    body: list[SheetRow] = []
    for number, cells, unsaved in rows:
        if all(_blank(c) for c in cells):
            continue  # empty rows are skipped wherever they are
        if header is None:
            header = [_text(c) for c in cells]
            header_row = number
            continue
        body.append(SheetRow(number, cells, unsaved))
    if header is None:
        return None
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    header = header[:width]
    for r in body:
        r.cells = (list(r.cells) + [None] * width)[:width]
    return SheetTable(source, title, header_row, header, body)


def decode_csv(raw: bytes, source: str) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), UTF-16 or UTF-32 with a BOM,
    UTF-16 without one (told by its zero bytes), else Windows-1252/Latin-1 as Excel saves
    it. Anything else (a binary file) is refused naming what it looks like."""
    boms = (
        (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
        (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
        (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
        (b"\xff\xfe", "utf-16-le", "UTF-16"),
        (b"\xfe\xff", "utf-16-be", "UTF-16"),
    )
    for bom, encoding, name in boms:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(encoding)
            except UnicodeDecodeError as e:
                raise InputError(
                    source,
                    [
                        Problem(
                            "file", None, f"starts as {name} text but is not valid {name} at byte {e.start}"
                        )
                    ],
                ) from None
    if b"\x00" in raw:
        head = raw[:4096]
        even, odd = head[0::2].count(0), head[1::2].count(0)
        encoding = "utf-16-le" if odd > even else "utf-16-be"
        if max(even, odd) > len(head) // 4:
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                pass
        raise InputError(
            source,
            [
                Problem(
                    "file",
                    None,
                    "holds NUL bytes: it is not a text CSV file (save it from the spreadsheet program as "
                    "'CSV UTF-8')",
                )
            ],
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")  # Excel on Windows saves "CSV" as cp1252
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # every byte is a Latin-1 character


def _unquoted(cell: str) -> str:
    """A cell without the ``'`` that :func:`csv_safe` put before a formula sign."""
    return cell[1:] if cell.startswith("'") and _FORMULA_CELL.match(cell[1:]) else cell


def _csv_table(raw: bytes, source: str) -> SheetTable | None:
    text = decode_csv(raw, source)
    # The separator is the one the header line uses most (Excel writes ";" in some
    # locales); cells such as "tabulation:3; security:2" must not fool it.
    header = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=lambda d: (header.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # rows as a spreadsheet shows them; a "'" that our export put before a formula sign goes
        rows = [(i, [_unquoted(c) for c in row], set[int]()) for i, row in enumerate(reader, start=1)]
    except csv.Error as e:
        raise InputError(source, [Problem(f"line {reader.line_num}", None, f"is not valid CSV: {e}")]) from e
    return _table(source, None, rows)


def check_zip(raw: bytes, source: str) -> zipfile.ZipFile:
    """The zip archive of an XLSX workbook, after checking that it is one and that its
    entries do not unpack to more than
    :data:`~exchange_app.io.validation.MAX_UNCOMPRESSED_BYTES` (a "zip bomb"); Python's
    zip reader stops at an entry's declared size, so the declared sizes bound the work."""

    def refuse(message: str) -> InputError:
        return InputError(source, [Problem("file", None, message)])

    if not raw.startswith(b"PK"):
        what = (
            "an old Excel (.xls) file"
            if raw.startswith(b"\xd0\xcf\x11\xe0")
            else "a CSV or text file"
            if raw[:1].isascii() and raw[:200].isascii()
            else "not a workbook"
        )
        raise refuse(
            f"is not a readable .xlsx workbook (an .xlsx file is a zip archive; this looks like {what})"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as e:
        raise refuse(f"is not a readable .xlsx workbook (a damaged zip archive: {e})") from None
    if len(infos) > 10_000:
        raise refuse(f"holds {len(infos):,} files; a workbook holds a few dozen")
    total = 0
    for info in infos:
        total += info.file_size
        if total > validation.MAX_UNCOMPRESSED_BYTES:
            raise refuse(
                f"unpacks to more than {validation.mib(validation.MAX_UNCOMPRESSED_BYTES)} "
                f"({info.filename!r} alone is {validation.mib(info.file_size)}); refused as a possible zip bomb"
            )
        if info.flag_bits & 0x1:
            raise refuse("is encrypted (password-protected); save it without a password")
    if "[Content_Types].xml" not in archive.namelist():
        raise refuse("is a zip archive but not an .xlsx workbook (no [Content_Types].xml)")
    return archive


def _xlsx_tables(raw: bytes, source: str) -> list[SheetTable | None]:
    archive = check_zip(raw, source)
    try:
        return _read_xlsx(raw, archive, source)
    except InputError:
        raise
    except Exception as e:  # openpyxl and the XML parser raise many kinds; all mean "cannot read"
        name = type(e).__name__
        chain: BaseException | None = e
        while chain is not None:  # openpyxl wraps the XML parser's error in a ValueError
            if type(chain).__name__ in ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"):
                name = type(chain).__name__
                break
            chain = chain.__cause__ or chain.__context__
        if name in ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"):
            why = "its XML declares entities or a DTD, which a workbook never needs (refused for safety)"
        else:
            why = f"{name}: {str(e)[:200]}"
        raise InputError(
            source, [Problem("file", None, f"is not a readable .xlsx workbook ({why})")]
        ) from None


def _read_xlsx(raw: bytes, archive: zipfile.ZipFile, source: str) -> list[SheetTable | None]:
    import openpyxl  # loaded only for workbooks
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # openpyxl parses with defusedxml when it is installed (a dependency)
        raise InputError(source, [Problem("file", None, "cannot be read safely: install defusedxml")])
    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    formulas = None
    if _has_formulas(archive):
        # Formulas are read as the values the spreadsheet program saved; a formula that
        # was never calculated (file written by a script) has none and is reported.
        formulas = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    tables = []
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        ws.reset_dimensions()  # the sheet's own <dimension> may claim a million rows
        grid = _grid(ws.iter_rows(values_only=True), source, ws.title)
        unsaved: dict[int, set[int]] = {}
        if formulas is not None:
            sheet = formulas[ws.title]
            sheet.reset_dimensions()
            for r, values in enumerate(_grid(sheet.iter_rows(values_only=True), source, ws.title)):
                for c, f in enumerate(values):
                    if (
                        isinstance(f, str)
                        and f.startswith("=")
                        and (r >= len(grid) or c >= len(grid[r]) or grid[r][c] is None)
                    ):
                        unsaved.setdefault(r, set()).add(c)
        for top, left, bottom, right in _merged_ranges(archive, getattr(ws, "_worksheet_path", "")):
            # a merged block's value (kept by its top-left cell) fills all its cells
            value = grid[top - 1][left - 1] if top - 1 < len(grid) and left - 1 < len(grid[top - 1]) else None
            right = min(right, MAX_COLUMNS)
            for r in range(top - 1, min(bottom, len(grid))):
                row = grid[r]
                if len(row) < right:
                    row.extend([None] * (right - len(row)))
                for c in range(left - 1, right):
                    if row[c] is None:
                        row[c] = value
        tables.append(
            _table(source, ws.title, ((r + 1, cells, unsaved.get(r, set())) for r, cells in enumerate(grid)))
        )
    return tables


MAX_ROWS = 100_000
MAX_COLUMNS = 500


def _grid(rows: Iterable[tuple[Any, ...]], source: str, title: str) -> list[list[Any]]:
    """A sheet's values row by row, trailing empty cells dropped; refused above
    :data:`MAX_ROWS` rows or :data:`MAX_COLUMNS` columns (a people sheet has a few dozen)."""
    grid: list[list[Any]] = []
    for values in rows:
        row = list(values)
        while row and row[-1] is None:
            row.pop()
        if len(row) > MAX_COLUMNS:
            raise InputError(
                source,
                [
                    Problem(
                        f"sheet {title}, row {len(grid) + 1}", None, f"has more than {MAX_COLUMNS} columns"
                    )
                ],
            )
        grid.append(row)
        if len(grid) > MAX_ROWS:
            raise InputError(source, [Problem(f"sheet {title}", None, f"has more than {MAX_ROWS:,} rows")])
    return grid


def _merged_ranges(archive: zipfile.ZipFile, sheet_path: str) -> list[tuple[int, int, int, int]]:
    """(top, left, bottom, right) of each merged block of a sheet, from its XML."""
    from openpyxl.utils.cell import range_boundaries

    try:
        xml = archive.read(sheet_path.lstrip("/"))
    except KeyError:
        return []
    out = []
    for ref in re.findall(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"', xml):
        left, top, right, bottom = range_boundaries(ref.decode())
        out.append((top, left, bottom, right))
    return out


def _has_formulas(archive: zipfile.ZipFile) -> bool:
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            data = archive.read(name)
            if b"<f>" in data or b"<f " in data:
                return True
    return False


# --------------------------------------------------------------------------- cells


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.isoformat(sep=" ", timespec="minutes")
    return str(v).strip()


def cell_text(v: Any) -> str:
    """A cell's value as the text staff see (whole numbers without ".0", dates ISO)."""
    return _text(v)


class CellError(ValueError):
    """A cell that cannot be read; the message says why (the caller adds row and column)."""


def _items(text: str) -> list[str]:
    return [x.strip() for x in re.split(r"[;,\n/]+", text) if x.strip()]


def _index_key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().casefold().replace("’", "'"))


# Common names the ISO tables spell differently.
_LANGUAGE_ALIASES = {
    "farsi": "fa",
    "greek": "el",
    "kyrgyz": "ky",
    "pashto": "ps",
    "mandarin": "zh",
    "haitian creole": "ht",
    "swahili": "sw",
    "nepali": "ne",
    "malay": "ms",
    "cantonese": "yue",
    "filipino": "fil",
    "tagalog": "tl",
    "slovene": "sl",
    "punjabi": "pa",
    "uzbek": "uz",
    "azeri": "az",
    "albanian": "sq",
    "latvian": "lv",
    "estonian": "et",
    "mongolian": "mn",
    "oromo": "om",
    "quechua": "qu",
    "persian": "fa",
    "dari": "prs",
    "kurdish": "ku",
    "bosnian": "bs",
    "serbian": "sr",
    "croatian": "hr",
    "montenegrin": "cnr",
}
_COUNTRY_ALIASES = {
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "turkey": "TR",
    "russia": "RU",
    "ivory coast": "CI",
    "cape verde": "CV",
    "dr congo": "CD",
    "drc": "CD",
    "democratic republic of congo": "CD",
    "republic of congo": "CG",
    "palestine": "PS",
    "macedonia": "MK",
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "south korea": "KR",
    "north korea": "KP",
    "east timor": "TL",
    "swaziland": "SZ",
    "burma": "MM",
    "the gambia": "GM",
    "the bahamas": "BS",
    "holland": "NL",
    "vatican": "VA",
    "micronesia": "FM",
}


@lru_cache(maxsize=1)
def _language_index() -> dict[str, str]:
    import pycountry

    index: dict[str, str] = {}
    ranked = sorted(pycountry.languages, key=lambda x: 0 if hasattr(x, "alpha_2") else 1)
    for lang in ranked:
        if not hasattr(lang, "alpha_2") and getattr(lang, "type", "") != "L":
            continue  # constructed, historical, extinct: not a working language
        code = getattr(lang, "alpha_2", lang.alpha_3)
        keys = [lang.alpha_3, getattr(lang, "alpha_2", ""), getattr(lang, "bibliographic", "")]
        for name in (lang.name, getattr(lang, "common_name", ""), getattr(lang, "inverted_name", "")):
            if name:
                keys += [name, re.sub(r"\s*\(.*?\)\s*", "", name)]
        for k in keys:
            if k:
                index.setdefault(_index_key(k), code)
    for k, code in _LANGUAGE_ALIASES.items():
        index[k] = code
    return index


@lru_cache(maxsize=1)
def _country_index() -> dict[str, str]:
    import pycountry

    index: dict[str, str] = {}
    for c in pycountry.countries:
        for k in (
            c.alpha_2,
            c.alpha_3,
            c.name,
            getattr(c, "official_name", ""),
            getattr(c, "common_name", ""),
        ):
            if k:
                index.setdefault(_index_key(k), c.alpha_2)
    index.update(_COUNTRY_ALIASES)
    return index


def language_code(text: str) -> str:
    """ISO 639 code for a language name or code ("French", "fr", "fra" -> "fr")."""
    code = _language_index().get(_index_key(text))
    if code is None:
        raise CellError(
            f"{text!r} is not a known language (use a name like 'French' or an ISO 639 code like 'fr')"
        )
    return code


def country_code(text: str) -> str:
    """ISO 3166-1 alpha-2 code for a country name or code ("Côte d'Ivoire", "CIV", "ci" -> "CI")."""
    code = _country_index().get(_index_key(text))
    if code is None:
        raise CellError(
            f"{text!r} is not a known country (use a name like 'Kenya' or an ISO 3166 code like 'KE')"
        )
    return code


def parse_languages(text: str) -> list[str]:
    codes: list[str] = []
    bad = []
    for item in _items(text):
        try:
            code = language_code(item)
        except CellError:
            bad.append(item)
            continue
        if code not in codes:
            codes.append(code)
    if bad:
        if len(bad) == 1:
            raise CellError(
                f"{bad[0]!r} is not a known language (use a name like 'French' or an ISO 639 code like 'fr')"
            )
        raise CellError(
            f"{', '.join(map(repr, bad))} are not known languages (use names like 'French' or ISO 639 codes like 'fr')"
        )
    if not codes:
        raise CellError("names no language")
    return codes


class Places:
    """The program's topics and sites, looked up by id or name (case-insensitive)."""

    def __init__(self, topics: list[Topic], locations: list[Location], program_zone: str):
        self.program_zone = program_zone
        self.topics = {t.id: t for t in topics}
        self.locations = {x.id: x for x in locations}
        self._topic_keys: dict[str, str] = {}
        for t in topics:
            for k in (t.id, t.name):
                self._topic_keys.setdefault(_index_key(k), t.id)
        self._site_keys: dict[str, str] = {}
        for x in locations:
            for k in (x.id, x.name, x.name.split(",")[0], re.sub(r"\s*\(.*?\)", "", x.name)):
                self._site_keys.setdefault(_index_key(k), x.id)

    def topic(self, text: str) -> str:
        tid = self._topic_keys.get(_index_key(text))
        if tid is None:
            known = ", ".join(sorted(self.topics)) or "none"
            raise CellError(f"{text!r} is not a topic of this program (topics: {known})")
        return tid

    def site(self, text: str) -> str:
        sid = self._site_keys.get(_index_key(text))
        if sid is None:
            known = ", ".join(sorted(self.locations)) or "none"
            raise CellError(f"{text!r} is not a site of this program (sites: {known})")
        return sid

    def zone_of(self, site: str | None) -> str:
        loc = self.locations.get(site or "")
        return loc.timezone if loc else self.program_zone


def parse_interests(text: str, places: Places) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in re.split(r"[;,\n]+", text):
        item = item.strip()
        if not item:
            continue
        m = re.fullmatch(r"(.+?)\s*(?:[:=]\s*|\(\s*)(\d+)\s*\)?", item)
        name, weight = (m.group(1), int(m.group(2))) if m else (item, 1)
        tid = places.topic(name)
        if not 1 <= weight <= 3:
            raise CellError(f"interest weight {weight} for {name!r} is outside 1..3")
        if tid in out:
            raise CellError(f"names topic {tid!r} twice")
        out[tid] = weight
    if not out:
        raise CellError("names no topic")
    return out


def parse_topics(text: str, places: Places) -> list[str]:
    out: list[str] = []
    for item in re.split(r"[;,\n]+", text):
        item = re.sub(r"\s*(?:[:=]\s*\d+|\(\s*\d+\s*\))\s*$", "", item.strip())  # weights don't apply here
        if item:
            tid = places.topic(item)
            if tid not in out:
                out.append(tid)
    if not out:
        raise CellError("names no topic")
    return out


def parse_int(v: Any, low: int = 0) -> int:
    if isinstance(v, bool):
        raise CellError(f"{_text(v)!r} is not a whole number")
    if isinstance(v, int):
        n = v
    elif isinstance(v, float) and v.is_integer():
        n = int(v)
    else:
        t = _text(v)
        if not re.fullmatch(r"[+-]?\d+", t):
            raise CellError(f"{t!r} is not a whole number")
        n = int(t)
    if n < low:
        raise CellError(f"{n} is below {low}")
    why = validation.number_problem(n, low)
    if why is not None:
        raise CellError(why)
    return n


_YES = {"yes", "y", "true", "1", "x", "✓", "✔", "oui", "si", "sí", "ja"}
_NO = {"no", "n", "false", "0", "-", "non"}


def parse_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    t = _text(v).casefold()
    if t in _YES:
        return True
    if t in _NO or not t:
        return False
    raise CellError(f"{_text(v)!r} is not yes or no")


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_email(v: Any) -> str:
    t = _text(v)
    if t.lower().startswith("mailto:"):
        t = t[7:]
    if not _EMAIL.match(t):
        raise CellError(f"{t!r} is not a valid email address")
    return t


_WINDOW = re.compile(
    r"^(?P<date>\d{4}-\d{1,2}-\d{1,2})[ T]+(?P<start>\d{1,2}[:.]\d{2})\s*(?:-|–|—|to|until)\s*"
    r"(?:(?P<date2>\d{4}-\d{1,2}-\d{1,2})[ T]+)?(?P<end>\d{1,2}[:.]\d{2})\s*(?:@\s*(?P<site>.+?))?\s*$",
    re.IGNORECASE,
)


def _clock(text: str) -> tuple[int, int]:
    h, m = map(int, re.split(r"[:.]", text))
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise CellError(f"{text!r} is not a time of day")
    return h, m


def _day(text: str) -> date:
    try:
        y, mo, d = map(int, text.split("-"))
        day = date(y, mo, d)
    except ValueError as e:
        raise CellError(f"{text!r} is not a date (write YYYY-MM-DD; {e})") from None
    low, high = validation.YEARS
    if not low <= day.year <= high:
        raise CellError(f"{text!r} is in the year {day.year}; dates must fall in {low}..{high}")
    return day


def local_instant(day: date, hm: tuple[int, int], zone_name: str) -> datetime:
    low, high = validation.YEARS
    if not low <= day.year <= high:
        raise CellError(f"{day.isoformat()} is in the year {day.year}; dates must fall in {low}..{high}")
    h, m = hm
    extra = timedelta(days=1) if h == 24 else timedelta(0)
    # in UTC: an aware time in a zone compares unequal to every other zone around a DST change
    return datetime.combine(day + extra, time(h % 24, m), tzinfo=zone(zone_name)).astimezone(UTC)


def parse_window(text: str, places: Places) -> Window:
    """One window: ``2026-11-02 08:00-12:00 @ phoenix-az``, in the site's local time (without
    a site: in the program's time zone, and the person may be anywhere)."""
    m = _WINDOW.match(text.strip())
    if not m:
        raise CellError(f"{text.strip()!r} is not a window like '2026-11-02 08:00-12:00 @ phoenix-az'")
    site = places.site(m["site"]) if m["site"] else None
    zone_name = places.zone_of(site)
    start = local_instant(_day(m["date"]), _clock(m["start"]), zone_name)
    end = local_instant(_day(m["date2"] or m["date"]), _clock(m["end"]), zone_name)
    if end <= start:
        raise CellError(f"{text.strip()!r} ends before it starts")
    return Window(start=start, end=end, location=site)


def parse_windows(text: str, places: Places) -> list[Window]:
    return [parse_window(part, places) for part in re.split(r"[;\n]+", text) if part.strip()]


def parse_kind(v: Any) -> PersonKind:
    key = _index_key(_text(v)).replace(".", "")
    for kind, words in KIND_WORDS.items():
        if key in words or key == kind.value:
            return kind
    raise CellError(f"{_text(v)!r} is not official, host or interpreter")


def kind_from_title(title: str) -> PersonKind | None:
    """The kind a sheet or file name says ("Officials", "hosts-2026.csv"); None when unclear."""
    words = set(re.split(r"[\W_]+", title.casefold()))
    found = [k for k, names in KIND_WORDS.items() if words & set(names)]
    return found[0] if len(found) == 1 else None


# --------------------------------------------------------------------------- rows -> people


@dataclass(slots=True)
class PersonRow:
    """One person as a sheet row gives them: only the fields whose column is present."""

    table: SheetTable
    number: int
    kind: PersonKind
    values: dict[str, Any]
    columns: dict[str, str]  # field -> column header, to name the column in problems
    problems: list[CellProblem] = field(default_factory=list)

    @property
    def where(self) -> str:
        return self.table.where(self.number)

    def problem(self, fld: str | None, message: str) -> None:
        self.problems.append(CellProblem(self.where, self.columns.get(fld, fld) if fld else None, message))


@dataclass(slots=True)
class WindowRow:
    """One row of an availability sheet."""

    table: SheetTable
    number: int
    person: str | None  # id
    email: str | None
    kind: PersonKind | None
    window: Window | None
    problems: list[CellProblem] = field(default_factory=list)

    @property
    def where(self) -> str:
        return self.table.where(self.number)


@dataclass(slots=True)
class ParsedSheets:
    people: list[PersonRow]
    windows: list[WindowRow]
    problems: list[CellProblem]  # whole-sheet problems (headers, unknown kind)
    ignored: dict[str, list[str]]  # sheet -> headers not imported
    mappings: dict[str, dict[str, str | None]]  # sheet -> header -> field


def _cell_value(row: SheetRow, col: int) -> Any:
    return row.cells[col] if col < len(row.cells) else None


def _spreadsheet_error(v: Any) -> str | None:
    if isinstance(v, str) and re.fullmatch(
        r"#(N/A|REF!|VALUE!|DIV/0!|NAME\?|NUM!|NULL!|SPILL!|CALC!)", v.strip()
    ):
        return v.strip()
    return None


def parse_people(
    tables: list[SheetTable],
    places: Places,
    mapping: dict[str, str] | None = None,
    default_kind: PersonKind | None = None,
) -> ParsedSheets:
    """People rows and availability rows of ``tables`` with their problems (nothing checked
    against the stored program yet, except topics and sites)."""
    out = ParsedSheets([], [], [], {}, {})
    for t in tables:
        name = t.title or t.source
        if t.is_availability:
            cols = suggest_mapping(t.headers, availability=True)
            out.mappings[name] = cols
            out.ignored[name] = [h for h, f in cols.items() if f is None]
            _parse_availability(t, cols, places, out)
            continue
        cols = suggest_mapping(t.headers, mapping)
        out.mappings[name] = cols
        out.ignored[name] = [h for h, f in cols.items() if f is None]
        by_field = {
            f: i
            for i, (h, f) in enumerate(zip(t.headers, [cols.get(h) for h in t.headers], strict=False))
            if f
        }
        header_of = {f: t.headers[i] for f, i in by_field.items()}
        sheet_kind = kind_from_title(t.title or Path(t.source).stem) or default_kind
        if "kind" not in by_field and sheet_kind is None:
            if t.rows:
                out.problems.append(
                    CellProblem(
                        t.where(),
                        None,
                        "cannot tell whether the rows are officials, hosts or interpreters: add a 'Kind' column "
                        "or name the sheet (or file) Officials, Hosts or Interpreters",
                    )
                )
            continue
        if "name" not in by_field and not {"first_name", "last_name"} & set(by_field):
            if t.rows:
                out.problems.append(
                    CellProblem(
                        t.where(t.header_row),
                        None,
                        f"has no 'Name' column (headers: {', '.join(h for h in t.headers if h) or 'none'})",
                    )
                )
            continue
        for row in t.rows:
            out.people.append(_person_row(t, row, by_field, header_of, sheet_kind, places))
    return out


def _person_row(
    t: SheetTable,
    row: SheetRow,
    by_field: dict[str, int],
    header_of: dict[str, str],
    sheet_kind: PersonKind | None,
    places: Places,
) -> PersonRow:
    pr = PersonRow(t, row.number, sheet_kind or PersonKind.OFFICIAL, {}, dict(header_of))
    raw: dict[str, Any] = {}
    for f, col in by_field.items():
        v = _cell_value(row, col)
        if col in row.unsaved_formulas:
            pr.problem(
                f, "holds a formula without a saved value (open and save the file in the spreadsheet program)"
            )
            continue
        err = _spreadsheet_error(v)
        if err:
            pr.problem(f, f"holds the spreadsheet error {err}")
            continue
        raw[f] = v
    if "kind" in by_field:
        if _blank(raw.get("kind")):
            if sheet_kind is None:
                pr.problem("kind", "is empty: write official, host or interpreter")
        else:
            try:
                pr.kind = parse_kind(raw["kind"])
            except CellError as e:
                pr.problem("kind", str(e))
    kind = pr.kind
    if kind == PersonKind.OFFICIAL and "topics" in raw and "interests" not in raw:
        raw["interests"] = raw.pop("topics")
        pr.columns["interests"] = header_of["topics"]
    elif kind == PersonKind.HOST and "topics" in raw and "expertise" not in raw:
        raw["expertise"] = raw.pop("topics")
        pr.columns["expertise"] = header_of["topics"]
    raw.pop("topics", None)
    if "name" not in raw and ("first_name" in raw or "last_name" in raw):
        raw["name"] = " ".join(_text(raw.get(k)) for k in ("first_name", "last_name") if _text(raw.get(k)))
        pr.columns["name"] = " + ".join(header_of[k] for k in ("first_name", "last_name") if k in header_of)
    raw.pop("first_name", None)
    raw.pop("last_name", None)
    applies = _APPLIES[kind]

    for f, v in raw.items():
        if f == "kind" or f not in applies:
            continue
        try:
            pr.values[f] = _parse_field(f, v, kind, places, raw)
        except CellError as e:
            pr.problem(f, str(e))
    return pr


_COMMON = {"id", "name", "email", "languages", "availability", "max_sessions", "max_per_day"}
_APPLIES = {
    PersonKind.OFFICIAL: _COMMON
    | {"country", "organization", "title", "interests", "delegation", "min_sessions"},
    PersonKind.HOST: _COMMON | {"location", "title", "organization", "expertise", "virtual", "video_url"},
    PersonKind.INTERPRETER: set(_COMMON),
}
_OPTIONAL_TEXT = {"organization", "title", "delegation"}
_INTS = {"min_sessions", "max_sessions", "max_per_day"}


def _parse_field(f: str, v: Any, kind: PersonKind, places: Places, raw: dict[str, Any]) -> Any:
    """The value of field ``f`` from cell value ``v``; None means "empty" (cleared)."""
    if _blank(v):
        if f in REQUIRED[kind] or f == "id":
            return None  # the merge says whether empty is fine (new person) or not
        if f == "availability":
            return []
        if f == "virtual":
            return False
        return None
    if f in ("id", "name") or f in _OPTIONAL_TEXT:
        text = _text(v)
        why = validation.text_problem(text, f)
        if why is not None:
            raise CellError(why)
        return text
    if f == "email":
        why = validation.text_problem(_text(v), "email")
        if why is not None:
            raise CellError(why)
        return parse_email(v)
    if f == "languages":
        return parse_languages(_text(v))
    if f == "country":
        return country_code(_text(v))
    if f == "interests":
        return parse_interests(_text(v), places)
    if f == "expertise":
        return parse_topics(_text(v), places)
    if f == "location":
        return places.site(_text(v))
    if f == "virtual":
        return parse_bool(v)
    if f == "video_url":
        url = _text(v)
        if not url.startswith("https://") or any(c.isspace() for c in url):
            raise CellError(f"{url!r} is not an https:// link")
        return url
    if f in _INTS:
        return parse_int(v)
    if f == "availability":
        return parse_windows(_text(v), places)
    raise CellError(f"unknown field {f!r}")  # pragma: no cover


def _parse_availability(
    t: SheetTable, cols: dict[str, str | None], places: Places, out: ParsedSheets
) -> None:
    by_field = {f: i for i, h in enumerate(t.headers) if (f := cols.get(h))}
    header_of = {f: t.headers[i] for f, i in by_field.items()}
    if not {"person", "email"} & set(by_field):
        out.problems.append(
            CellProblem(
                t.where(t.header_row),
                None,
                "an availability sheet needs a column naming the person (Id or Email)",
            )
        )
        return
    if "window" not in by_field and not {"start", "end"} <= set(by_field):
        out.problems.append(
            CellProblem(
                t.where(t.header_row),
                None,
                "an availability sheet needs Start and End columns (and Date), or a Window column",
            )
        )
        return
    for row in t.rows:
        wr = WindowRow(t, row.number, None, None, None, None)
        get = {f: _cell_value(row, i) for f, i in by_field.items()}

        def problem(f: str | None, message: str) -> None:
            wr.problems.append(CellProblem(wr.where, header_of.get(f) if f else None, message))

        for f, i in by_field.items():
            if i in row.unsaved_formulas:
                problem(
                    f,
                    "holds a formula without a saved value (open and save the file in the spreadsheet program)",
                )
        if wr.problems:
            out.windows.append(wr)
            continue
        person = _text(get.get("person"))
        email = _text(get.get("email"))
        if "@" in person and not email:
            person, email = "", person
        wr.person = person or None
        if email:
            try:
                wr.email = parse_email(email)
            except CellError as e:
                problem("email", str(e))
        if not wr.person and not wr.email:
            problem("person" if "person" in by_field else "email", "is empty: name the person by id or email")
        if not _blank(get.get("kind")):
            try:
                wr.kind = parse_kind(get["kind"])
            except CellError as e:
                problem("kind", str(e))
        try:
            site = places.site(_text(get["site"])) if not _blank(get.get("site")) else None
        except CellError as e:
            problem("site", str(e))
            site = None
        try:
            if "window" in by_field and not _blank(get.get("window")):
                text = _text(get["window"])
                wr.window = parse_window(text if site is None or "@" in text else f"{text} @ {site}", places)
            else:
                wr.window = _window_from_cells(get, site, places)
        except CellError as e:
            problem(_window_field(get), str(e))
        out.windows.append(wr)


def _window_field(get: dict[str, Any]) -> str:
    return "window" if "window" in get else "start"


def _window_from_cells(get: dict[str, Any], site: str | None, places: Places) -> Window:
    """A window from Date/Start/End cells (dates and times as Excel values or as text)."""
    zone_name = places.zone_of(site)

    def when(v: Any, name: str) -> datetime:
        day = get.get("date")
        if isinstance(v, datetime):
            return (
                local_instant(v.date(), (v.hour, v.minute), zone_name)
                if v.tzinfo is None
                else (v.astimezone(UTC))
            )
        if _blank(v):
            raise CellError(f"{name} is empty")
        if isinstance(v, time):
            hm = (v.hour, v.minute)
        else:
            t = _text(v)
            m = re.fullmatch(r"(\d{4}-\d{1,2}-\d{1,2})[ T]+(\d{1,2}[:.]\d{2})(?::\d{2})?", t)
            if m:
                return local_instant(_day(m[1]), _clock(m[2]), zone_name)
            m = re.fullmatch(r"(\d{1,2}[:.]\d{2})(?::\d{2})?", t)
            if not m:
                raise CellError(f"{t!r} is not a time (write 08:00 or 2026-11-02 08:00)")
            hm = _clock(m[1])
        if isinstance(day, datetime):
            d = day.date()
        elif isinstance(day, date):
            d = day
        elif _blank(day):
            raise CellError("needs a date (a Date column, or write 2026-11-02 08:00)")
        else:
            d = _day(_text(day)[:10])
        return local_instant(d, hm, zone_name)

    start = when(get.get("start"), "start")
    end = when(get.get("end"), "end")
    if end <= start:
        raise CellError(f"the window ends ({end:%Y-%m-%d %H:%M}) before it starts ({start:%Y-%m-%d %H:%M})")
    return Window(start=start, end=end, location=site)


# --------------------------------------------------------------------------- writing


PEOPLE_COLUMNS = {
    PersonKind.OFFICIAL: [
        "Id",
        "Name",
        "E-mail",
        "Country",
        "Organization",
        "Title",
        "Languages spoken",
        "Interests",
        "Delegation",
        "Min sessions",
        "Max sessions",
        "Max per day",
    ],
    PersonKind.HOST: [
        "Id",
        "Name",
        "E-mail",
        "Title",
        "Organization",
        "Site",
        "Languages spoken",
        "Expertise",
        "Virtual",
        "Video link",
        "Max sessions",
        "Max per day",
    ],
    PersonKind.INTERPRETER: ["Id", "Name", "E-mail", "Languages spoken", "Max sessions", "Max per day"],
}


def _language_name(code: str) -> str:
    import pycountry

    lang = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    name = getattr(lang, "common_name", None) or getattr(lang, "name", None) or code
    name = re.sub(r"\s*\(.*?\)", "", name)
    return name if _language_index().get(_index_key(name)) == code else code


def _country_name(code: str) -> str:
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    name = getattr(c, "common_name", None) or getattr(c, "name", None) or code
    return name if _country_index().get(_index_key(name)) == code else code


def window_text(w: Window, zone_name: str) -> str:
    """A window as sheet text in ``zone_name`` local time (the site's, else the program's)."""
    start, end = w.start.astimezone(zone(zone_name)), w.end.astimezone(zone(zone_name))
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    site = f" @ {w.location}" if w.location else ""
    return f"{start:%Y-%m-%d %H:%M}-{end_text}{site}"


def people_rows(scenario: Scenario, kind: PersonKind, names: bool = True) -> list[list[Any]]:
    """Rows (under :data:`PEOPLE_COLUMNS`) for the people of ``kind``; language and country
    names instead of codes when ``names``, topics by name."""
    # Topics by name where the name reads back as that topic, else by id.
    places = Places(scenario.topics, [], scenario.program.timezone)
    topic_name = {}
    for t in scenario.topics:
        try:
            ok = not re.search(r"[;,:=()\n]", t.name) and places.topic(t.name) == t.id
        except CellError:
            ok = False
        topic_name[t.id] = t.name if ok else t.id
    lang = _language_name if names else (lambda c: c)
    country = _country_name if names else (lambda c: c)
    rows = []
    for p in getattr(
        scenario,
        {PersonKind.OFFICIAL: "officials", PersonKind.HOST: "hosts", PersonKind.INTERPRETER: "interpreters"}[
            kind
        ],
    ):
        common = [p.id, p.name, p.email or ""]
        languages = ", ".join(lang(c) for c in p.languages)
        if kind == PersonKind.OFFICIAL:
            interests = "; ".join(f"{topic_name.get(t, t)}:{w}" for t, w in p.interests.items())
            rows.append(
                common
                + [
                    country(p.country),
                    p.organization or "",
                    p.title or "",
                    languages,
                    interests,
                    p.delegation or "",
                    _blank_none(p.min_sessions),
                    _blank_none(p.max_sessions),
                    _blank_none(p.max_per_day),
                ]
            )
        elif kind == PersonKind.HOST:
            rows.append(
                common
                + [
                    p.title or "",
                    p.organization or "",
                    p.location,
                    languages,
                    "; ".join(topic_name.get(t, t) for t in p.expertise),
                    "yes" if p.virtual else "no",
                    p.video_url or "",
                    _blank_none(p.max_sessions),
                    _blank_none(p.max_per_day),
                ]
            )
        else:
            rows.append(common + [languages, _blank_none(p.max_sessions), _blank_none(p.max_per_day)])
    return rows


def _blank_none(v: Any) -> Any:
    return "" if v is None else v


def write_people_workbook(
    scenario: Scenario, path: str | os.PathLike[str], availability: str = "sheet"
) -> None:
    """Write the scenario's people as an XLSX workbook (sheets Officials, Hosts, Interpreters
    and, with ``availability="sheet"``, Availability; ``"column"`` puts windows as text in
    an Availability column). Written atomically. Importing it gives the same people."""
    import openpyxl

    from exchange_app.io.atomic import atomic_open

    zones = {x.id: x.timezone for x in scenario.locations}
    book = openpyxl.Workbook()
    book.remove(book.active)
    windows: list[list[Any]] = []
    for kind, title in (
        (PersonKind.OFFICIAL, "Officials"),
        (PersonKind.HOST, "Hosts"),
        (PersonKind.INTERPRETER, "Interpreters"),
    ):
        sheet = book.create_sheet(title)
        header = list(PEOPLE_COLUMNS[kind]) + (["Availability"] if availability == "column" else [])
        sheet.append(header)
        people = getattr(scenario, title.lower())
        for person, row in zip(people, people_rows(scenario, kind), strict=False):
            if availability == "column":
                row.append(
                    "; ".join(
                        window_text(w, zones.get(w.location or "", scenario.program.timezone))
                        for w in person.availability
                    )
                )
            else:
                for w in person.availability:
                    z = zones.get(w.location or "", scenario.program.timezone)
                    start, end = w.start.astimezone(zone(z)), w.end.astimezone(zone(z))
                    end_cell: Any = end.time() if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
                    windows.append(
                        [kind.value, person.id, start.date(), start.time(), end_cell, w.location or ""]
                    )
            sheet.append(row)
            if any(isinstance(v, str) and v.startswith("=") for v in row):
                for cell in sheet[sheet.max_row]:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        cell.data_type = "s"  # text that looks like a formula stays text
        for col, head in zip(sheet.columns, header, strict=False):
            sheet.column_dimensions[col[0].column_letter].width = max(10, min(40, len(head) + 4))
    if availability == "sheet":
        sheet = book.create_sheet("Availability")
        sheet.append(["Kind", "Person", "Date", "Start", "End", "Site"])
        for n, row in enumerate(windows, start=2):
            sheet.append(row)
            sheet.cell(n, 3).number_format = "yyyy-mm-dd"
            sheet.cell(n, 4).number_format = "hh:mm"
            if isinstance(row[4], time):
                sheet.cell(n, 5).number_format = "hh:mm"
    with atomic_open(path, "wb") as f:
        book.save(f)


def write_people_csv(scenario: Scenario, kind: PersonKind, path: str | os.PathLike[str]) -> None:
    """One kind of people as CSV (UTF-8 with BOM, so Excel reads it), availability as text."""
    from exchange_app.io.atomic import atomic_open

    zones = {x.id: x.timezone for x in scenario.locations}
    people = getattr(
        scenario,
        {PersonKind.OFFICIAL: "officials", PersonKind.HOST: "hosts", PersonKind.INTERPRETER: "interpreters"}[
            kind
        ],
    )
    with atomic_open(path, "w", encoding="utf-8-sig") as f:
        out = csv.writer(f)
        out.writerow(PEOPLE_COLUMNS[kind] + ["Availability"])
        for person, row in zip(people, people_rows(scenario, kind), strict=False):
            out.writerow(
                [
                    csv_safe(v)
                    for v in row
                    + [
                        "; ".join(
                            window_text(w, zones.get(w.location or "", scenario.program.timezone))
                            for w in person.availability
                        )
                    ]
                ]
            )


#: Signs that make a spreadsheet program run a cell as a formula (also after leading
#: spaces or no-break spaces, which Excel and LibreOffice skip), full-width forms included.
FORMULA_SIGNS = "=+-@\uff1d\uff0b\uff0d\uff20"
_FORMULA_CELL = re.compile(
    r"^[\s\u00a0\u2000-\u200b\u3000\ufeff]*[" + re.escape(FORMULA_SIGNS) + "]|^[\t\r\n]"
)


def csv_safe(value: Any) -> Any:
    """A CSV cell that no spreadsheet program runs as a formula: text that starts (after any
    spaces) with ``= + - @`` or a tab gets a leading ``'``; the people-sheet reader drops it."""
    if isinstance(value, str) and _FORMULA_CELL.match(value):
        return "'" + value
    return value
