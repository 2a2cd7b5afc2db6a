"""Export folders: the rules (/, home, foreign non-empty folders), all-or-nothing writing,
refusal of control characters before anything is written, no os.sync(), and libical reading
every file of a real export."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from exchange_app.cli import main
from exchange_app.io import calendar_ics
from exchange_app.io.export_check import ExportRefused
from exchange_app.io.output_folder import MARKER, NeedsConfirmation, OutputFolderError, check_output_folder
from exchange_app.services.exports import export_ics, export_invitations, export_itineraries
from tests.ical_readers import assert_libical_clean
from tests.io.test_calendar_ics import build_program, build_schedule, move_official
from tests.services.test_exports import program_id, save, ws  # noqa: F401 (fixtures)


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_root_and_home_are_refused(tmp_path, monkeypatch):
    with pytest.raises(OutputFolderError, match="Refusing"):
        check_output_folder(Path("/"))
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(OutputFolderError, match="home folder"):
        check_output_folder(tmp_path)
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(OutputFolderError, match="is a file"):
        check_output_folder(tmp_path / "file.txt")
    assert check_output_folder(tmp_path / "new") is True


def test_foreign_folder_needs_confirmation_and_then_keeps_its_files(ws, program_id, tmp_path):  # noqa: F811
    save(ws, program_id, build_schedule(build_program()))
    out = tmp_path / "Documents"
    out.mkdir()
    (out / "taxes.xlsx").write_bytes(b"mine")
    with pytest.raises(NeedsConfirmation, match="--force"):
        export_ics(ws, program_id, out)
    assert tree(out) == {"taxes.xlsx": b"mine"}
    report = export_ics(ws, program_id, out, force=True)
    files = tree(out)
    assert files["taxes.xlsx"] == b"mine" and len(files) == 1 + len(report.files)
    assert MARKER not in files  # still not the app's folder: the next export asks again
    with pytest.raises(NeedsConfirmation):
        export_ics(ws, program_id, out)
    # The CLI says how to confirm and exits non-zero without writing.
    db = tmp_path / "p.db"
    assert main(["--db", str(db), "export", "ics", "--out", str(tmp_path / "Other")]) == 0
    (tmp_path / "Other2").mkdir()
    (tmp_path / "Other2" / "x").write_text("x")
    assert main(["--db", str(db), "export", "ics", "--out", str(tmp_path / "Other2")]) != 0
    assert tree(tmp_path / "Other2") == {"x": b"x"}
    assert main(["--db", str(db), "export", "ics", "--out", str(tmp_path / "Other2"), "--force"]) == 0
    assert len(tree(tmp_path / "Other2")) > 1


def test_reexport_replaces_the_app_folder_whole(ws, program_id, tmp_path):  # noqa: F811
    v1 = build_schedule(build_program())
    save(ws, program_id, v1)
    out = tmp_path / "calendars"
    export_ics(ws, program_id, out)
    assert (out / MARKER).exists()
    (out / "officials" / "Stale (o-99).ics").write_bytes(b"old")
    report = export_ics(ws, program_id, out)
    assert not (out / "officials" / "Stale (o-99).ics").exists()
    assert sorted(str(p.relative_to(out)) for p in report.files) == sorted(
        k for k in tree(out) if k != MARKER
    )
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".calendars.")]  # no temp left


def test_failed_export_leaves_the_previous_output_untouched(ws, program_id, tmp_path, monkeypatch):  # noqa: F811
    save(ws, program_id, build_schedule(build_program()))
    out = tmp_path / "calendars"
    export_ics(ws, program_id, out)
    before = tree(out)
    calls = {"n": 0}
    real = calendar_ics.person_calendar

    def fails_on_the_fifth(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr("exchange_app.services.exports.person_calendar", fails_on_the_fifth)
    save(ws, program_id, move_official(ws.load_schedule(program_id), "o-1", "s-03", "s-04"))
    with pytest.raises(OSError):
        export_ics(ws, program_id, out)
    assert calls["n"] == 5
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def _store_unchecked(workspace, pid: int, row: type, values: dict, **where: object) -> None:
    """Put text into the database behind the importer's back, as a database written by an
    older version (before control characters were refused at the door) may hold it."""
    from sqlalchemy import update

    with workspace.engine.begin() as conn:
        conn.execute(
            update(row)
            .where(row.program_id == pid, *(getattr(row, k) == v for k, v in where.items()))
            .values(**values)
        )


@pytest.mark.parametrize("kind", ["ics", "invitations", "itineraries"])
def test_control_characters_refuse_the_export_before_any_file(ws, program_id, tmp_path, kind):  # noqa: F811
    from exchange_app.storage.models import PersonRow

    program = build_program()
    pid = ws.import_scenario(program)
    save(ws, pid, build_schedule(program))
    _store_unchecked(
        ws, pid, PersonRow, {"name": "Иван\r\nBcc: all@example.org"}, kind="official", ext_id="o-3"
    )
    out = tmp_path / kind
    out.mkdir()
    (out / MARKER).write_text("")
    (out / "previous.ics").write_bytes(b"previous")
    export = {"ics": export_ics, "invitations": export_invitations, "itineraries": export_itineraries}[kind]
    with pytest.raises(ExportRefused) as e:
        export(ws, pid, out)
    assert "officials[2] (o-3), field 'name': has a line break (CR)" in str(e.value)
    assert tree(out) == {MARKER: b"", "previous.ics": b"previous"}
    # Under the CLI: a message (exit 2), no traceback.
    db = tmp_path / "p.db"
    assert main(["--db", str(db), "--program", str(pid), "export", kind, "--out", str(out)]) == 2


def test_organizer_with_a_line_break_is_refused_by_name(ws, tmp_path, capsys):  # noqa: F811
    from exchange_app.storage.models import ProgramRow

    program = build_program()
    pid = ws.import_scenario(program)
    save(ws, pid, build_schedule(program))
    with ws.engine.begin() as conn:
        from sqlalchemy import update

        conn.execute(
            update(ProgramRow)
            .where(ProgramRow.id == pid)
            .values(organizer_name="Staff\nBcc: x@example.org", organizer_email="staff@example.org")
        )
    with pytest.raises(ExportRefused, match=r"program.organizer, field 'name': has a line break \(LF\)"):
        export_invitations(ws, pid, tmp_path / "inv")
    assert not (tmp_path / "inv").exists()


def test_exports_never_call_os_sync_and_libical_reads_every_file(ws, program_id, tmp_path, monkeypatch):  # noqa: F811
    def no_sync():
        raise AssertionError("os.sync() flushes every file on the machine; exports fsync their own")

    monkeypatch.setattr(os, "sync", no_sync)
    v1 = build_schedule(build_program())
    save(ws, program_id, v1)
    v2 = move_official(v1, "o-1", "s-03", "s-04")
    v2.sessions.pop(1)
    save(ws, program_id, v2)
    report = export_ics(ws, program_id, tmp_path / "ics")
    export_invitations(ws, program_id, tmp_path / "inv", since_version=1)
    export_itineraries(ws, program_id, tmp_path / "pdf")
    read = assert_libical_clean(report.files)
    assert len(read) == len(report.files) > 10
