"""Ingest: read an input file into pages (images for OCR, or words from a text layer).

Images (PNG, JPEG, TIFF with any number of frames), PDFs (text layer when it is
present and sane, otherwise pages rendered with their form fields drawn) and
text files holding earlier OCR output. Every unreadable input raises
``BadInputError`` naming the file; nothing here lets a library traceback out.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from pipeline import legacy_encodings
from pipeline.errors import BadInputError, EncryptedPdfError
from pipeline.model import Block, Document, Line, Page, Source, SourceKind, Word
from pipeline.runner import RunContext
from pipeline.textbuild import rebuild_text

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"})
PDF_SUFFIXES = frozenset({".pdf"})
TEXT_SUFFIXES = frozenset({".txt"})
SUPPORTED_SUFFIXES = IMAGE_SUFFIXES | PDF_SUFFIXES | TEXT_SUFFIXES
A4_WIDTH_INCHES = 8.27
TEXT_PAGE_DPI = 150  # kept image of a page read from its text layer (for review and PDF output)
MIN_TEXT_LAYER_CHARS = 40


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def estimate_dpi(width_px: int, height_px: int) -> int:
    """Guess the resolution of a page from its size, assuming A4 portrait or landscape."""
    short_side = min(width_px, height_px)
    return max(50, round(short_side / A4_WIDTH_INCHES))


class IngestStage:
    name = "ingest"

    def __call__(self, doc: Document, ctx: RunContext) -> Document:
        path = ctx.input_path
        suffix = path.suffix.lower()
        if path.is_dir():
            return _ingest_image_folder(doc, ctx)
        if not path.is_file():
            raise BadInputError(f"{path}: no such file", how_to_fix="check the path")
        if path.stat().st_size == 0:
            raise BadInputError(f"{path}: file is empty (0 bytes)", how_to_fix="re-export or re-scan the document")
        if suffix in TEXT_SUFFIXES:
            return _ingest_text(doc, path)
        if suffix in PDF_SUFFIXES:
            return _ingest_pdf(doc, ctx)
        if suffix in IMAGE_SUFFIXES:
            return _ingest_image(doc, ctx)
        raise BadInputError(
            f"{path}: unsupported file type {suffix or '(none)'}",
            how_to_fix=f"give one of {', '.join(sorted(SUPPORTED_SUFFIXES))}",
        )


def natural_key(path: Path) -> list:
    """Sort page_2 before page_10."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


def folder_pages(folder: Path) -> list[Path]:
    """The page images of a folder taken as one document, in natural order."""
    return sorted((p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
                   and not p.name.startswith(".")), key=natural_key)


def source_sha256(path: Path) -> str:
    """Content hash of an input file, or of a page-image folder's files in page order."""
    if not path.is_dir():
        return sha256_of(path)
    digest = hashlib.sha256()
    for page in folder_pages(path):
        digest.update(page.name.encode())
        digest.update(bytes.fromhex(sha256_of(page)))
    return digest.hexdigest()


def new_document(path: Path) -> Document:
    if path.is_dir():
        kind = SourceKind.image_folder
    elif path.suffix.lower() in TEXT_SUFFIXES:
        kind = SourceKind.text
    else:
        kind = SourceKind.image
    return Document(source=Source(path=str(path), sha256=source_sha256(path), pages=0, kind=kind))


# --- images --------------------------------------------------------------------


def _to_bgr(frame: Image.Image) -> np.ndarray:
    if frame.mode in ("1", "L", "I;16", "I", "F"):
        gray = np.asarray(frame.convert("L"))
        return np.repeat(gray[:, :, None], 3, axis=2)
    rgb = np.asarray(frame.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])


def _frame_dpi(frame: Image.Image) -> int:
    dpi = frame.info.get("dpi")
    if dpi and dpi[0] and float(dpi[0]) > 30:
        return round(float(dpi[0]))
    return estimate_dpi(*frame.size)


def _ingest_image_folder(doc: Document, ctx: RunContext) -> Document:
    pages = folder_pages(ctx.input_path)
    if not pages:
        raise BadInputError(f"{ctx.input_path}: folder holds no page images", how_to_fix="check the folder")
    for page_path in pages:
        _read_image_frames(doc, ctx, page_path)
    doc.source.pages = len(doc.pages)
    doc.source.kind = SourceKind.image_folder
    return doc


