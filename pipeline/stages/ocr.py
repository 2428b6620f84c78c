"""OCR: Tesseract words with boxes, confidences and block/line ids for each image page.

A page whose OCR crashes or runs over its time limit becomes an error item on
the document (status ``partial``, or ``failed`` when no page could be read);
the other pages go on.

Orientation check after reading: a page the clean-up left unturned on a doubt
(an upright-leaning doubtful guess whose OSD was put off, or an OSD answer too
weak to turn it; ``prepare.PendingOrientation``) has its reading judged
(``judge_reading``: word confidence, share of real Vietnamese syllables, words
standing on end). Only a poor reading calls Tesseract OSD (if it was not asked
already; a page of next to no words is left alone); when OSD names a turn, the
page is cleaned again turned and read again, and the turned reading is kept,
with its image and transform, when it reads well and better than the first.
OSD counts as clean-up time (``prepare.orientation``), and so does the second
clean-up (its steps when it is kept, else ``prepare.orientation``);
``ocr.orientation_retry`` is the whole detour (OSD, clean-up and OCR again),
part of the ``ocr`` stage time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import cv2
import numpy as np

from pipeline._exec import tesseract
from pipeline.correction.viet import is_valid_syllable
from pipeline.errors import SohoaError
from pipeline.imaging.cleanup import (
    CleanupOptions,
    CleanupResult,
    OrientationDoubt,
    OsdFunction,
    clean_page,
    recheck_orientation,
)
from pipeline.model import Block, Document, ErrorItem, Line, Page, Status, Word
from pipeline.runner import RunContext
from pipeline.second_reading import read_lines_again, shared_reader
from pipeline.stages.prepare import PendingOrientation, apply_cleanup, take_pending_orientations
from pipeline.textbuild import rebuild_text


def _union(boxes: list[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def blocks_from_tesseract(rows: list[dict], page_number: int) -> list[Block]:
    """Tesseract TSV word rows → blocks → lines → words, in Tesseract's order."""
    blocks: dict[int, Block] = {}
    lines: dict[tuple[int, int, int], Line] = {}
    for row in rows:
        block_key = row["block_num"]
        block = blocks.get(block_key)
        if block is None:
            block = Block(id=f"p{page_number}-b{block_key}")
            blocks[block_key] = block
        line_key = (row["block_num"], row["par_num"], row["line_num"])
        line = lines.get(line_key)
        if line is None:
            line = Line(id=f"p{page_number}-b{block_key}-l{len(block.lines) + 1}")
            lines[line_key] = line
            block.lines.append(line)
        left, top = row["left"], row["top"]
        bbox = (left, top, left + row["width"], top + row["height"])
        confidence = max(0.0, min(100.0, row["conf"])) if row["conf"] >= 0 else None
        line.words.append(Word(id=f"{line.id}-w{len(line.words) + 1}", text=row["text"].strip(),
                               confidence=confidence, bbox=bbox))
    for block in blocks.values():
        for line in block.lines:
            line.bbox = _union([w.bbox for w in line.words])
        block.bbox = _union([line.bbox for line in block.lines])
    return list(blocks.values())


# --- is the reading that of an upright page? --------------------------------------

_PUNCTUATION = ".,;:!?\"'()[]{}“”‘’«»-–—…*/"
# Measured on the 13 sample pages (clean and degraded renderings): read upright, mean word
# confidence 87-96 and 73-100% of letter words are Vietnamese syllables; read upside down
# 40-47 and 17-38%. Tesseract reads a page turned 90° with good confidence, but its words
# stand on end (boxes taller than wide).
MIN_WORDS_TO_JUDGE = 5
MIN_MEAN_CONFIDENCE = 70.0
MIN_SYLLABLE_SHARE = 0.55
MAX_UPRIGHT_BOX_SHARE = 0.5


