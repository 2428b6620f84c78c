"""Build OCR evaluation sets: (OCR text, gold text) pairs the correction engine was never tuned on.

Held-out sets (default): paragraphs of HELD-OUT corpus documents are rendered to degraded page
images exactly as in ``scripts/learn_confusions.py`` (several fonts, bold/italic/caps lines,
150-300 dpi, scan degradations) and OCR-ed with ``tesseract -l vie`` and ``-l eng``; written to
``<out>/heldout_vie/<stem>.{ocr,gold}.txt`` and ``<out>/heldout_eng/``. Deterministic for a
given --seed.

Given pages (``--pages DIR --gold DIR``): each image/PDF (or folder of page images) in DIR is
OCR-ed and paired with ``<gold>/<stem>.txt`` (or ``<stem>.gold.txt``), giving ``samples_vie`` and
``samples_eng`` (``--name`` renames them).

    nice -n 10 env OMP_THREAD_LIMIT=1 .venv/bin/python scripts/make_ocr_sets.py
    nice -n 10 env OMP_THREAD_LIMIT=1 .venv/bin/python scripts/make_ocr_sets.py \\
        --pages samples/scans --gold samples/gold
    nice -n 10 env OMP_THREAD_LIMIT=1 .venv/bin/python scripts/make_ocr_sets.py \\
        --pages benchmarks/work/letters_scan/scans --gold benchmarks/work/letters_scan/gold --name letters

Prints the raw syllable error rate (SER) of each set and writes ``<out>/summary.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageSequence
from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parent))
import learn_confusions as lc  # noqa: E402  (sibling script: shared rendering and OCR)

DEFAULT_OUT = lc.REPO / "benchmarks" / "work" / "ocr_sets"
PAGE_SEPARATOR = "\n\f\n"  # the pipeline's page separator (pipeline/textbuild.py)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
PDF_DPI = 300


def syllables(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).split()


def syllable_errors(ocr: str, gold: str) -> tuple[int, int]:
    """(edit distance over NFC whitespace-split syllable lists, gold length)."""
    gold_syl = syllables(gold)
    return Levenshtein.distance(syllables(ocr), gold_syl), len(gold_syl)


# ---------------------------------------------------------------- held-out sets


def heldout_documents(corpus: Path, rng: random.Random, n_docs: int,
                      syllables_per_doc: int) -> list[tuple[str, list[str]]]:
    """n_docs held-out documents, each a random contiguous run of ~syllables_per_doc syllables."""
    docs = sorted((doc_id, lc.paragraphs(text)) for doc_id, text in lc.iter_documents(corpus, heldout=True))
    rng.shuffle(docs)
    picked = []
    for doc_id, paras in docs:
        if len(picked) == n_docs:
            break
        if sum(len(p.split()) for p in paras) < syllables_per_doc:
            continue
        start = rng.randrange(len(paras))
        while start > 0 and sum(len(p.split()) for p in paras[start:]) < syllables_per_doc:
            start -= 1
        run, count = [], 0
        for para in paras[start:]:
            run.append(para)
            count += len(para.split())
            if count >= syllables_per_doc:
                break
        picked.append((doc_id, run))
    return picked


def build_heldout(args: argparse.Namespace) -> dict[str, dict]:
    rng = random.Random(args.seed)
    families = lc.available_families()
    docs = heldout_documents(args.corpus, rng, args.docs, args.syllables_per_doc)
    layouts = {doc_id: lc.layout_pages(paras, rng, families, lines_per_page=args.lines_per_page, max_lines=10**9)
               for doc_id, paras in docs}
    with tempfile.TemporaryDirectory(prefix="sohoa_ocrsets_") as tmp:
        images: list[tuple[Path, int]] = []
        for doc_id, pages in layouts.items():
            images.extend(lc.render_to_files(pages, rng, Path(tmp), f"{doc_id}_p"))
        print(f"{len(docs)} held-out docs on {len(images)} pages; running tesseract", flush=True)
        texts = lc.ocr_pages(images, lc.MODELS, args.workers)
    summary = {}
    for lang in lc.MODELS:
        folder = args.out / f"heldout_{lang}"
        folder.mkdir(parents=True, exist_ok=True)
        page_index = 0
        for doc_id, pages in layouts.items():
            gold = PAGE_SEPARATOR.join("\n".join(line.text for line in page.lines) for page in pages)
            ocr = PAGE_SEPARATOR.join(texts[page_index + k, lang].strip("\n") for k in range(len(pages)))
            page_index += len(pages)
            (folder / f"{doc_id}.gold.txt").write_text(gold + "\n", encoding="utf-8")
            (folder / f"{doc_id}.ocr.txt").write_text(ocr + "\n", encoding="utf-8")
        summary[folder.name] = score_folder(folder, [doc_id for doc_id, _ in docs])
    return summary


# ---------------------------------------------------------------- given pages


def page_images(source: Path, tmp: Path) -> list[tuple[Path, int]]:
    """The pages of one input (image, multi-page TIFF, PDF, or a folder of those) as PNG files."""
    files = sorted(p for p in source.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES | {".pdf"}) \
        if source.is_dir() else [source]
    pages: list[tuple[Image.Image, int]] = []
    for file in files:
        if file.suffix.lower() == ".pdf":
            import pypdfium2 as pdfium

            for page in pdfium.PdfDocument(str(file)):
                pages.append((page.render(scale=PDF_DPI / 72).to_pil().convert("L"), PDF_DPI))
        else:
            with Image.open(file) as image:
                dpi = round(float(image.info.get("dpi", (300, 300))[0])) or 300
                pages.extend((frame.convert("L"), dpi) for frame in ImageSequence.Iterator(image))
    out = []
    for n, (image, dpi) in enumerate(pages):
        path = tmp / f"{source.stem}_{n:03d}.png"
        image.save(path, dpi=(dpi, dpi))
        out.append((path, max(dpi, 70)))
    return out


def find_gold(gold_dir: Path, stem: str) -> Path | None:
    for candidate in (f"{stem}.gold.txt", f"{stem}.txt", f"{stem}/gold.txt", f"{stem}/{stem}.txt"):
        if (gold_dir / candidate).is_file():
            return gold_dir / candidate
    return None


def input_stem(path: Path) -> str:
    return path.name if path.is_dir() else path.stem


def build_samples(args: argparse.Namespace) -> dict[str, dict]:
    inputs = sorted(p for p in args.pages.iterdir()
                    if p.is_dir() or p.suffix.lower() in IMAGE_SUFFIXES | {".pdf"})
    pairs = [(p, find_gold(args.gold, input_stem(p))) for p in inputs]
    missing = [input_stem(p) for p, g in pairs if g is None]
    if missing:
        print(f"no gold text for {len(missing)} inputs, skipped: {', '.join(missing)}", flush=True)
    pairs = [(p, g) for p, g in pairs if g is not None]
    if not pairs:
        raise SystemExit(f"no page input in {args.pages} has gold text in {args.gold}")
    summary = {}
    with tempfile.TemporaryDirectory(prefix="sohoa_ocrsets_") as tmp:
        per_input = [page_images(p, Path(tmp)) for p, _ in pairs]
        flat = [page for pages in per_input for page in pages]
        print(f"{len(pairs)} inputs, {len(flat)} pages; running tesseract", flush=True)
        texts = lc.ocr_pages(flat, lc.MODELS, args.workers)
    stems = [input_stem(source) for source, _ in pairs]
    for lang in lc.MODELS:
        folder = args.out / f"{args.name}_{lang}"
        folder.mkdir(parents=True, exist_ok=True)
        index = 0
        for (_, gold), pages, stem in zip(pairs, per_input, stems, strict=True):
            ocr = PAGE_SEPARATOR.join(texts[index + k, lang].strip("\n") for k in range(len(pages)))
            index += len(pages)
            (folder / f"{stem}.ocr.txt").write_text(ocr + "\n", encoding="utf-8")
            gold_text = unicodedata.normalize("NFC", gold.read_text(encoding="utf-8"))
            (folder / f"{stem}.gold.txt").write_text(gold_text, encoding="utf-8")
        summary[folder.name] = score_folder(folder, stems)
    return summary


# ---------------------------------------------------------------- scoring


def score_folder(folder: Path, stems: Sequence[str]) -> dict:
    """Micro-averaged raw SER of the given stems' (ocr, gold) pairs in a folder."""
    files = {}
    errors = total = 0
    for stem in stems:
        ocr_path, gold_path = folder / f"{stem}.ocr.txt", folder / f"{stem}.gold.txt"
        e, n = syllable_errors(ocr_path.read_text(encoding="utf-8"), gold_path.read_text(encoding="utf-8"))
        files[stem] = {"errors": e, "syllables": n, "ser": round(e / max(n, 1), 4)}
        errors, total = errors + e, total + n
    return {"documents": len(files), "syllables": total, "errors": errors,
            "ser": round(errors / max(total, 1), 4), "files": files}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=lc.DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--docs", type=int, default=20, help="held-out documents per set")
    parser.add_argument("--syllables-per-doc", type=int, default=250)
    parser.add_argument("--lines-per-page", type=int, default=36)
    parser.add_argument("--seed", type=int, default=1005)
    parser.add_argument("--workers", type=int, default=2, help="parallel tesseract processes")
    parser.add_argument("--pages", type=Path, help="OCR these page images/PDFs instead of held-out text")
    parser.add_argument("--gold", type=Path, help="gold text folder for --pages")
    parser.add_argument("--name", default="samples",
                        help="sets from --pages are <out>/<name>_vie and <name>_eng (default samples)")
    args = parser.parse_args(argv)
    if (args.pages is None) != (args.gold is None):
        parser.error("--pages and --gold go together")

    started = time.monotonic()
    summary = build_samples(args) if args.pages else build_heldout(args)
    args.out.mkdir(parents=True, exist_ok=True)
    summary_path = args.out / "summary.json"
    previous = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.is_file() else {}
    previous.update(summary)
    summary_path.write_text(json.dumps(previous, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for name, result in summary.items():
        print(f"{name}: {result['documents']} documents, {result['syllables']} syllables, "
              f"raw SER {result['ser']:.2%}")
    print(f"wrote {args.out} in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
