"""OCR stage: the orientation check after reading a page whose OSD was put off."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from pipeline.config import PipelineConfig
from pipeline.imaging.cleanup import CleanupOptions, OrientationDoubt, clean_page
from pipeline.imaging.geometry import OrientationGuess, rotate_quarter
from pipeline.imaging.synthetic import SAMPLE_LINES, render_lines
from pipeline.model import Document, Page, Source, SourceKind
from pipeline.runner import RunContext
from pipeline.stages.ocr import OcrStage, judge_reading, settle_orientation
from pipeline.stages.prepare import (
    PENDING_ORIENTATION,
    PendingOrientation,
    PrepareStage,
    take_pending_orientations,
)

DOUBTFUL_UPRIGHT = OrientationDoubt(OrientationGuess(rotation=0, confidence=0.05, ambiguous=True,
                                                     horizontal_ratio=3.0, ascender_share=0.525))


def _row(text: str, conf: float = 95.0, width: int = 60, height: int = 20) -> dict:
    return {"text": text, "conf": conf, "left": 0, "top": 0, "width": width, "height": height,
            "block_num": 1, "par_num": 1, "line_num": 1}


UPRIGHT_TEXT = "Ủy ban nhân dân tỉnh Quảng Ngãi chỉ thị về việc tăng cường"
UPSIDE_DOWN_TEXT = "ưu˙ɐ ʎuɐ xdbp oẹ pɥ ọịu 'lʌ .ọu ịɥu ɐp"  # what Tesseract makes of a page upside down
UPRIGHT_ROWS = [_row(w) for w in UPRIGHT_TEXT.split()]


def test_an_upright_reading_is_not_poor():
    check = judge_reading(UPRIGHT_ROWS + [_row("UBND,"), _row("138/QĐ-UBND")])
    assert not check.poor and check.syllable_share > 0.9 and check.standing_share == 0.0


def test_upside_down_and_sideways_readings_are_poor():
    garbage = [_row(w, conf=40.0) for w in UPSIDE_DOWN_TEXT.split()]
    assert judge_reading(garbage).poor
    low_confidence = [_row(r["text"], conf=50.0) for r in UPRIGHT_ROWS]
    assert judge_reading(low_confidence).poor
    sideways = [_row(r["text"], width=20, height=60) for r in UPRIGHT_ROWS]  # words standing on end
    assert judge_reading(sideways).poor and judge_reading(sideways).standing_share == 1.0
    few = judge_reading([_row(w, conf=40.0) for w in UPSIDE_DOWN_TEXT.split()[:3]])
    assert few.sparse and not few.poor  # too few words to tell


class _Osd:
    def __init__(self, rotate: int, conf: float = 20.0):
        self.answer = {"rotate": rotate, "orientation_conf": conf}
        self.calls = 0

    def __call__(self, image):
        self.calls += 1
        return self.answer


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return render_lines(SAMPLE_LINES[:3], dpi=150)


def test_a_good_reading_asks_no_osd(page):
    osd = _Osd(180)
    outcome = settle_orientation(UPRIGHT_ROWS, page, 150, page, 150, DOUBTFUL_UPRIGHT, CleanupOptions(),
                                 read=lambda image, dpi: pytest.fail("read again"), osd=osd)
    assert osd.calls == 0 and outcome.rows is UPRIGHT_ROWS and outcome.result is None


def test_a_page_of_next_to_no_words_asks_no_osd(page):
    osd = _Osd(180)
    few = [_row("ban", conf=30.0)] * 3
    outcome = settle_orientation(few, page, 150, page, 150, DOUBTFUL_UPRIGHT, CleanupOptions(),
                                 read=lambda image, dpi: pytest.fail("read again"), osd=osd)
    assert osd.calls == 0 and outcome.rows is few


def test_a_poor_reading_turns_cleans_again_and_keeps_the_better(page):
    garbage = [_row("ban", conf=30.0)] * 8  # poor: read with low confidence
    upside_down = rotate_quarter(page, 180)
    seen: list[np.ndarray] = []

    def read(image: np.ndarray, dpi: int) -> list[dict]:
        seen.append(image)
        return UPRIGHT_ROWS

    outcome = settle_orientation(garbage, upside_down, 150, upside_down, 150, DOUBTFUL_UPRIGHT, CleanupOptions(),
                                 read=read, osd=_Osd(180))
    assert outcome.rotation == 180 and outcome.rows is UPRIGHT_ROWS
    assert outcome.result is not None and outcome.result.rotation == 180 and seen[0] is outcome.result.image
    assert outcome.osd_seconds > 0 and outcome.reclean_seconds > 0
    # the turned page reads worse: the first reading stays
    worse = [_row("zz", conf=10.0)] * 8
    kept = settle_orientation(garbage, upside_down, 150, upside_down, 150, DOUBTFUL_UPRIGHT, CleanupOptions(),
                              read=lambda image, dpi: worse, osd=_Osd(180))
    assert kept.rows is garbage and kept.result is None and kept.warnings


def test_after_a_poor_reading_even_a_weak_osd_turn_is_tried(page):
    upside_down = rotate_quarter(page, 180)
    outcome = settle_orientation([_row("ban", conf=30.0)] * 8, upside_down, 150, upside_down, 150,
                                 DOUBTFUL_UPRIGHT, CleanupOptions(), read=lambda image, dpi: UPRIGHT_ROWS,
                                 osd=_Osd(180, conf=1.5))
    assert outcome.rotation == 180 and outcome.rows is UPRIGHT_ROWS


def test_osd_asked_during_cleanup_is_not_asked_again(page):
    asked = OrientationDoubt(DOUBTFUL_UPRIGHT.guess, osd_rotate=180, osd_conf=1.6)
    outcome = settle_orientation([_row("ban", conf=30.0)] * 8, page, 150, page, 150, asked, CleanupOptions(),
                                 read=lambda image, dpi: [_row("zz", conf=10.0)] * 8,
                                 osd=lambda image: pytest.fail("OSD asked again"))
    assert outcome.rotation == 180 and outcome.result is None  # tried, read worse, not kept
    upright = OrientationDoubt(DOUBTFUL_UPRIGHT.guess, osd_rotate=0, osd_conf=3.0)
    outcome = settle_orientation([_row("ban", conf=30.0)] * 8, page, 150, page, 150, upright, CleanupOptions(),
                                 read=lambda image, dpi: pytest.fail("read again"))
    assert outcome.rotation == 0 and outcome.result is None


def _doc() -> Document:
    return Document(source=Source(path="x.png", sha256="0" * 64, pages=1, kind=SourceKind.image),
                    pages=[Page(number=1, dpi=200)])


def _ctx(tmp_path: Path, image: np.ndarray) -> RunContext:
    return RunContext(config=PipelineConfig(), input_path=tmp_path / "x.png", images={1: image})


def test_pending_orientations_belong_to_their_run(tmp_path, page):
    sparse = np.full((1200, 900), 255, np.uint8)
    sparse[100 : 100 + page.shape[0], : min(900, page.shape[1])] = page[:, :900]
    doc, ctx = _doc(), _ctx(tmp_path, cv2.cvtColor(sparse, cv2.COLOR_GRAY2BGR))
    PrepareStage()(doc, ctx)
    pending = take_pending_orientations(ctx)
    assert list(pending) == [1] and pending[1].source.shape[:2] == sparse.shape
    assert PENDING_ORIENTATION not in ctx.cache and take_pending_orientations(ctx) == {}
    other = _ctx(tmp_path, sparse)
    other.cache = ctx.cache
    PrepareStage()(_doc(), ctx)
    assert take_pending_orientations(other) == {}  # another document's pages are not this one's


@pytest.mark.tesseract
def test_an_upside_down_page_left_unturned_is_turned_after_ocr(tmp_path):
    """The clean-up leaned upright on a page that is upside down: its OCR reads poorly,
    OSD turns it, the page is cleaned and read again, and the transform says so."""
    text_lines = SAMPLE_LINES * 3
    upside_down = cv2.cvtColor(rotate_quarter(render_lines(text_lines, dpi=200, size_pt=12), 180), cv2.COLOR_GRAY2BGR)
    left_as_is = clean_page(upside_down, dpi=200, options=CleanupOptions(orientation=False))
    doc, ctx = _doc(), _ctx(tmp_path, cv2.cvtColor(left_as_is.image, cv2.COLOR_GRAY2BGR))
    ctx.cache[PENDING_ORIENTATION] = (id(ctx), {1: PendingOrientation(upside_down, 200, CleanupOptions(),
                                                                     DOUBTFUL_UPRIGHT)})
    doc = OcrStage()(doc, ctx)
    page = doc.pages[0]
    assert page.transform.rotation == 180
    assert "nhân dân" in page.text and "phối hợp" in page.text, page.text
    assert doc.quality.timings["prepare.orientation"] > 0 and doc.quality.timings["ocr.orientation_retry"] > 0
    assert (page.height, page.width) == ctx.images[1].shape[:2]


@pytest.mark.tesseract
def test_an_upright_doubtful_page_reads_without_osd(tmp_path):
    upright = render_lines(SAMPLE_LINES * 2, dpi=200, size_pt=12)
    doc, ctx = _doc(), _ctx(tmp_path, cv2.cvtColor(upright, cv2.COLOR_GRAY2BGR))
    osd = _Osd(180)
    ctx.cache[PENDING_ORIENTATION] = (id(ctx), {1: PendingOrientation(upright, 200, CleanupOptions(),
                                                                     DOUBTFUL_UPRIGHT)})
    doc = OcrStage(osd=osd)(doc, ctx)
    assert osd.calls == 0 and doc.pages[0].transform.rotation == 0 and doc.quality.words > 10
    assert "ocr.orientation_retry" not in doc.quality.timings


@pytest.mark.tesseract
@pytest.mark.parametrize("second_reader", [True, False])
def test_each_word_gets_the_second_readers_word_when_asked(tmp_path, second_reader):
    upright = render_lines(SAMPLE_LINES, dpi=300, size_pt=12)
    doc = _doc()
    ctx = RunContext(config=PipelineConfig(second_reader=second_reader), input_path=tmp_path / "x.png",
                     images={1: cv2.cvtColor(upright, cv2.COLOR_GRAY2BGR)})
    doc = OcrStage()(doc, ctx)
    words = list(doc.words())
    read = [w for w in words if w.second_reading is not None]
    if second_reader:
        assert len(read) > 0.8 * len(words)
        assert sum(w.second_reading == w.text for w in read) > 0.7 * len(read)
        assert doc.quality.timings["ocr.second_reading"] > 0
    else:
        assert not read and "ocr.second_reading" not in doc.quality.timings