@dataclass(frozen=True)
class ReadingCheck:
    letter_words: int  # words of letters only (punctuation stripped)
    mean_confidence: float
    syllable_share: float  # of the letter words, the share that are Vietnamese syllables
    standing_share: float  # of the words of 3+ letters, the share whose box is taller than wide

    @property
    def sparse(self) -> bool:
        """Too few words to tell (a page with a seal and a signature only): no turn is worth a reading."""
        return self.letter_words < MIN_WORDS_TO_JUDGE

    @property
    def poor(self) -> bool:
        return not self.sparse and (self.mean_confidence < MIN_MEAN_CONFIDENCE or self.syllable_share < MIN_SYLLABLE_SHARE
                                    or self.standing_share > MAX_UPRIGHT_BOX_SHARE)

    @property
    def score(self) -> float:
        """Higher for a better reading (to keep the better of two)."""
        return self.syllable_share * self.mean_confidence * (1.0 - self.standing_share) * min(1.0, self.letter_words / 20)


def judge_reading(rows: list[dict]) -> ReadingCheck:
    """How much a page's Tesseract words look like upright Vietnamese (cheap: no language model)."""
    confidences = [row["conf"] for row in rows if row["conf"] >= 0]
    letters = [word for word in (row["text"].strip().strip(_PUNCTUATION) for row in rows) if word.isalpha()]
    long_words = [row for row in rows if sum(c.isalpha() for c in row["text"]) >= 3]
    standing = sum(1 for row in long_words if row["height"] > row["width"])
    return ReadingCheck(
        letter_words=len(letters),
        mean_confidence=round(sum(confidences) / len(confidences), 1) if confidences else 0.0,
        syllable_share=round(sum(map(is_valid_syllable, letters)) / len(letters), 3) if letters else 0.0,
        standing_share=round(standing / len(long_words), 3) if long_words else 0.0,
    )


@dataclass
class OrientationOutcome:
    """What the orientation check after OCR did to one page."""

    rows: list[dict]  # the reading kept
    result: CleanupResult | None = None  # the page cleaned again turned, when that reading is kept
    first: ReadingCheck | None = None
    second: ReadingCheck | None = None
    rotation: int = 0  # the turn tried (0: none)
    osd_seconds: float = 0.0
    reclean_seconds: float = 0.0
    reread_seconds: float = 0.0
    info: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def settle_orientation(rows: list[dict], cleaned: np.ndarray, dpi: int, source: np.ndarray, source_dpi: int | None,
                       doubt: OrientationDoubt, options: CleanupOptions,
                       read: Callable[[np.ndarray, int], list[dict]], osd: OsdFunction | None = None,
                       keep_images: bool = False) -> OrientationOutcome:
    """Judge the reading of a page left unturned on a doubt; when it is poor, take the turn OSD
    names (``recheck_orientation``), clean ``source`` again turned, read it, and keep the better reading."""
    outcome = OrientationOutcome(rows=rows, first=judge_reading(rows))
    if not outcome.first.poor:
        return outcome
    started = time.perf_counter()
    gray = cleaned if cleaned.ndim == 2 else cv2.cvtColor(cleaned, cv2.COLOR_BGR2GRAY)
    outcome.rotation, outcome.info = recheck_orientation(gray, dpi, doubt, options, osd, outcome.warnings)
    outcome.osd_seconds = time.perf_counter() - started
    if not outcome.rotation:
        return outcome
    started = time.perf_counter()
    result = clean_page(source, dpi=source_dpi, options=options, rotation=outcome.rotation, keep_images=keep_images)
    outcome.reclean_seconds = time.perf_counter() - started
    started = time.perf_counter()
    turned_rows = read(result.image, result.dpi)
    outcome.reread_seconds = time.perf_counter() - started
    outcome.second = judge_reading(turned_rows)
    # the turn is kept only when it reads well and better: a weak OSD answer is no proof
    if not outcome.second.poor and not outcome.second.sparse and outcome.second.score > outcome.first.score:
        outcome.rows, outcome.result = turned_rows, result
    else:
        outcome.warnings.append(f"turned by {outcome.rotation}° (OSD) the page read no better: kept as it was")
    return outcome


def record_confidence(doc: Document) -> None:
    confidences = [word.confidence for word in doc.words() if word.confidence is not None]
    doc.quality.words = sum(1 for _ in doc.words())
    doc.quality.mean_ocr_confidence = round(sum(confidences) / len(confidences), 2) if confidences else None


