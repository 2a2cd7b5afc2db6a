"""Nightly-size run of the import fuzz test (tests/fuzz): many random examples instead of
the fixed, derandomized few that CI runs. Prints the machine's load, the time taken and
pytest's summary; exits with pytest's status.

    .venv/bin/python benchmarks/fuzz_nightly.py [--examples 2000] [--seed N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=2000, help="examples per fuzz target (CI: 40)")
    ap.add_argument("--seed", type=int, default=None, help="hypothesis seed (default: random)")
    a = ap.parse_args(argv)
    env = dict(os.environ, EXCHANGE_FUZZ_EXAMPLES=str(a.examples), EXCHANGE_FUZZ_RANDOM="1")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "tests/fuzz",
        "-q",
        "-p",
        "no:cacheprovider",
        "--hypothesis-show-statistics",
    ]
    if a.seed is not None:
        cmd.append(f"--hypothesis-seed={a.seed}")
    load = os.getloadavg()
    print(
        f"{a.examples} examples per target; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}",
        flush=True,
    )
    t = time.perf_counter()
    code = subprocess.call(cmd, cwd=ROOT, env=env)
    print(f"fuzz run took {time.perf_counter() - t:.0f} s (exit {code})")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
