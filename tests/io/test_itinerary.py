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
    mine = sorted(
        (s for s in schedule.sessions if "o-3" in s.officials),
        key=lambda s: program.slots_by_id()[s.slot].start,
    )
    assert f"{len(mine)} sessions" in text
    for s in mine:
        start, end = ctx.local_times(s)
        assert f"{start:%H:%M}–{end:%H:%M}" in text
        assert (
            f"{end.tzname()} ({'host' + chr(39) + 's time' if s.mode is Mode.VIRTUAL else 'site time'})"
            in text
        )
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
    assert 'Denver; Colorado "HQ"' in host_text
    interp = pdf_text(next(p for p in result.files if "(i-1)" in p.name))
    assert "Interpreter: You; session language en" in interp.replace("\n", " ")


def test_names_the_font_cannot_print_are_reported(program, ctx, tmp_path):
    result = write_itineraries(ctx, build_schedule(program), tmp_path)
    assert "محمد بن راشد" in result.missing and "李小龍, 陳" in result.missing
    assert set(result.missing["李小龍, 陳"]) >= set("李小龍陳")
    # Latin, Vietnamese, Cyrillic print fine.
    assert "Đặng Thị Ngọc Ánh" not in result.missing or not set(result.missing["Đặng Thị Ngọc Ánh"]) & set(
        "Đặng Thị Ngọc Ánh"
    )


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
    assert [p.relative_to(tmp_path / "a") for p in one.files] == [
        p.relative_to(tmp_path / "b") for p in two.files
    ]
    for a, b in zip(one.files, two.files, strict=False):
        assert pdf_text(a) == pdf_text(b)
    assert one.missing == two.missing


def test_decomposed_accents_are_printed_composed(program, ctx, tmp_path):
    import unicodedata

    program.officials[1].name = unicodedata.normalize("NFD", "Đặng Thị Ngọc Ánh")
    schedule = build_schedule(program)
    result = write_itineraries(ctx, schedule, tmp_path, people=[program.officials[1]])
    assert "Đặng Thị Ngọc Ánh" in pdf_text(result.files[0]) and not result.missing


def page_fonts(data: bytes) -> set[str]:
    """Base font names used on the pages, with "+embedded" for a font file in the PDF."""
    from io import BytesIO

    names = set()
    for page in pypdf.PdfReader(BytesIO(data)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            embedded = any(
                f"/FontFile{n}" in d.get_object().get("/FontDescriptor", {})
                for d in font.get("/DescendantFonts", [])
                for n in ("", "2", "3")
            )
            names.add(str(font["/BaseFont"]).lstrip("/") + ("+embedded" if embedded else ""))
    return names


def test_latin_text_in_the_core_font_other_scripts_in_the_bundled_font(program, ctx, tmp_path):
    program.officials[0].name = "Seán O'Brien–Müller"  # Windows-1252: é, ', en dash, ü
    program.officials[1].name = "Олена Коваленко"
    schedule = build_schedule(program)
    with_her = sorted((s for s in schedule.sessions if "o-1" in s.officials), key=lambda s: s.id)
    assert with_her and all("o-2" in s.officials for s in with_her)
    with ExitStack() as stack:
        fonts = font_paths(stack)
        # Her own itinerary, and his while she is in his sessions: the bundled font, embedded.
        hers, missing_hers = render_itinerary(ctx, program.officials[1], with_her, fonts)
        his_with_her, missing_his = render_itinerary(ctx, program.officials[0], with_her, fonts)
        # His, once she is out of his sessions: all Windows-1252, the core font.
        for s in with_her:
            s.officials.remove("o-2")
        his_alone, missing_alone = render_itinerary(ctx, program.officials[0], with_her, fonts)
    assert not missing_hers and not missing_his and not missing_alone
    for data in (hers, his_with_her):
        assert {f for f in page_fonts(data) if f.endswith("+embedded")} and "Helvetica" not in page_fonts(
            data
        )
    assert page_fonts(his_alone) == {"Helvetica"}

    texts = {}
    for name, data in (("hers", hers), ("his_with_her", his_with_her), ("his_alone", his_alone)):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        texts[name] = pdf_text(tmp_path / f"{name}.pdf").replace("\n", " ")
    assert "Олена Коваленко" in texts["hers"]
    assert f"With: Seán O'Brien–Müller ({program.officials[0].country})" in texts["hers"]
    assert f"With: Олена Коваленко ({program.officials[1].country})" in texts["his_with_her"]
    alone = texts["his_alone"]
    assert "Seán O'Brien–Müller" in alone and "Олена" not in alone and "With:" not in alone
    assert (
        f"{len(with_her)} sessions" in alone
        and 'Peer Exchange 2026, "Fall"; Test · Seán O\'Brien–Müller' in alone
    )
    for s in with_her:
        start, end = ctx.local_times(s)
        assert f"{start:%H:%M}–{end:%H:%M}" in alone and f"{start:%H:%M}–{end:%H:%M}" in texts["his_with_her"]
    # Same layout in either font: the same lines, in the same places.
    assert texts["his_alone"].count("Host:") == texts["his_with_her"].count("Host:") == len(with_her)
    assert len(pypdf.PdfReader(tmp_path / "his_alone.pdf").pages) == len(
        pypdf.PdfReader(tmp_path / "his_with_her.pdf").pages
    )


def test_export_mixes_core_and_bundled_fonts(program, ctx, tmp_path):
    """Through the export (and its worker processes): each file in the font its text needs."""
    for o in program.officials:
        if o.id != "o-2":
            o.name = o.name if o.id == "o-6" else f"Official {o.id}"
    program.officials[1].name = "Олена Коваленко"
    schedule = build_schedule(program)
    one = write_itineraries(ctx, schedule, tmp_path / "a")
    two = write_itineraries(ctx, schedule, tmp_path / "b", workers=2)
    assert not one.missing and not two.missing
    for a, b in zip(one.files, two.files, strict=False):
        assert a.read_bytes() == b.read_bytes()
    fonts = {p.name: page_fonts(p.read_bytes()) for p in one.files}
    her = next(n for n in fonts if "(o-2)" in n)
    partner = next(n for n in fonts if "(o-1)" in n)  # meets her in every session
    latin = next(n for n in fonts if "(o-6)" in n)  # never meets her
    assert fonts[latin] == {"Helvetica"} and "Helvetica" not in fonts[her] | fonts[partner]
    assert "Олена Коваленко" in pdf_text(one.files[[p.name for p in one.files].index(partner)])
    assert "Олена Коваленко" in pdf_text(one.files[[p.name for p in one.files].index(her)])
