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
    # quality in staff words (the CLI's limit counts from the process start, here the
    # test run's, so only the construction runs and nothing is proven in time)
    quality = next(x for x in out.splitlines() if x.startswith("Quality: "))
    assert " reach their minimum; " in quality and "possible" in quality and "interest" in quality
    # not a terminal: one progress line per improvement, never the same objective twice
    lines = [x for x in err.splitlines() if "objective" in x]
    assert lines and lines[0].split()[1] == "greedy"
    objectives = [x.split("objective")[1].split()[0] for x in lines]
    assert len(objectives) == len(set(objectives))

    assert main(["--db", db, "solve", "--time-limit", "2", "--keep-previous"]) == 0
    out, _err = capsys.readouterr()
    assert "Stored as schedule version 2" in out and "Changes: " in out


def test_solve_command_names_people_and_prints_plain_numbers(tmp_path, capsys):
    import json
    import re

    from exchange_app.io.scenario_json import parse_scenario
    from tests.data.make_awkward import awkward

    doc = awkward("small", 2, pins=3)
    sc = parse_scenario(json.loads(json.dumps(doc)))
    path = tmp_path / "awkward.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    db = str(tmp_path / "p.db")
    assert main(["--db", db, "import", str(path)]) == 0
    capsys.readouterr()
    assert main(["--db", db, "solve", "--time-limit", "3"]) == 0
    out, err = capsys.readouterr()
    assert not re.search(r"\d\.\d+e\+\d", out + err)  # no 1.44452e+06
    assert not re.search(r"\b1 officials\b|\b1 sessions\b", out)
    names = {o.id: o.name for o in sc.officials}
    below = [line for line in out.splitlines() if line.startswith("  ") and ", " in line and " of " in line]
    assert below, out  # the Dzongkha speakers stay below their minimum
    for line in below:
        oid = re.search(r"\((o-\d+)\)", line)
        assert oid and line.startswith(f"  {names[oid.group(1)]} ({oid.group(1)})"), line
