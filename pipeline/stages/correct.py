"""Correction stage: runs the correction engine over the document text and maps
its changes back onto words.

Applied changes replace the words' text (the OCR reading stays in ``ocr_text``);
flagged ones leave the text alone and are listed in ``corrections`` for review. On pages
read from a PDF's text layer every change is only flagged: that text is the letter as issued.
Before the engine runs, lines that are only a seal's or stamp's marks read as text (the signature
scribble between the signer's title and name, seal rim letters) are dropped, each as an applied
correction that keeps the words' boxes for review. After it, a table's figure that breaks its
column's sum to the "Tổng cộng" row by one digit is flagged (``pipeline.correction.tables``).
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from pathlib import Path
from statistics import fmean

from pipeline.correction import Change, Corrector
from pipeline.correction.second import page_class
from pipeline.correction.tables import Cell, column_sum_doubts
from pipeline.model import BBox, Correction, Document, Line, Word
from pipeline.runner import RunContext
from pipeline.structure.lines import union_bbox
from pipeline.textbuild import rebuild_text


def load_corrector(ctx: RunContext) -> Corrector:
    key = ("corrector", ctx.config.learned_dir, ctx.config.tone_style)
    corrector = ctx.cache.get(key)
    if corrector is None:
        learned = Path(ctx.config.learned_dir) if ctx.config.learned_dir else None
        corrector = Corrector.load(learned_dir=learned, tone_style=ctx.config.tone_style)
        ctx.cache[key] = corrector
    return corrector


def _word_index(doc: Document) -> list[tuple[Word, int]]:
    """Words with a span, in text order, with their page numbers."""
    indexed = []
    for page in doc.pages:
        for block in page.blocks:
            for line in block.lines:
                indexed.extend((word, page.number) for word in line.words if word.span is not None)
    indexed.sort(key=lambda item: item[0].span[0])
    return indexed


def _words_in(indexed: list[tuple[Word, int]], starts: list[int], start: int, end: int) -> list[tuple[Word, int]]:
    """Words whose span overlaps [start, end); spans do not overlap, so they form one run of ``indexed``."""
    hits = []
    for index in range(max(0, bisect_right(starts, start) - 1), len(indexed)):
        word, page = indexed[index]
        if word.span[0] >= end:
            break
        if word.span[1] > start:
            hits.append((word, page))
    return hits


def _apply(change: Change, hits: list[tuple[Word, int]], text: str) -> None:
    """Write an applied change into the words it covers (a merge empties the later words)."""
    first, _ = hits[0]
    prefix = text[first.span[0]:change.start]
    last = hits[-1][0]
    suffix = text[change.end:last.span[1]]
    if first.ocr_text is None:
        first.ocr_text = first.text
    first.text = prefix + change.corrected + suffix
    for word, _ in hits[1:]:
        if word.ocr_text is None:
            word.ocr_text = word.text
        word.text = ""


def _drop_empty_words(doc: Document) -> None:
    for page in doc.pages:
        for block in page.blocks:
            for line in block.lines:
                line.words = [word for word in line.words if word.text]


TEXT_LAYER = "text-layer"  # Page.source of pages read from a PDF's text layer

# A line over a seal, stamp or e-signature box is their marks, not text, when it has no letters or
# digits, or when it is short and Tesseract was unsure of all of it ("vVWW", "L@ VAN A\\"). Body
# lines under a seal keep confident words once its ink is suppressed, and are longer.
STAMP_NOISE_KINDS = ("seal", "stamp", "esign")
STAMP_NOISE_MAX_WORDS = 3  # words with a letter or digit
STAMP_NOISE_MEAN_CONFIDENCE = 55.0
STAMP_NOISE_MAX_CONFIDENCE = 80.0  # of any word with a letter or digit
STAMP_NOISE_CONFIDENCE = 0.9  # of the correction that drops such a line


def _overlaps(box: BBox, boxes: list[BBox]) -> bool:
    return any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes)


def _is_stamp_noise(line: Line, boxes: list[BBox]) -> bool:
    words = line.words
    if not words or any(w.bbox is None or w.confidence is None for w in words):
        return False
    if 2 * sum(_overlaps(w.bbox, boxes) for w in words) < len(words):
        return False
    lettered = [w for w in words if any(ch.isalnum() for ch in w.text)]
    if not lettered:
        return True
    return (len(lettered) <= STAMP_NOISE_MAX_WORDS
            and fmean(w.confidence for w in words) < STAMP_NOISE_MEAN_CONFIDENCE
            and max(w.confidence for w in lettered) < STAMP_NOISE_MAX_CONFIDENCE)


def drop_stamp_noise(doc: Document) -> list[Correction]:
    """Empty the OCR lines that are a seal's or stamp's marks; the corrections that record it."""
    dropped = []
    for page in doc.pages:
        boxes = [stamp.bbox for stamp in page.stamps if stamp.kind in STAMP_NOISE_KINDS]
        if page.source != "ocr" or not boxes:
            continue
        for block in page.blocks:
            for line in block.lines:
                if not _is_stamp_noise(line, boxes):
                    continue
                dropped.append(Correction(
                    word_ids=[w.id for w in line.words], page=page.number,
                    bbox=union_bbox([w.bbox for w in line.words]),
                    original=" ".join(w.text for w in line.words), corrected="",
                    confidence=STAMP_NOISE_CONFIDENCE, flagged=False,
                ))
                for word in line.words:
                    word.ocr_text = word.text if word.ocr_text is None else word.ocr_text
                    word.text = ""
    return dropped


class CorrectStage:
    name = "correct"

    def __call__(self, doc: Document, ctx: RunContext) -> Document:
        if not doc.raw_text:
            doc.raw_text = doc.text
        if not ctx.config.correction or not doc.text.strip():
            return doc
        corrector = load_corrector(ctx)
        dropped = drop_stamp_noise(doc)
        if dropped:
            doc.corrections.extend(dropped)
            _drop_empty_words(doc)
            rebuild_text(doc)
        indexed = _word_index(doc)
        starts = [word.span[0] for word, _ in indexed]
        confidences = [(w.span[0], w.span[1], w.confidence) for w, _ in indexed if w.confidence is not None]
        kinds = {page.number: page_class(page.transform.scale if page.transform else None) for page in doc.pages}
        seconds = [(w.span[0], w.span[1], w.second_reading, kinds[number])
                   for w, number in indexed if w.second_reading is not None]
        result = corrector.correct(doc.text, mode=ctx.config.correction_mode, token_confidences=confidences or None,
                                   token_second_readings=seconds or None)
        pending: list[tuple[Change, list[tuple[Word, int]]]] = []
        issued_pages = {page.number for page in doc.pages if page.source == TEXT_LAYER}
        for change in result.changes:
            hits = _words_in(indexed, starts, change.start, change.end)
            if not hits:
                continue
            if hits[0][1] in issued_pages and not change.flagged:
                # a PDF's own text layer is the letter as issued: its typos are suggestions only
                change = dataclasses.replace(change, flagged=True)
            if not change.flagged:
                _apply(change, hits, doc.text)
            pending.append((change, hits))
        _drop_empty_words(doc)
        rebuild_text(doc)
        for change, hits in pending:
            kept = [word for word, _ in hits if word.text]
            span = (kept[0].span[0], kept[-1].span[1]) if kept and kept[0].span and kept[-1].span else None
            doc.corrections.append(Correction(
                word_ids=[word.id for word, _ in hits], page=hits[0][1], bbox=union_bbox([w.bbox for w, _ in hits]),
                span=span, original=change.original, corrected=change.corrected,
                confidence=round(change.confidence, 4), flagged=change.flagged,
                alternatives=_alternatives(change, hits),
            ))
        if COLUMN_SUMS:
            doc.corrections.extend(column_sum_flags(doc))
        return doc


COLUMN_SUMS = True
COLUMN_SUM_CONFIDENCE = 0.5


def _alternatives(change: Change, hits: list[tuple[Word, int]]) -> list[str]:
    """The corrector's alternatives, then, for a doubted word, what the second recogniser read
    there when no reading offered is that: a clerk picks it with one key ("312/KH-BATGT" for
    "312/KH-BATUT", "m2" for "m¿")."""
    offered = list(change.alternatives)
    if not change.flagged or len(hits) != 1 or hits[0][0].second_reading is None:
        return offered
    second = _trimmed_like(hits[0][0].second_reading, change.original)
    if second and second not in (change.original, change.corrected, *offered):
        offered.append(second)
    return offered


def _trimmed_like(reading: str, original: str) -> str:
    """``reading`` without the punctuation at either end that ``original`` has not."""
    if original[-1:].isalnum():
        reading = reading.rstrip(_EDGE_PUNCTUATION)
    if original[:1].isalnum():
        reading = reading.lstrip(_EDGE_PUNCTUATION)
    return reading


_EDGE_PUNCTUATION = ".,;:!?\"'()[]“”‘’-–…"


def column_sum_flags(doc: Document) -> list[Correction]:
    """Flags for the figures that break their table column's sum, on words no correction holds."""
    taken = {word_id for correction in doc.corrections for word_id in correction.word_ids}
    flags = []
    for page in doc.pages:
        words = {word.id: word for block in page.blocks for line in block.lines for word in line.words}
        cells = [Cell(word.id, word.text, word.bbox) for word in words.values() if word.text and word.bbox]
        for doubt in column_sum_doubts(cells):
            word = words[doubt.id]
            if word.id in taken:
                continue
            suggestion = word.text.replace(doubt.read, doubt.suggestion, 1)
            flags.append(Correction(word_ids=[word.id], page=page.number, bbox=word.bbox, span=word.span,
                                    original=word.text, corrected=suggestion, confidence=COLUMN_SUM_CONFIDENCE,
                                    flagged=True, alternatives=[suggestion]))
    return flags
