"""exchange-app solve: stores a version, prints the figures and unmatched reasons."""

from __future__ import annotations

from exchange_app.cli import main


def test_solve_command(tmp_path, small_path, capsys):
    db = str(tmp_path / "p.db")
    assert main(["--db", db, "import", str(small_path)]) == 0
    capsys.readouterr()
    assert main(["--db", db, "solve", "--time-limit", "2", "--seed", "3"]) == 0
    out, err = capsys.readouterr()
    assert "Status: " in out and "Stored as schedule version 1" in out
    assert "Check: ok: no rule broken" in out
    assert "Officials at their minimum:" in out
    # not a terminal: one progress line per improvement, never the same objective twice
    lines = [x for x in err.splitlines() if "objective" in x]
    assert lines and lines[0].split()[1] == "greedy"
    objectives = [x.split("objective")[1].split()[0] for x in lines]
    assert len(objectives) == len(set(objectives))

    assert main(["--db", db, "solve", "--time-limit", "2", "--keep-previous"]) == 0
    out, _err = capsys.readouterr()
    assert "Stored as schedule version 2" in out and "Changes: " in out
