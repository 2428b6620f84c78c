"""Searchable PDF/A-2b export: each kept page image with an invisible text layer.

The text layer is drawn by OCRmyPDF's hOCR renderer (``ocrmypdf.fpdf_renderer``,
fpdf2 underneath): every corrected word (``Word.text``, NFC) is placed on its
box and stretched to its width, in reading order, with the Noto Sans font that
OCRmyPDF ships (it has every Vietnamese letter, is embedded as a subset and
carries a ToUnicode map), so search and copy-paste give the corrected text.
``pikepdf.pdfa.save`` then adds the sRGB OutputIntent and the PDF/A-2b XMP
declaration, writes the file and validates the bytes it wrote; a file that
does not pass is never left at the destination.

Page size comes from the page image and ``Page.dpi`` (300 when unknown). A
page without a kept image (text inputs, ``keep_page_images`` off) gets a
plain white page with the text printed visibly.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from statistics import median

from pipeline import __version__
from pipeline.deliver.layout import (
    LANGUAGE,
    PageGeometry,
    clamp_box,
    delivered_blocks,
    delivered_lines,
    document_title,
    output_path,
    page_geometry,
    union_box,
    word_text,
)
from pipeline.errors import MissingDependencyError, OutputError
from pipeline.model import BBox, Document, Page

log = logging.getLogger(__name__)

PDFA_FLAVOUR = "2b"
A4_PT = (595.28, 841.89)
TEXT_PAGE_MARGIN_PT = 56.0
TEXT_PAGE_FONT_PT = 11.0


def _ocrmypdf():
    try:
        from ocrmypdf.font import MultiFontManager
        from ocrmypdf.fpdf_renderer import Fpdf2PdfRenderer
        from ocrmypdf.hocrtransform import BoundingBox, OcrClass, OcrElement
    except ImportError as exc:  # pragma: no cover - ocrmypdf is a declared dependency
        raise MissingDependencyError("PDF/A export needs OCRmyPDF (>= 17)",
                                     how_to_fix="pip install 'ocrmypdf>=17'") from exc
    return MultiFontManager, Fpdf2PdfRenderer, BoundingBox, OcrClass, OcrElement


def _font_dir() -> Path:
    import ocrmypdf

    return Path(ocrmypdf.__file__).resolve().parent / "data"


def _ocr_page(page: Page, geometry: PageGeometry):
    """The page as OCRmyPDF's OcrElement tree: page -> paragraphs -> lines -> words."""
    _, _, BoundingBox, OcrClass, OcrElement = _ocrmypdf()

    def box(b):
        return BoundingBox(left=b[0], top=b[1], right=b[2], bottom=b[3])

    root = OcrElement(ocr_class=OcrClass.PAGE, bbox=box((0, 0, geometry.width, geometry.height)),
                      dpi=float(geometry.dpi), page_number=page.number - 1, language="vie")
    for block in delivered_blocks(page):
        paragraph = OcrElement(ocr_class=OcrClass.PARAGRAPH, language="vie")
        for line in delivered_lines(block):
            placed = []
            for word in line.words:
                word_box = clamp_box(word.bbox, geometry.width, geometry.height) if word.bbox else None
                if word_box is not None and word_text(word):
                    placed.append((word_text(word), word_box))
            for band, run in _line_runs(placed):
                words = [OcrElement(ocr_class=OcrClass.WORD, bbox=box(b), text=text) for text, b in run]
                paragraph.children.append(OcrElement(ocr_class=OcrClass.LINE, bbox=box(band), children=words,
                                                     language="vie"))
        if paragraph.children:
            paragraph.bbox = box(union_box([(c.bbox.left, c.bbox.top, c.bbox.right, c.bbox.bottom)
                                            for c in paragraph.children]))
            root.children.append(paragraph)
    return root


def _text_band(boxes: list[BBox]) -> BBox:
    """The box the renderer fits a line's text into: the words' horizontal extent and
    their median top and bottom. Tesseract's line box (or the union of word boxes)
    grows with one tall stray mark or stamp, and the renderer sizes the font and
    places the baseline from that box; the medians keep the text on the words."""
    top, bottom = int(median(b[1] for b in boxes)), int(median(b[3] for b in boxes))
    if bottom <= top:
        top, bottom = min(b[1] for b in boxes), max(b[3] for b in boxes)
    return (min(b[0] for b in boxes), top, max(b[2] for b in boxes), bottom)


def _overlaps_band(b: BBox, band: BBox) -> bool:
    """Does at least half of the word's height lie in the band?"""
    inside = min(b[3], band[3]) - max(b[1], band[1])
    return inside * 2 >= b[3] - b[1]


def _line_runs(placed: list[tuple[str, BBox]]) -> list[tuple[BBox, list[tuple[str, BBox]]]]:
    """Split a line into runs drawn on one text band each, in reading order.

    Words on the line's band form runs; a word off the band (a stray mark read
    as ':' below the text, a superscript) becomes a run of its own, drawn on
    its own box, so every word's text lands on that word's box.
    """
    if not placed:
        return []
    band = _text_band([b for _, b in placed])
    runs: list[tuple[BBox, list[tuple[str, BBox]]]] = []
    current: list[tuple[str, BBox]] = []
    for text, b in placed:
        if _overlaps_band(b, band):
            current.append((text, b))
            continue
        if current:
            runs.append((_text_band([x for _, x in current]), current))
            current = []
        runs.append((b, [(text, b)]))
    if current:
        runs.append((_text_band([x for _, x in current]), current))
    return runs