class OcrStage:
    name = "ocr"

    def __init__(self, osd: OsdFunction | None = None):
        self.osd = osd  # None: Tesseract OSD
        self._lock = threading.Lock()

    def __call__(self, doc: Document, ctx: RunContext) -> Document:
        pending = take_pending_orientations(ctx)
        pages_to_read = [page for page in doc.pages if page.source == "ocr"]
        if not pages_to_read:
            record_confidence(doc)
            return doc
        tesseract.check_installed(ctx.config.languages)
        jobs = max(1, min(ctx.config.page_jobs, len(pages_to_read)))
        if jobs > 1:  # tesseract runs as a child process, so threads give real parallelism
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                results = list(pool.map(lambda page: self._read_page(page, doc, ctx, pending.get(page.number)),
                                        pages_to_read))
        else:
            results = [self._read_page(page, doc, ctx, pending.get(page.number)) for page in pages_to_read]
        doc.errors.sort(key=lambda error: error.page or 0)
        failed = results.count(False)
        if failed:
            doc.status = Status.failed if failed == len(doc.pages) else Status.partial
        rebuild_text(doc)
        record_confidence(doc)
        return doc

    def _read_page(self, page: Page, doc: Document, ctx: RunContext, pending: PendingOrientation | None) -> bool:
        image = ctx.images.get(page.number)
        if image is None:
            return True

        def read(picture: np.ndarray, dpi: int | None) -> list[dict]:
            return tesseract.image_to_data(picture, lang=ctx.config.languages, psm=ctx.config.psm, dpi=dpi,
                                           timeout=ctx.config.ocr_timeout)

        try:
            rows = read(image, page.dpi)
        except SohoaError as exc:
            doc.errors.append(ErrorItem(code=exc.code, message=exc.one_line(), page=page.number, stage=self.name))
            return False
        if pending is not None:
            rows = self._settle_orientation(page, doc, ctx, pending, image, rows, read)
        page.blocks = blocks_from_tesseract(rows, page.number)
        if ctx.config.second_reader:
            self._read_again(page, doc, ctx.images.get(page.number, image))
        return True

    def _read_again(self, page: Page, doc: Document, image: np.ndarray) -> None:
        """The second recogniser's reading of each line, for the correction stage to weigh."""
        started = time.perf_counter()
        try:
            read_lines_again(shared_reader(), image, [line for block in page.blocks for line in block.lines])
        except Exception as exc:  # the first reading stands without it
            with self._lock:
                doc.quality.warnings.append(f"page {page.number}: second reading failed: {exc}")
            return
        with self._lock:
            timings = doc.quality.timings
            timings["ocr.second_reading"] = round(timings.get("ocr.second_reading", 0.0)
                                                  + time.perf_counter() - started, 4)

    def _settle_orientation(self, page: Page, doc: Document, ctx: RunContext, pending: PendingOrientation,
                            image: np.ndarray, rows: list[dict], read) -> list[dict]:
        try:
            outcome = settle_orientation(rows, image, page.dpi or 300, pending.source, pending.dpi, pending.doubt,
                                         pending.options, read, self.osd, ctx.config.keep_intermediates)
        except Exception as exc:  # a failed second look must not lose the first reading
            with self._lock:
                doc.quality.warnings.append(f"page {page.number}: orientation check after OCR failed: {exc}")
            return rows
        with self._lock:
            timings = doc.quality.timings
            if outcome.osd_seconds:
                # a second clean-up that is kept brings its own step times (apply_cleanup)
                orientation = outcome.osd_seconds + (outcome.reclean_seconds if outcome.result is None else 0.0)
                detour = outcome.osd_seconds + outcome.reclean_seconds + outcome.reread_seconds
                for key, seconds in (("prepare.orientation", orientation), ("ocr.orientation_retry", detour)):
                    timings[key] = round(timings.get(key, 0.0) + seconds, 4)
            doc.quality.warnings.extend(f"page {page.number}: {w}" for w in outcome.warnings)
            if outcome.result is not None:
                apply_cleanup(doc, page, ctx, outcome.result)
        return outcome.rows
