"""Layout: reading order of a page from its word boxes, and the kind of every block.

Tesseract's own block order mixes the two header columns, and "Nơi nhận" with
the signing block; sometimes one of its lines even runs across both columns.
This stage rebuilds blocks and lines from the words (word ids are kept):

1. every Tesseract line is cut into segments at wide gaps, at the national
   motto and before a "Place, ngày ..." date, so no line holds two columns;
2. on the first page, the rows above the type name whose segments sit wholly
   left or right of the motto's left edge form ``header_left`` and
   ``header_right``;
3. from the "Nơi nhận" row (or the signer's authority line) down, segments left
   of the signing column are ``recipients``, the others ``signature``;
4. page numbers (a lone number at the top or bottom centre) become
   ``page_number`` blocks, areas ruled as a grid in the page image ``table``
   blocks, and the rest are ``text`` blocks cut at paragraph gaps;
5. the note a digital signature prints on the page (small text: signer, e-mail,
   "07.02.2025 08:51:04 +07:00") and the words inside a receiving office's framed
   stamp ("CV ĐẾN", "Số:", "Ngày:", "Chuyển:") become ``stamp`` blocks before
   anything else, so they never join the header's right column or the body
   (``rebuild_text`` leaves them out of the text).

Order: page number, stamps, header left, header right, body top to bottom (tables in
place), recipients, signature. Pages without boxes (text files) keep their
order; only their page-number blocks are marked. ``rebuild_text`` leaves
page_number, running_header and stamp blocks out of the text.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

import numpy as np

from pipeline._exec import tesseract
from pipeline.errors import SohoaError
from pipeline.model import BBox, Block, Document, Line, Page, Word
from pipeline.runner import RunContext
from pipeline.structure.closing import AUTHORITY, NOI_NHAN
from pipeline.structure.doctypes import type_name_of_line
from pipeline.structure.header import KINH_GUI, MOTTO_1, MOTTO_2, split_columns
from pipeline.structure.lines import make_line, union_bbox
from pipeline.structure.text import fold, is_upper_text
from pipeline.textbuild import rebuild_text

PAGE_NUMBER = re.compile(r"^[-–—\s]*\d{1,3}[-–—\s]*$")
WIDE_GAP = 2.5  # times the median word height: a gap this wide separates columns
HEADER_DEPTH = 0.4  # the header lies in the top 40% of the first page
# Marks of a digital-signature note, on folded text: e-mail or gov.vn address, a time stamp, the time zone,
# its labels. OCR often reads '@' as '(0' or '(2', hence the address suffix.
ESIGN_MARKS = re.compile(
    r"@|\.gov\.vn\b|\b\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d\d\s+\d{1,2}:\d{2}|\b\d{1,2}:\d{2}:\d{2}\b"
    r"|[+~„]\s?0?7:00\b|\bky boi\b|\bnguoi ky\b|\bthoi gian ky\b|\bemail\s*:|\bco quan\s*:")
# Fields of a receiving office's stamp: "CV ĐẾN", "Số: ...", "Ngày: ...", "Chuyển: ..." (folded words).
RECEPTION_KEYS = {"den": re.compile(r"^den\W*$"), "chuyen": re.compile(r"^chuy\w{1,2}n\W*"),
                  "so": re.compile(r"^s\w?\s*:"), "ngay": re.compile(r"^ng\w{0,2}y\s*:"), "cv": re.compile(r"^cv\W*$")}
ESIGN_TIME = re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d\d\s+\d{1,2}:\d{2}")
SMALL_TEXT = 0.75  # a note's lines are under 3/4 of the page's usual line height
SIGNATURE_TITLES = re.compile(r"\b(GIÁM ĐỐC|CHỦ TỊCH|TRƯỞNG|PHÓ|CHÁNH|BÍ THƯ|THỦ TRƯỞNG|HIỆU TRƯỞNG)\b")


@dataclass
class Segment:
    words: list[Word]
    source: str  # id of the block the words came from (a paragraph hint)

    @property
    def bbox(self) -> BBox:
        return union_bbox(w.bbox for w in self.words)

    @property
    def band(self) -> tuple[float, float]:
        """Top and bottom of the segment's text row: the medians of its words' tops and bottoms
        (one word boxed across two rows by Tesseract does not stretch it)."""
        return (statistics.median(w.bbox[1] for w in self.words), statistics.median(w.bbox[3] for w in self.words))

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def center_x(self) -> float:
        box = self.bbox
        return (box[0] + box[2]) / 2

    @property
    def height(self) -> int:
        box = self.bbox
        return box[3] - box[1]


class LayoutStage:
    name = "layout"

    def __call__(self, doc: Document, ctx: RunContext) -> Document:
        running = running_header_texts(doc)
        for index, page in enumerate(doc.pages):
            if not page.blocks:
                continue
            words = [w for block in page.blocks for line in block.lines for w in line.words]
            if words and sum(w.bbox is not None for w in words) >= 0.9 * len(words):
                if page.source == "ocr" and ctx.images.get(page.number) is not None:
                    split_merged_lines(page, ctx.images[page.number], ctx)
                page.blocks = order_page(page, index == 0, ctx.images.get(page.number), running)
            else:
                mark_boxless_page(page, is_first=index == 0)
        rebuild_text(doc)
        return doc


def _top_lines(page: Page) -> list[str]:
    """Texts of the lines in the top 8% of a page (where running headers and page numbers sit)."""
    if not page.height:
        return []
    return [" ".join(fold(w.text) for w in line.words) for block in page.blocks for line in block.lines
            if line.words and all(w.bbox for w in line.words) and max(w.bbox[3] for w in line.words) < 0.08 * page.height]


def running_header_texts(doc: Document) -> set[str]:
    """Folded texts repeated at the top of two or more pages after the first (not page numbers)."""
    counts: dict[str, int] = {}
    for page in doc.pages[1:]:
        for text in set(_top_lines(page)):
            if not PAGE_NUMBER.match(text):
                counts[text] = counts.get(text, 0) + 1
    return {text for text, count in counts.items() if count >= 2}


# --- lines Tesseract merged ----------------------------------------------------------------------

MERGED_HEIGHT = 1.7  # a line this many median word heights tall may hold two rows of text
ROW_JUMP = 0.6  # word centres this many word heights apart in one OCR line are two printed rows
MERGED_CONFIDENCE = 70.0  # ... and is re-read only when Tesseract was unsure of it
BETTER_BY = 10.0  # the rows read apart must be this much surer than the merged line
MIN_ROW_CONFIDENCE = 75.0  # ... and each of them read as text, not as a seal's ring


def split_merged_lines(page: Page, image: np.ndarray, ctx: RunContext) -> None:
    """Re-read, row by row, a line in which Tesseract merged two rows of text.

    A tight italic label over a list ("Nơi nhận:" over "- UBND tỉnh (b/c);") comes out as one garbled
    line ("tui MEhÉE! Đn"), twice as tall as the page's words and read with low confidence, and the
    lower row's words may also stand in a line of their own ("- tỉn €);"). When an empty pixel row cuts
    the area into two text rows, each row is OCR'd as a single line; if both read surely, they replace
    the merged line and every word inside the area. Scribbles (a signature) have no empty row, and a
    seal's ring reads unsurely, so neither is touched."""
    words = [w for block in page.blocks for line in block.lines for w in line.words if w.bbox]
    if len(words) < 5:
        return
    word_height = _median_height(words)
    for block in page.blocks:
        numbers = [int(m.group(1)) for line in block.lines if (m := re.search(r"-l(\d+)$", line.id))]
        next_number = max(numbers, default=len(block.lines)) + 1
        replaced: list[Line] = []
        for line in block.lines:
            extra = _split_line(line, page, image, word_height, ctx, next_number)
            replaced.append(line)
            replaced.extend(extra)
            next_number += len(extra)
        block.lines = replaced
    for block in page.blocks:
        block.lines = [line for line in block.lines if line.words]


