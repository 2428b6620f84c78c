"""Bare ``tesseract -l vie`` against the full sohoa pipeline, on the same scans.

For every input in ``samples/scans/`` (png, jpg, tif, pdf) both systems read the
same pages; their text is scored against ``samples/gold/<stem>.txt`` (CER, syllable
error rate, diacritic accuracy; micro-averaged totals) and timed (seconds per page).
Tesseract runs single-threaded (OMP_THREAD_LIMIT=1) in both systems so the times
compare. PDF pages are rendered once at the pipeline's DPI for the bare run; that
rendering is not counted in tesseract's time.

    python benchmarks/bench_ocr.py [--scans DIR] [--gold DIR] [--limit N]

Writes ``benchmarks/results/ocr.json``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ["OMP_THREAD_LIMIT"] = "1"  # before anything can start tesseract
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import REPO, RESULTS_DIR, cpu_seconds, pct, peak_rss_mb, timer, write_result  # noqa: E402
from pipeline.eval import metrics as m  # noqa: E402
from pipeline.eval.report import collect, evaluate, report_json, stem_key  # noqa: E402

SCAN_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf"}
PAGE_BREAK = "\n\f\n"


@dataclass
class Scores:
    """Summed counts of one system over documents (micro-averages)."""

    docs: int = 0
    pages: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    failures: int = 0
    cer: m.ErrorCounts = field(default_factory=lambda: m.ErrorCounts(0, 0))
    ser: m.ErrorCounts = field(default_factory=lambda: m.ErrorCounts(0, 0))
    ser_punct: m.ErrorCounts = field(default_factory=lambda: m.ErrorCounts(0, 0))
    diacritics: m.Ratio = field(default_factory=lambda: m.Ratio(0, 0))

    def add(self, pages: int, seconds: float | None, text: str | None, gold: str | None,
            cpu: float | None = None) -> dict[str, Any]:
        """Count one document (``text`` None: the system failed on it; ``seconds`` None: not timed)."""
        self.docs += 1
        self.pages += pages
        self.seconds += seconds or 0.0
        self.cpu += cpu or 0.0
        timed = seconds is not None and pages
        row: dict[str, Any] = {"status": "ok" if text is not None else "failed", "pages": pages,
                               "seconds": round(seconds, 2) if timed else None,
                               "s/page": round(seconds / pages, 2) if timed else None,
                               "CPU s/page": round(cpu / pages, 2) if timed and cpu is not None else None}
        if text is None:
            self.failures += 1
            return row
        if gold is not None:
            counts = text_counts(text, gold)
            self.cer += counts["cer"]
            self.ser += counts["ser"]
            self.ser_punct += counts["ser_punct"]
            self.diacritics += counts["diacritics"]
            row |= score_columns(**counts)
        return row

    def summary(self) -> dict[str, Any]:
        return {
            "docs": self.docs, "pages": self.pages, "failed": self.failures,
            **score_columns(self.cer, self.ser, self.ser_punct, self.diacritics),
            "seconds": round(self.seconds, 1),
            "s/page": round(self.seconds / self.pages, 2) if self.pages else None,
            "CPU s/page": round(self.cpu / self.pages, 2) if self.pages else None,
        }

    def raw(self) -> dict[str, Any]:
        return {"cer": self.cer.as_dict(), "ser": self.ser.as_dict(), "ser_punct_insensitive": self.ser_punct.as_dict(),
                "diacritic_accuracy": self.diacritics.as_dict(), "pages": self.pages, "seconds": self.seconds,
                "cpu_seconds": self.cpu}


def text_counts(text: str, gold: str) -> dict[str, Any]:
    return {
        "cer": m.cer(text, gold),
        "ser": m.syllable_error_rate(text, gold),
        "ser_punct": m.syllable_error_rate(text, gold, punct_insensitive=True),
        "diacritics": m.diacritic_accuracy(text, gold),
    }


def score_columns(cer: m.ErrorCounts, ser: m.ErrorCounts, ser_punct: m.ErrorCounts, diacritics: m.Ratio) -> dict[str, Any]:
    return {"CER %": pct(cer.rate), "SER %": pct(ser.rate), "SER nopunct %": pct(ser_punct.rate),
            "diacritics %": pct(diacritics.value)}


# --- inputs -------------------------------------------------------------------------


def find_scans(scans_dir: Path) -> list[Path]:
    return sorted(p for p in scans_dir.iterdir() if p.is_file() and p.suffix.lower() in SCAN_SUFFIXES)


def gold_texts(gold_dir: Path) -> dict[str, Path]:
    if not gold_dir.is_dir():
        return {}
    return {stem: src.txt for stem, src in collect(gold_dir, [], gold=True).items() if src.txt is not None}


def page_images(path: Path, workdir: Path, dpi: int) -> list[Path]:
    """The page images the bare tesseract run reads: the file itself, or rendered PDF pages."""
    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        pages = []
        for index in range(len(pdf)):
            image = pdf[index].render(scale=dpi / 72).to_pil()
            target = workdir / f"{path.stem}-p{index + 1:04d}.png"
            image.save(target)
            pages.append(target)
        return pages
    if path.suffix.lower() in {".tif", ".tiff"}:
        from PIL import Image, ImageSequence

        with Image.open(path) as tif:
            frames = [frame.copy() for frame in ImageSequence.Iterator(tif)]
        if len(frames) > 1:
            targets = [workdir / f"{path.stem}-p{i + 1:04d}.png" for i in range(len(frames))]
            for frame, target in zip(frames, targets, strict=True):
                frame.save(target)
            return targets
    return [path]


# --- the two systems ------------------------------------------------------------------


def run_tesseract(images: list[Path], lang: str, timeout: float) -> str:
    texts = []
    for image in images:
        done = subprocess.run(["tesseract", str(image), "stdout", "-l", lang], capture_output=True, text=True,
                              timeout=timeout, check=True)
        texts.append(done.stdout)
    return PAGE_BREAK.join(texts)


def run_pipeline(path: Path, config, cache: dict, output_dir: Path) -> tuple[Any, str | None]:
    from pipeline.api import process_file

    doc = process_file(path, config, output_dir=output_dir, output_stem=path.stem, cache=cache)
    return doc, doc.text


def bare_runs(scans: list[Path], workdir: Path, args: argparse.Namespace, dpi: int,
              notes: list[str]) -> dict[str, tuple[int, float, str | None, float]]:
    """name -> (pages, seconds, text or None, CPU seconds) of bare tesseract."""
    bare = {}
    for path in scans:
        images = page_images(path, workdir, dpi)
        cpu_before = cpu_seconds()
        try:
            with timer() as t:
                text = run_tesseract(images, args.lang, args.timeout)
        except (subprocess.SubprocessError, OSError) as exc:
            text = None
            notes.append(f"tesseract failed on {path.name}: {exc}")
        bare[path.name] = (len(images), t["seconds"], text, cpu_seconds() - cpu_before)
        print(f"tesseract  {path.name}: {t['seconds']:.1f}s", file=sys.stderr)
    return bare


def structure_tables(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Tables of ``sohoa eval`` numbers on the pipeline's JSON: totals, then per document."""
    total = data["total"]
    rows: list[dict[str, Any]] = []
    if total["structure"]:
        st = total["structure"]
        rows += [{"metric": f"header.{name}", "%": pct(r["value"]), "n": r["total"]}
                 for name, r in st["header"]["fields"].items()]
        rows.append({"metric": "header (all fields)", "%": pct(st["header"]["exact"]["value"]),
                     "n": st["header"]["exact"]["total"]})
        rows += [{"metric": f"signature.{name}", "%": pct(r["value"]), "n": r["total"]}
                 for name, r in st["signature"]["fields"].items()]
        rows.append({"metric": "recipients (exact list)", "%": pct(st["recipients"]["exact"]["value"]),
                     "n": st["recipients"]["exact"]["total"]})
        for name, pr in (("references", st["references"]), ("sections (title+role)", st["sections"]),
                         ("recipients (items)", st["recipients"]["items"])):
            rows.append({"metric": f"{name} precision", "%": pct(pr["precision"]), "n": pr["predicted"]})
            rows.append({"metric": f"{name} recall", "%": pct(pr["recall"]), "n": pr["gold"]})
    if total["flags"]:
        flags = total["flags"]
        rows.append({"metric": "flags precision (flags on a wrong word)", "%": pct(flags["precision"]),
                     "n": flags["predicted"]})
        rows.append({"metric": "flags recall (wrong words flagged)", "%": pct(flags["recall"]), "n": flags["gold"]})
    per_doc = []
    for doc in data["documents"]:
        st, flags = doc["structure"], doc["flags"]
        per_doc.append({
            "document": doc["stem"],
            "header %": pct(st["header"]["exact"]["value"]) if st else None,
            "refs P/R %": _pr(st["references"]) if st else None,
            "sections P/R %": _pr(st["sections"]) if st else None,
            "recipients exact": st["recipients"]["exact"] if st else None,
            "signature %": pct(st["signature"]["exact"]["value"]) if st else None,
            "flags P/R %": _pr(flags) if flags else None,
        })
    return [{"title": "Structure and flags: `sohoa eval` of the pipeline's JSON against samples/gold (totals)",
             "rows": rows},
            {"title": "Structure and flags per document", "rows": per_doc}]