def _ingest_image(doc: Document, ctx: RunContext) -> Document:
    _read_image_frames(doc, ctx, ctx.input_path)
    doc.source.pages = len(doc.pages)
    doc.source.kind = SourceKind.image
    return doc


def _read_image_frames(doc: Document, ctx: RunContext, path: Path) -> None:
    """Append every frame of one image file as a page."""
    if path.stat().st_size == 0:
        raise BadInputError(f"{path}: file is empty (0 bytes)", how_to_fix="re-export or re-scan the document")
    max_pixels = ctx.config.max_pixels
    first = len(doc.pages)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = max_pixels
            with Image.open(path) as image:
                for number, frame in enumerate(ImageSequence.Iterator(image), start=first + 1):
                    width, height = frame.size
                    if width * height > max_pixels:
                        raise BadInputError(
                            f"{path}: page {number} has {width}x{height} pixels, over the limit of {max_pixels:,}",
                            how_to_fix="scale the image down or raise --max-pixels",
                        )
                    frame.load()
                    ctx.images[number] = _to_bgr(frame)
                    doc.pages.append(Page(number=number, width=width, height=height, dpi=_frame_dpi(frame)))
    except BadInputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise BadInputError(f"{path}: image has too many pixels, over the limit of {max_pixels:,}",
                            how_to_fix="scale the image down or raise --max-pixels") from exc
    except UnidentifiedImageError as exc:
        raise BadInputError(f"{path}: not an image (or an unsupported image format)",
                            how_to_fix="check the file; it may be misnamed") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise BadInputError(f"{path}: cannot read image: {exc}", how_to_fix="the file may be truncated; re-scan it") from exc
    if len(doc.pages) == first:
        raise BadInputError(f"{path}: image has no pages")


# --- PDF -------------------------------------------------------------------------


def _open_pdf(path: Path):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(path)
        _ = pdf.pages  # forces the page tree to be read
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise EncryptedPdfError(f"{path}: PDF is encrypted", how_to_fix="decrypt it first (qpdf --decrypt)") from exc
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise EncryptedPdfError(f"{path}: PDF is encrypted", how_to_fix="decrypt it first (qpdf --decrypt)") from exc
        raise BadInputError(f"{path}: not a readable PDF ({cause})", how_to_fix="the file may be truncated") from exc
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        raise BadInputError(f"{path}: not a readable PDF ({type(exc).__name__}: {exc})",
                            how_to_fix="the file may be truncated or damaged") from exc
    return pdf


def _open_pdfium(path: Path, doc: Document):
    import pypdfium2 as pdfium

    try:
        pdfium_doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise EncryptedPdfError(f"{path}: PDF is encrypted", how_to_fix="decrypt it first (qpdf --decrypt)") from exc
        raise BadInputError(f"{path}: not a readable PDF ({message})", how_to_fix="the file may be truncated") from exc
    try:
        pdfium_doc.init_forms()
    except Exception as exc:  # a broken AcroForm/annotation tree must not stop the document
        doc.quality.warnings.append(f"form fields not drawn: {exc}")
    return pdfium_doc


def _render_page(pdfium_doc, index: int, dpi: int) -> np.ndarray:
    page = pdfium_doc[index]
    try:
        bitmap = page.render(scale=dpi / 72.0, may_draw_forms=True)
        rgb = np.asarray(bitmap.to_pil().convert("RGB"))
    finally:
        page.close()
    return np.ascontiguousarray(rgb[:, :, ::-1])


def _stray_blank_keys(chars: list[dict]) -> set[tuple]:
    """Blank characters drawn over a glyph (by another text run) rather than between words.

    Word-processor PDFs sometimes place a space of one run on top of a letter of the next
    ("CỘ NG"); pdfplumber would split the word there.
    """
    glyphs = [c for c in chars if not c["text"].isspace()]
    if not glyphs:
        return set()
    x0 = np.array([c["x0"] for c in glyphs])
    x1 = np.array([c["x1"] for c in glyphs])
    top = np.array([c["top"] for c in glyphs])
    bottom = np.array([c["bottom"] for c in glyphs])
    stray: set[tuple] = set()
    for blank in (c for c in chars if c["text"].isspace()):
        width = blank["x1"] - blank["x0"]
        if width <= 0:
            continue
        across = np.minimum(x1, blank["x1"]) - np.maximum(x0, blank["x0"])
        down = np.minimum(bottom, blank["bottom"]) - np.maximum(top, blank["top"])
        if np.any((across > 0.5 * width) & (down > 0.5 * (bottom - top))):
            stray.add(_char_key(blank))
    return stray


