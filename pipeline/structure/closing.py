"""The end of a letter: 'Nơi nhận' (recipients, bottom left) and the signing block (bottom right).

In a plain text or a Tesseract run without layout the two columns arrive
interleaved ("Nơi nhận: TL. CHỦ TỊCH", then the dash list, then "KT. CHÁNH VĂN
PHÒNG"); the parser therefore classifies every piece on its own: dash lines and
their wrapped continuations are recipients, lines opening with TM./KT./TL./TUQ.
are the authority, other short capital lines the signer's title, and a
capitalised name after them the signer.

A ';' inside an item is read as ',' (items end with ';', so OCR confused the two).

Convention: nested authority lines are joined with " / "
("TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG"); title lines are joined with a space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.correction.viet import is_valid_syllable
from pipeline.model import Correction, Signature
from pipeline.structure.codes import restore_abbreviations
from pipeline.structure.lines import TextLine, mean_confidence, union_bbox
from pipeline.structure.text import (
    BULLET_CHARS,
    ends_sentence,
    fold,
    is_upper_text,
    letters,
    squash,
    strip_dash,
    trim_junk,
    trim_leading_junk,
)
from pipeline.structure.titles import AUTHORITY_MARK, normalise_authority, normalise_title

# a speck read before the label (",Nơi nhận:", "'Nơi nhận:") is skipped with it
NOI_NHAN = re.compile(r"^[\s,.;:'‘’`\"“”|_]*n\w{1,2}i\s*nh\w{1,2}n\s*[:;.]?\s*")
# not after ',' ("- Lưu: VT,KT.ab12" is the drafter's code, not "KT. GIÁM ĐỐC")
AUTHORITY = re.compile(rf"(?<![\w.,])(TM|KT|TL|TUQ){AUTHORITY_MARK}(?=[^\W\d_])")
TITLE_WORDS = re.compile(
    r"\b(GIÁM ĐỐC|CHỦ TỊCH|TRƯỞNG|PHÓ|CHÁNH|BỘ TRƯỞNG|THỦ TRƯỞNG|HIỆU TRƯỞNG|BÍ THƯ|TỔNG|CỤC TRƯỞNG|VIỆN TRƯỞNG)\b")
TITLE_KEYS = ("giam doc", "chu tich", "truong", "pho ", "chanh", "bi thu", "tong ", "chu nhiem", "uy vien",
              "ke toan", "thu ky", "chi huy", "q. ")
SIGN_MARKS = re.compile(r"^\s*[(\[]?\s*(đã ký|da ky|ký|ky)\s*[)\]]?\s*$", re.IGNORECASE)
BACKWARD_LIMIT = 8


@dataclass
class ClosingResult:
    recipients: list[str] = field(default_factory=list)
    signature: Signature = field(default_factory=Signature)
    corrections: list[Correction] = field(default_factory=list)  # titles rewritten to a known office


def is_name(text: str) -> bool:
    """'Phùng Tô Long': 2 to 6 capitalised words, no digits or list punctuation."""
    words = text.split()
    if not 2 <= len(words) <= 6 or any(c.isdigit() for c in text) or re.search(r"[;:,/()]", text):
        return False
    return all(w[0].isupper() and (len(w) == 1 or not w[1:].isupper()) for w in words)


def _is_signature_line(text: str) -> bool:
    stripped = text.strip()
    if not stripped or stripped[0] in BULLET_CHARS:
        return False
    return bool(AUTHORITY.match(stripped)) or (is_upper_text(stripped) and len(stripped.split()) <= 8) or is_name(
        stripped)


def locate_closing(lines: list[TextLine]) -> int:
    """Index of the first line of the recipients/signature zone (len(lines) when there is none)."""
    start = len(lines)
    noi = next((i for i in range(len(lines) - 1, -1, -1) if NOI_NHAN.match(fold(lines[i].text))), None)
    if noi is not None:
        start = noi
        while start > 0 and noi - start < BACKWARD_LIMIT and _is_signature_line(lines[start - 1].text) \
                and not lines[start - 1].text.rstrip().endswith("./."):
            start -= 1
    else:
        tail = range(max(0, len(lines) - 15), len(lines))
        ends = [i for i in tail if lines[i].text.rstrip().endswith("./.")]
        authority = [i for i in tail if AUTHORITY.match(lines[i].text.strip())]
        if ends:
            start = ends[-1] + 1
        elif authority:
            start = authority[0]
    laid_out = [i for i, line in enumerate(lines) if line.kind in ("recipients", "signature")]
    if laid_out:
        start = min(start, laid_out[0])
    return start


def is_title(text: str) -> bool:
    """A signer's title line: capitals naming an office ('PHÓ CHÁNH VĂN PHÒNG', 'Q. TRƯỞNG PHÒNG')."""
    folded = fold(text) + " "
    return is_upper_text(text) and len(text.split()) <= 10 and any(key in folded for key in TITLE_KEYS)


