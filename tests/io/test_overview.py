"""Overviews to print: a day grid per site and an agenda per topic, as PDF and XLSX, from
the CLI (``export overview``) and the export runner the window uses."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from exchange_app.cli import main
from exchange_app.domain import zone
from exchange_app.io.overview import agenda, day_grids, write_overview
from exchange_app.io.scenario_json import read_scenario
from exchange_app.naming import Names
from exchange_app.services import Workspace, import_file
from exchange_app.services.solving import SolveOptions, solve_scenario

DATA = Path(__file__).resolve().parents[1] / "data"


@functools.cache
def _program():
    sc = read_scenario(DATA / "sample-small.json")
    return sc, solve_scenario(sc, SolveOptions(time_limit=3, workers=1, seed=1)).schedule


def test_day_grids_cover_every_session_once_in_site_time():
    sc, schedule = _program()
    grids = day_grids(sc, schedule)
    cells = [(g, key) for g in grids for key in g.cells]
    assert len(cells) == len(schedule.sessions)
    hosts, slots, locs = sc.hosts_by_id(), sc.slots_by_id(), sc.locations_by_id()
    for g, (host, slot) in cells:
        loc = locs[hosts[host].location]
        assert g.site == loc.name
        assert slots[slot].start.astimezone(zone(loc.timezone)).date() == g.day
        label = g.slot_labels[[s.id for s in g.slots].index(slot)]
        assert label.startswith(f"{slots[slot].start.astimezone(zone(loc.timezone)):%H:%M}")


def test_agenda_lists_each_topics_sessions_in_time_order():
    sc, schedule = _program()
    topics = agenda(sc, schedule)
    assert sum(len(lines) for _, lines in topics) == len(schedule.sessions)
    assert [name for name, _ in topics] == sorted(name for name, _ in topics)


def test_pdf_names_sites_hosts_topics_and_officials(tmp_path):
    sc, schedule = _program()
    path = write_overview(sc, schedule, tmp_path / "overview.pdf")
    reader = PdfReader(path)
    text = "\n".join(p.extract_text() for p in reader.pages)
    grids = day_grids(sc, schedule)
    assert len(reader.pages) >= len(grids) + 1
    names = Names(sc)
    s = schedule.sessions[0]

    def bare(t: str) -> str:  # a grid cell wraps long names and topics where it likes
        return "".join(t.split())

    for wanted in (
        names.name(s.host),
        names.topic(s.topic).upper(),  # the grid's cell
        f"{names.topic(s.topic)} (",  # the agenda's heading
        names.name(s.officials[0]),
        "agenda by topic",
        grids[0].site,
    ):
        assert bare(wanted) in bare(text)


def test_xlsx_has_a_grid_sheet_per_site_and_the_agenda(tmp_path):
    sc, schedule = _program()
    path = write_overview(sc, schedule, tmp_path / "overview.xlsx")
    wb = load_workbook(path)
    sites = {g.site.split(",")[0] for g in day_grids(sc, schedule)}
    assert {f"{s} grid" for s in sites} | {"Agenda by topic"} == set(wb.sheetnames)
    rows = list(wb["Agenda by topic"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Topic", "When (local time)", "Host") and len(rows) == len(schedule.sessions) + 1
    names = Names(sc)
    s = schedule.sessions[0]
    grid_text = "\n".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c)
    assert names.topic(s.topic) in grid_text and names.name(s.officials[0]) in grid_text


def test_cli_export_overview_and_a_refused_extension(tmp_path, capsys):
    sc, schedule = _program()
    db = tmp_path / "p.db"
    with Workspace.open(db) as ws:
        pid = import_file(ws, DATA / "sample-small.json").program_id
        ws.save_schedule(pid, schedule, "solve")
    out = tmp_path / "out" / "overview.pdf"
    out.parent.mkdir()
    assert main(["--db", str(db), "export", "overview", "--out", str(out)]) == 0
    assert "day grid per site" in capsys.readouterr().out and out.stat().st_size > 1000
    assert main(["--db", str(db), "export", "overview", "--out", str(tmp_path / "overview.docx")]) == 1
    err = capsys.readouterr().err
    assert ".pdf or an .xlsx" in err and not (tmp_path / "overview.docx").exists()


@pytest.mark.parametrize("suffix", [".pdf", ".xlsx"])
def test_export_runner_of_the_window_writes_the_overview(tmp_path, suffix):
    from ui.dialogs.export import KINDS, run_export

    assert "overview" in KINDS
    sc, schedule = _program()
    with Workspace.open(tmp_path / "p.db") as ws:
        pid = import_file(ws, DATA / "sample-small.json").program_id
        ws.save_schedule(pid, schedule, "solve")
        summary = run_export(ws, pid, "overview", tmp_path / f"o{suffix}")
    assert "Overview" in summary and (tmp_path / f"o{suffix}").exists()
