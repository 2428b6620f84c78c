"""Helpers shared by the benchmark scripts: timing, peak memory, machine info, results.

A result file ``benchmarks/results/<name>.json`` is one JSON object::

    {"benchmark": "ocr", "title": "...", "date": "...", "machine": {...}, "command": "...",
     "tables": [{"title": "...", "rows": [{"column": value, ...}, ...]}, ...],
     "notes": ["..."], ...anything else (raw numbers)}

``render_md.py`` turns every result file into tables of docs/BENCHMARKS.md: it uses
``tables`` when present and otherwise renders whatever lists of objects and flat
values it finds, so a benchmark may also write its own layout.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS_DIR = REPO / "benchmarks" / "results"

if str(REPO) not in sys.path:  # let `python benchmarks/x.py` import the package from the checkout
    sys.path.insert(0, str(REPO))


@contextmanager
def timer() -> Iterator[dict[str, float]]:
    """``with timer() as t: ...`` then ``t["seconds"]`` is the wall-clock time."""
    box: dict[str, float] = {}
    start = time.perf_counter()
    try:
        yield box
    finally:
        box["seconds"] = time.perf_counter() - start


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children.

    On a shared, loaded machine wall-clock time grows with the load; CPU time
    (a delta around a call) is the steadier measure of the work done.
    """
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_rss_mb(*, children: bool = False) -> float:
    """Peak resident memory in MiB of this process, or of its largest finished child.

    ``ru_maxrss`` is in KiB on Linux and bytes on macOS.
    """
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    peak = resource.getrusage(who).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _tesseract_version() -> str | None:
    path = shutil.which("tesseract")
    if not path:
        return None
    out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=False)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].strip() if first else None


def _memory_total_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        return None
    return None


def machine_info() -> dict[str, Any]:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "memory_gb": _memory_total_gb(),
        "tesseract": _tesseract_version(),
        "load_avg_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _repo_relative(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(REPO))
    except ValueError:
        return path


def write_result(name: str, result: dict[str, Any], results_dir: Path = RESULTS_DIR) -> Path:
    """Write ``results_dir/<name>.json`` with the machine, the date and the command added."""
    record = {
        "benchmark": name,
        "date": now_iso(),
        "machine": machine_info(),
        "command": " ".join(["python", _repo_relative(sys.argv[0]), *sys.argv[1:]]),
        **result,
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{name}.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def pct(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(100 * value, digits)
