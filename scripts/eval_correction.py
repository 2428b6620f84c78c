"""Measure the correction engine against bars 1-5 of issue 4.

Usage:
    python scripts/eval_correction.py [--shared ../shared] [--max-syllables 60000] [--json out.json]
    python scripts/eval_correction.py --make-sets 6   # first render + OCR held-out pages (tesseract)

``--make-sets N`` draws the start of N held-out documents with DejaVu Serif, degrades the
page (downscale, blur, noise) for the ``*_degraded`` sets, reads it with ``tesseract -l eng``
and ``-l vie`` and writes benchmarks/work/ocr_sets/corr_<lang>[_degraded]/<id>.{ocr,gold}.txt.

1. diacritic restoration on held-out corpus documents (marks stripped, then restored):
   syllable accuracy, case-sensitive (strict, and with tone placement style ignored);
2. kh_1005 English-model OCR vs gold: syllable error rate before/after;
3. every ``benchmarks/work/ocr_sets/<set>/<stem>.ocr.txt`` + ``<stem>.gold.txt`` pair, summed per set
   (micro-averaged SER before/after and the relative cut, measured as ``sohoa eval`` does: strict
   and with reading order forgiven; bar 3 reads the ``*_vie*`` sets);
4. gold held-out text in, share of syllables changed;
5. flags: share of still-wrong syllables that are flagged (order-free alignment, as ``sohoa eval``),
   flags per output syllable.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.correction import Corrector  # noqa: E402
from pipeline.correction.corpus import CORPUS_NAME, default_shared_dir, heldout_texts, split_corpus  # noqa: E402
from pipeline.correction.metrics import flag_coverage, restoration_accuracy, syllables  # noqa: E402
from pipeline.correction.viet import strip_marks  # noqa: E402
from pipeline.eval import metrics as m  # noqa: E402


def eval_restoration(corrector: Corrector, texts: list[str]) -> dict:
    right = right_loose = total = changed_gold = gold_total = 0
    flagged = wrong = wrong_flagged = 0
    n_syll = 0
    seconds = 0.0
    for gold in texts:
        t0 = time.process_time()
        res = corrector.correct(strip_marks(gold))
        seconds += time.process_time() - t0
        acc = restoration_accuracy(gold, res.text)
        right += acc["right"]
        right_loose += acc["right_loose"]
        total += acc["total"]
        cov = flag_coverage(gold, res)
        flagged += cov["flagged"]
        wrong += cov["wrong"]
        wrong_flagged += cov["wrong_flagged"]
        n_syll += cov["syllables"]
        same = corrector.correct(gold)
        changed_gold += sum(1 for c in same.changes if not c.flagged)
        gold_total += len(syllables(gold))
    return {
        "bar1_accuracy": right / max(total, 1),
        "bar1_accuracy_ignoring_tone_style": right_loose / max(total, 1),
        "bar1_syllables": total,
        "bar1_syllables_per_second": total / max(seconds, 1e-9),
        "bar4_changed_share": changed_gold / max(gold_total, 1),
        "bar5_wrong_flagged_share": wrong_flagged / max(wrong, 1),
        "bar5_flagged_share": flagged / max(n_syll, 1),
    }


def eval_pair(corrector: Corrector, ocr: str, gold: str) -> dict:
    """Counts of one OCR text against its gold, with `sohoa eval`'s measures: syllable errors
    (whitespace tokens, punctuation kept), the same with reading order forgiven, and flags
    against the syllables still wrong (order-free alignment)."""
    res = corrector.correct(ocr)
    strict_before, strict_after = m.syllable_error_rate(ocr, gold), m.syllable_error_rate(res.text, gold)
    flags = m.flag_precision_recall(res.text, gold, [(c.out_start, c.out_end) for c in res.changes if c.flagged])
    return {
        "gold_syllables": strict_before.total,
        "errors_before": strict_before.errors,
        "errors_after": strict_after.errors,
        "errors_before_any_order": m.syllable_error_rate(ocr, gold, moves=True).errors,
        "errors_after_any_order": m.syllable_error_rate(res.text, gold, moves=True).errors,
        "output_syllables": len(m.syllables(res.text, punct_insensitive=True)),
        "flags": flags.predicted,
        "wrong": flags.gold,
        "wrong_flagged": flags.gold_hits,
        "changes": len(res.changes),
    }


def summarise(counts: list[dict]) -> dict:
    """Micro-averaged SER before/after (strict and any order), relative cuts, and flag shares."""
    total = {k: sum(c[k] for c in counts) for k in counts[0]}
    syllables_total = max(total["gold_syllables"], 1)
    out: dict = {"documents": len(counts), "gold_syllables": total["gold_syllables"]}
    for suffix in ("", "_any_order"):
        before = total["errors_before" + suffix] / syllables_total
        after = total["errors_after" + suffix] / syllables_total
        out.update({f"ser_before{suffix}": before, f"ser_after{suffix}": after,
                    f"relative_cut{suffix}": 1 - after / before if before else 0.0})
    out["flagged_share"] = total["flags"] / max(total["output_syllables"], 1)
    out["wrong_flagged_share"] = total["wrong_flagged"] / max(total["wrong"], 1)
    return out


FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
OCR_SETS = REPO / "benchmarks" / "work" / "ocr_sets"


def render_page(text: str, path: Path, degrade: bool, seed: int = 0) -> None:
    """Draw text as a page; `degrade` shrinks, blurs and adds noise like a poor scan."""
    font = ImageFont.truetype(FONT, 34)
    lines: list[str] = []
    for para in text.split("\n"):
        lines.extend(textwrap.wrap(para, 70) or [""])
    img = Image.new("L", (2480, 120 + 50 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((120, 60 + 50 * i), line, font=font, fill=0)
    if degrade:
        w, h = img.size
        img = img.resize((int(w * 0.42), int(h * 0.42)), Image.BILINEAR).filter(ImageFilter.GaussianBlur(0.6))
        noisy = np.asarray(img).astype(float) + np.random.default_rng(seed).normal(0, 25, (img.size[1], img.size[0]))
        img = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    img.save(path)


def tesseract_text(image: Path, lang: str) -> str:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    out = subprocess.run(["tesseract", str(image), "stdout", "-l", lang, "--psm", "6"],
                         capture_output=True, text=True, env=env, check=True, timeout=300)
    return out.stdout


def make_sets(shared: Path, n_docs: int, chars: int = 2500, skip: int = 3) -> None:
    """Held-out pages read by Tesseract (the first `skip` documents serve the diacritics eval)."""
    _, held = split_corpus(shared / CORPUS_NAME)
    chosen = []
    for doc_id, text in held[skip:]:
        paragraphs, total = [], 0
        for para in text.split("\n"):
            paragraphs.append(para)
            total += len(para)
            if total >= chars:
                break
        if total >= chars:
            chosen.append((doc_id, "\n".join(paragraphs)))
        if len(chosen) >= n_docs:
            break
    with tempfile.TemporaryDirectory() as tmp:
        for k, (doc_id, gold) in enumerate(chosen):
            for degrade, langs in ((False, ("eng", "vie")), (True, ("vie",))):
                image = Path(tmp) / f"{doc_id}.png"
                render_page(gold, image, degrade, seed=k)
                for lang in langs:
                    folder = OCR_SETS / (f"corr_{lang}_degraded" if degrade else f"corr_{lang}")
                    folder.mkdir(parents=True, exist_ok=True)
                    (folder / f"{doc_id}.gold.txt").write_text(gold + "\n", encoding="utf-8")
                    (folder / f"{doc_id}.ocr.txt").write_text(tesseract_text(image, lang), encoding="utf-8")
                    print("made", folder.name, doc_id, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=default_shared_dir())
    ap.add_argument("--max-syllables", type=int, default=60000)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--skip-heldout", action="store_true")
    ap.add_argument("--make-sets", type=int, default=0, metavar="N",
                    help="first render and OCR N held-out documents into benchmarks/work/ocr_sets/")
    args = ap.parse_args(argv)
    if args.make_sets:
        make_sets(args.shared, args.make_sets)
    corrector = Corrector.load()
    report: dict = {}
    if not args.skip_heldout:
        report["heldout"] = eval_restoration(corrector, heldout_texts(args.shared, args.max_syllables))
    dev = args.shared / "dev"
    if (dev / "kh_1005_cuchi.ocr_eng.txt").is_file():
        report["kh_1005_eng"] = summarise([eval_pair(
            corrector,
            (dev / "kh_1005_cuchi.ocr_eng.txt").read_text(encoding="utf-8"),
            (dev / "kh_1005_cuchi.gold.txt").read_text(encoding="utf-8"),
        )])
    by_set: dict[str, list[dict]] = {}
    for ocr_path in sorted(OCR_SETS.glob("*/*.ocr.txt")) if OCR_SETS.is_dir() else []:
        gold_path = ocr_path.with_name(ocr_path.name.replace(".ocr.txt", ".gold.txt"))
        if gold_path.is_file():
            by_set.setdefault(ocr_path.parent.name, []).append(eval_pair(
                corrector, ocr_path.read_text(encoding="utf-8"), gold_path.read_text(encoding="utf-8")))
    for name, counts in by_set.items():
        report[f"ocr_set {name}"] = summarise(counts)
    for name, values in report.items():
        print(name)
        for k, v in values.items():
            print(f"  {k:38s} {v:.4f}" if isinstance(v, float) else f"  {k:38s} {v}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