def _split_line(line: Line, page: Page, image: np.ndarray, word_height: float, ctx: RunContext,
                next_number: int) -> list[Line]:
    """Re-read the merged pieces of ``line`` (a piece per column); the line keeps its other pieces and
    the first row read, and the lines returned hold the rows under it."""
    if not line.words or any(w.bbox is None for w in line.words):
        return []
    kept: list[Word] = []
    below: list[list[Word]] = []
    for piece in _column_pieces(line.words, word_height):
        reread = _reread_merged(piece, page, image, word_height, ctx)
        if reread is None:
            kept.extend(piece)
            continue
        rows, absorbed = reread
        _drop_words(page, absorbed)
        kept.extend(rows[0])
        for index, row in enumerate(rows[1:]):
            if index == len(below):
                below.append([])
            below[index].extend(row)
    if not below:
        return []
    numbers = [int(m.group(1)) for w in kept if (m := re.search(r"-w(\d+)$", w.id))]
    fresh = max(numbers, default=0)
    for word in kept:
        if not word.id:
            fresh += 1
            word.id = f"{line.id}-w{fresh}"
    line.words = sorted(kept, key=lambda w: w.bbox[0])
    line.bbox = union_bbox(w.bbox for w in line.words)
    stem = line.id.rsplit("-l", 1)[0]
    lines = []
    for offset, row in enumerate(below):
        line_id = f"{stem}-l{next_number + offset}"
        row.sort(key=lambda w: w.bbox[0])
        for position, word in enumerate(row, start=1):
            word.id = f"{line_id}-w{position}"
        lines.append(Line(id=line_id, words=row, bbox=union_bbox(w.bbox for w in row)))
    return lines