def _char_key(char: dict) -> tuple:
    return (char["text"], round(char["x0"], 3), round(char["top"], 3), char.get("fontname"))


def _without_stray_blanks(pdf_page):
    stray = _stray_blank_keys(pdf_page.chars)
    if not stray:
        return pdf_page
    return pdf_page.filter(lambda obj: obj.get("object_type") != "char" or _char_key(obj) not in stray)


def _merge_touching_words(words: list[dict]) -> list[dict]:
    """Join words of one row that touch with no space between them.

    pdfplumber splits a word whose tail is set in a smaller or raised/lowered font
    ("KGVX" + subscript "VHTin507.") because the two parts sit on different text lines;
    real word spaces are a quarter of an em, so a gap under a tenth of the height (or a slight overlap,
    from kerning) is no space.
    """
    merged: list[dict] = []
    for word in sorted(words, key=lambda w: w["x0"]):
        if merged:
            last = merged[-1]
            height = max(last["bottom"] - last["top"], word["bottom"] - word["top"])
            if -0.25 * height < word["x0"] - last["x1"] < 0.1 * height:
                merged[-1] = {**last, "text": last["text"] + word["text"], "x1": max(last["x1"], word["x1"]),
                              "top": min(last["top"], word["top"]), "bottom": max(last["bottom"], word["bottom"]),
                              "bbox": _union_box(last["bbox"], word["bbox"])}
                continue
        merged.append(word)
    return merged


def _union_box(a: tuple, b: tuple) -> tuple:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _text_layer_words(pdf_page, scale: float) -> list[dict]:
    try:
        page = _without_stray_blanks(pdf_page)
        words = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=3, y_tolerance=3)
    except Exception:  # a damaged content stream: treat the page as having no text layer
        return []
    for word in words:
        word["bbox"] = (round(word["x0"] * scale), round(word["top"] * scale),
                        round(word["x1"] * scale), round(word["bottom"] * scale))
    return words


def _usable_text_layer(words: list[dict]) -> tuple[list[dict], str | None]:
    """Return the words (converted from a legacy encoding if needed) and the encoding, or ([], None)."""
    text = " ".join(word["text"] for word in words)
    if len(text.strip()) < MIN_TEXT_LAYER_CHARS:
        return [], None
    text, encoding = legacy_encodings.repair_text_layer(text)
    if encoding is not None:
        convert = legacy_encodings.tcvn3_to_unicode if encoding == "tcvn3" else legacy_encodings.vni_to_unicode
        for word in words:
            word["text"] = unicodedata.normalize("NFC", convert(word["text"]))
    else:
        for word in words:
            word["text"] = unicodedata.normalize("NFC", word["text"])
    if legacy_encodings.is_garbage_text_layer(text):
        return [], None
    return words, encoding


def _lines_from_words(words: list[dict], page_number: int) -> list[Block]:
    """Group text-layer words into lines by baseline, splitting a line at wide gaps (columns)."""
    words = sorted(words, key=lambda w: (round(w["bottom"]), w["x0"]))
    rows: list[list[dict]] = []
    for word in words:
        if rows and abs(rows[-1][-1]["bottom"] - word["bottom"]) <= 2.5:
            rows[-1].append(word)
        else:
            rows.append([word])
    block = Block(id=f"p{page_number}-b1", kind="text")
    line_number = 0
    for row in rows:
        row[:] = _merge_touching_words(row)
        height = max(w["bottom"] - w["top"] for w in row)
        segments: list[list[dict]] = [[row[0]]]
        for word in row[1:]:
            if word["x0"] - segments[-1][-1]["x1"] > 3.0 * height:
                segments.append([word])
            else:
                segments[-1].append(word)
        for segment in segments:
            line_number += 1
            line = Line(id=f"p{page_number}-b1-l{line_number}")
            for index, word in enumerate(segment, start=1):
                line.words.append(Word(id=f"p{page_number}-b1-l{line_number}-w{index}", text=word["text"],
                                       confidence=None, bbox=word["bbox"]))
            xs = [w.bbox for w in line.words]
            line.bbox = (min(b[0] for b in xs), min(b[1] for b in xs), max(b[2] for b in xs), max(b[3] for b in xs))
            block.lines.append(line)
    return [block] if block.lines else []


MIN_SCAN_DPI = 100


