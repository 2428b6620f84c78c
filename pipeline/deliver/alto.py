"""ALTO XML v4 export: pages -> text blocks -> lines -> strings.

Coordinates are pixels of the page image kept next to the JSON. A ``String``
holds the corrected word (``CONTENT``), the OCR word confidence on 0..1
(``WC``) and, when correction changed the word, the OCR reading as an
``ALTERNATIVE`` with ``PURPOSE="ocr"``. ``SP`` separates strings on a line.
The output validates against the official ALTO 4.4 schema
(``pipeline/deliver/schemas/alto-4-4.xsd``; see ``validate_alto``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

from pipeline import __version__, atomic
from pipeline.deliver.layout import (
    LANGUAGE,
    IdMaker,
    PageGeometry,
    block_box,
    clamp_box,
    confidence01,
    delivered_blocks,
    delivered_lines,
    line_box,
    ocr_alternative,
    output_path,
    page_geometry,
    word_text,
    xml_safe,
)
from pipeline.model import BBox, Block, Document, Line, Page

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
ALTO_XSD = SCHEMA_DIR / "alto-4-4.xsd"
XLINK_XSD = SCHEMA_DIR / "xlink.xsd"
SCHEMA_LOCATION = f"{ALTO_NS} http://www.loc.gov/standards/alto/v4/alto-4-4.xsd"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: object) -> etree._Element:
    child = etree.SubElement(parent, f"{{{ALTO_NS}}}{tag}",
                             {k: _fmt(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        child.text = text
    return child


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _position(box: BBox | None, geometry: PageGeometry) -> dict[str, int]:
    box = clamp_box(box, geometry.width, geometry.height) if box is not None else None
    if box is None:
        return {}
    x0, y0, x1, y1 = box
    return {"HPOS": x0, "VPOS": y0, "WIDTH": x1 - x0, "HEIGHT": y1 - y0}


def _description(root: etree._Element, doc: Document) -> None:
    description = _sub(root, "Description")
    _sub(description, "MeasurementUnit", "pixel")
    source = _sub(description, "sourceImageInformation")
    _sub(source, "fileName", xml_safe(doc.source.path))
    _sub(source, "fileIdentifier", doc.source.sha256, fileIdentifierLocation="sha256")
    processing = _sub(description, "Processing", ID="sohoa_processing")
    _sub(processing, "processingCategory", "contentGeneration contentModification")
    if doc.provenance and doc.provenance.processed_at:
        _sub(processing, "processingDateTime", doc.provenance.processed_at)
    _sub(processing, "processingStepDescription", "OCR (Tesseract), reading order, Vietnamese spelling correction")
    if doc.provenance and doc.provenance.tesseract_version:
        _sub(processing, "processingStepSettings", f"tesseract {doc.provenance.tesseract_version}")
    software = _sub(processing, "processingSoftware")
    _sub(software, "softwareName", "sohoa")
    _sub(software, "softwareVersion", __version__)


def _line(parent: etree._Element, line: Line, line_id: str, geometry: PageGeometry, ids: IdMaker) -> None:
    element = _sub(parent, "TextLine", ID=line_id, **_position(line_box(line), geometry))
    previous: BBox | None = None
    for index, word in enumerate(line.words, start=1):
        if index > 1:
            gap = {}
            if previous is not None and word.bbox is not None and word.bbox[0] > previous[2]:
                gap = {"HPOS": previous[2], "VPOS": previous[1], "WIDTH": word.bbox[0] - previous[2]}
            _sub(element, "SP", **gap)
        string = _sub(element, "String", ID=ids(word.id, f"{line_id}_w{index}"), CONTENT=xml_safe(word_text(word)),
                      **_position(word.bbox, geometry), WC=confidence01(word))
        alternative = ocr_alternative(word)
        if alternative is not None:
            _sub(string, "ALTERNATIVE", xml_safe(alternative), PURPOSE="ocr")
        previous = word.bbox


def _block(parent: etree._Element, block: Block, fallback: str, geometry: PageGeometry, ids: IdMaker) -> None:
    block_id = ids(block.id, fallback)
    element = _sub(parent, "TextBlock", ID=block_id, **_position(block_box(block), geometry), LANG=LANGUAGE)
    for index, line in enumerate(delivered_lines(block), start=1):
        _line(element, line, ids(line.id, f"{block_id}_l{index}"), geometry, ids)


def _page(layout: etree._Element, page: Page, output_dir: Path, ids: IdMaker) -> None:
    geometry = page_geometry(page, output_dir)
    size = {} if geometry.width is None else {"WIDTH": geometry.width, "HEIGHT": geometry.height}
    element = _sub(layout, "Page", ID=ids(f"page{page.number}", f"page{page.number}"),
                   PHYSICAL_IMG_NR=page.number, **size, LANG=LANGUAGE)
    print_space = _sub(element, "PrintSpace", **({"HPOS": 0, "VPOS": 0, **size} if size else {}))
    for index, block in enumerate(delivered_blocks(page), start=1):
        _block(print_space, block, f"p{page.number}_b{index}", geometry, ids)


def alto_tree(doc: Document, output_dir: Path) -> etree._ElementTree:
    root = etree.Element(f"{{{ALTO_NS}}}alto", nsmap={None: ALTO_NS, "xlink": XLINK_NS, "xsi": XSI_NS})
    root.set("SCHEMAVERSION", "4.4")
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    _description(root, doc)
    layout = _sub(root, "Layout")
    ids = IdMaker()
    for page in doc.pages:
        _page(layout, page, output_dir, ids)
    return etree.ElementTree(root)


def write_alto(doc: Document, output_dir: Path, output_stem: str) -> Path:
    """Write ``<output_dir>/<output_stem>.alto.xml`` and return its path."""
    output_dir = Path(output_dir)
    path = output_path(output_dir, output_stem, ".alto.xml")
    data = etree.tostring(alto_tree(doc, output_dir), xml_declaration=True, encoding="UTF-8", pretty_print=True)
    atomic.write_bytes(path, data)
    return path


@lru_cache(maxsize=1)
def alto_schema():
    """The ALTO 4.4 schema, loaded offline from the copies in ``schemas/``."""
    import xmlschema

    return xmlschema.XMLSchema(str(ALTO_XSD), locations={XLINK_NS: str(XLINK_XSD)})


def validate_alto(path_or_bytes: Path | bytes) -> list[str]:
    """Schema errors of an ALTO file (empty when it is valid ALTO 4)."""
    source = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    tree = etree.fromstring(source)
    return [str(error.reason or error) for error in alto_schema().iter_errors(tree)]


def alto_text(path_or_bytes: Path | bytes) -> str:
    """The text an ALTO file carries: strings joined by spaces, lines by newlines, blocks by blank lines."""
    source = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    root = etree.fromstring(source)
    ns = {"a": ALTO_NS}
    pages = []
    for page in root.iterfind(".//a:Page", ns):
        blocks = []
        for block in page.iterfind(".//a:TextBlock", ns):
            lines = [" ".join(s.get("CONTENT", "") for s in line.iterfind("a:String", ns))
                     for line in block.iterfind("a:TextLine", ns)]
            blocks.append("\n".join(lines))
        pages.append("\n\n".join(blocks))
    return "\n\f\n".join(pages)
