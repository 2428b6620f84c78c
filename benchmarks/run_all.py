"""Run every benchmark, then regenerate docs/BENCHMARKS.md.

    python benchmarks/run_all.py [--only ocr,restore] [--limit N]

Runs every ``benchmarks/bench_*.py`` (ocr and restore first).

Each benchmark runs as its own process (lowered priority, tesseract single-threaded)
and writes ``benchmarks/results/<name>.json``; a failing benchmark is reported and
the others still run. Extra ``--limit`` is passed to the benchmarks that accept it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# Every benchmarks/bench_<name>.py is a benchmark; "ocr" (bare tesseract vs the pipeline) and
# "restore" (diacritic restoration) are expected, others (prepare, batch, ...) are picked up too.
BENCHMARKS = {"ocr": HERE / "bench_ocr.py", "restore": HERE / "bench_restore.py"}
BENCHMARKS |= {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}
ACCEPTS_LIMIT = {"ocr"}


def run(name: str, script: Path, extra: list[str], timeout: float) -> bool:
    if not script.exists():
        print(f"[skip] {name}: {script.relative_to(REPO)} not found", file=sys.stderr)
        return True
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "PYTHONPATH": str(REPO)}
    command = [sys.executable, str(script), *extra]
    if os.name == "posix":
        command = ["nice", "-n", "10", *command]
    print(f"[run ] {name}: {' '.join(command)}", file=sys.stderr)
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=REPO, env=env, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        print(f"[fail] {name}: timed out after {timeout:.0f}s", file=sys.stderr)
        return False
    ok = done.returncode == 0
    print(f"[{'done' if ok else 'fail'}] {name}: exit {done.returncode} in {time.perf_counter() - start:.0f}s",
          file=sys.stderr)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run all benchmarks and regenerate docs/BENCHMARKS.md.")
    parser.add_argument("--only", help="comma-separated benchmark names: " + ", ".join(BENCHMARKS))
    parser.add_argument("--limit", type=int, help="first N inputs only (benchmarks that accept it)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per benchmark")
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    ok = True
    for name in names:
        extra = ["--limit", str(args.limit)] if args.limit and name in ACCEPTS_LIMIT else []
        ok &= run(name, BENCHMARKS[name], extra, args.timeout)
    ok &= subprocess.run([sys.executable, str(HERE / "render_md.py")], cwd=REPO, check=False).returncode == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