def _column_pieces(words: list[Word], word_height: float) -> list[list[Word]]:
    """A line's words cut at wide gaps (one piece per column), as ``segments_of`` cuts them."""
    ordered = sorted(words, key=lambda w: w.bbox[0])
    pieces = [[ordered[0]]]
    for word in ordered[1:]:
        if word.bbox[0] - pieces[-1][-1].bbox[2] > WIDE_GAP * word_height:
            pieces.append([word])
        else:
            pieces[-1].append(word)
    return pieces


def _line_confidence(words: list[Word]) -> float:
    values = [w.confidence for w in words if w.confidence is not None]
    return sum(values) / len(values) if values else 100.0


def _reread_merged(piece: list[Word], page: Page, image: np.ndarray, word_height: float, ctx: RunContext
                   ) -> tuple[list[list[Word]], set[int]] | None:
    """(rows read apart, ids of the other lines' words they replace), or None to keep the piece."""
    if len(piece) < 2:
        return None
    box = union_bbox(w.bbox for w in piece)
    if box[3] - box[1] < MERGED_HEIGHT * word_height or _line_confidence(piece) >= MERGED_CONFIDENCE:
        return None
    inside, region = _rows_around(piece, box, page, word_height)
    bands = _text_bands(image, region, word_height)
    if bands is None:
        return None
    rows: list[list[Word]] = []
    for top, bottom in bands:
        read = _read_band(image, (region[0], top, region[2], bottom), page, ctx)
        if not read or _line_confidence(read) < MIN_ROW_CONFIDENCE:
            return None
        rows.append(read)
    if _line_confidence([w for row in rows for w in row]) < _line_confidence([*piece, *inside]) + BETTER_BY:
        return None
    return rows, {id(w) for w in inside}


def _rows_around(piece: list[Word], box: BBox, page: Page, word_height: float) -> tuple[list[Word], BBox]:
    """Other lines' words standing in the rows of ``box`` and in its column (up to a wide gap either side),
    and the area they cover together with it."""
    own = {id(w) for w in piece}
    reach = WIDE_GAP * word_height
    inside: list[Word] = []
    region = box
    for _ in range(2):  # a row's words found by the first pass may reach further along it
        inside = [w for block in page.blocks for other in block.lines for w in other.words
                  if id(w) not in own and w.bbox and box[1] <= (w.bbox[1] + w.bbox[3]) / 2 <= box[3]
                  and w.bbox[2] >= region[0] - reach and w.bbox[0] <= region[2] + reach]
        region = union_bbox([box, *(w.bbox for w in inside)])
    return inside, region


def _drop_words(page: Page, ids: set[int]) -> None:
    for block in page.blocks:
        for line in block.lines:
            line.words = [w for w in line.words if id(w) not in ids]


def _text_bands(image: np.ndarray, box: BBox, word_height: float) -> list[tuple[int, int]] | None:
    """Two (top, bottom) pixel bands of ``box`` cut at an empty row in its middle, or None."""
    import cv2

    pad = max(2, round(0.15 * word_height))
    top, bottom = max(0, box[1] - pad), min(image.shape[0], box[3] + pad)
    crop = image[top:bottom, max(0, box[0]):min(image.shape[1], box[2])]
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    if gray.size == 0 or int(gray.max()) - int(gray.min()) < 40:
        return None
    threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    profile = (gray <= threshold).sum(axis=1)  # '<=': on a two-tone image Otsu returns the ink's level
    height = len(profile)
    low, high = int(0.3 * height), int(0.7 * height)
    if high <= low or not profile.any():
        return None
    cut = low + int(np.argmin(profile[low:high]))
    if profile[cut] > 0.02 * profile.max() or min(cut, height - cut) < 0.5 * word_height:
        return None
    return [(top, top + cut), (top + cut, bottom)]


