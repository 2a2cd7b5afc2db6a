"""Safe file names for calendars, invitations and itineraries on Windows, macOS and Linux."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from exchange_app.io.filenames import MAX_NAME_BYTES, person_filename, safe_filename, unique_names

WINDOWS_FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(32)}
RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.I)


def assert_portable(name: str) -> None:
    assert name and name not in (".", "..")
    assert not set(name) & WINDOWS_FORBIDDEN, name
    assert not name.endswith((".", " ")), name
    assert not name.startswith((".", " ")), name
    assert not RESERVED.match(name), name
    assert len(name.encode("utf-8")) <= 255 and len(name.encode("utf-16-le")) // 2 <= 255


def test_examples(tmp_path):
    cases = {
        "Nguyễn Thị Ánh": "Nguyễn Thị Ánh.ics",
        "محمد بن راشد": "محمد بن راشد.ics",
        "李小龍": "李小龍.ics",
        'a/b\\c:d*e?f"g<h>i|j': "a_b_c_d_e_f_g_h_i_j.ics",
        "CON": "_CON.ics",
        "con.txt": "_con.txt.ics",
        "lpt1": "_lpt1.ics",
        "COM¹": "_COM¹.ics",
        "Dr. Who...": "Dr. Who.ics",
        "...": "unnamed.ics",
        "": "unnamed.ics",
        "  .hidden  ": "hidden.ics",
        "tab\there\nnewline": "tab here newline.ics",
        "..\\..\\etc/passwd": "_.._etc_passwd.ics",
    }
    for raw, want in cases.items():
        got = safe_filename(raw, suffix=".ics")
        assert got == want, raw
        assert_portable(got)
        (tmp_path / got).write_bytes(b"x")  # the name really works here


def test_long_names_are_cut_at_a_character_boundary():
    name = "Ю" * 300 + " é"
    got = safe_filename(name, suffix=".pdf")
    assert got.endswith(".pdf") and len(got.encode("utf-8")) <= MAX_NAME_BYTES
    assert got[:-4] == "Ю" * ((MAX_NAME_BYTES - 4) // 2)
    # A combining accent is not separated from its letter (decomposed input is composed first;
    # a letter with two accents keeps none rather than half).
    decomposed = "e\u0301" * 200
    got = safe_filename(decomposed)
    assert unicodedata.is_normalized("NFC", got) and set(got) == {"é"}
    stacked = "a\u0323\u0302" * 100  # ậ needs one code point composed; keep it whole
    got = safe_filename(stacked, max_bytes=10)
    assert not unicodedata.combining(got[-1])


def test_unique_names_ignore_case_and_keep_extension():
    names = unique_names(["Ana Lima.ics", "ana lima.ics", "ANA LIMA.ics", "Ana Lima.pdf", "x", "X"])
    assert names == ["Ana Lima.ics", "ana lima (2).ics", "ANA LIMA (3).ics", "Ana Lima.pdf", "x", "X (2)"]
    assert len({n.casefold() for n in names}) == len(names)


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=400))
def test_any_text_gives_a_portable_name(tmp_path_factory, text):
    got = safe_filename(text, suffix=".eml")
    assert_portable(got)
    assert got.endswith(".eml")
    folder = tmp_path_factory.mktemp("names")
    (folder / got).write_bytes(b"")
    assert [p.name for p in folder.iterdir()] == [got]


def test_person_file_names_keep_the_id_whole():
    long = "Maria " + "Fernández de la Concepción " * 12
    a = person_filename(long, "o-0001", ".pdf")
    b = person_filename(long, "o-0002", ".pdf")
    assert a.endswith(" (o-0001).pdf") and b.endswith(" (o-0002).pdf") and a != b
    assert len(a.encode("utf-8")) <= 100
    assert_portable(a)
    assert_portable(person_filename("CON", "aux", ".ics"))
    assert_portable(person_filename("...", "a/b:c", ".eml"))
