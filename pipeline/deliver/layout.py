"""What the archive writers (PDF/A, ALTO, hOCR) share: the page geometry and
the words to deliver, in reading order.

The writers deliver exactly the words that make up ``Document.text``: blocks
that ``textbuild`` leaves out of the text (page numbers, running headers,
stamps) are left out here too, so a search in the PDF or the ALTO strings
give the same text as the JSON.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from pipeline.model import BBox, Block, Document, Line, Page, Word
from pipeline.textbuild import EXCLUDED_BLOCK_KINDS

DEFAULT_DPI = 300
LANGUAGE = "vi"  # BCP 47, for ALTO LANG, hOCR lang and the PDF /Lang
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass
class PageGeometry:
    width: int | None  # pixels of the kept page image
    height: int | None
    dpi: int
    image: Path | None  # absolute path of the kept page image, if it exists

    @property
    def width_pt(self) -> float | None:
        return None if self.width is None else self.width * 72.0 / self.dpi

    @property
    def height_pt(self) -> float | None:
        return None if self.height is None else self.height * 72.0 / self.dpi


def page_geometry(page: Page, output_dir: Path) -> PageGeometry:
    """Size of the page image the boxes refer to; the image itself wins over the model."""
    dpi = page.dpi or DEFAULT_DPI
    image_path = (output_dir / page.image.path) if page.image else None
    if image_path is not None and image_path.is_file():
        with Image.open(image_path) as image:
            width, height = image.size
        return PageGeometry(width, height, dpi, image_path)
    return PageGeometry(page.width, page.height, dpi, None)


def delivered_blocks(page: Page) -> list[Block]:
    """Blocks whose words belong to the text, in reading order."""
    return [block for block in page.blocks
            if block.kind not in EXCLUDED_BLOCK_KINDS and any(line.words for line in block.lines)]


def delivered_lines(block: Block) -> list[Line]:
    return [line for line in block.lines if line.words]


def union_box(boxes: list[BBox | None]) -> BBox | None:
    known = [box for box in boxes if box is not None]
    if not known:
        return None
    return (min(b[0] for b in known), min(b[1] for b in known), max(b[2] for b in known), max(b[3] for b in known))


def line_box(line: Line) -> BBox | None:
    return line.bbox or union_box([word.bbox for word in line.words])


def block_box(block: Block) -> BBox | None:
    return block.bbox or union_box([line_box(line) for line in block.lines])


def clamp_box(box: BBox, width: int | None, height: int | None) -> BBox | None:
    """Clip a box to the page; None when nothing of it is left (or it is degenerate)."""
    x0, y0, x1, y1 = box
    if width is not None:
        x0, x1 = max(0, min(x0, width)), max(0, min(x1, width))
    if height is not None:
        y0, y1 = max(0, min(y0, height)), max(0, min(y1, height))
    if x1 <= x0 or y1 <= y0:
        return None
    return (x0, y0, x1, y1)


def word_text(word: Word) -> str:
    """The corrected word, NFC (Vietnamese precomposed letters)."""
    return unicodedata.normalize("NFC", word.text)


def xml_safe(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry (control characters from odd inputs)."""
    return _NOT_XML.sub("", text)


def ocr_alternative(word: Word) -> str | None:
    """The OCR reading, when correction changed the word."""
    if word.ocr_text is None:
        return None
    ocr = unicodedata.normalize("NFC", word.ocr_text)
    return ocr if ocr != word_text(word) else None


def confidence01(word: Word) -> float | None:
    """Word confidence on a 0..1 scale (the model keeps Tesseract's 0..100)."""
    if word.confidence is None or word.confidence < 0:
        return None
    return round(min(word.confidence, 100.0) / 100.0, 4)


@dataclass
class IdMaker:
    """Unique XML ids: the model's ids where they are valid NCNames, else made up."""

    used: set[str] = field(default_factory=set)

    def __call__(self, wanted: str | None, fallback: str) -> str:
        candidate = wanted if wanted and _NCNAME.match(wanted) else fallback
        base, suffix = candidate, 2
        while candidate in self.used:
            candidate = f"{base}_{suffix}"
            suffix += 1
        self.used.add(candidate)
        return candidate


def output_path(output_dir: Path, output_stem: str, suffix: str) -> Path:
    path = output_dir / f"{output_stem}{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def document_title(doc: Document) -> str:
    header = doc.header
    parts = [part for part in (header.doc_type, header.number, header.subject) if part]
    return xml_safe(" ".join(parts) if parts else Path(doc.source.path).stem)  # it also goes into the XMP packet
