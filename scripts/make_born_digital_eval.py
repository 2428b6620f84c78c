"""Scan-like page images of the born-digital letters, with their text layer as the gold.

Each ``<shared>/scans/quangngai/born_digital/<stem>.pdf`` is rendered at 200 dpi with pypdfium2,
mildly degraded (blur, noise, JPEG artefacts: a clean office scan) and written as one multi-page
TIFF ``<out>/pages/<stem>.tif``; its ``<stem>.txt`` (pages split by form feeds) becomes
``<out>/gold/<stem>.txt`` with the pipeline's page separator. Then:

    .venv/bin/python scripts/make_born_digital_eval.py
    sohoa run benchmarks/work/born_digital/pages -o benchmarks/work/born_digital/out
    sohoa eval benchmarks/work/born_digital/out benchmarks/work/born_digital/gold

``--recipe issue5`` degrades them instead with the fixed recipe of the issue on page preparation
(``scripts/make_samples.py --variant degraded`` without its seal: rendered at 300 dpi, skewed 3-4
degrees, blur sigma 1.2 at 150 dpi, noise, speckle, 150 dpi, JPEG 35), one image PDF per letter,
into ``benchmarks/work/born_digital_issue5/``.

The output lives under benchmarks/work/ (git-ignored): the letters are never copied into the repo.
Deterministic for a given --seed.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # (scripts.make_samples, for --recipe issue5)
DEFAULT_SOURCE = REPO.parent / "shared" / "scans" / "quangngai" / "born_digital"
DEFAULT_OUT = REPO / "benchmarks" / "work" / "born_digital"
DPI = 200
PAGE_SEPARATOR = "\n\f\n"  # the pipeline's page separator (pipeline/textbuild.py)


def degrade(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A mild office scan: slight blur, sensor noise, grey paper and JPEG compression."""
    image = image.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.5, 0.8))))
    pixels = np.asarray(image, dtype=np.float32) * rng.uniform(0.88, 0.97) + rng.uniform(5, 20)
    pixels = np.clip(pixels + rng.normal(0, 8, pixels.shape), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode="L").save(buffer, format="JPEG", quality=int(rng.integers(55, 80)))
    buffer.seek(0)
    return Image.open(buffer).convert("L")


def render_pages(pdf: Path, dpi: int = DPI, mode: str = "L") -> list[Image.Image]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return [page.render(scale=dpi / 72).to_pil().convert(mode) for page in document]
    finally:
        document.close()


def degrade_issue5(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """The issue-5 recipe of scripts/make_samples.py (its 'degraded' variant), without the seal."""
    import cv2

    from scripts import make_samples

    page = np.asarray(image.resize((make_samples.PAGE_W, make_samples.PAGE_H)), dtype=np.uint8)
    skew = float(rng.uniform(3.0, 4.0) * rng.choice([-1, 1]))
    recipe = make_samples.Recipe("degraded", 150, skew, 1.2, 7.0, False, "pdf", 35, False, False, True)
    degraded, _ = make_samples.degrade(page, recipe, rng)
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(degraded, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 35])
    return Image.open(io.BytesIO(data.tobytes())).convert("RGB")


def gold_text(txt: Path) -> str:
    pages = txt.read_text(encoding="utf-8").split("\f")
    cleaned = ["\n".join(line.strip() for line in page.splitlines() if line.strip()) for page in pages]
    return PAGE_SEPARATOR.join(cleaned) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--recipe", choices=("office", "issue5"), default="office",
                    help="a clean office scan (200 dpi TIFF), or the page-preparation issue's recipe")
    args = ap.parse_args(argv)
    if args.recipe == "issue5" and args.out == DEFAULT_OUT:
        args.out = DEFAULT_OUT.with_name("born_digital_issue5")
    pdfs = sorted(args.source.glob("*.pdf"))
    if not pdfs:
        print(f"no PDF in {args.source}", file=sys.stderr)
        return 1
    rng = np.random.default_rng(args.seed)
    (args.out / "pages").mkdir(parents=True, exist_ok=True)
    (args.out / "gold").mkdir(parents=True, exist_ok=True)
    for pdf in pdfs:
        stem = pdf.name[: -len(".pdf")]
        txt = pdf.with_suffix(".txt")
        if not txt.is_file():
            print(f"{pdf.name}: no text layer file {txt.name}, skipped", file=sys.stderr)
            continue
        if args.recipe == "issue5":
            pages = [degrade_issue5(page, rng) for page in render_pages(pdf, 300, "RGB")]
            pages[0].save(args.out / "pages" / f"{stem}.pdf", save_all=True, append_images=pages[1:], resolution=150)
        else:
            pages = [degrade(page, rng) for page in render_pages(pdf)]
            pages[0].save(args.out / "pages" / f"{stem}.tif", save_all=True, append_images=pages[1:],
                          dpi=(DPI, DPI), compression="tiff_deflate")
        (args.out / "gold" / f"{stem}.txt").write_text(gold_text(txt), encoding="utf-8")
        print(f"{stem}: {len(pages)} pages", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
