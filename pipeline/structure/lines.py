"""The document seen as a list of text lines, each knowing its words, span and page.

Parsers read ``TextLine`` objects and report the pieces they take as character
ranges in ``TextLine.text``; ``TextLine.evidence`` turns such a range back into
page, box and OCR confidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.model import BBox, Document, Evidence, Span, Word

SKIPPED_KINDS = frozenset({"page_number", "running_header", "stamp"})
LOW_CONFIDENCE = 60.0


@dataclass
class TextLine:
    text: str
    words: list[Word]
    offsets: list[int]  # start of each word in ``text``
    page: int
    block: int  # running block index over the document: a change marks a paragraph or column break
    kind: str = "text"
    index: int = 0  # position in the document's line list

    @property
    def span(self) -> Span | None:
        if not self.words or self.words[0].span is None or self.words[-1].span is None:
            return None
        return (self.words[0].span[0], self.words[-1].span[1])

    def words_in(self, start: int, end: int) -> list[Word]:
        chosen = []
        for word, offset in zip(self.words, self.offsets, strict=True):
            if offset < end and offset + len(word.text) > start:
                chosen.append(word)
        return chosen

    def evidence(self, start: int = 0, end: int | None = None) -> Evidence:
        end = len(self.text) if end is None else end
        return evidence_for(self.words_in(start, end), self.page)


def union_bbox(boxes: Iterable[BBox | None]) -> BBox | None:
    real = [b for b in boxes if b is not None]
    if not real:
        return None
    return (min(b[0] for b in real), min(b[1] for b in real), max(b[2] for b in real), max(b[3] for b in real))


def mean_confidence(words: Iterable[Word]) -> float | None:
    values = [w.confidence for w in words if w.confidence is not None]
    return round(sum(values) / len(values), 1) if values else None


def evidence_for(words: list[Word], page: int | None) -> Evidence:
    confidence = mean_confidence(words)
    return Evidence(page=page, bbox=union_bbox(w.bbox for w in words), confidence=confidence,
                    flagged=confidence is not None and confidence < LOW_CONFIDENCE)


def make_line(words: list[Word], page: int, block: int, kind: str = "text") -> TextLine:
    offsets, position = [], 0
    for word in words:
        offsets.append(position)
        position += len(word.text) + 1
    return TextLine(text=" ".join(w.text for w in words), words=words, offsets=offsets, page=page,
                    block=block, kind=kind)


def document_lines(doc: Document) -> list[TextLine]:
    """Every line with words, in reading order, leaving out page numbers and running headers."""
    lines: list[TextLine] = []
    block_counter = 0
    for page in doc.pages:
        for block in page.blocks:
            block_counter += 1
            if block.kind in SKIPPED_KINDS:
                continue
            for line in block.lines:
                words = [w for w in line.words if w.text]
                if not words:
                    continue
                text_line = make_line(words, page.number, block_counter, block.kind)
                text_line.index = len(lines)
                lines.append(text_line)
    return lines
