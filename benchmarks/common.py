"""What the benchmark scripts share: the project on ``sys.path``, the scenario generator,
and a line that says which machine the figures come from.

The scripts run as ``python benchmarks/NAME.py``, so this module is imported as ``common``.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The project's copy of ../shared/tools/make_scenario.py (deterministic for a seed).
GENERATOR = ROOT / "tests" / "data" / "make_scenario.py"


def generate(size: str, seed: int, out: Path) -> Path:
    """Write a generated ``exchange-scenario/1`` program of ``size`` (tiny … xl) to ``out``."""
    subprocess.run(
        [sys.executable, str(GENERATOR), "--size", size, "--seed", str(seed), "--out", str(out)], check=True
    )
    return out


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    """Date, cores, CPU, Python and load: print it with every set of figures."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs ({cpu_model()}), "
        f"Python {platform.python_version()}, load average {load:.1f}"
    )


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bounds_lines(label: str, inp, r, f) -> None:
    """The proven bounds the solve reported, their gaps, and the bounds with the LP
    given all the time it needs (what a longer time limit would show)."""
    from solver.bounds import compute_bounds

    def gap(found: int, bound: int | None) -> str:
        return (
            "not proven" if bound is None else f"{bound:,} (gap {100 * (bound - found) / max(1, bound):.1f}%)"
        )

    print(
        f"{label} bounds ({r.bounds_method or 'none'}): at minimum {f.officials_at_min:,} of at most "
        f"{gap(f.officials_at_min, r.at_min_bound)}; interest {f.total_interest:,} of at most "
        f"{gap(f.total_interest, r.interest_bound)}"
    )
    t = time.monotonic()
    b = compute_bounds(inp)
    print(
        f"{label} bounds alone, no time limit ({b.method}, {time.monotonic() - t:.1f} s): at minimum at most "
        f"{gap(f.officials_at_min, b.at_min)}; interest at most {gap(f.total_interest, b.interest)}; "
        f"{len(b.cannot_reach)} officials cannot reach their minimum in any schedule"
    )
