"""Header of a letter: agencies, number, place and date, type, subject, addressees, marks.

Works on lines in reading order. Header columns may arrive as separate lines
(layout stage, text layers) or mixed on one line ("UBND HUYỆN CỦ CHI CỘNG HÒA
XÃ HỘI CHỦ NGHĨA VIỆT NAM" from a plain text file): ``split_columns`` cuts such
a line at the national motto and before the place-and-date.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from pipeline.model import Correction, Evidence, Header, Word
from pipeline.structure.codes import normalise_number
from pipeline.structure.doctypes import name_for_code, type_name_of_line
from pipeline.structure.lines import LOW_CONFIDENCE, TextLine, evidence_for, mean_confidence, union_bbox
from pipeline.structure.patterns import NUMBER_LABEL, clean_number, find_date, number_type_code
from pipeline.structure.places import repair_agency, repair_place, unit_in_agency
from pipeline.structure.text import (
    BULLET_CHARS,
    ends_sentence,
    fold,
    is_rule_line,
    is_upper_text,
    squash,
    strip_list_punct,
    trim_junk,
)

MOTTO_1 = "cong hoa xa hoi chu nghia viet nam"
MOTTO_2 = "doc lap - tu do - hanh phuc"
SECRECY = {"mat": "Mật", "toi mat": "Tối mật", "tuyet mat": "Tuyệt mật"}
URGENCY = {"khan": "Khẩn", "thuong khan": "Thượng khẩn", "hoa toc": "Hỏa tốc"}
LOCATION_WORDS = ("tinh ", "thanh pho ", "tp ", "tp. ", "huyen ", "quan ", "xa ", "phuong ", "thi xa ", "thi tran ")
HEADER_REGION = 45
MAX_SUBJECT_LINES = 7

BODY_START = re.compile(
    r"^\s*(can cu|thuc hien|xet |xet\b|theo de nghi|ngay \d|hom nay|noi nhan|phan (thu |[ivx]+\b)|chuong [ivx\d]"
    r"|dieu \d|[ivx]{1,5}\s*[.)]\s|\d{1,2}\s*[.)]\s)"
)
LEADING_JUNK = re.compile(r"^[^\w(\"“]+")  # specks read before the subject (",Việc ...", "| Về việc ...")
VV = re.compile(r"^\s*v\s*/\s*v\b[\s.:]*")
KINH_GUI = re.compile(r"^[\s,.;:'‘’`\"“”|_]*kinh\s*g\w{1,2}i\s*[:;.]?\s*")


@dataclass
class Piece:
    """A column piece of a header line: characters [start, end) of ``line.text``."""

    line: TextLine
    start: int
    end: int

    @property
    def text(self) -> str:
        return squash(self.line.text[self.start:self.end])

    @property
    def folded(self) -> str:
        return squash(fold(self.line.text[self.start:self.end]))

    def evidence(self, start: int | None = None, end: int | None = None) -> Evidence:
        return self.line.evidence(self.start if start is None else start, self.end if end is None else end)


@dataclass
class HeaderResult:
    header: Header
    corrections: list[Correction] = field(default_factory=list)
    end: int = 0  # lines[:end] are the header
    subject_lines: list[int] = field(default_factory=list)


# --- splitting mixed columns ------------------------------------------------------------


def _word_start(text: str, position: int) -> int:
    while position > 0 and not text[position - 1].isspace():
        position -= 1
    return position


def _motto_start(folded: str, motto: str) -> int | None:
    if len(folded) < len(motto) * 0.6:
        return None
    alignment = fuzz.partial_ratio_alignment(motto, folded, score_cutoff=80)
    if alignment is None:
        return None
    return _word_start(folded, alignment.dest_start)


def _place_start(text: str, date_start: int) -> int:
    """Start of the place name written before 'ngày' (title-case words, up to four)."""
    tokens = list(re.finditer(r"\S+", text[:date_start]))
    start = date_start
    for token in reversed(tokens[-4:]):
        word = token.group()
        if word.endswith(":") or not word[0].isupper() or "/" in word or any(c.isdigit() for c in word):
            break
        if is_upper_text(word) and len(word.strip(".,")) > 3:
            break  # an agency word in capitals, not a place
        start = token.start()
    return start


def split_columns(line: TextLine) -> list[Piece]:
    """Cut a line that holds both header columns into its pieces, left first."""
    text, folded = line.text, fold(line.text)
    cuts: set[int] = set()
    for motto in (MOTTO_1, MOTTO_2):
        start = _motto_start(folded, motto)
        if start is not None and start > 2:
            cuts.add(start)
    date = find_date(folded)
    if date is not None:
        place = _place_start(text, date.start)
        before = text[:place].strip()
        # only "Số: 12/KH-UBND | Củ Chi, ngày ..." or "AGENCY | Củ Chi, ngày ...", not a date inside a sentence
        if place < date.start and before and (NUMBER_LABEL.match(fold(before)) or is_upper_text(before)):
            cuts.add(place)
    bounds = [0, *sorted(cuts), len(text)]
    pieces = [Piece(line, a, b) for a, b in zip(bounds, bounds[1:], strict=False) if text[a:b].strip()]
    return pieces or [Piece(line, 0, len(text))]


def is_motto(piece: Piece) -> bool:
    folded = piece.folded
    for motto in (MOTTO_1, MOTTO_2):
        if fuzz.ratio(motto, folded) >= 80 or (len(folded) >= 12 and fuzz.partial_ratio(folded, motto) >= 90
                                               and len(folded) <= len(motto) + 4):
            return True
    return False


# --- locating the header ------------------------------------------------------------------


def _is_body_start(line: TextLine) -> bool:
    return bool(BODY_START.match(fold(line.text))) or bool(KINH_GUI.match(fold(line.text)))


def _is_type_line(line: TextLine) -> str | None:
    if not is_upper_text(line.text):
        return None
    return type_name_of_line(line.text)


def _collect_subject(lines: list[TextLine], first: int, limit: int) -> list[int]:
    """Subject lines from ``first``: one paragraph, until a body start or a block break."""
    chosen: list[int] = []
    index = first
    while index < limit and len(chosen) < MAX_SUBJECT_LINES:
        line = lines[index]
        if is_rule_line(line.text):
            if chosen:
                break
            index += 1
            continue
        if _is_body_start(line) or _is_type_line(line):
            break
        if chosen:
            previous = lines[chosen[-1]]
            if line.block != previous.block or line.page != previous.page:
                break
            if is_upper_text(line.text) and not is_upper_text(previous.text):
                break  # e.g. "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH" under a decision's subject
            if ends_sentence(previous.text) and not previous.text.rstrip().endswith(","):
                break
        elif _line_has_header_marks(line):
            break
        chosen.append(index)
        index += 1
    return chosen


def _line_has_header_marks(line: TextLine) -> bool:
    folded = fold(line.text)
    return bool(NUMBER_LABEL.match(folded)) or _place_date_piece(line) or any(
        is_motto(p) for p in split_columns(line))


def _place_date_piece(line: TextLine) -> bool:
    """A 'Place, ngày ...' date (not a date cited inside a sentence)."""
    for piece in split_columns(line):
        raw = piece.line.text[piece.start:piece.end]
        date = find_date(fold(raw))
        if date is None:
            continue
        before = raw[:date.start].strip()
        in_words = "th" in fold(raw[date.start:date.end])  # 'ngày .. tháng .. năm', not 'ngày 03/01/2025'
        if (not before and piece.start == 0 and in_words) or (before.endswith(",") and len(before.split()) <= 5):
            return True
    return False


def _addressee_lines(lines: list[TextLine], start: int, limit: int) -> list[int]:
    """'Kính gĩ:' and the dash list under it."""
    chosen = [start]
    index = start + 1
    while index < limit:
        text = lines[index].text.lstrip()
        previous = lines[chosen[-1]].text.rstrip()
        if text[:1] in BULLET_CHARS and not _is_body_start(lines[index]):
            chosen.append(index)
        elif (text[:1].islower() and not previous.endswith((";", ".")) and not _is_body_start(lines[index])
              and (len(chosen) > 1 or KINH_GUI.sub("", fold(previous)).strip())):
            chosen.append(index)  # an addressee wrapped onto the next line
        elif (text[:1] == "(" and lines[index].block == lines[chosen[-1]].block
              and not previous.endswith((";", ".")) and KINH_GUI.sub("", fold(lines[start].text)).strip()):
            chosen.append(index)  # "(Địa chỉ: ...)" under the addressee's name, in the same paragraph
        else:
            break
        index += 1
    return chosen


def _addressees_around(lines: list[TextLine], start: int) -> list[int]:
    """Addressee lines from 'Kính gửi'; header lines (motto, date) between it and its dash list are skipped."""
    chosen = _addressee_lines(lines, start, len(lines))
    if len(chosen) == 1 and not KINH_GUI.sub("", fold(lines[start].text)).strip():
        index = start + 1
        while index < len(lines) and index < start + 6 and _line_has_header_marks(lines[index]):
            index += 1
        if index > start + 1 and index < len(lines) and lines[index].text.lstrip()[:1] in BULLET_CHARS:
            chosen = [start, *_addressee_lines(lines, index, len(lines))]
    return chosen


def locate_header(lines: list[TextLine]) -> tuple[int, int | None, list[int], list[int]]:
    """(end, type line, subject lines, addressee lines): lines[:end] form the header."""
    region = min(len(lines), HEADER_REGION)
    stop = region
    for index in range(1, region):
        folded = fold(lines[index].text)
        if BODY_START.match(folded) and not folded.lstrip().startswith("ngay"):
            stop = index
            break
    # "Kính gửi" may come before the motto column when it sits in the left column's rows
    kinh_gui = next((i for i in range(stop) if KINH_GUI.match(fold(lines[i].text))), None)
    type_index = next((i for i in range(stop) if _is_type_line(lines[i])), None)
    subject: list[int] = []
    if type_index is not None:
        subject = _collect_subject(lines, type_index + 1, stop)
    else:
        vv_index = next((i for i in range(stop) if VV.match(fold(lines[i].text))), None)
        if vv_index is not None:
            subject = [vv_index, *_collect_subject(lines, vv_index + 1, stop)]
            subject = _contiguous_vv(lines, subject)
    marks_limit = min(stop, 16, type_index if type_index is not None else stop)
    marks = [i for i in range(marks_limit) if _line_has_header_marks(lines[i])]
    end_candidates = [*marks, *subject]
    if type_index is not None:
        end_candidates.append(type_index)
    end = max(end_candidates) + 1 if end_candidates else 0
    if end == 0 and lines and _looks_like_agency(lines[0].text):
        end = 1
    addressees: list[int] = []
    if kinh_gui is None:
        kinh_gui = next((i for i in range(end, min(end + 4, len(lines))) if KINH_GUI.match(fold(lines[i].text))),
                        None)
    if kinh_gui is not None:
        addressees = _addressees_around(lines, kinh_gui)
        end = max(end, addressees[-1] + 1)
    # stray left-column lines under the number (e.g. a V/v after the date) stay in the header
    return end, type_index, subject, addressees


def _contiguous_vv(lines: list[TextLine], subject: list[int]) -> list[int]:
    """V/v lines continue only in the same block as the 'V/v' line."""
    first = lines[subject[0]]
    kept = [subject[0]]
    for index in subject[1:]:
        if lines[index].block != first.block or index != kept[-1] + 1:
            break
        kept.append(index)
    return kept


def _looks_like_agency(text: str) -> bool:
    return is_upper_text(text) and len(text.split()) <= 10 and not BODY_START.match(fold(text))


# --- field parsers ----------------------------------------------------------------------


def number_is_doubtful(raw: str) -> bool:
    """The digits came with marks OCR made of handwriting ('4@`', '⁄46', '| 4')."""
    head = raw.partition("/")[0]
    return bool(re.search(r"[^\s0-9]", head)) and any(c.isdigit() for c in head)


def parse_number(piece: Piece) -> tuple[str | None, int, int]:
    """(number, start, end) of the value after 'Số:' in the piece."""
    raw = piece.line.text[piece.start:piece.end]
    label = NUMBER_LABEL.match(fold(raw))
    if not label:
        return None, piece.start, piece.start
    rest_start = label.end()
    # digits (a handwritten number comes with OCR marks: "4ˆ", "⁄46", "| 4"), then "/SYMBOL-ISSUER"
    match = re.match(r"\s*([^\s/]{0,8}\s*[^\s/]{0,4}?\s*(?:/\s*[^\s,;]+(?:\s*[-–—]\s*[^\s,;]+)*))",
                     raw[rest_start:])
    if match is None or not re.search(r"/\s*[A-Za-zĐđ]", match.group(1)):
        match = re.match(r"\s*([0-9OoIl|i]{1,6})\b", raw[rest_start:])  # a number without its symbol
    value = match.group(1).strip() if match else ""
    if not value or not any(c.isdigit() or c == "/" for c in value):
        return None, piece.start, piece.start
    start = piece.start + rest_start + match.start(1)
    head, slash, tail = value.partition("/")
    if slash:  # keep the tokens holding digits; read "I005" as 1005 but drop a lone mark ("| 4" → 4)
        tokens = [t for t in head.split() if any(c.isdigit() for c in t)]
        digits = "".join(t if re.fullmatch(r"[0-9OoIl|i]+", t) else re.sub(r"\D", "", t) for t in tokens)
        value_clean = clean_number(f"{digits}/{tail}")
    else:
        value_clean = clean_number(value)
    return value_clean, start, start + len(value)


def parse_place_date(piece: Piece) -> tuple[str | None, str | None, str | None, int, int]:
    """(place, iso date, date text, date start, date end) from 'Củ Chi, ngày 11 tháng 6 năm 2024'."""
    raw = piece.line.text[piece.start:piece.end]
    date = find_date(fold(raw))
    if date is None:
        return None, None, None, 0, 0
    place = squash(raw[:date.start]).strip(" ,;:")
    if place and (not place[0].isupper() or len(place.split()) > 6):
        place = ""
    text_start = raw.index(place) if place else date.start  # date_text is "Củ Chi, ngày 11 tháng 6 năm 2024"
    date_text = squash(raw[text_start:date.end])
    return place or None, date.iso, date_text, piece.start + date.start, piece.start + date.end


def _mark(folded: str, table: dict[str, str]) -> str | None:
    return table.get(squash(folded.strip(" .:*")))


def group_agencies(names: list[str]) -> list[str]:
    """Join lines of one agency name: a line starting with a place ('HUYỆN BÌNH CHÁNH') or with 'VÀ'
    continues the line above; otherwise a new line is a new (subordinate) body."""
    groups: list[str] = []
    for name in names:
        folded = fold(name) + " "
        continues = groups and (folded.startswith(LOCATION_WORDS) or folded.startswith(("va ", "- ", "& "))
                                or fold(groups[-1]).rstrip().endswith((" va", "-", ",", "&")))
        if continues and folded.startswith(LOCATION_WORDS) and len(fold(groups[-1]).split()) > 2 and any(
                loc.strip() in fold(groups[-1]).split() for loc in LOCATION_WORDS):
            continues = False  # "UBND HUYỆN CỦ CHI" already has its place: the next line is another body
        if continues:
            groups[-1] = f"{groups[-1]} {name}"
        else:
            groups.append(name)
    return groups


def parse_addressees(lines: list[TextLine]) -> list[str]:
    if not lines:
        return []
    first = lines[0].text
    folded = fold(first)
    label = KINH_GUI.match(folded)
    inline = first[label.end():] if label else first
    items: list[str] = []
    if inline.strip():
        items.append(inline)
    for line in lines[1:]:
        text = line.text.strip()
        if text[:1] in BULLET_CHARS or not items:
            items.append(text)
        else:
            items[-1] = f"{items[-1]} {text}"
    return [strip_list_punct(item) for item in items if strip_list_punct(item)]


def parse_header(lines: list[TextLine], doubtful_ids: frozenset[str] = frozenset()) -> HeaderResult:
    """The header fields; ``doubtful_ids``: ids of words the corrector left flagged (a place name read
    with such a word may be rewritten to its gazetteer spelling)."""
    end, type_index, subject_idx, addressee_idx = locate_header(lines)
    header = Header()
    result = HeaderResult(header=header, end=end, subject_lines=subject_idx)
    evidence: dict[str, Evidence] = {}
    skip = set(subject_idx) | set(addressee_idx) | ({type_index} if type_index is not None else set())
    pieces = [piece for i in range(end) if i not in skip for piece in split_columns(lines[i])]
    agency_names: list[str] = []
    agency_done = False
    number_words: list[Word] = []
    place_source: tuple[TextLine, int] | None = None  # the line of 'Place, ngày' and where its date starts
    for piece in pieces:
        folded = piece.folded
        if not folded or is_rule_line(piece.text) or is_motto(piece):
            continue
        secrecy, urgency = _mark(folded, SECRECY), _mark(folded, URGENCY)
        if secrecy or urgency:
            if secrecy and header.secrecy is None:
                header.secrecy = secrecy
                evidence["secrecy"] = piece.evidence()
            if urgency and header.urgency is None:
                header.urgency = urgency
                evidence["urgency"] = piece.evidence()
            continue
        if NUMBER_LABEL.match(fold(piece.line.text[piece.start:piece.end])):
            agency_done = True
            number, start, stop = parse_number(piece)
            if number and header.number is None:
                header.number = number
                number_words = piece.line.words_in(start, stop)
                evidence["number"] = piece.evidence(start, stop)
                raw = piece.line.text[start:stop]
                if number_is_doubtful(raw.replace("O", "0").replace("I", "1").replace("l", "1")) or _has_unsure_word(
                        piece.line, start, stop) or not number[:1].isdigit():  # '/CT-UBND': its digits unread
                    evidence["number"].flagged = True
            continue
        place, iso, date_text, start, stop = parse_place_date(piece)
        if date_text:
            if header.date_text is None:
                header.date, header.date_text = iso, date_text
                place_source = (piece.line, start)
                evidence["date"] = piece.evidence(start, stop)
                if find_date(fold(piece.line.text[start:stop]), anchored=True).doubtful or _has_unsure_word(
                        piece.line, start, stop):
                    evidence["date"].flagged = True  # a handwritten day OCR could not read
                if place:
                    header.place = place
                    evidence["place"] = piece.evidence(piece.start, start)
            continue
        if VV.match(folded):
            continue
        if not agency_done and _looks_like_agency(piece.text):
            agency_names.append(piece.text.strip(" *-"))
    groups = group_agencies([n for n in agency_names if n])
    rewrites: list[Correction] = []
    if groups:
        header.issuing_agency = groups[-1]
        if len(groups) > 1:
            header.parent_agency = " ".join(groups[:-1])
        _agency_evidence(lines, pieces, header, evidence)
        rewrites.extend(_repair_places(header, evidence, pieces, place_source, doubtful_ids))
        groups = [*groups[:-1], header.issuing_agency]
    if header.number:
        type_name = type_name_of_line(lines[type_index].text) if type_index is not None else None
        official = normalise_number(header.number, type_name, tuple(groups))
        if official != header.number:  # 'PGDDT' under 'PHÒNG GIÁO DỤC VÀ ĐÀO TẠO' is PGDĐT
            rewrites.append(rewrite_review(number_words, evidence["number"].page, header.number, official))
            header.number = official
    from_code = _type_and_subject(lines, header, evidence, type_index, subject_idx)
    if addressee_idx:
        chosen = [lines[i] for i in addressee_idx]
        header.addressees = parse_addressees(chosen)
        evidence["addressees"] = evidence_for([w for line in chosen for w in line.words], chosen[0].page)
    header.evidence = evidence
    result.corrections = [*rewrites, *flagged_fields(header, lines[:end], frozenset(from_code))]
    return result


def _repair_places(header: Header, evidence: dict[str, Evidence], pieces: list[Piece],
                   place_source: tuple[TextLine, int] | None, doubtful_ids: frozenset[str]) -> list[Correction]:
    """Unit names in the agency lines and the place before 'ngày' in their gazetteer spelling when OCR
    slipped on them ('UBND HUYEN CU CHỮ' → 'UBND HUYỆN CỦ CHI', 'C1 Chỉ' → 'Củ Chi'), each a review item."""
    place_read = place_source[0].text[:place_source[1]] if place_source else None
    reviews: list[Correction] = []
    known: list[str] = []
    for field_name in ("parent_agency", "issuing_agency"):
        value = getattr(header, field_name)
        if not value:
            continue
        words = [w for piece in pieces if piece.text and piece.text.strip(" *-") in value
                 for w in piece.line.words_in(piece.start, piece.end)]
        doubtful = {w.text for w in words if w.id in doubtful_ids}
        repaired, name = repair_agency(value, doubtful, place_read)
        if repaired != value:
            reviews.append(rewrite_review(words, evidence[field_name].page if field_name in evidence else None,
                                          value, repaired))
            setattr(header, field_name, repaired)
        found = unit_in_agency(repaired)
        if name or found:
            known.append(name or found.name.title())
    if place_source is None:
        return reviews
    for name in known:
        place = repair_place(place_read, name)
        if place is None:
            continue
        line, date_start = place_source
        tail_start = _word_start(line.text, len(line.text[:date_start].rstrip(" ,;:")))
        for _ in range(len(name.split()) - 1):
            tail_start = _word_start(line.text, len(line.text[:tail_start].rstrip()))
        old_place = header.place
        date_part = header.date_text[len(old_place):].lstrip(" ,") if old_place else header.date_text
        header.place, header.date_text = place, f"{place}, {date_part}"
        evidence["place"] = line.evidence(tail_start, date_start)
        reviews.append(rewrite_review(line.words_in(tail_start, date_start), line.page,
                                      squash(line.text[tail_start:date_start]).strip(" ,;:"), place))
        break
    return reviews


def rewrite_review(words: list[Word], page: int | None, original: str, corrected: str) -> Correction:
    """A flagged review item for a header field this stage rewrote from what OCR read."""
    spans = [w.span for w in words if w.span]
    confidence = mean_confidence(words)
    return Correction(word_ids=[w.id for w in words], page=page, bbox=union_bbox(w.bbox for w in words),
                      span=(spans[0][0], spans[-1][1]) if spans else None, original=original, corrected=corrected,
                      confidence=round((confidence if confidence is not None else 50.0) / 100.0, 3), flagged=True,
                      kind="header_field", alternatives=[original])


def _has_unsure_word(line: TextLine, start: int, end: int) -> bool:
    """One word of the field read with low confidence: a handwritten day or number ('ngày 3' for 23) is
    often a single low-confidence word in an otherwise well-read printed line."""
    return any(w.confidence is not None and w.confidence < LOW_CONFIDENCE for w in line.words_in(start, end))


def _agency_evidence(lines: list[TextLine], pieces: list[Piece], header: Header, evidence: dict) -> None:
    for field_name in ("issuing_agency", "parent_agency"):
        value = getattr(header, field_name)
        if not value:
            continue
        words, page = [], None
        for piece in pieces:
            if piece.text and piece.text.strip(" *-") in value and _looks_like_agency(piece.text):
                words.extend(piece.line.words_in(piece.start, piece.end))
                page = page or piece.line.page
        evidence[field_name] = evidence_for(words, page)


def _type_and_subject(lines: list[TextLine], header: Header, evidence: dict, type_index: int | None,
                      subject_idx: list[int]) -> set[str]:
    """Set doc_type, doc_type_code and subject; return the fields read from the number's code."""
    from_code: set[str] = set()
    if type_index is not None:
        header.doc_type = type_name_of_line(lines[type_index].text)
        evidence["doc_type"] = lines[type_index].evidence()
    code = number_type_code(header.number) if header.number else None
    if code:
        header.doc_type_code = code
        from_code.add("doc_type_code")
        if "number" in evidence:
            evidence["doc_type_code"] = evidence["number"].model_copy()
        if header.doc_type is None:
            header.doc_type = name_for_code(code)
            from_code.add("doc_type")
            if "number" in evidence:
                evidence["doc_type"] = evidence["number"].model_copy()
    if subject_idx:
        chosen = [lines[i] for i in subject_idx]
        pieces = [_without_speck_mark(line) if n < len(chosen) - 1 else trim_junk(line.text)
                  for n, line in enumerate(chosen)]
        text = _strip_trailing_marks(LEADING_JUNK.sub("", squash(" ".join(pieces))))
        is_vv = bool(VV.match(fold(text)))
        if is_vv:
            text = text[VV.match(fold(text)).end():].strip()
            if header.doc_type is None:
                header.doc_type = "Công văn"
        header.subject = text or None
        if header.subject:
            evidence["subject"] = evidence_for([w for line in chosen for w in line.words], chosen[0].page)
    return from_code


