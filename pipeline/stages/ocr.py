"""OCR: Tesseract words with boxes, confidences and block/line ids for each image page.

A page whose OCR crashes or runs over its time limit becomes an error item on
the document (status ``partial``, or ``failed`` when no page could be read);
the other pages go on.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from pipeline._exec import tesseract
from pipeline.errors import SohoaError
from pipeline.model import Block, Document, ErrorItem, Line, Page, Status, Word
from pipeline.runner import RunContext
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


def record_confidence(doc: Document) -> None:
    confidences = [word.confidence for word in doc.words() if word.confidence is not None]
    doc.quality.words = sum(1 for _ in doc.words())
    doc.quality.mean_ocr_confidence = round(sum(confidences) / len(confidences), 2) if confidences else None


class OcrStage:
    name = "ocr"

    def __call__(self, doc: Document, ctx: RunContext) -> Document:
        pages_to_read = [page for page in doc.pages if page.source == "ocr"]
        if not pages_to_read:
            record_confidence(doc)
            return doc
        tesseract.check_installed(ctx.config.languages)
        jobs = max(1, min(ctx.config.page_jobs, len(pages_to_read)))
        if jobs > 1:  # tesseract runs as a child process, so threads give real parallelism
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                results = list(pool.map(lambda page: self._read_page(page, doc, ctx), pages_to_read))
        else:
            results = [self._read_page(page, doc, ctx) for page in pages_to_read]
        doc.errors.sort(key=lambda error: error.page or 0)
        failed = results.count(False)
        if failed:
            doc.status = Status.failed if failed == len(doc.pages) else Status.partial
        rebuild_text(doc)
        record_confidence(doc)
        return doc

    def _read_page(self, page: Page, doc: Document, ctx: RunContext) -> bool:
        image = ctx.images.get(page.number)
        if image is None:
            return True
        try:
            rows = tesseract.image_to_data(image, lang=ctx.config.languages, psm=ctx.config.psm, dpi=page.dpi,
                                           timeout=ctx.config.ocr_timeout)
        except SohoaError as exc:
            doc.errors.append(ErrorItem(code=exc.code, message=exc.one_line(), page=page.number, stage=self.name))
            return False
        page.blocks = blocks_from_tesseract(rows, page.number)
        return True
