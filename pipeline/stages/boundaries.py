"""Spot pages that probably start another letter inside one file (long PDFs of
bound letters): the national motto and a "Số:" line near the top of a page
after the first. Reported in ``quality.new_document_pages``; nothing is split.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

from pipeline.model import Document, Page
from pipeline.runner import RunContext

MOTTO = "CONG HOA XA HOI CHU NGHIA VIET NAM"
NUMBER_LINE = re.compile(r"^\s*S[oố0ô6]\s*[:;.]", re.IGNORECASE)
TOP_SHARE = 0.35  # the header sits in the top third of a page
TOP_LINES = 12  # pages without boxes: the first lines


def fold(text: str) -> str:
    """Upper case without marks, đ as d: OCR slips in the motto still match."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "D").upper()


def _top_lines(page: Page) -> list[str]:
    lines = [line for block in page.blocks for line in block.lines if line.words]
    if page.height and all(line.bbox for line in lines):
        limit = page.height * TOP_SHARE
        lines = [line for line in lines if line.bbox[1] < limit]
    else:
        lines = lines[:TOP_LINES]
    return [" ".join(word.text for word in line.words) for line in lines]


def starts_new_letter(page: Page) -> bool:
    lines = _top_lines(page)
    has_motto = any(fuzz.partial_ratio(MOTTO, fold(text)) >= 85 for text in lines)
    has_number = any(NUMBER_LINE.match(text) or " SO:" in f" {fold(text)}" for text in lines)
    return has_motto and has_number


class BoundariesStage:
    name = "boundaries"

    def __call__(self, doc: Document, ctx: RunContext) -> Document:
        found = [page.number for page in doc.pages[1:] if starts_new_letter(page)]
        doc.quality.new_document_pages = found
        if found:
            pages = ", ".join(str(n) for n in found)
            doc.quality.warnings.append(f"page(s) {pages} probably start another document (national motto and Số:)")
        return doc
