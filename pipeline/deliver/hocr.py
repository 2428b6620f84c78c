"""hOCR (XHTML) export: one file per document, one ``ocr_page`` per page.

Words carry the corrected text and Tesseract's confidence (``x_wconf``); boxes
are in pixels of the page image kept next to the JSON (``image`` names it,
relative to the hOCR file's folder).
"""

from __future__ import annotations

import os
from pathlib import Path

from lxml import etree

from pipeline import __version__, atomic
from pipeline.deliver.layout import (
    LANGUAGE,
    IdMaker,
    block_box,
    delivered_blocks,
    delivered_lines,
    document_title,
    line_box,
    output_path,
    page_geometry,
    word_text,
    xml_safe,
)
from pipeline.model import BBox, Document, Page, Word

XHTML = "http://www.w3.org/1999/xhtml"
_DOCTYPE = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')


def _e(tag: str, **attrs: str) -> etree._Element:
    return etree.Element(f"{{{XHTML}}}{tag}", {k: v for k, v in attrs.items() if v is not None})


def _sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    child = _e(tag, **attrs)
    parent.append(child)
    return child


def _bbox(box: BBox | None) -> str | None:
    return None if box is None else "bbox {} {} {} {}".format(*box)


def _title(*props: str | None) -> str | None:
    kept = [p for p in props if p]
    return "; ".join(kept) if kept else None


def _word_title(word: Word) -> str | None:
    conf = None if word.confidence is None else f"x_wconf {max(0, min(100, round(word.confidence)))}"
    return _title(_bbox(word.bbox), conf)


def _page_div(page: Page, index: int, output_dir: Path, hocr_dir: Path, ids: IdMaker) -> etree._Element:
    geometry = page_geometry(page, output_dir)
    image = None
    if geometry.image is not None:
        image = f'image "{Path(os.path.relpath(geometry.image, hocr_dir)).as_posix()}"'
    page_box = None if geometry.width is None else (0, 0, geometry.width, geometry.height)
    div = _e("div", **{"class": "ocr_page", "id": ids(f"page_{page.number}", f"page_{page.number}"),
                       "title": _title(image, _bbox(page_box), f"ppageno {index}",
                                       f"scan_res {geometry.dpi} {geometry.dpi}")})
    for block_no, block in enumerate(delivered_blocks(page), start=1):
        fallback = f"block_{page.number}_{block_no}"
        area = _sub(div, "div", **{"class": "ocr_carea", "id": ids(block.id, fallback), "title": _bbox(block_box(block))})
        par = _sub(area, "p", **{"class": "ocr_par", "id": ids(None, f"par_{page.number}_{block_no}"),
                                 "lang": LANGUAGE, "title": _bbox(block_box(block))})
        for line_no, line in enumerate(delivered_lines(block), start=1):
            span = _sub(par, "span", **{"class": "ocr_line", "id": ids(line.id, f"{fallback}_line_{line_no}"),
                                        "title": _bbox(line_box(line))})
            for word_no, word in enumerate(line.words, start=1):
                item = _sub(span, "span", **{"class": "ocrx_word", "id": ids(word.id, f"{fallback}_{line_no}_{word_no}"),
                                             "title": _word_title(word)})
                item.text = xml_safe(word_text(word))
                item.tail = " " if word_no < len(line.words) else None
    return div


def hocr_bytes(doc: Document, output_dir: Path, hocr_dir: Path) -> bytes:
    html = _e("html", lang=LANGUAGE)
    html.set("{http://www.w3.org/XML/1998/namespace}lang", LANGUAGE)
    head = _sub(html, "head")
    _sub(head, "title").text = xml_safe(document_title(doc))
    _sub(head, "meta", **{"http-equiv": "Content-Type", "content": "text/html;charset=utf-8"})
    tesseract = doc.provenance.tesseract_version if doc.provenance else None
    system = f"sohoa {__version__}" + (f" (tesseract {tesseract})" if tesseract else "")
    _sub(head, "meta", name="ocr-system", content=system)
    _sub(head, "meta", name="ocr-capabilities", content="ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf")
    _sub(head, "meta", name="ocr-number-of-pages", content=str(len(doc.pages)))
    body = _sub(html, "body")
    ids = IdMaker()
    for index, page in enumerate(doc.pages):
        body.append(_page_div(page, index, output_dir, hocr_dir, ids))
    return etree.tostring(html, xml_declaration=True, encoding="UTF-8", doctype=_DOCTYPE, pretty_print=True)


def write_hocr(doc: Document, output_dir: Path, output_stem: str) -> Path:
    """Write ``<output_dir>/<output_stem>.hocr`` and return its path."""
    output_dir = Path(output_dir)
    path = output_path(output_dir, output_stem, ".hocr")
    atomic.write_bytes(path, hocr_bytes(doc, output_dir, path.parent))
    return path