def _drop_garbled_label(text: str) -> str:
    """'Nơi nệm, : - UBND tỉnh;' (a label OCR could not read, then the first item) → '- UBND tỉnh;'."""
    if text[:1] in BULLET_CHARS:
        return text
    match = re.search(r"\s[-–~]\s+(?=[A-ZĐÀ-Ỹ])", text[:30])
    return text[match.start() + 1:] if match else text


def _pieces(text: str) -> list[str]:
    """Cut 'Nơi nhận: TL. CHỦ TỊCH' or '- Như trên; PHÓ GIÁM ĐỐC' into their column pieces."""
    pieces = []
    match = AUTHORITY.search(text)
    if match and match.start() > 0 and text[:match.start()].strip():
        pieces.append(text[:match.start()])
        text = text[match.start():]
    else:
        tail = re.search(r"[;:]\s+([A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ .]+)$", text)
        if tail and TITLE_WORDS.search(tail.group(1)) and len(tail.group(1).split()) >= 2:
            pieces.append(text[:tail.start(1)])
            text = tail.group(1)
    pieces.append(text)
    return [squash(p) for p in pieces if p.strip()]


def _is_speck(word, others: list) -> bool:
    """A mark of one or two letters, smaller than its neighbours and standing over one of them: a stroke of
    the signature or a dot of the seal read as text ('Đặng Văn Minh Ẻ', the 'Ẻ' drawn under 'Đặng')."""
    if len(word.text) > 2 or word.bbox is None:
        return False
    heights = sorted(w.bbox[3] - w.bbox[1] for w in others if w.bbox)
    if not heights or word.bbox[3] - word.bbox[1] >= 0.7 * heights[len(heights) // 2]:
        return False
    centre = (word.bbox[0] + word.bbox[2]) / 2
    return any(w.bbox and w.bbox[0] <= centre <= w.bbox[2] for w in others)


def _without_specks(line: TextLine) -> str:
    """The line's text without specks read over its words (boxes needed; a text file line is kept)."""
    kept = [w for w in line.words if not _is_speck(w, [o for o in line.words if o is not w])]
    return line.text if len(kept) == len(line.words) else " ".join(w.text for w in kept)


MISREAD_DASH = re.compile(r"^\s*[:;.,]\s+(?=\S)")  # a laid-out recipient line's dash read as ':' or '.'
REPORT_NOTE = re.compile(r"\(\s*[bB]{1,2}\s*/\s*[cC€eẽ]\s*\)")  # "(b/c)" = để báo cáo, as OCR reads it


ITEM_END = re.compile(r"[;.](?=\s+\S)")
MAX_SPECK_LETTERS = 8


def drop_trailing_specks(text: str) -> str:
    """Marks after a recipient's closing ';' or '.': a seal or signature over the column read as a few short
    non-words ('huyện; A Số', 'huyện; / A', 'NHNgoc. a fof opht'). Kept when they may be content: a
    note in brackets ('(b/c)'), digits, a capitals abbreviation ('VT. ĐC'), a real-length word, two words
    ('; Sở Y tế') or a tail closed like an item ('; Sở Nội vụ;')."""
    ends = list(ITEM_END.finditer(text))
    if not ends:
        return text
    cut = ends[-1].end()
    tail = text[cut:].split()
    joined = "".join(tail)
    words = [t for t in tail if len(t) >= 2 and is_valid_syllable(t)]
    if (len(tail) > 3 or sum(c.isalpha() for c in joined) > MAX_SPECK_LETTERS or joined[-1] in ";.,:"
            or any(c.isdigit() or c in "()" for c in joined) or len(words) > 1
            or any(len(t) >= 2 and t.isalpha() and t.isupper() for t in tail)
            or any(sum(c.isalpha() for c in t) >= 5 for t in tail)):
        return text
    return text[:cut]


def _clean_item(item: str) -> str:
    """Tidy one recipient as OCR left it.

    A stroke of the signature read as a short word after the closing ';' goes ('tỉnh; tC' → 'tỉnh;'); a
    ';' inside the item is a misread ',' ('Lưu: VT; KTN.' → 'Lưu: VT, KTN.') since items end with ';';
    '(b/€)' is the usual '(b/c)'."""
    if not item.endswith((";", ".", ",")):
        item = re.sub(r";\s+\S{1,3}$", ";", item)
    item = REPORT_NOTE.sub("(b/c)", item)
    if not item:
        return item
    body, end = item[:-1], item[-1:]
    body = re.sub(r";\s*,|,\s*;", ",", body)
    return re.sub(r";(?=\s)", ",", body) + end


def parse_closing(lines: list[TextLine]) -> ClosingResult:
    result = ClosingResult()
    recipients: list[str] = []
    authority: list[str] = []
    title: list[str] = []
    signer: str | None = None
    sources: dict[str, list[TextLine]] = {"authority": [], "title": []}  # lines each field came from
    in_recipients = False
    for line in lines:
        if line.kind == "signature":  # laid out by the layout stage: never a recipient
            for text in (trim_junk(trim_leading_junk(p)) for p in _pieces(_without_specks(line))):
                if AUTHORITY.match(text):
                    authority.append(text)
                    sources["authority"].append(line)
                elif is_title(text):
                    title.append(text)
                    sources["title"].append(line)
                elif is_name(text) and signer is None:
                    signer = text
            continue
        if line.kind == "recipients" and not in_recipients:
            in_recipients = True  # laid out: its first line is the (maybe garbled) label
            line_text = _drop_garbled_label(line.text)
        elif line.kind == "recipients":
            line_text = MISREAD_DASH.sub("- ", line.text)
        else:
            line_text = line.text
        for text in _pieces(line_text):
            text = trim_junk(text)
            if in_recipients or line.kind == "recipients":
                text = drop_trailing_specks(text)
            if not text:
                continue
            label = NOI_NHAN.match(fold(text))
            if label:
                in_recipients = True
                text = text[label.end():].strip()
                if not text:
                    continue
            if AUTHORITY.match(text):
                authority.append(text)
                sources["authority"].append(line)
                continue
            if SIGN_MARKS.match(text):
                continue
            if text[0] in BULLET_CHARS and in_recipients:
                recipients.append(text)
                continue
            continuing = in_recipients and recipients and not ends_sentence(recipients[-1].rstrip(" ,")) and not (
                is_upper_text(text) and fold(recipients[-1]).lstrip(" -~").startswith("luu"))  # 'Lưu' ends the list
            if is_title(text) and not continuing:
                title.append(text)
                sources["title"].append(line)
                continue
            closed = bool(recipients) and (fold(recipients[-1]).lstrip(" -~").startswith("luu")
                                           or recipients[-1].rstrip().endswith("."))
            if is_name(text) and signer is None and ((authority or title) and not continuing or closed):
                signer = text
                continue
            if in_recipients and recipients and not recipients[-1].rstrip().endswith((";", ".")):
                recipients[-1] = f"{recipients[-1]} {text}"
            elif in_recipients and not (authority or title) and text[:1].isupper() and len(letters(text)) >= 4:
                recipients.append(text)
    result.recipients = [r for r in (_clean_item(strip_dash(item)) for item in recipients) if r]
    result.corrections.extend(_restore_recipient_abbreviations(result, lines))
    read = Signature(authority=" / ".join(authority) or None, title=" ".join(title) or None, signer=signer)
    result.signature = Signature(authority=" / ".join(normalise_authority(a) for a in authority) or None,
                                 title=normalise_title(read.title) if read.title else None, signer=signer)
    result.corrections = [*result.corrections, *_office_reviews(read, result.signature, sources)]
    return result


def _restore_recipient_abbreviations(result: ClosingResult, lines: list[TextLine]) -> list[Correction]:
    """'BLD, CV Phòng GD&DT' → 'BLĐ, CV Phòng GD&ĐT': known abbreviations get back the Đ OCR lost; each
    rewrite is a flagged review item on the words it came from."""
    reviews = []
    for index, item in enumerate(result.recipients):
        for read, official in restore_abbreviations(item):
            item = re.sub(rf"(?<![\w&]){re.escape(read)}(?![\w&])", official, item)
            words = [w for line in lines for w in line.words if re.search(rf"(?<![\w&]){re.escape(read)}(?![\w&])",
                                                                       w.text)]
            spans = [w.span for w in words if w.span]
            confidence = mean_confidence(words)
            reviews.append(Correction(word_ids=[w.id for w in words], page=lines[0].page if lines else None,
                                      bbox=union_bbox(w.bbox for w in words),
                                      span=(spans[0][0], spans[0][1]) if spans else None, original=read,
                                      corrected=official, confidence=round((confidence or 50.0) / 100.0, 3),
                                      flagged=True, kind="header_field", alternatives=[read]))
        result.recipients[index] = item
    return reviews


def _office_reviews(read: Signature, written: Signature, sources: dict[str, list[TextLine]]) -> list[Correction]:
    """One review item per signing field whose office was rewritten ('PHÓ GIÁM ĐOÓỌC' → 'PHÓ GIÁM ĐỐC')."""
    reviews = []
    for name in ("authority", "title"):
        original, fixed = getattr(read, name), getattr(written, name)
        if not original or original == fixed:
            continue
        tokens = set(original.split())
        words = [w for line in sources[name] for w in line.words if w.text in tokens]
        spans = [w.span for w in words if w.span]
        confidence = mean_confidence(words)
        reviews.append(Correction(word_ids=[w.id for w in words],
                                  page=sources[name][0].page if sources[name] else None,
                                  bbox=union_bbox(w.bbox for w in words),
                                  span=(spans[0][0], spans[-1][1]) if spans else None, original=original,
                                  corrected=fixed, confidence=round((confidence or 0.0) / 100.0, 3),
                                  flagged=True, kind="header_field"))
    return reviews
