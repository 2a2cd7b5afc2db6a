"""``exchange-app registration make|read|status`` end to end (in-process main())."""

from __future__ import annotations

import openpyxl

from exchange_app.cli import main
from exchange_app.services import Workspace

from .helpers import DAYS, Answers, far_program, fill


def test_make_fill_read_status(tmp_path, capsys):
    db = tmp_path / "p.db"
    with Workspace.open(db) as ws:
        ws.import_scenario(far_program())
    out = tmp_path / "books"
    assert main(["--db", str(db), "registration", "make", "--out", str(out), "--workers", "1"]) == 0
    assert "6 registration workbooks for 6 people" in capsys.readouterr().out
    books = sorted(out.glob("*.xlsx"))
    ana = next(b for b in books if "o-1" in b.name)
    fill(
        ana,
        "Ana Lima",
        Answers(
            languages=["Portuguese", "Spanish"],
            interests={"Ballot access": 3},
            days={DAYS[0]: ("Honolulu, Hawaii", [9, 10])},
        ),
    )
    bad = next(b for b in books if "o-2" in b.name)
    book = openpyxl.load_workbook(bad)
    book["Availability"]["B6"].value = "Mars"
    book.save(bad)

    assert main(["--db", str(db), "registration", "read", "--dry-run", str(ana)]) == 0
    assert "Languages: Portuguese, English  ->  Portuguese, Spanish" in capsys.readouterr().out
    assert main(["--db", str(db), "registration", "read", "--all-or-nothing", str(out)]) == 2
    captured = capsys.readouterr()
    assert "sheet Availability, cell B6: 'Mars' is not a site of this program" in captured.err
    with Workspace.open(db) as ws:
        assert ws.load_scenario(1).officials_by_id()["o-1"].languages == ["pt", "en"]  # nothing applied
    assert main(["--db", str(db), "registration", "read", str(out)]) == 2  # applied, problems reported
    with Workspace.open(db) as ws:
        assert ws.load_scenario(1).officials_by_id()["o-1"].languages == ["pt", "es"]
    capsys.readouterr()
    assert main(["--db", str(db), "registration", "status", "--missing-csv", str(tmp_path / "m.csv")]) == 0
    text = capsys.readouterr().out
    assert "1 returned, 5 missing, 0 not sent." in text
    assert "Kenji Sato" in (tmp_path / "m.csv").read_text("utf-8-sig")