def _read_band(image: np.ndarray, box: BBox, page: Page, ctx: RunContext) -> list[Word]:
    """One row of text OCR'd as a single line; word boxes in page pixels (ids are set by the caller)."""
    margin = 12
    crop = image[box[1]:box[3], box[0]:box[2]]
    padded = np.pad(crop, ((margin, margin), (margin, margin), (0, 0)) if crop.ndim == 3 else margin,
                    constant_values=255)
    try:
        found = tesseract.image_to_data(padded, lang=ctx.config.languages, psm=7, dpi=page.dpi,
                                        timeout=ctx.config.ocr_timeout)
    except SohoaError:
        return []
    words = []
    for row in found:
        left, top = box[0] + row["left"] - margin, box[1] + row["top"] - margin
        words.append(Word(id="", text=row["text"].strip(), confidence=max(0.0, min(100.0, row["conf"]))
                          if row["conf"] >= 0 else None,
                          bbox=(max(0, left), max(0, top), left + row["width"], top + row["height"])))
    return [w for w in words if w.text]


# --- pages without boxes ---------------------------------------------------------------------


def mark_boxless_page(page: Page, *, is_first: bool) -> None:
    """Keep the order; mark a lone number opening (or closing) a later page as its page number."""
    if is_first or not page.blocks:
        return
    for block in (page.blocks[0], page.blocks[-1]):
        text = " ".join(w.text for line in block.lines for w in line.words)
        if len(block.lines) == 1 and PAGE_NUMBER.match(text):
            block.kind = "page_number"


# --- segments ----------------------------------------------------------------------------------


def _median_height(words: list[Word]) -> float:
    heights = [w.bbox[3] - w.bbox[1] for w in words if w.bbox]
    return statistics.median(heights) if heights else 20.0


def _split_text_columns(segment: Segment) -> list[Segment]:
    """Cut at the motto and before a 'Place, ngày' date (reusing the header's text rules)."""
    line = make_line(segment.words, 0, 0)
    pieces = split_columns(line)
    if len(pieces) < 2:
        return [segment]
    parts = []
    for piece in pieces:
        chosen = [w for w, offset in zip(line.words, line.offsets, strict=True) if piece.start <= offset < piece.end]
        if chosen:
            parts.append(Segment(chosen, segment.source))
    return parts or [segment]


def _printed_rows(words: list[Word], word_height: float) -> list[list[Word]]:
    """The words of one OCR line, one list per printed row: Tesseract sometimes reads two rows as
    one line, in any order ("- Ban Chỉ đạo ...; - Văn phòng Chính phủ;"), and the boxes show it.
    Rows are cut where the sorted word centres jump by more than ROW_JUMP word heights, each row
    keeping at least two words; a line no taller than MERGED_HEIGHT word heights is one row."""
    box = union_bbox(w.bbox for w in words)
    if box[3] - box[1] <= MERGED_HEIGHT * word_height or len(words) < 4:
        return [words]
    by_centre = sorted(words, key=lambda w: (w.bbox[1] + w.bbox[3]) / 2)
    rows = [[by_centre[0]]]
    for before, word in zip(by_centre, by_centre[1:], strict=False):
        if (word.bbox[1] + word.bbox[3]) / 2 - (before.bbox[1] + before.bbox[3]) / 2 > ROW_JUMP * word_height:
            rows.append([])
        rows[-1].append(word)
    if len(rows) == 1 or min(len(row) for row in rows) < 2:
        return [words]
    return rows


def segments_of(page: Page, word_height: float) -> list[Segment]:
    segments: list[Segment] = []
    for block in page.blocks:
        for line in block.lines:
            found = [w for w in line.words if w.bbox is not None and w.text]
            if not found:
                continue
            for row in _printed_rows(found, word_height):
                words = sorted(row, key=lambda w: w.bbox[0])
                current = [words[0]]
                for word in words[1:]:
                    if word.bbox[0] - current[-1].bbox[2] > WIDE_GAP * word_height:
                        segments.append(Segment(current, block.id))
                        current = [word]
                    else:
                        current.append(word)
                segments.append(Segment(current, block.id))
    result = []
    for segment in segments:
        result.extend(_split_text_columns(segment))
    return result


