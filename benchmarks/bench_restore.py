"""Diacritic restoration on held-out corpus text: speed and accuracy, ours vs pyvi.

Usage:
    python benchmarks/bench_restore.py [--shared ../shared] [--max-syllables 60000]

Held-out documents (sha1(id) % 10 == 0, training paragraphs removed) are stripped of all
marks, restored, and compared syllable by syllable (case-sensitive). Reports model load
time, syllables per CPU-second after start-up, peak RSS, and the same for pyvi's
``ViUtils.add_accents`` when pyvi is installed (``pip install sohoa[bench]``). Writes
benchmarks/results/restore.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.correction import Corrector  # noqa: E402
from pipeline.correction.corpus import default_shared_dir, heldout_texts  # noqa: E402
from pipeline.correction.metrics import restoration_accuracy  # noqa: E402
from pipeline.correction.viet import strip_marks  # noqa: E402


def measure(restore, texts: list[str]) -> dict:
    right = loose = total = 0
    cpu = 0.0
    wall = 0.0
    for gold in texts:
        stripped = strip_marks(gold)
        c0, w0 = time.process_time(), time.perf_counter()
        out = restore(stripped)
        cpu += time.process_time() - c0
        wall += time.perf_counter() - w0
        acc = restoration_accuracy(gold, out)
        right += acc["right"]
        loose += acc["right_loose"]
        total += acc["total"]
    return {
        "syllables": total,
        "accuracy": round(right / max(total, 1), 5),
        "accuracy_ignoring_tone_style": round(loose / max(total, 1), 5),
        "syllables_per_cpu_second": round(total / max(cpu, 1e-9)),
        "syllables_per_wall_second": round(total / max(wall, 1e-9)),
    }


def _pyvi_restore():
    try:
        from pyvi import ViUtils
    except ImportError:
        return None

    def one_line(line: str) -> str:
        if not line.strip():
            return line
        try:
            return ViUtils.add_accents(line)
        except (KeyError, ValueError, IndexError):
            return line  # pyvi fails on some character sequences: count the line as not restored

    def restore(text: str) -> str:
        # pyvi works line by line; keep the line structure
        return "\n".join(one_line(line) for line in text.split("\n"))

    return restore


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=default_shared_dir())
    ap.add_argument("--max-syllables", type=int, default=60000)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "restore.json")
    args = ap.parse_args(argv)
    texts = heldout_texts(args.shared, args.max_syllables)

    t0 = time.perf_counter()
    corrector = Corrector.load()
    load_seconds = time.perf_counter() - t0
    corrector.correct(strip_marks(texts[0][:2000]))  # warm-up outside the timing
    ours = measure(lambda t: corrector.correct(t, mode="diacritics").text, texts)
    ours["model_load_seconds"] = round(load_seconds, 3)
    ours["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    report = {"sohoa": ours}
    pyvi = _pyvi_restore()
    if pyvi is not None:
        report["pyvi"] = measure(pyvi, texts)
    else:
        report["pyvi"] = "not installed (pip install 'sohoa[bench]')"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
