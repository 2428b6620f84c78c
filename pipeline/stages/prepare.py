"""Prepare stage: clean every scanned page image before OCR.

Replaces ``ctx.images[n]`` with the cleaned page (the image kept for review;
later boxes are in its pixels) and records, per page, ``Page.transform``
(crop, quarter rotation, deskew angle, scale), the size and dpi after cleanup,
and ``Page.stamps`` (seals, stamps, e-signature notes, boxes in the cleaned
page). Step times go to ``doc.quality.timings["prepare.<step>"]``. With
``config.keep_intermediates`` every step's image is written to
``<output_dir>/<output_stem>.steps/p0001_01_ink.png`` and so on.

The recipe is ``CleanupOptions()`` (chosen by benchmarks/bench_prepare.py);
another one can be passed to the constructor.
"""

from __future__ import annotations

from pathlib import Path

import cv2

from pipeline.imaging.cleanup import CleanupOptions, CleanupResult, clean_page, to_bgr
from pipeline.model import Document, ErrorItem, Page, Stamp, Transform
from pipeline.runner import RunContext


class PrepareStage:
    name = "prepare"

    def __init__(self, options: CleanupOptions | None = None):
        self.options = options or CleanupOptions()

    def __call__(self, doc: Document, ctx: RunContext) -> Document:
        if not ctx.config.cleanup:
            return doc
        for page in doc.pages:
            image = ctx.images.get(page.number)
            if image is None or page.source != "ocr":
                continue  # text layers and text files have nothing to clean
            try:
                result = clean_page(image, dpi=page.dpi, options=self.options,
                                    keep_images=ctx.config.keep_intermediates)
            except Exception as exc:  # one bad page must not stop the document; OCR gets the raw page
                doc.errors.append(ErrorItem(code="prepare_failed", message=f"page clean-up failed: {exc}",
                                            page=page.number, stage=self.name))
                continue
            ctx.images[page.number] = to_bgr(result.image)
            _record_page(page, result)
            _record_timings(doc, result)
            doc.quality.warnings.extend(f"page {page.number}: {w}" for w in result.warnings)
            if ctx.config.keep_intermediates:
                _write_steps(ctx, page.number, result)
        return doc


def _record_page(page: Page, result: CleanupResult) -> None:
    page.transform = Transform(rotation=result.rotation, skew=result.skew, scale=result.scale, crop=result.crop)
    page.height, page.width = result.image.shape[:2]
    page.dpi = result.dpi
    page.stamps = [Stamp(kind=mark.kind, bbox=mark.bbox, color=mark.color) for mark in result.marks]


def _record_timings(doc: Document, result: CleanupResult) -> None:
    timings = doc.quality.timings
    for step in result.steps:
        key = f"prepare.{step.name}"
        timings[key] = round(timings.get(key, 0.0) + step.seconds, 4)


def steps_dir(ctx: RunContext) -> Path | None:
    if ctx.output_dir is None:
        return None
    stem = ctx.output_stem or ctx.input_path.stem
    return Path(ctx.output_dir) / f"{stem}.steps"


def _write_steps(ctx: RunContext, page_number: int, result: CleanupResult) -> None:
    folder = steps_dir(ctx)
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for index, step in enumerate(result.steps, start=1):
        if step.image is not None:
            cv2.imwrite(str(folder / f"p{page_number:04d}_{index:02d}_{step.name}.png"), step.image)
