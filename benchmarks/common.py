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