def _rows(segments: list[Segment]) -> list[list[Segment]]:
    """Segments grouped into rows by vertical overlap, top to bottom, each row left to right."""
    rows: list[list[Segment]] = []
    for segment in sorted(segments, key=lambda s: sum(s.band) / 2):
        top, bottom = segment.band
        if rows:
            row_top, row_bottom = min(s.band[0] for s in rows[-1]), max(s.band[1] for s in rows[-1])
            overlap = min(bottom, row_bottom) - max(top, row_top)
            least = min(bottom - top, row_bottom - row_top)
            # ...and, for two runs of words, on one baseline: a line whose boxes Tesseract stretched
            # up over the row above overlaps it, but its text stands lower (specks of a signature
            # or seal, a word or two, join the row they overlap as before)
            runs = len(segment.words) >= 3 and sum(len(s.words) for s in rows[-1]) >= 3
            if overlap >= 0.5 * least and (not runs or abs(bottom - row_bottom) <= 0.5 * least):
                rows[-1].append(segment)
                continue
        rows.append([segment])
    for row in rows:
        row.sort(key=lambda s: s.bbox[0])
    return rows


# --- digital-signature notes --------------------------------------------------------------------


def _esign_marks(segment: Segment) -> int:
    return len(ESIGN_MARKS.findall(fold(segment.text)))


def _near(box: BBox, other: BBox, reach: float) -> bool:
    """Boxes overlapping horizontally and at most ``reach`` apart vertically."""
    overlap_x = min(box[2], other[2]) - max(box[0], other[0])
    gap_y = max(box[1], other[1]) - min(box[3], other[3])
    return overlap_x > 0 and gap_y <= reach


def esign_notes(segments: list[Segment]) -> list[list[Segment]]:
    """Groups of segments forming a digital-signature note, top to bottom.

    A note starts at a segment with two of its marks (address, time stamp, time zone, labels), one of
    them a signing time, or with one mark in small print. It takes in the segments stacked right above
    or below it that are in small print, marked, or a little smaller than text and left-aligned with it
    ('TRUNG TÂM CÔNG BÁO' / 'VÀ TIN HỌC' over the address)."""
    if not segments:
        return []
    line_height = statistics.median(s.height for s in segments)
    small = {id(s) for s in segments if s.height < SMALL_TEXT * line_height}
    marks = {id(s): _esign_marks(s) for s in segments}
    taken: set[int] = set()
    notes: list[list[Segment]] = []
    for anchor in sorted(segments, key=lambda s: s.bbox[1]):
        timed = bool(ESIGN_TIME.search(anchor.text))  # a body line may give an e-mail, hardly a signing time
        if id(anchor) in taken or not ((marks[id(anchor)] >= 2 and timed) or (marks[id(anchor)] and id(anchor) in small)):
            continue
        note = [anchor]
        taken.add(id(anchor))
        grown = True
        while grown:
            grown = False
            for segment in segments:
                if id(segment) in taken:
                    continue
                print_like = id(segment) in small or marks[id(segment)]
                aligned = segment.height < 0.9 * line_height and any(
                    abs(segment.bbox[0] - member.bbox[0]) < 0.5 * line_height for member in note)
                if (print_like or aligned) and any(_near(segment.bbox, member.bbox, 0.8 * line_height)
                                                   for member in note):
                    note.append(segment)
                    taken.add(id(segment))
                    grown = True
        notes.append(sorted(note, key=lambda s: (s.bbox[1], s.bbox[0])))
    return notes


# --- zones -------------------------------------------------------------------------------------


def _is_motto(segment: Segment) -> bool:
    from rapidfuzz import fuzz

    folded = " ".join(fold(segment.text).split())
    return any(fuzz.ratio(motto, folded) >= 75 for motto in (MOTTO_1, MOTTO_2))


