"""Benchmark the page clean-up (prepare stage) by its effect on Tesseract.

For every sample page: OCR CER of the clean rendering, of the degraded
rendering as is and after clean-up (and of the clean rendering after clean-up,
which must not get worse), the CER of the lines under a seal, and clean-up time
against OCR time. Pages left unturned on a doubtful orientation go through
the OCR stage's check (``settle_orientation``) as in a run: its OSD counts as
clean-up time, and when the page is turned and read again, the wasted first
reading and the second clean-up count as clean-up time too. ``--ablate`` also runs recipe variants (each optional step on
or off) so the default recipe is chosen from measurements.

    OMP_THREAD_LIMIT=1 nice -n 10 python benchmarks/bench_prepare.py            # all pages
    python benchmarks/bench_prepare.py --stems bc_087_tanhiep --variants=+sharpen,-ink     # recipe variants
    python benchmarks/bench_prepare.py --only-born-digital --out benchmarks/results/prepare_born_digital.json

Samples come from scripts/make_samples.py (--variant clean / degraded); they are
generated into benchmarks/work/prepare/ when missing. Results: benchmarks/results/prepare.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from rapidfuzz import fuzz  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from pipeline._exec import tesseract  # noqa: E402
from pipeline.eval.metrics import cer, normalize_text  # noqa: E402
from pipeline.imaging.cleanup import CleanupOptions, CleanupResult, clean_page  # noqa: E402
from pipeline.stages.ocr import settle_orientation  # noqa: E402

WORK = REPO / "benchmarks" / "work" / "prepare"  # own copies: other benchmarks regenerate theirs
RESULTS = REPO / "benchmarks" / "results" / "prepare.json"

VARIANTS = {
    "default": {},
    "+binarize": {"binarize": True},
    "+sharpen": {"sharpen": True},
    "+flatten-always": {"flatten_min_unevenness": 0.0},
    "-despeckle": {"despeckle": False},
    "-ink": {"suppress_ink": False},
    # blurred low-dpi pages: left at their dpi (the previous default), or upscaled plainly
    "-blurred-recipe": {"blurred_target_dpi": 0, "blurred_denoise": "none", "blurred_sharpen_amount": 0.0,
                        "blurred_contrast_stretch": False},
    "+upscale-blurred-plain": {"blurred_denoise": "none", "blurred_sharpen_amount": 0.0,
                               "blurred_contrast_stretch": False},
    "-blurred-denoise": {"blurred_denoise": "none"},
    "-blurred-sharpen": {"blurred_sharpen_amount": 0.0},
    "-blurred-contrast": {"blurred_contrast_stretch": False},
    "+blurred-350dpi": {"blurred_target_dpi": 350},
    "-blurred-deconvolve": {"blurred_deconvolve": False},
    "+blurred-psf-1.5": {"blurred_psf_sigma": 1.5},  # a fixed blur instead of the one measured
    "+blurred-lanczos": {"blurred_interpolation": "lanczos"},
    "-ink-window": {"ink_window": False},  # the steps after orientation on the whole page, not its ink window
}


def ensure_samples(variant: str, folder: Path) -> None:
    if (folder / "gold").is_dir() and any((folder / "scans").glob("*")):
        return
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_samples.py"), "--variant", variant,
                    "--out", str(folder)], check=True)


def load_pages(path: Path, dpi: int) -> list[np.ndarray]:
    """BGR pages of an image, multi-page TIFF or PDF (rendered at its native dpi)."""
    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        # forms drawn, as ingest does: signed letters show their seal and e-signature there
        pages = [np.asarray(page.render(scale=dpi / 72, may_draw_forms=True).to_pil().convert("RGB"))[:, :, ::-1].copy()
                 for page in pdf]
        pdf.close()
        return pages
    with Image.open(path) as image:
        return [np.asarray(frame.convert("RGB"))[:, :, ::-1].copy() for frame in ImageSequence.Iterator(image)]


def read_words(image: np.ndarray, dpi: int) -> list[dict]:
    return tesseract.image_to_data(image, lang="vie", psm=3, dpi=dpi, timeout=300)


def words_text(words: list[dict]) -> str:
    lines: dict[tuple, list[str]] = {}
    for word in words:
        lines.setdefault((word["block_num"], word["par_num"], word["line_num"]), []).append(word["text"])
    return "\n".join(" ".join(ws) for ws in lines.values())


def ocr_text(image: np.ndarray, dpi: int) -> tuple[str, float]:
    started = time.perf_counter()
    words = read_words(image, dpi)
    return words_text(words), time.perf_counter() - started


def clean_and_read(page: np.ndarray, dpi: int, options: CleanupOptions) -> tuple[CleanupResult, str, float, float, dict]:
    """(clean-up result kept, OCR text, clean-up seconds, OCR seconds, orientation check) as a run does it."""
    started = time.perf_counter()
    result = clean_page(page, dpi=dpi, options=options)
    prep_seconds = time.perf_counter() - started
    started = time.perf_counter()
    words = read_words(result.image, result.dpi)
    ocr_seconds = time.perf_counter() - started
    check: dict = {}
    if result.orientation_pending is not None:
        outcome = settle_orientation(words, result.image, result.dpi, page, dpi, result.orientation_pending,
                                     options, read_words)
        check = {"first": asdict(outcome.first), "osd_seconds": round(outcome.osd_seconds, 3),
                 "rotation": outcome.rotation, **outcome.info}
        prep_seconds += outcome.osd_seconds
        if outcome.second is not None:  # the first reading was wasted: a cost of the orientation check
            check["second"] = asdict(outcome.second)
            prep_seconds += outcome.reclean_seconds + ocr_seconds
            ocr_seconds = outcome.reread_seconds
        words, result = outcome.rows, outcome.result or result
    return result, words_text(words), prep_seconds, ocr_seconds, check


def covered_cer(ocr: str, covered_lines: list[str]) -> tuple[int, int]:
    """Edits and characters of the best-matching OCR span for each gold line.

    Free of reading order: used for the lines under a seal and for the
    order-free page CER (two-column blocks read across do not count).
    """
    text = normalize_text(ocr)
    edits = total = 0
    for line in covered_lines:
        gold = normalize_text(line)
        if not gold:
            continue
        match = fuzz.partial_ratio_alignment(gold, text)
        best = len(gold)
        if match is not None:
            start, end = match.dest_start, match.dest_end
            # the alignment ignores edits at the ends: try a few characters more or less
            for s0 in range(max(0, start - 3), start + 4):
                for s1 in range(max(s0, end - 3), min(len(text), end + 3) + 1):
                    best = min(best, Levenshtein.distance(gold, text[s0:s1], score_cutoff=best))
        edits += best
        total += len(gold)
    return edits, total


def page_gold(blocks_page: dict) -> str:
    return "\n".join(block["text"] for block in blocks_page["blocks"] if block.get("text"))


def cer_percent(pred: str, gold: str) -> float:
    counts = cer(pred, gold)
    return round(100.0 * counts.errors / max(1, counts.total), 3)


def line_cer_percent(pred: str, gold: str) -> float:
    edits, total = covered_cer(pred, [line for line in gold.splitlines() if line.strip()])
    return round(100.0 * edits / max(1, total), 3)


def score(row: dict, key: str, text: str, gold: str) -> None:
    row[key] = cer_percent(text, gold)
    row[key.replace("[", "_lines[", 1) if "[" in key else key + "_lines"] = line_cer_percent(text, gold)


def run(args: argparse.Namespace) -> dict:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    clean_dir, degraded_dir = Path(args.clean), Path(args.degraded)
    ensure_samples("clean", clean_dir)
    ensure_samples("degraded", degraded_dir)
    names = list(VARIANTS) if args.ablate else ["default", *[v for v in args.variants.split(",") if v]]
    variants = {name: VARIANTS[name] for name in dict.fromkeys(names)}
    rows: list[dict] = []
    stems = [] if args.only_born_digital else sorted((degraded_dir / "gold").glob("*.blocks.json"))
    for blocks_path in stems:
        stem = blocks_path.name.removesuffix(".blocks.json")
        if args.stems and stem not in args.stems.split(","):
            continue
        degraded_blocks = json.loads(blocks_path.read_text(encoding="utf-8"))
        clean_blocks = json.loads((clean_dir / "gold" / blocks_path.name).read_text(encoding="utf-8"))
        degraded_dpi = degraded_blocks["pages"][0]["dpi"]
        clean_dpi = clean_blocks["pages"][0]["dpi"]
        degraded_pages = load_pages(next((degraded_dir / "scans").glob(stem + ".*")), degraded_dpi)
        clean_pages = load_pages(next((clean_dir / "scans").glob(stem + ".*")), clean_dpi)
        for index, (clean, degraded) in enumerate(zip(clean_pages, degraded_pages, strict=False)):
            if args.pages and len(rows) >= args.pages:
                break
            gold = page_gold(clean_blocks["pages"][index])
            seals = degraded_blocks["pages"][index].get("seals", [])
            covered = [line for seal in seals for line in seal.get("covers", [])]
            row = {"page": f"{stem}#{index + 1}", "gold_chars": len(normalize_text(gold))}
            text, seconds = ocr_text(clean, clean_dpi)
            score(row, "clean_raw", text, gold)
            row["ocr_seconds_clean"] = round(seconds, 2)
            text, _ = ocr_text(degraded, degraded_dpi)
            score(row, "degraded_raw", text, gold)
            edits, total = covered_cer(text, covered)
            row["under_seal_raw"] = round(100.0 * edits / total, 2) if total else None
            for name, overrides in variants.items():
                options = replace(CleanupOptions(), **overrides)
                suffix = "" if name == "default" else f"[{name}]"
                result, text, prep_seconds, ocr_seconds, check = clean_and_read(degraded, degraded_dpi, options)
                score(row, f"degraded_cleaned{suffix}", text, gold)
                edits, total = covered_cer(text, covered)
                row[f"under_seal_cleaned{suffix}"] = round(100.0 * edits / total, 2) if total else None
                if name == "default":
                    row["skew_true"] = round(-degraded_blocks["pages"][index].get("skew", 0.0), 3)
                    row["skew_applied"] = result.skew
                    row["prepare_seconds"] = round(prep_seconds, 3)
                    row["ocr_seconds"] = round(ocr_seconds, 2)
                    row["prepare_share_of_ocr"] = round(prep_seconds / max(ocr_seconds, 1e-6), 3)
                    row["steps"] = {step.name: step.seconds for step in result.steps}
                    row["marks"] = [asdict(mark) for mark in result.marks]
                    if check:
                        row["orientation_after_ocr"] = check
                _, text, _, _, _ = clean_and_read(clean, clean_dpi, options)
                score(row, f"clean_cleaned{suffix}", text, gold)
            rows.append(row)
            shown = {k: v for k, v in row.items() if k not in ("steps", "marks", "orientation_after_ocr")}
            print(json.dumps(shown, ensure_ascii=False), flush=True)
        if args.pages and len(rows) >= args.pages:
            break
    results: dict = {"tesseract": tesseract.version(), "options": asdict(CleanupOptions())}
    if rows:
        results.update(pages=rows, summary=summarize(rows, variants))
    shared = REPO.parent / "shared"
    if (args.born_digital or args.only_born_digital) and (shared / "scans").is_dir():
        results["born_digital"] = run_born_digital(shared)
    return results


def run_born_digital(shared: Path) -> list[dict]:
    """Real letters exported from Word (with their real seals and e-signature images).

    Rendered at 300 dpi they are clean pages; their .txt is the gold. CER of the
    whole document, pages joined, raw vs cleaned: clean-up must not hurt them.
    """
    rows = []
    for pdf_path in sorted((shared / "scans" / "quangngai" / "born_digital").glob("*.pdf")):
        gold = pdf_path.with_suffix(".txt").read_text(encoding="utf-8")
        raw_texts, cleaned_texts, marks, prep, ocr = [], [], [], 0.0, 0.0
        for page in load_pages(pdf_path, 300):
            raw_texts.append(ocr_text(page, 300)[0])
            result, text, prep_seconds, seconds, _ = clean_and_read(page, 300, CleanupOptions())
            prep += prep_seconds
            cleaned_texts.append(text)
            ocr += seconds
            marks += [f"{m.kind}:{m.color}" for m in result.marks]
        row = {"document": pdf_path.name, "gold_chars": len(normalize_text(gold)),
               "raw": cer_percent("\n".join(raw_texts), gold), "cleaned": cer_percent("\n".join(cleaned_texts), gold),
               "prepare_seconds": round(prep, 2), "ocr_seconds": round(ocr, 2), "marks": marks}
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return rows


def summarize(rows: list[dict], variants: dict) -> dict:
    def mean(key: str) -> float | None:
        values = [row[key] for row in rows if row.get(key) is not None]
        return round(float(np.mean(values)), 3) if values else None

    def pooled(key: str) -> float | None:
        pairs = [(row[key], row["gold_chars"]) for row in rows if row.get(key) is not None]
        if not pairs:
            return None
        return round(sum(v * n for v, n in pairs) / sum(n for _, n in pairs), 3)

    summary = {
        "pages": len(rows),
        "cer_clean_raw": pooled("clean_raw"),
        "cer_degraded_raw": pooled("degraded_raw"),
        "cer_degraded_cleaned": pooled("degraded_cleaned"),
        "cer_clean_cleaned": pooled("clean_cleaned"),
        "under_seal_raw": mean("under_seal_raw"),
        "under_seal_cleaned": mean("under_seal_cleaned"),
        "prepare_share_of_ocr_mean": mean("prepare_share_of_ocr"),
        "prepare_share_of_ocr_total": (round(sum(r["prepare_seconds"] for r in rows) / sum(r["ocr_seconds"] for r in rows), 3)
                                       if rows else None),
        "prepare_share_of_ocr_max": max((row["prepare_share_of_ocr"] for row in rows), default=None),
        "skew_error_max": max((abs(row["skew_applied"] - row["skew_true"]) for row in rows), default=None),
    }
    for key in ("clean_raw", "degraded_raw", "degraded_cleaned", "clean_cleaned"):
        summary[f"line_cer_{key}"] = pooled(f"{key}_lines")
    if summary["cer_clean_raw"]:
        summary["degraded_cleaned_over_clean"] = round(summary["cer_degraded_cleaned"] / summary["cer_clean_raw"], 3)
        summary["line_degraded_cleaned_over_clean"] = round(
            summary["line_cer_degraded_cleaned"] / summary["line_cer_clean_raw"], 3)
        summary["pages_within_1_3x_line_cer"] = sum(
            1 for row in rows if row["degraded_cleaned_lines"] <= 1.3 * row["clean_raw_lines"])
    summary["clean_cer_increase_max"] = max((row["clean_cleaned"] - row["clean_raw"] for row in rows), default=None)
    summary["clean_line_cer_increase_max"] = max(
        (row["clean_cleaned_lines"] - row["clean_raw_lines"] for row in rows), default=None)
    for name in variants:
        if name != "default":
            summary[f"cer_degraded_cleaned[{name}]"] = pooled(f"degraded_cleaned[{name}]")
            summary[f"cer_clean_cleaned[{name}]"] = pooled(f"clean_cleaned[{name}]")
            summary[f"line_cer_degraded_cleaned[{name}]"] = pooled(f"degraded_cleaned_lines[{name}]")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", default=str(WORK / "samples_clean"))
    parser.add_argument("--degraded", default=str(WORK / "samples_degraded"))
    parser.add_argument("--pages", type=int, default=0, help="stop after this many pages (0 = all)")
    parser.add_argument("--ablate", action="store_true", help="also run every recipe variant")
    parser.add_argument("--variants", default="", help=f"comma-separated variants to add: {', '.join(VARIANTS)}")
    parser.add_argument("--stems", default="", help="comma-separated sample stems (default: all)")
    parser.add_argument("--born-digital", action="store_true",
                        help="also OCR ../shared born-digital letters (real seals) raw vs cleaned")
    parser.add_argument("--only-born-digital", action="store_true", help="skip the sample pages")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)
    results = run(args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results.get("summary", results.get("born_digital")), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