def _text_only_page(pdf, page: Page, geometry: PageGeometry, font_family: str) -> None:
    """A page with no image: print its text so the PDF still carries it."""
    from fpdf.enums import TextMode

    size = (geometry.width_pt, geometry.height_pt) if geometry.width else A4_PT
    pdf.add_page(format=size)
    pdf.text_mode = TextMode.FILL
    pdf.set_font(font_family, size=TEXT_PAGE_FONT_PT)
    pdf.set_margins(TEXT_PAGE_MARGIN_PT, TEXT_PAGE_MARGIN_PT, TEXT_PAGE_MARGIN_PT)
    pdf.set_xy(TEXT_PAGE_MARGIN_PT, TEXT_PAGE_MARGIN_PT)
    paragraphs = ["\n".join(" ".join(word_text(w) for w in line.words) for line in delivered_lines(block))
                  for block in delivered_blocks(page)]
    pdf.multi_cell(w=0, h=TEXT_PAGE_FONT_PT * 1.4, text="\n\n".join(paragraphs))
    pdf.text_mode = TextMode.INVISIBLE


def _has_boxes(page: Page) -> bool:
    return any(word.bbox for block in delivered_blocks(page) for line in block.lines for word in line.words)


def _render(doc: Document, output_dir: Path, target: Path) -> None:
    from fpdf import FPDF
    from fpdf.enums import TextMode

    MultiFontManager, Fpdf2PdfRenderer, *_ = _ocrmypdf()
    fonts = MultiFontManager(_font_dir())
    pdf = FPDF(unit="pt")
    pdf.set_auto_page_break(auto=False)
    pdf.set_text_shaping(True)
    pdf.c_margin = 0
    pdf.text_mode = TextMode.INVISIBLE
    pdf.set_lang(LANGUAGE)
    pdf.set_title(document_title(doc))
    pdf.set_creator(f"sohoa {__version__}")
    pdf.set_producer(f"sohoa {__version__} (OCRmyPDF renderer, fpdf2, pikepdf)")
    registered: dict[str, str] = {}
    text_font = fonts.fonts["NotoSans-Regular"].font_path
    for page in doc.pages:
        geometry = page_geometry(page, output_dir)
        if geometry.image is None or geometry.width is None:
            if "NotoSans-Regular" not in registered.values():
                pdf.add_font(family="NotoSans-Regular", fname=str(text_font))
                registered[str(text_font)] = "NotoSans-Regular"
            _text_only_page(pdf, page, geometry, "NotoSans-Regular")
            continue
        renderer = Fpdf2PdfRenderer(page=_ocr_page(page, geometry), dpi=float(geometry.dpi),
                                    multi_font_manager=fonts, invisible_text=True, image=geometry.image)
        renderer._registered_fonts = registered  # share font registration across pages, as OCRmyPDF does
        renderer.render_to_pdf(pdf)
        if not _has_boxes(page) and any(delivered_blocks(page)):
            log.warning("page %s has text but no word boxes: its text is not searchable in the PDF", page.number)
    if not doc.pages:
        pdf.add_page(format=A4_PT)
    pdf.output(str(target))


def _make_pdfa(rendered: Path, path: Path, doc: Document) -> None:
    import pikepdf
    from pikepdf.pdfa import PdfaError, save

    with pikepdf.open(rendered) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta.load_from_docinfo(pdf.docinfo)
            meta["dc:title"] = document_title(doc)
            meta["xmp:CreatorTool"] = f"sohoa {__version__}"
            meta["pdf:Producer"] = f"sohoa {__version__}; pikepdf {pikepdf.__version__}"
        pdf.Root.Lang = pikepdf.String(LANGUAGE)
        if "/OpenAction" in pdf.Root:  # fpdf2's default zoom action; the PDF/A checker does not accept actions
            del pdf.Root.OpenAction
        try:
            save(pdf, path, PDFA_FLAVOUR, output_intent="sRGB")
        except PdfaError as exc:
            findings = "; ".join(str(f) for f in exc.report.findings[:5]) if getattr(exc, "report", None) else str(exc)
            raise OutputError(f"the PDF for {doc.source.path} does not pass PDF/A-{PDFA_FLAVOUR}: {findings}",
                              how_to_fix="report this as a bug with the input file") from exc


def write_pdfa(doc: Document, output_dir: Path, output_stem: str) -> Path:
    """Write ``<output_dir>/<output_stem>.pdf`` (PDF/A-2b, searchable) and return its path."""
    output_dir = Path(output_dir)
    path = output_path(output_dir, output_stem, ".pdf")
    with tempfile.TemporaryDirectory(prefix="sohoa-pdf-") as scratch:
        rendered = Path(scratch) / "rendered.pdf"
        _render(doc, output_dir, rendered)
        _make_pdfa(rendered, path, doc)
    return path


write_pdf = write_pdfa