def header_zone(rows: list[list[Segment]], width: int, height: int) -> tuple[list[Segment], list[Segment], int]:
    """(left segments, right segments, number of rows used) of the first page's header."""
    mottos = [s for row in rows for s in row if s.bbox[1] < HEADER_DEPTH * height and _is_motto(s)]
    if not mottos:
        return [], [], 0
    boundary = min(s.bbox[0] for s in mottos)
    margin = 0.01 * width
    left: list[Segment] = []
    right: list[Segment] = []
    used = 0
    last_motto_bottom = max(s.bbox[3] for s in mottos)
    for row in rows:
        if row[0].bbox[1] > HEADER_DEPTH * height:
            break
        sides = []
        for segment in row:
            box = segment.bbox
            if box[2] <= boundary + margin:
                sides.append("left")
            elif box[0] >= boundary - margin:
                sides.append("right")
            else:
                sides.append("across")
        centred = (len(row) == 1 and abs(row[0].center_x - width / 2) < 0.06 * width
                   and row[0].bbox[1] > last_motto_bottom)
        addressed = any(KINH_GUI.match(fold(s.text)) for s in row)
        # the type name ends the header even when a skewed or off-centre scan puts it right of the motto's edge
        typed = len(row) == 1 and row[0].bbox[1] > last_motto_bottom and is_upper_text(row[0].text) and bool(
            type_name_of_line(row[0].text))
        if "across" in sides or centred or addressed or typed:
            break
        for segment, side in zip(row, sides, strict=True):
            (left if side == "left" else right).append(segment)
        used += 1
    return left, right, used


def _signature_anchor(segment: Segment, width: int) -> bool:
    text = segment.text.strip()
    return segment.center_x > 0.5 * width and (
        bool(AUTHORITY.match(text)) or (is_upper_text(text) and bool(SIGNATURE_TITLES.search(text))))


def closing_zone(rows: list[list[Segment]], width: int, word_height: float) -> tuple[int, float] | None:
    """(first row index, x where the signing column starts) of the recipients/signature zone."""
    noi = None
    for index in range(len(rows) - 1, -1, -1):
        if any(NOI_NHAN.match(fold(s.text)) and s.center_x < 0.5 * width for s in rows[index]):
            noi = index
            break
    if noi is None:
        anchors = [i for i, row in enumerate(rows) if any(AUTHORITY.match(s.text.strip()) and s.center_x > 0.5 * width
                                                          for s in row)]
        if not anchors:
            return None
        start = anchors[-1]
    else:
        start = noi
        while start > 0 and noi - start < 3 and all(_signature_anchor(s, width) for s in rows[start - 1]):
            start -= 1
    anchors = [s for row in rows[start:] for s in row if _signature_anchor(s, width)]
    split = min(s.bbox[0] for s in anchors) - 0.5 * word_height if anchors else 0.5 * width
    return start, split


def _split_at(segment: Segment, x: float, word_height: float) -> tuple[Segment | None, Segment | None]:
    """Recipients part and signature part of a segment of the closing zone.

    Words on both sides of ``x`` with a gap between them are cut there ("Nơi nhận: | TL. CHỦ TỊCH");
    otherwise the segment goes whole to the side of its centre (a signer's name may start left of the
    title above it)."""
    left = [w for w in segment.words if w.bbox[0] < x]
    right = [w for w in segment.words if w.bbox[0] >= x]
    if left and right and right[0].bbox[0] - left[-1].bbox[2] > word_height:
        return Segment(left, segment.source), Segment(right, segment.source)
    return (None, segment) if segment.center_x >= x else (segment, None)


# --- tables ------------------------------------------------------------------------------------


