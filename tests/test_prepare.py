from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from pipeline.config import PipelineConfig
from pipeline.imaging.cleanup import CleanupOptions
from pipeline.imaging.geometry import rotate_small_angle
from pipeline.imaging.synthetic import SAMPLE_LINES, add_speckle, jpeg, line_boxes, render_lines, stamp_seal
from pipeline.model import Document, Page, Source, SourceKind
from pipeline.runner import RunContext, run_stages
from pipeline.stages.prepare import PrepareStage

LINES = SAMPLE_LINES + SAMPLE_LINES[:4]


def degraded_page(angle: float = 3.0, blur: float = 0.8, quality: int = 50
                  ) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A 150 dpi page: seal over body lines, skewed, blurred, specked, JPEG."""
    gray = render_lines(LINES, dpi=150)
    page = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    boxes = line_boxes(LINES, dpi=150)
    seal = stamp_seal(page, ((boxes[4][0] + boxes[4][2]) // 2, boxes[5][1]), radius=110)
    page, _ = rotate_small_angle(page, angle)
    page = cv2.GaussianBlur(page, (0, 0), blur)
    return jpeg(add_speckle(page, seed=1), quality), seal


def make_doc(pages: int = 1, source: str = "ocr", dpi: int | None = 150) -> Document:
    return Document(
        source=Source(path="x.png", sha256="0" * 64, pages=pages, kind=SourceKind.image),
        pages=[Page(number=n, dpi=dpi, source=source) for n in range(1, pages + 1)],
    )


def make_ctx(tmp_path: Path, image: np.ndarray, **config) -> RunContext:
    return RunContext(config=PipelineConfig(**config), input_path=tmp_path / "x.png", output_dir=tmp_path,
                      output_stem="x", images={1: image})


def test_prepare_cleans_and_records_the_page(tmp_path):
    image, _ = degraded_page(3.0)
    doc, ctx = make_doc(), make_ctx(tmp_path, image)
    doc = run_stages(doc, ctx, [PrepareStage()])
    page = doc.pages[0]
    cleaned = ctx.images[1]
    assert cleaned.dtype == np.uint8 and cleaned.ndim == 3
    assert (page.height, page.width) == cleaned.shape[:2]
    assert page.dpi == 150 and page.transform.scale == 1.0  # sharp 150 dpi pages are not upscaled
    assert abs(page.transform.skew + 3.0) <= 0.2 and page.transform.rotation == 0
    assert [(s.kind, s.color) for s in page.stamps] == [("seal", "red")]
    x0, y0, x1, y1 = page.stamps[0].bbox
    assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height
    assert 215 <= (x1 - x0) <= 250  # a 220 px seal at 150 dpi, slightly widened by the skew
    for step in ("ink", "flatten", "despeckle", "orientation", "deskew"):
        assert f"prepare.{step}" in doc.quality.timings
    assert "prepare" in doc.quality.timings
    assert not (tmp_path / "x.steps").exists()


def test_keep_intermediates_writes_each_step(tmp_path):
    image, _ = degraded_page(2.0)
    doc, ctx = make_doc(), make_ctx(tmp_path, image, keep_intermediates=True)
    PrepareStage()(doc, ctx)
    names = sorted(p.name for p in (tmp_path / "x.steps").iterdir())
    assert names[0] == "p0001_01_ink.png"
    assert any(name.endswith("_deskew.png") for name in names)
    last = cv2.imread(str(tmp_path / "x.steps" / names[-1]), cv2.IMREAD_GRAYSCALE)
    assert last.shape == ctx.images[1].shape[:2]


def test_cleanup_off_and_text_pages_are_left_alone(tmp_path):
    image, _ = degraded_page(2.0)
    doc, ctx = make_doc(), make_ctx(tmp_path, image, cleanup=False)
    PrepareStage()(doc, ctx)
    assert ctx.images[1] is image and doc.pages[0].transform.skew == 0.0
    doc, ctx = make_doc(source="text-layer"), make_ctx(tmp_path, image)
    PrepareStage()(doc, ctx)
    assert ctx.images[1] is image


def test_options_choose_the_recipe(tmp_path):
    image, _ = degraded_page(2.0)
    doc, ctx = make_doc(), make_ctx(tmp_path, image)
    PrepareStage(CleanupOptions.from_dict({"binarize": True, "upscale": False}))(doc, ctx)
    assert set(np.unique(ctx.images[1])) <= {0, 255}
    assert doc.pages[0].dpi == 150
    with pytest.raises(ValueError, match="unknown clean-up options"):
        CleanupOptions.from_dict({"nope": 1})


def test_a_broken_page_is_reported_and_kept(tmp_path):
    broken = np.zeros((0, 0, 3), np.uint8)
    doc, ctx = make_doc(), make_ctx(tmp_path, broken)
    PrepareStage()(doc, ctx)
    assert ctx.images[1] is broken
    assert doc.errors and doc.errors[0].code == "prepare_failed" and doc.errors[0].page == 1


@pytest.mark.tesseract
def test_text_under_a_seal_reads_back():
    """OCR CER of the lines under a seal, after clean-up, is at most 10%."""
    from rapidfuzz.distance import Levenshtein

    from pipeline._exec import tesseract
    from pipeline.imaging.cleanup import clean_page

    for blur, quality in ((0.8, 50), (1.2, 35)):  # the second: the recipe (blurred, deconvolved)
        image, _ = degraded_page(3.0, blur, quality)
        result = clean_page(image, dpi=150)
        words = tesseract.image_to_data(result.image, lang="vie", psm=6, dpi=result.dpi, timeout=120)
        text = " ".join(w["text"] for w in words)
        covered = LINES[3:7]
        edits = total = 0
        for line in covered:
            best = min(Levenshtein.distance(line, text[i : i + len(line)])
                       for i in range(max(1, len(text) - len(line))))
            edits, total = edits + best, total + len(line)
        assert edits / total <= 0.10, (blur, edits / total, text)


def test_a_blurred_page_is_deconvolved_then_upscaled(tmp_path):
    image, _ = degraded_page(3.0, blur=1.2, quality=35)
    doc, ctx = make_doc(), make_ctx(tmp_path, image)
    doc = run_stages(doc, ctx, [PrepareStage()])
    page = doc.pages[0]
    assert page.dpi == 300 and page.transform.scale == 2.0
    assert "prepare.deconvolve" in doc.quality.timings
    assert [(s.kind, s.color) for s in page.stamps] == [("seal", "red")]
    off = run_stages(make_doc(), make_ctx(tmp_path, image),
                     [PrepareStage(CleanupOptions(blurred_deconvolve=False))])
    assert "prepare.deconvolve" not in off.quality.timings