def scan_render_dpi(pdf_page, limit: int) -> int:
    """Render a scanned page at its embedded image's own resolution, at most ``limit``.

    Rendering a 150 dpi scan at 300 dpi only interpolates; cleanup decides whether to
    upscale, and OCR runs faster on the native pixels.
    """
    best = 0.0
    try:
        for image in pdf_page.images:
            width_points = float(image["x1"]) - float(image["x0"])
            pixels = (image.get("srcsize") or (0, 0))[0]
            if width_points > 0.5 * float(pdf_page.width) and pixels:
                best = max(best, pixels / (width_points / 72.0))
    except Exception:  # an odd image dictionary: fall back to the limit
        return limit
    if best <= 0:
        return limit
    return int(max(MIN_SCAN_DPI, min(limit, round(best))))


def _ingest_pdf(doc: Document, ctx: RunContext) -> Document:
    path = ctx.input_path
    pdf = _open_pdf(path)
    pdfium_doc = _open_pdfium(path, doc)
    try:
        used_text_layer = False
        for index, pdf_page in enumerate(pdf.pages):
            number = index + 1
            words = _text_layer_words(pdf_page, TEXT_PAGE_DPI / 72.0)
            words, encoding = _usable_text_layer(words)
            dpi = TEXT_PAGE_DPI if words else scan_render_dpi(pdf_page, ctx.config.render_dpi)
            width_px = round(float(pdf_page.width) * dpi / 72.0)
            height_px = round(float(pdf_page.height) * dpi / 72.0)
            if width_px * height_px > ctx.config.max_pixels:
                raise BadInputError(f"{path}: page {number} would render to {width_px}x{height_px} pixels",
                                    how_to_fix="lower --render-dpi")
            image = _render_page(pdfium_doc, index, dpi)
            ctx.images[number] = image
            page = Page(number=number, width=image.shape[1], height=image.shape[0], dpi=dpi)
            if words:
                used_text_layer = True
                page.source = "text-layer"
                page.blocks = _lines_from_words(words, number)
                if encoding is not None:
                    doc.quality.warnings.append(f"page {number}: text layer converted from {encoding}")
            doc.pages.append(page)
    except BadInputError:
        raise
    except Exception as exc:
        raise BadInputError(f"{path}: cannot read PDF page ({type(exc).__name__}: {exc})",
                            how_to_fix="the file may be damaged") from exc
    finally:
        pdf.close()
        pdfium_doc.close()
    if not doc.pages:
        raise BadInputError(f"{path}: PDF has no pages")
    doc.source.pages = len(doc.pages)
    doc.source.kind = SourceKind.pdf_text if used_text_layer else SourceKind.pdf_scan
    if used_text_layer:
        rebuild_text(doc)
    return doc


# --- text files --------------------------------------------------------------------


def document_pages_from_text(text: str) -> list[Page]:
    """Pages → blocks (paragraphs split at blank lines) → lines → words, without boxes."""
    pages: list[Page] = []
    for page_index, page_text in enumerate(text.split("\f"), start=1):
        page = Page(number=page_index, source="text-file")
        paragraphs: list[list[str]] = [[]]
        for raw_line in page_text.splitlines():
            if raw_line.strip():
                paragraphs[-1].append(raw_line)
            elif paragraphs[-1]:
                paragraphs.append([])
        for block_index, paragraph in enumerate((p for p in paragraphs if p), start=1):
            block = Block(id=f"p{page_index}-b{block_index}")
            for line_index, raw_line in enumerate(paragraph, start=1):
                line = Line(id=f"p{page_index}-b{block_index}-l{line_index}")
                for word_index, token in enumerate(raw_line.split(), start=1):
                    line.words.append(Word(id=f"{line.id}-w{word_index}", text=token))
                block.lines.append(line)
            page.blocks.append(block)
        pages.append(page)
    while len(pages) > 1 and not pages[-1].blocks:
        pages.pop()
    return pages


def _ingest_text(doc: Document, path: Path) -> Document:
    data = path.read_bytes()
    try:
        text, encoding = legacy_encodings.decode_text_file(data)
    except ValueError as exc:
        raise BadInputError(f"{path}: not a text file ({exc})", how_to_fix="give UTF-8 text") from exc
    if encoding not in ("utf-8", "ascii"):
        doc.quality.warnings.append(f"text file decoded from {encoding}")
    doc.pages = document_pages_from_text(text)
    doc.source.pages = len(doc.pages)
    doc.source.kind = SourceKind.text
    rebuild_text(doc)
    return doc