def ruled_boxes(image: np.ndarray | None, page: Page) -> list[tuple[BBox, int, int]]:
    """(box, horizontal rules, vertical rules) of every group of ruled lines in the page image."""
    if image is None or page.width is None or image.shape[1] != page.width:
        return []
    import cv2

    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    height, width = binary.shape
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT,
                                                                                      (max(20, width // 12), 1)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT,
                                                                                    (1, max(15, height // 60))))
    grid = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(grid, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    boxes: list[tuple[BBox, int, int]] = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w < 0.05 * width or h < 0.015 * height:
            continue
        h_rules = _count_runs(horizontal[y:y + h, x:x + w].any(axis=1))
        v_rules = _count_runs(vertical[y:y + h, x:x + w].any(axis=0))
        boxes.append(((x, y, x + w, y + h), h_rules, v_rules))
    return boxes


def table_regions(image: np.ndarray | None, page: Page, boxes: list[tuple[BBox, int, int]] | None = None
                  ) -> list[BBox]:
    """Boxes of ruled grids (at least 3 horizontal and 3 vertical rules) in the page image."""
    boxes = ruled_boxes(image, page) if boxes is None else boxes
    width, height = page.width or 1, page.height or 1
    return [box for box, h_rules, v_rules in boxes
            if box[2] - box[0] >= 0.3 * width and box[3] - box[1] >= 0.03 * height and h_rules >= 3 and v_rules >= 3]


def _merge_touching(boxes: list[tuple[BBox, int, int]]) -> list[tuple[BBox, int, int]]:
    """Overlapping rule groups as one (a frame whose border is broken by the scan comes in pieces)."""
    merged = list(boxes)
    changed = True
    while changed:
        changed = False
        for i, (a, ah, av) in enumerate(merged):
            for j in range(i + 1, len(merged)):
                b, bh, bv = merged[j]
                if a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]:
                    merged[i] = (union_bbox([a, b]), ah + bh, av + bv)
                    del merged[j]
                    changed = True
                    break
            if changed:
                break
    return merged


def frame_regions(page: Page, boxes: list[tuple[BBox, int, int]]) -> list[BBox]:
    """Small closed frames (two rules each way), the size of a rubber stamp rather than a table."""
    width, height = page.width or 1, page.height or 1
    return [box for box, h_rules, v_rules in _merge_touching(boxes)
            if 0.08 * width <= box[2] - box[0] <= 0.45 * width and 0.02 * height <= box[3] - box[1] <= 0.15 * height
            and h_rules >= 2 and v_rules >= 2]


def _words_inside(words: list[Word], region: BBox) -> list[Word]:
    return [w for w in words if region[0] <= (w.bbox[0] + w.bbox[2]) / 2 <= region[2]
            and region[1] <= (w.bbox[1] + w.bbox[3]) / 2 <= region[3]]


def reception_stamps(segments: list[Segment], frames: list[BBox]) -> list[list[Word]]:
    """Words of each framed receiving-office stamp ('CV ĐẾN', 'Số:', 'Ngày:', 'Chuyển:').

    A frame is such a stamp when the words inside name two of its fields, one of them 'ĐẾN' or 'Chuyển'; a text line OCR ran across the
    stamp and the body ('... Q.NGÃI| Về việc ...') gives up only its words inside the frame."""
    words = [w for s in segments for w in s.words]
    stamps = []
    for frame in frames:
        inside = _words_inside(words, frame)
        keys = {key for w in inside for key, pattern in RECEPTION_KEYS.items()
                if pattern.match(fold(w.text)) and (key != "den" or w.text.isupper())}  # 'ĐẾN', not 'đến'
        if len(keys) >= 2 and keys & {"den", "chuyen"}:  # a form's 'Số:' and 'Ngày:' alone are not a stamp
            stamps.append(sorted(inside, key=lambda w: (w.bbox[1], w.bbox[0])))
    return stamps


def _count_runs(mask: np.ndarray) -> int:
    padded = np.concatenate([[False], mask, [False]])
    return int(np.count_nonzero(padded[1:] & ~padded[:-1]))


def _inside(segment: Segment, region: BBox) -> bool:
    box = segment.bbox
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return region[0] <= cx <= region[2] and region[1] <= cy <= region[3]


# --- assembling blocks -------------------------------------------------------------------------


def _page_number(segment: Segment, page: Page, is_first: bool) -> bool:
    if is_first or not page.height or not page.width:
        return False
    box = segment.bbox
    near_edge = box[3] < 0.1 * page.height or box[1] > 0.92 * page.height
    return near_edge and abs(segment.center_x - page.width / 2) < 0.1 * page.width and bool(
        PAGE_NUMBER.match(segment.text))


def _paragraph_blocks(rows: list[list[Segment]], word_height: float) -> list[list[list[Segment]]]:
    """Body rows grouped into paragraphs at wide vertical gaps or where Tesseract started a new block."""
    blocks: list[list[list[Segment]]] = []
    previous: list[Segment] | None = None
    for row in rows:
        if previous is None:
            blocks.append([row])
        else:
            gap = min(s.bbox[1] for s in row) - max(s.bbox[3] for s in previous)
            new_source = {s.source for s in row}.isdisjoint({s.source for s in previous})
            if gap > 0.9 * word_height or (new_source and gap > 0.4 * word_height):
                blocks.append([row])
            else:
                blocks[-1].append(row)
        previous = row
    return blocks


class _Builder:
    def __init__(self, page_number: int) -> None:
        self.page_number = page_number
        self.blocks: list[Block] = []

    def add(self, kind: str, lines: list[list[Word]]) -> None:
        lines = [words for words in lines if words]
        if not lines:
            return
        block_id = f"p{self.page_number}-b{len(self.blocks) + 1}"
        block = Block(id=block_id, kind=kind)
        for index, words in enumerate(lines, start=1):
            block.lines.append(Line(id=f"{block_id}-l{index}", bbox=union_bbox(w.bbox for w in words), words=words))
        block.bbox = union_bbox(line.bbox for line in block.lines)
        self.blocks.append(block)


def _column_lines(segments: list[Segment]) -> list[list[Word]]:
    """Lines of one column: segments side by side in a row are one line ('Số:' + blank + '/TB-UBND')."""
    return [[w for s in row for w in s.words] for row in _rows(segments)]


def order_page(page: Page, is_first: bool, image: np.ndarray | None, running: frozenset[str] | set[str] = frozenset()
               ) -> list[Block]:
    words = [w for block in page.blocks for line in block.lines for w in line.words if w.bbox is not None]
    loose = [w for block in page.blocks for line in block.lines for w in line.words if w.bbox is None]
    width = page.width or max(w.bbox[2] for w in words)
    height = page.height or max(w.bbox[3] for w in words)
    word_height = _median_height(words)
    segments = segments_of(page, word_height)
    builder = _Builder(page.number)

    numbers = [s for s in segments if _page_number(s, page, is_first)]
    for segment in numbers:
        builder.add("page_number", [segment.words])
    repeated = [s for s in segments if running and s.bbox[3] < 0.08 * height
                and " ".join(fold(w.text) for w in s.words) in running]
    for segment in repeated:
        builder.add("running_header", [segment.words])
    notes = esign_notes([s for s in segments if not any(s is n for n in [*numbers, *repeated])])
    for note in notes:
        builder.add("stamp", [s.words for s in note])
    edge = {id(s) for s in [*numbers, *repeated, *(s for note in notes for s in note)]}
    segments = [s for s in segments if id(s) not in edge]
    boxes = ruled_boxes(image, page)
    stamped: set[int] = set()
    for stamp in reception_stamps(segments, frame_regions(page, boxes)):
        builder.add("stamp", _column_lines([Segment([w], "") for w in stamp]))
        stamped.update(id(w) for w in stamp)
    if stamped:
        segments = [Segment(kept, s.source) for s in segments
                    if (kept := [w for w in s.words if id(w) not in stamped])]

    rows = _rows(segments)
    left: list[Segment] = []
    right: list[Segment] = []
    if is_first:
        left, right, used = header_zone(rows, width, height)
        rows = rows[used:]
    closing = closing_zone(rows, width, word_height)
    recipients: list[Segment] = []
    signature: list[Segment] = []
    if closing is not None:
        start, split = closing
        for row in rows[start:]:
            for segment in row:
                before, after = _split_at(segment, split, word_height)
                if before:
                    recipients.append(before)
                if after:
                    signature.append(after)
        rows = rows[:start]

    builder.add("header_left", _column_lines(left))
    builder.add("header_right", _column_lines(right))
    regions = table_regions(image, page, boxes)
    body_rows: list[list[Segment]] = []
    emitted_tables: set[int] = set()

    def flush_body() -> None:
        for paragraph in _paragraph_blocks(body_rows, word_height):
            builder.add("text", [s.words for row in paragraph for s in row])
        body_rows.clear()

    for row in rows:
        in_table = [next((i for i, region in enumerate(regions) if _inside(s, region)), None) for s in row]
        if any(index is not None for index in in_table):
            flush_body()
            table_index = next(index for index in in_table if index is not None)
            if table_index not in emitted_tables:
                emitted_tables.add(table_index)
                region = regions[table_index]
                table_rows = [r for r in rows if any(_inside(s, region) for s in r)]
                builder.add("table", [s.words for r in table_rows for s in r if _inside(s, region)])
            outside = [s for s, index in zip(row, in_table, strict=True) if index is None]
            if outside:
                body_rows.append(outside)
            continue
        body_rows.append(row)
    flush_body()
    builder.add("recipients", _column_lines(recipients))
    builder.add("signature", _column_lines(signature))
    if loose:
        builder.add("text", [loose])
    return builder.blocks
