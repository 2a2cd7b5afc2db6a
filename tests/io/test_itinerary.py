"""Printable itineraries (PDF): content per person read back with pypdf, bundled fonts."""
from __future__ import annotations

import re
from contextlib import ExitStack
from importlib import resources

import pypdf
import pytest

from exchange_app.domain import Mode
from exchange_app.io.calendar_ics import CalendarContext
from exchange_app.io.itinerary import font_paths, render_itinerary, write_itineraries
from tests.io.test_calendar_ics import STAMP, build_program, build_schedule


def pdf_text(path) -> str:
    reader = pypdf.PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def program():
    return build_program()


@pytest.fixture
def ctx(program):
    return CalendarContext(program, stamp=STAMP)


def test_fonts_are_bundled_with_their_license():
    base = resources.files("resources").joinpath("fonts")
    assert base.joinpath("DejaVuSans.ttf").is_file()
    assert "Bitstream" in base.joinpath("DejaVu-LICENSE.txt").read_text("utf-8")
    with ExitStack() as stack:
        paths = font_paths(stack)
        assert all("/usr/share/fonts" not in str(p) for p in paths.values())


def test_each_person_gets_their_sessions_in_site_time(program, ctx, tmp_path):
    schedule = build_schedule(program)
    schedule.sessions_by_id()["s-06"].mode = Mode.VIRTUAL
    schedule.sessions_by_id()["s-06"].location = None
    result = write_itineraries(ctx, schedule, tmp_path, version_label="schedule version 3")
    involved = {pid for s in schedule.sessions for pid in [s.host, *s.officials, s.interpreter] if pid}
    assert len(result.files) == len(involved)
    assert {p.parent.name for p in result.files} == {"officials", "hosts", "interpreters"}

    # The official with a Cyrillic name, backslash and semicolon: every session, local time, people.
    path = next(p for p in result.files if "(o-3)" in p.name)
    text = pdf_text(path)
    assert "Иван Петрович; \\ Иванов" in text and "Official (RU)" in text and "schedule version 3" in text
    mine = sorted((s for s in schedule.sessions if "o-3" in s.officials),
                  key=lambda s: program.slots_by_id()[s.slot].start)
    assert f"{len(mine)} sessions" in text
    for s in mine:
        start, end = ctx.local_times(s)
        assert f"{start:%H:%M}–{end:%H:%M}" in text
        assert f"{end.tzname()} ({'host' + chr(39) + 's time' if s.mode is Mode.VIRTUAL else 'site time'})" in text
        partner = next(o for o in s.officials if o != "o-3")
        p = program.officials_by_id()[partner]
        if p.name in result.missing:  # a script the bundled font lacks (reported, see below)
            assert f"({p.country})" in text
        else:
            assert f"{p.name} ({p.country})" in text.replace("\n", " ")
    # Days are headed once each, in order; MDT before the end of DST, MST after.
    assert text.index("Saturday 31 October 2026") < text.index("Monday 2 November 2026")
    times = re.findall(r"(\d\d:\d\d)–\d\d:\d\d\n(\w+) \(site time\)", text)
    assert ("08:00", "MST") in times or ("09:00", "MDT") in times or ("11:00", "EDT") in times

    host_text = pdf_text(next(p for p in result.files if "(h-denver-co)" in p.name))
    assert "Video session" in host_text and "Host: You" in host_text and "(host's time)" in host_text
    assert "Denver; Colorado \"HQ\"" in host_text
    interp = pdf_text(next(p for p in result.files if "(i-1)" in p.name))
    assert "Interpreter: You; session language en" in interp.replace("\n", " ")


def test_names_the_font_cannot_print_are_reported(program, ctx, tmp_path):
    result = write_itineraries(ctx, build_schedule(program), tmp_path)
    assert "محمد بن راشد" in result.missing and "李小龍, 陳" in result.missing
    assert set(result.missing["李小龍, 陳"]) >= set("李小龍陳")
    # Latin, Vietnamese, Cyrillic print fine.
    assert "Đặng Thị Ngọc Ánh" not in result.missing or not set(result.missing["Đặng Thị Ngọc Ánh"]) & set("Đặng Thị Ngọc Ánh")


def test_person_without_sessions_gets_a_clear_page(program, ctx, tmp_path):
    with ExitStack() as stack:
        data, missing = render_itinerary(ctx, program.officials[1], [], font_paths(stack))
    (tmp_path / "x.pdf").write_bytes(data)
    text = pdf_text(tmp_path / "x.pdf")
    assert "No sessions are scheduled" in text and "0 sessions" in text and not missing


def test_many_sessions_flow_over_pages(program, ctx, tmp_path):
    schedule = build_schedule(program)
    for s in schedule.sessions:
        s.officials = ["o-1", "o-2", "o-3", "o-6"]
        s.interpreter = "i-1"
    result = write_itineraries(ctx, schedule, tmp_path, people=[program.officials[0]])
    reader = pypdf.PdfReader(result.files[0])
    assert len(reader.pages) >= 2
    text = pdf_text(result.files[0])
    assert text.count("Host:") == len(schedule.sessions)
    assert f"Page 2 of {len(reader.pages)}" in text


def test_parallel_rendering_writes_the_same_files(program, ctx, tmp_path):
    schedule = build_schedule(program)
    one = write_itineraries(ctx, schedule, tmp_path / "a")
    two = write_itineraries(ctx, schedule, tmp_path / "b", workers=2)
    assert [p.relative_to(tmp_path / "a") for p in one.files] == [p.relative_to(tmp_path / "b") for p in two.files]
    for a, b in zip(one.files, two.files):
        assert pdf_text(a) == pdf_text(b)
    assert one.missing == two.missing


def test_decomposed_accents_are_printed_composed(program, ctx, tmp_path):
    import unicodedata

    program.officials[1].name = unicodedata.normalize("NFD", "Đặng Thị Ngọc Ánh")
    schedule = build_schedule(program)
    result = write_itineraries(ctx, schedule, tmp_path, people=[program.officials[1]])
    assert "Đặng Thị Ngọc Ánh" in pdf_text(result.files[0]) and not result.missing