def _pr(pr: dict[str, Any]) -> str:
    fmt = lambda v: "–" if v is None else f"{100 * v:.0f}"  # noqa: E731
    return f"{fmt(pr['precision'])}/{fmt(pr['recall'])}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scans", type=Path, default=REPO / "samples" / "scans")
    parser.add_argument("--gold", type=Path, default=REPO / "samples" / "gold")
    parser.add_argument("--limit", type=int, default=None, help="only the first N inputs")
    parser.add_argument("--lang", default="vie")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per tesseract page")
    parser.add_argument("--name", default="ocr", help="results file name (RESULTS/NAME.json)")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="results folder")
    parser.add_argument("--keep-outputs", type=Path, help="write the pipeline's outputs here (default: a temp dir)")
    args = parser.parse_args(argv)

    from pipeline.config import PipelineConfig

    config = PipelineConfig(languages=args.lang, keep_page_images=False, page_jobs=1)
    scans = find_scans(args.scans) if args.scans.is_dir() else []
    scans = scans[: args.limit] if args.limit else scans
    if not scans:
        print(f"no scans in {args.scans}", file=sys.stderr)
        return 1
    golds = gold_texts(args.gold)
    systems = {name: Scores() for name in ("tesseract", "sohoa (before correction)", "sohoa")}
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    cache: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        outputs = args.keep_outputs or Path(tmp) / "sohoa"
        # Bare tesseract first, so RUSAGE_CHILDREN's peak after this loop is tesseract's own.
        bare = bare_runs(scans, Path(tmp), args, config.render_dpi, notes)
        tesseract_rss = peak_rss_mb(children=True)
        for path in scans:
            gold_path = golds.get(stem_key(Path(path.stem)))
            gold = gold_path.read_text("utf-8") if gold_path else None
            if gold is None:
                notes.append(f"no gold text for {path.name}: timed only")
            pages, seconds, text, cpu = bare[path.name]
            rows.append({"document": path.name, "system": "tesseract",
                         **systems["tesseract"].add(pages, seconds, text, gold, cpu)})
            cpu_before = cpu_seconds()
            try:
                with timer() as t:
                    doc, text = run_pipeline(path, config, cache, outputs)
                raw, pages = doc.raw_text, len(doc.pages) or pages
                if doc.status.value != "ok":
                    notes.append(f"sohoa status {doc.status.value} on {path.name}: "
                                 + "; ".join(e.message for e in doc.errors))
            except Exception as exc:  # a crash is a result to report, not a reason to stop
                text = raw = None
                notes.append(f"sohoa failed on {path.name}: {type(exc).__name__}: {exc}")
            print(f"sohoa      {path.name}: {t['seconds']:.1f}s", file=sys.stderr)
            rows.append({"document": path.name, "system": "sohoa (before correction)",
                         **systems["sohoa (before correction)"].add(pages, None, raw, gold)})
            rows.append({"document": path.name, "system": "sohoa",
                         **systems["sohoa"].add(pages, t["seconds"], text, gold, cpu_seconds() - cpu_before)})
        evaluated = report_json(evaluate(outputs, args.gold)) if args.gold.is_dir() and outputs.is_dir() else None
        if evaluated and not args.keep_outputs:  # the temp folder is gone after the run: keep file names only
            evaluated["pred"] = "pipeline outputs (temporary folder)"
            for doc in evaluated["documents"]:
                doc["pred"] = [Path(p).name for p in doc["pred"]]
    summary = [{"system": name, **scores.summary()} for name, scores in systems.items()]
    summary[0]["peak RSS MiB"] = tesseract_rss
    summary[2]["peak RSS MiB"] = peak_rss_mb()
    summary[1]["seconds"] = summary[1]["s/page"] = summary[1]["CPU s/page"] = None  # raw_text of the "sohoa" run
    base, ours = systems["tesseract"], systems["sohoa"]
    if base.failures or ours.failures:  # totals over different documents do not compare
        notes.append("ratios left empty: a system failed on some documents (see above)")
        base = ours = Scores()
    ratio = {
        "wall-time ratio sohoa/tesseract": _ratio(ours.seconds, base.seconds),
        "CPU-time ratio sohoa/tesseract": _ratio(ours.cpu, base.cpu),
        "CER ratio sohoa/tesseract": _ratio(ours.cer.rate, base.cer.rate),
        "SER ratio sohoa/tesseract": _ratio(ours.ser.rate, base.ser.rate),
    }
    notes.append("sohoa times include model loading on the first document (one shared cache for the run) and "
                 "writing its JSON/text outputs; tesseract and the pipeline's OCR both run single-threaded.")
    notes.append("CPU s/page = user+system CPU of the process and its tesseract children; steadier than wall "
                 "time when the machine is shared (see the load average above).")
    notes.append("peak RSS: tesseract = largest tesseract process; sohoa = the Python process running the "
                 "pipeline (its own tesseract children are not included).")
    tables = [
        {"title": "Totals (micro-averaged over all gold syllables/characters)", "rows": summary},
        {"title": "Ratios", "rows": [ratio]},
        {"title": "Per document", "rows": rows},
    ]
    if evaluated:
        tables += structure_tables(evaluated)
    path = write_result(args.name, {
        "title": "OCR: bare tesseract vs the sohoa pipeline",
        "inputs": {"scans": str(args.scans), "gold": str(args.gold), "documents": len(scans), "lang": args.lang},
        "tables": tables,
        "raw": {name: scores.raw() for name, scores in systems.items()},
        "eval": evaluated,
        "notes": notes,
    }, args.results)
    print(f"wrote {path}", file=sys.stderr)
    return 0


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


if __name__ == "__main__":
    sys.exit(main())
