"""The document model: the JSON contract of sohoa.

This module imports nothing from the stages, so the model, its JSON export and
its JSON Schema (``schema/document.schema.json``) stand on their own. Every
stage fills its own fields; a value the page does not show is ``None``, never
invented. Boxes are ``[x0, y0, x1, y1]`` in pixels of the page image that
``run`` keeps next to the JSON (``Page.image``); spans are ``[start, end)``
character offsets into ``Document.text``.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

BBox = tuple[int, int, int, int]
Span = tuple[int, int]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


# --- pages -------------------------------------------------------------------


class Word(_Model):
    id: str = Field(description="Stable id: p<page>-b<block>-l<line>-w<word>, 1-based page")
    text: str = Field(description="The word as it stands in the final text")
    ocr_text: str | None = Field(None, description="The OCR reading, when correction changed it")
    confidence: float | None = Field(None, description="OCR confidence 0-100; null for text layers")
    second_reading: str | None = Field(
        None, description="What the second recogniser read at this word's place in its line; null when it "
        "did not run or paired no word with this one")
    bbox: BBox | None = None
    span: Span | None = Field(None, description="Character span of the word in Document.text")


class Line(_Model):
    id: str
    bbox: BBox | None = None
    words: list[Word] = Field(default_factory=list)


BlockKind = Literal["text", "table", "header_left", "header_right", "recipients", "signature", "page_number", "running_header", "stamp"]


class Block(_Model):
    id: str
    kind: BlockKind = "text"
    bbox: BBox | None = None
    lines: list[Line] = Field(default_factory=list)


class ImageRef(_Model):
    path: str = Field(description="Page image path, relative to the output folder")
    sha256: str


class Transform(_Model):
    rotation: int = Field(0, description="Clockwise rotation applied, degrees: 0, 90, 180 or 270")
    skew: float = Field(0.0, description="Deskew angle applied, degrees")
    scale: float = Field(1.0, description="Scale factor applied (upscaling of low-resolution pages)")
    crop: BBox | None = Field(None, description="Crop of the source image applied before scaling, if any")


StampKind = Literal["seal", "stamp", "esign", "handwriting"]


class Stamp(_Model):
    kind: StampKind
    bbox: BBox
    color: str | None = None
    text: str | None = Field(None, description="Text read inside the stamp (e-signature signer, date), if any")


class Page(_Model):
    number: int = Field(description="1-based page number in the source")
    width: int | None = None
    height: int | None = None
    dpi: int | None = None
    transform: Transform = Field(default_factory=Transform)
    image: ImageRef | None = None
    source: Literal["ocr", "text-layer", "text-file"] = "ocr"
    blocks: list[Block] = Field(default_factory=list)
    stamps: list[Stamp] = Field(default_factory=list)
    text: str = Field("", description="Page text in reading order")


# --- structured fields -------------------------------------------------------


class Evidence(_Model):
    page: int | None = None
    bbox: BBox | None = None
    confidence: float | None = None
    flagged: bool = False


class Header(_Model):
    parent_agency: str | None = None
    issuing_agency: str | None = None
    number: str | None = None
    doc_type_code: str | None = None
    place: str | None = None
    date: str | None = Field(None, description="ISO yyyy-mm-dd, or yyyy-mm / yyyy when the day is blank")
    date_text: str | None = None
    doc_type: str | None = None
    subject: str | None = None
    addressees: list[str] = Field(default_factory=list)
    secrecy: str | None = None
    urgency: str | None = None
    evidence: dict[str, Evidence] = Field(default_factory=dict)


class LegalBasis(_Model):
    text: str
    references: list[str] = Field(default_factory=list, description="Numbers of the documents cited")


SectionRole = Literal[
    "legal_basis", "preamble", "goals", "requirements", "content", "tasks", "methods",
    "funding", "organisation", "closing", "other",
]


class Section(_Model):
    number: str | None = None
    title: str | None = None
    role: SectionRole = "other"
    text: str = ""
    span: Span | None = None
    children: list[Section] = Field(default_factory=list)


class ResponsibleUnit(_Model):
    unit: str
    duties: list[str] = Field(default_factory=list)


class Signature(_Model):
    authority: str | None = None
    title: str | None = None
    signer: str | None = None


class Mention(_Model):
    text: str
    span: Span | None = None
    flagged: bool = False
    suggestion: str | None = None


class Reference(_Model):
    doc_type: str | None = None
    number: str | None = None
    date: str | None = None
    issuer: str | None = None
    mentions: list[Mention] = Field(default_factory=list)


class Decision(_Model):
    action: Literal["accept", "pick", "edit", "keep"]
    value: str
    user: str
    at: str = Field(description="UTC ISO 8601")


class Correction(_Model):
    word_ids: list[str] = Field(default_factory=list)
    page: int | None = None
    bbox: BBox | None = None
    span: Span | None = Field(None, description="Span in Document.text of the word as it stands")
    original: str
    corrected: str
    confidence: float
    flagged: bool
    alternatives: list[str] = Field(default_factory=list)
    kind: Literal["word", "header_field", "reference"] = "word"
    decision: Decision | None = Field(None, description="Review decision applied by `sohoa review export`")


# --- document ----------------------------------------------------------------


class SourceKind(str, Enum):
    image = "image"
    image_folder = "image-folder"
    pdf_scan = "pdf-scan"
    pdf_text = "pdf-text"
    text = "text"


class Source(_Model):
    path: str
    sha256: str
    pages: int
    kind: SourceKind


class Status(str, Enum):
    ok = "ok"
    partial = "partial"
    failed = "failed"


class ErrorItem(_Model):
    code: str = Field(description="Machine-readable error kind, e.g. ocr_timeout, ocr_crash, bad_input")
    message: str
    page: int | None = None
    stage: str | None = None


class Quality(_Model):
    mean_ocr_confidence: float | None = None
    words: int = 0
    corrected: int = 0
    flagged: int = 0
    timings: dict[str, float] = Field(default_factory=dict, description="Seconds per stage")
    warnings: list[str] = Field(default_factory=list)
    new_document_pages: list[int] = Field(
        default_factory=list, description="Pages after the first that probably start another letter (new motto and Số:)")


class Provenance(_Model):
    sohoa_version: str
    config_hash: str | None = None
    model_hashes: dict[str, str] = Field(default_factory=dict)
    tesseract_version: str | None = None
    traineddata: dict[str, str] = Field(default_factory=dict, description="Language -> sha256 of its traineddata")
    processed_at: str | None = None


class Document(_Model):
    schema_version: str = SCHEMA_VERSION
    source: Source
    text: str = ""
    raw_text: str = ""
    header: Header = Field(default_factory=Header)
    legal_bases: list[LegalBasis] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    responsible_units: list[ResponsibleUnit] = Field(default_factory=list)
    recipients: list[str] = Field(default_factory=list)
    signature: Signature = Field(default_factory=Signature)
    references: list[Reference] = Field(default_factory=list)
    corrections: list[Correction] = Field(default_factory=list)
    pages: list[Page] = Field(default_factory=list)
    quality: Quality = Field(default_factory=Quality)
    status: Status = Status.ok
    errors: list[ErrorItem] = Field(default_factory=list)
    provenance: Provenance | None = None

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    @classmethod
    def from_json(cls, data: str | bytes) -> Document:
        return cls.model_validate_json(data)

    def words(self):
        """Every word of every page, in page/block/line order."""
        for page in self.pages:
            for block in page.blocks:
                for line in block.lines:
                    yield from line.words


def json_schema() -> dict:
    return Document.model_json_schema()