SPECK_MARKS = ",.;:'`‘’"
SPECK_CONFIDENCE_DROP = 10.0  # a mark read from a speck pulls its word well below the line's other words
SUBJECT_END_JUNK = re.compile(r"[\s,;:`|_~\-–—]+$")  # not quotes: a subject may end with a quoted name


def _without_speck_mark(line: TextLine) -> str:
    """A subject line broken mid-phrase whose last word carries a mark OCR read from a speck ('... đất
    công,' at 82 among words at 97): the mark goes. Marks read as surely as their neighbours stay."""
    text = trim_junk(line.text)
    last = line.words[-1]
    others = [w.confidence for w in line.words[:-1] if w.confidence is not None]
    if (len(last.text) < 2 or last.text[-1] not in SPECK_MARKS or not last.text[-2].isalnum()
            or not text.endswith(last.text) or last.confidence is None or not others):
        return text
    typical = statistics.median(others)
    if last.confidence < min(90.0, typical - SPECK_CONFIDENCE_DROP):
        return text[:-1]
    return text


def _strip_trailing_marks(text: str) -> str:
    """A subject ends without punctuation: 'thị trấn,' or 'năm 2025 -' are specks or rules read as marks.
    A final '.' goes too unless it closes an abbreviation ('TP.', 'v.v.')."""
    text = SUBJECT_END_JUNK.sub("", text)
    for opening, closing in ("()", "[]", "{}"):
        # a closing bracket nothing opened ('kỳ họp thứ 3]'): a stroke read as a mark
        while text.endswith(closing) and text.count(closing) > text.count(opening):
            text = SUBJECT_END_JUNK.sub("", text[:-1])
    if text.endswith(".") and not text.endswith("./."):
        last = text.split()[-1]
        if last.count(".") == 1 and len(last) > 4:
            text = text[:-1].rstrip()
    elif text.endswith("./."):
        text = text[:-3].rstrip()
    return text


def flagged_fields(header: Header, lines: list[TextLine], skip: frozenset[str] = frozenset()) -> list[Correction]:
    """One review item per header field read with low OCR confidence (its words found inside its box);
    fields in ``skip`` (a type read from the number's code) are reviewed with the number."""
    corrections = []
    for name, item in header.evidence.items():
        value = getattr(header, name, None)
        if not item.flagged or not value or name in skip:
            continue
        words = [w for line in lines if line.page == item.page for w in line.words
                 if item.bbox and w.bbox and w.bbox[0] >= item.bbox[0] and w.bbox[1] >= item.bbox[1]
                 and w.bbox[2] <= item.bbox[2] and w.bbox[3] <= item.bbox[3]]
        spans = [w.span for w in words if w.span]
        text = "; ".join(value) if isinstance(value, list) else str(value)
        corrections.append(Correction(word_ids=[w.id for w in words], page=item.page, bbox=item.bbox,
                                      span=(spans[0][0], spans[-1][1]) if spans else None, original=text,
                                      corrected=text, confidence=round((item.confidence or 0.0) / 100.0, 3),
                                      flagged=True, kind="header_field", alternatives=[]))
    return corrections
