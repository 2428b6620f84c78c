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

A page the line analysis finds upright but not surely so is not shown to
Tesseract OSD here, and a page OSD could not turn for want of confidence stays
as it is: either is left in ``ctx.cache[PENDING_ORIENTATION]`` (source image,
recipe, doubt) for the OCR stage, which asks OSD only when the page reads
poorly and then cleans it again turned (``apply_cleanup``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from pipeline.imaging.cleanup import CleanupOptions, CleanupResult, OrientationDoubt, clean_page, to_bgr
from pipeline.model import Document, ErrorItem, Page, Stamp, Transform
from pipeline.runner import RunContext

PENDING_ORIENTATION = "prepare.orientation_pending"


@dataclass
class PendingOrientation:
    """What the OCR stage needs to check a page's orientation after reading it."""

    source: np.ndarray  # the page as it came in, to be cleaned again turned
    dpi: int | None  # its declared dpi
    options: CleanupOptions
    doubt: OrientationDoubt


def take_pending_orientations(ctx: RunContext) -> dict[int, PendingOrientation]:
    """The pages of this run whose orientation awaits their OCR (emptied on the way)."""
    pending = ctx.cache.pop(PENDING_ORIENTATION, None)
    if not pending or pending[0] != id(ctx):  # left over from another document
        return {}
    return pending[1]


class PrepareStage:
    name = "prepare"

    def __init__(self, options: CleanupOptions | None = None):
        self.options = options or CleanupOptions()

    def __call__(self, doc: Document, ctx: RunContext) -> Document:
        if not ctx.config.cleanup:
            return doc
        pending: dict[int, PendingOrientation] = {}
        ctx.cache[PENDING_ORIENTATION] = (id(ctx), pending)
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
            if result.orientation_pending is not None:
                pending[page.number] = PendingOrientation(image, page.dpi, self.options, result.orientation_pending)
            apply_cleanup(doc, page, ctx, result)
        return doc


def apply_cleanup(doc: Document, page: Page, ctx: RunContext, result: CleanupResult) -> None:
    """Make ``result`` the page: its image, transform, size, stamps, step times and warnings."""
    ctx.images[page.number] = to_bgr(result.image)
    _record_page(page, result)
    _record_timings(doc, result)
    doc.quality.warnings.extend(f"page {page.number}: {w}" for w in result.warnings)
    if ctx.config.keep_intermediates:
        _write_steps(ctx, page.number, result)


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
