"""Doubts from the shape of plain OCR text: what a page's layout says where no word confidence does.

Pure functions on the text and its tokens, each returning the corrector's changes with its own
doubts added (a flag with the token as read, or a suggestion): specks in the recipients' and
signer's block (``_signature_zone_doubts``), shapes running text does not take
(``_odd_shape_doubts``: short non-syllables, clause numbers that lost their stop, figures inside
marked words, a date's day or month that is none, a lone short word between blank lines), a lone
capital among small words (``_lone_capital_doubts``), shares above 100 % (``_odd_percentages``) and
codes glued to words (``glued_code_doubts``, with word confidences too).
Also the helpers the whole engine uses: ``_same_line`` and ``_opens_line`` (positions),
``_with_doubts`` and ``over_spans`` (putting doubts and whole-span repairs among the changes).
"""

from __future__ import annotations

import re

from .tokens import MIXED, PROTECTED, WORD, ProtectedWords, Token
from .viet import is_valid_syllable, strip_marks


def _opens_line(text: str, tokens: list[Token], i: int) -> bool:
    """The token is the first of its line."""
    return i == 0 or "\n" in text[tokens[i - 1].end:tokens[i].start]


# Plain OCR text: tokens no letter writes, left by specks and signatures ("S3", "4E", "T", "TH")
GARBLED_CONFIDENCE = 0.5


POINT_WORDS = frozenset({"điểm", "khoản", "mục", "tiết", "phần"})  # "điểm e", "mục a": letters name points


# "Nơi nhận" opening a line, on the text without marks, and as blur reads it ("Nơnhậm")
_RECIPIENTS = re.compile(r"^[ \t]*no ?i? ?nha[nm]\b", re.MULTILINE | re.IGNORECASE)


def _signature_zone_doubts(
    text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
    protected: ProtectedWords,
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """From "Nơi nhận:" on, where the recipients, the signer's block, the seal and the signature
    share the lines, flag a lone letter or digit, a two-letter word in capitals that is no known
    abbreviation and a short mix of letters and figures ("G", "8", "ME", "r1" beside "- Như
    trên;"): there the seal and the signature are read as such specks, and the block's own words
    are longer (titles, names, agencies, "VT"); a point's label opening a line ("a)") is left."""
    zone = _signature_zone_start(text)
    if zone is None:
        return changes
    taken = {c[0].start: c for c in changes}
    out = list(changes)
    for i, tok in enumerate(tokens):
        change = taken.get(tok.start)
        # (a mark the decoder took off a lone letter, "À" -> "A", leaves it a speck)
        if tok.start < zone or tok.text in protected or change is not None and (change[3] or len(change[1]) != 1):
            continue
        word = tok.text if change is None else change[1]
        label = text[tok.end:tok.end + 1] in (")", ".") and _opens_line(text, tokens, i)
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        # "(b/c)"; "Y tế": a one-letter word before a small one on its line
        abbreviation = "/" in text[tok.start - 1:tok.end + 1]
        word_before_word = (is_valid_syllable(word) and following is not None and following.text.islower()
                            and is_valid_syllable(following.text) and _same_line(text, tok, following))
        odd = len(word) == 1 and word.isalnum() and not (label or abbreviation or word_before_word) or (
            len(word) == 2 and word.isalpha() and word.isupper() and not is_valid_syllable(word)) or (
            tok.kind == MIXED and len(word) <= 3 and not label)  # "r1", "Z2": a letter and a figure
        counted = word.isdigit() and i > 0 and strip_marks(tokens[i - 1].text.lower()) in _NUMBER_WORDS  # "ngày 5"
        if odd and not counted:
            if change is not None:
                out.remove(change)
            out.append((tok, word, GARBLED_CONFIDENCE, True, ()))
    return sorted(out, key=lambda change: change[0].start)


# the words a signer's block writes in capitals (NĐ 30/2020: the authority "TM."/"KT."/"TL."/"TUQ.", the
# body, the office): read beside a recipient when plain OCR text runs the two columns into one line
_SIGNER_WORDS = frozenset({
    "TM", "KT", "TL", "TUQ", "Q", "ỦY", "BAN", "NHÂN", "DÂN", "HỘI", "ĐỒNG", "ĐẢNG", "THƯỜNG", "VỤ", "CHỦ", "TỊCH",
    "PHÓ", "GIÁM", "ĐỐC", "TỔNG", "TRƯỞNG", "PHÒNG", "ĐOÀN", "KHOA", "TRẠM", "CHÁNH", "VĂN", "THANH", "TRA", "ÁN",
    "VIỆN", "HIỆU", "BỘ", "THỨ", "CỤC", "CHI", "BÍ", "THƯ", "NHIỆM", "TỔ", "KẾ", "TOÁN", "THỦ", "CHỈ", "HUY", "TƯ",
    "LỆNH", "CHÍNH", "VIÊN", "KÝ", "CÔNG", "AN", "QUẢN", "LÝ", "SỞ"})
_RECIPIENTS_LABEL = re.compile(r"^[ \t]*n[oơ]i nh[aậ]n\s*:", re.IGNORECASE | re.MULTILINE)


def _recipient_tail_doubts(
    text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """In the recipients' block of plain OCR text, flag as read the words after a line's last ";"
    (or after "Nơi nhận:"), but for the signer's title in capitals ("- Như trên; KT. GIÁM ĐỐC") and
    a name in title case: the seal and the signature, read across from the other column, leave
    words there that spell syllables ("- Các thôn; - men", "(để b/c); ấy:"). A line that ends
    with ";" lists recipients only ("- TT Tỉnh ủy; TT HĐND tỉnh;")."""
    zone = _signature_zone_start(text)
    if zone is None:
        return changes
    taken = {c[0].start: c for c in changes}
    by_line: dict[int, list[Token]] = {}
    for tok in tokens:
        if tok.start >= zone:
            by_line.setdefault(text.rfind("\n", 0, tok.start) + 1, []).append(tok)
    doubted: dict[int, tuple[Token, str, float, bool, tuple[str, ...]]] = {}
    for start, line_tokens in by_line.items():
        end = text.find("\n", start)
        line = text[start:len(text) if end < 0 else end]
        label = _RECIPIENTS_LABEL.match(line)
        tail_start = start + max(line.rfind(";") + 1, label.end() if label else 0)
        if tail_start == start:
            continue
        tail = [tok for tok in line_tokens if tok.start >= tail_start]
        words = [tok.text if tok.start not in taken else taken[tok.start][1] for tok in tail]
        if _names_a_person(words):
            continue
        for tok, word in zip(tail, words, strict=True):
            change = taken.get(tok.start)
            # (a speck the decoder deleted stays deleted)
            if word.strip(".") not in _SIGNER_WORDS and (change is None or not change[3] and word):
                doubted[tok.start] = (tok, word, GARBLED_CONFIDENCE, True, ())
    return _with_doubts(changes, doubted) if doubted else changes


def _names_a_person(words: list[str]) -> bool:
    """Two to four title-case syllables: a signer's name ("Lê Thị Hoa")."""
    return 2 <= len(words) <= 4 and all(w[:1].isupper() and w[1:].islower() and is_valid_syllable(w) for w in words)


def _signature_zone_start(text: str) -> int | None:
    """Where the recipients' and signer's block begins: after "Nơi nhận:", or, when the seal or
    the italics left that unreadable ("Mế thức:"), after the "./." that closes the body."""
    found = _RECIPIENTS.search(strip_marks(text))  # (one letter for one: the offsets hold)
    if found is not None:
        return found.end()
    closes = [m.end() for m in _BODY_CLOSE.finditer(text)]
    return closes[-1] if closes else None


_BODY_CLOSE = re.compile(r"\./\.[ \t]*$", re.MULTILINE)  # NĐ 30/2020: "./." ends the body's last line


# words after which a number stands in running text ("khoản 3", "ngày 5", "lần thứ 2")
_NUMBER_WORDS = frozenset({"ngay", "thang", "nam", "so", "khoan", "dieu", "muc", "chuong", "phan", "diem", "lan",
                           "thu", "tiet", "phu", "luc", "bieu", "mau", "nhom", "loai", "hang", "cap", "khu", "to",
                           "ap", "thon", "xom", "quan", "phuong", "doi", "lop", "tang", "gio", "phut", "tuan",
                           "quy", "dot", "khoa", "ky", "vong", "bang", "hinh", "trang"})


_LIST_WORDS = frozenset({"va", "hoac", "den", "toi"})  # "khoản 3, 4 và 9 Điều 4"


def _with_doubts(
    changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
    doubted: dict[int, tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """The changes with the doubted ones (by token start) put in place of a change of the same
    token or added, in text order."""
    doubted = dict(doubted)
    out = [doubted.pop(c[0].start, c) for c in changes] + list(doubted.values())
    return sorted(out, key=lambda change: change[0].start)


def over_spans(
    changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
    spanning: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """The changes with ``spanning`` ones (a date, an address, a document number mended whole) in
    place of whatever was decided inside their spans, in text order."""
    if not spanning:
        return changes
    out = [c for c in changes if not any(r[0].start <= c[0].start < r[0].end for r in spanning)]
    return sorted(out + spanning, key=lambda change: change[0].start)


# a code, number or date glued to a word ("16/3/202Bình", "2028ân", a table's cells read as one) or
# a letter glued before an amount ("P8.000.000"): codes write no marked letter but Đ
_GLUED_TO_A_WORD = re.compile(r"\d[^\W\d_]*[^\x00-\x7fĐđ\W\d_]|^[A-Za-z]\d{1,3}(?:\.\d{3})+$")
GLUED_CODE_CONFIDENCE = 0.5


def glued_code_doubts(
    tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """Flag, as read, a protected token that is a code or number glued to a word: OCR joined two
    cells or words, and no rule of the text can tell where (a clerk sees it against the image)."""
    taken = {c[0].start for c in changes}
    doubted = {tok.start: (tok, tok.text, GLUED_CODE_CONFIDENCE, True, ()) for tok in tokens
               if tok.kind == PROTECTED and tok.start not in taken and _GLUED_TO_A_WORD.search(tok.text)}
    return _with_doubts(changes, doubted) if doubted else changes


def _odd_shape_doubts(
    text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
    protected: ProtectedWords,
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """Plain OCR text: flag shapes running text does not take. A small-letter token of two or
    three letters that is no syllable ("ph", "mm" between words; not a unit after a number,
    "5 mm"), a clause number that lost its stop and line ("hành chính 3 Cơ quan": a number of
    one or two digits before a capitalised word, after a word no number follows), a marked word
    with a digit inside it that the decoder left ("Ig8ày"), and a date's day or month that is no
    day or month number (``_odd_date_slot``)."""
    taken = {c[0].start for c in changes}
    out = list(changes)
    for i, tok in enumerate(tokens):
        if tok.start in taken or tok.text in protected or i == 0:
            continue
        before = tokens[i - 1]
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.kind == WORD and 2 <= len(tok.text) <= 3 and tok.text.islower() and not is_valid_syllable(tok.text):
            odd = not before.text[-1:].isdigit() and text[tok.start - 1:tok.start] != "/"  # "5 mm", "người/km"
        elif (tok.text.isdigit() and len(tok.text) <= 2 and not tok.text.startswith("0") and following is not None
              and following.kind == WORD):  # ("thực hiện 02 Chương trình": a count)
            odd = (following.text[:1].isupper() and not following.text.isupper() and before.kind == WORD
                   and strip_marks(before.text.lower()) not in _NUMBER_WORDS | _LIST_WORDS
                   and not text[before.end:tok.start].strip() and not text[tok.end:following.start].strip()
                   and _same_line(text, before, following))
        else:
            # a digit inside a marked word ("Ig8ày"): a misread, not a code ("F0", "10a", "4G")
            odd = tok.kind == MIXED and not tok.text.isascii() and bool(_DIGIT_INSIDE_WORD.search(tok.text))
        if odd or _odd_date_slot(text, tokens, i) or _lone_between_blank_lines(text, tok):
            out.append((tok, tok.text, GARBLED_CONFIDENCE, True, ()))
    return sorted(out, key=lambda change: change[0].start)


def _lone_between_blank_lines(text: str, tok: Token) -> bool:
    """A word of one or two small letters alone on its line between blank lines ("trong đó:\n\nna
    \n\n- Ngân sách"): a speck; a paragraph's last word that wrapped has its paragraph above."""
    if tok.kind != WORD or len(tok.text) > 2 or not tok.text.islower():
        return False
    line_start = text.rfind("\n", 0, tok.start) + 1
    line_end = text.find("\n", tok.end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:line_end].strip() != tok.text:
        return False
    # (a page's top, after the form feed between pages, is a blank line's edge too)
    above = text[max(line_start - 2, 0):line_start]
    page_top = above in ("\n\n", "\f\n") or text[line_start:tok.start] == "\f" or line_start == 0
    return page_top and text[line_end:line_end + 2] in ("\n\n", "\n\f")


_DIGIT_INSIDE_WORD = re.compile(r"[^\W\d_]\d+[^\W\d_]")


# words a capital letter may follow as a label: "Phụ lục I", "khu A", "nhóm B", "hạng C"
_LETTER_LABELLED = POINT_WORDS | frozenset({"lục", "khu", "loại", "nhóm", "hạng", "mẫu", "tầng", "lô", "dãy", "cấp",
                                            "lớp", "tổ", "đội", "khối", "block", "vitamin", "type", "nhà", "số"})


def _lone_capital_doubts(
    text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
    protected: ProtectedWords,
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """Flag a lone capital letter between two small-letter words of a line, a comma or semicolon
    aside ("trên địa bàn; A kiến tham gia" for "ý kiến"): running text writes none, except "Y tế"
    and a label after the words that take one ("Phụ lục I", "khu A")."""
    taken = {c[0].start: c for c in changes}
    doubted: dict[int, tuple[Token, str, float, bool, tuple[str, ...]]] = {}
    for i in range(1, len(tokens) - 1):
        tok, before, following = tokens[i], tokens[i - 1], tokens[i + 1]
        change = taken.get(tok.start)
        if change is not None and change[3]:
            continue  # flagged already
        letter = tok.text if change is None else change[1]  # (as the decoder wrote it: "Af" -> "A")
        if (len(letter) != 1 or not letter.isupper() or tok.text in protected
                or not before.text.islower() or not following.text.islower() or before.kind != WORD
                or following.kind != WORD or text[before.end:tok.start] not in (" ", ", ", "; ")
                or text[tok.end:following.start] != " "
                or (letter == "Y" and following.text == "tế") or before.text in _LETTER_LABELLED):
            continue
        doubted[tok.start] = (tok, letter, GARBLED_CONFIDENCE, True, ())
    return _with_doubts(changes, doubted)


def caps_amid_small_doubts(
    text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """A short word in capitals without marks amid small-letter words of a line ("chỉ số (BI từ 20
    trở lên)") is an abbreviation more often than a word that lost its marks: marks added to it are
    only suggested ("BỊ")."""
    index = {tok.start: i for i, tok in enumerate(tokens)}
    out = []
    for change in changes:
        tok, corrected, confidence, flagged, alts = change
        i = index.get(tok.start)
        if (not flagged and i is not None and tokens[i].end == tok.end and strip_marks(corrected) == tok.text
                and corrected != tok.text and _caps_amid_small(text, tokens, i)):
            change = (tok, corrected, confidence, True, alts)
        out.append(change)
    return out


def _caps_amid_small(text: str, tokens: list[Token], i: int) -> bool:
    tok = tokens[i]
    if tok.kind != WORD or not 2 <= len(tok.text) <= 4 or not tok.text.isupper() or strip_marks(tok.text) != tok.text:
        return False
    before = tokens[i - 1] if i > 0 else None
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    small_before = before is not None and before.text.islower() and "\n" not in text[before.end:tok.start]
    small_after = after is not None and after.text.islower() and "\n" not in text[tok.end:after.start]
    return small_before and small_after


_DATE_SLOTS = {"ngay": ("thang", 31), "thang": ("nam", 12)}


_NUMERAL_SHAPES = frozenset("IVXl|")  # what a day or month figure is misread as


def _odd_date_slot(text: str, tokens: list[Token], i: int) -> bool:
    """The day or month of a written date ("ngày 15 tháng 3 năm") that is no day or month number:
    "tháng II năm", "tháng 1] năm" (blur, or a handwritten figure)."""
    if i + 1 >= len(tokens) or i == 0:
        return False
    slot = _DATE_SLOTS.get(strip_marks(tokens[i - 1].text.lower()))
    if slot is None or strip_marks(tokens[i + 1].text.lower()) != slot[0] or len(tokens[i].text) > 3:
        return False
    value = tokens[i].text
    if not (any(c.isdigit() for c in value) or set(value) <= _NUMERAL_SHAPES):
        return False  # a word: "6 tháng đầu năm", "theo tháng, quý, năm"
    glued = text[tokens[i].end:tokens[i + 1].start].strip()
    return bool(glued) or not (value.isdigit() and 1 <= int(value) <= slot[1])


def _same_line(text: str, first: Token, second: Token) -> bool:
    return "\n" not in text[first.end:second.start]


def _odd_percentages(
    text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """Flag a share of three or more figures above 100 % ("748%", "986%" in a table of "80%",
    "98%"): a decimal comma blur took ("74,8%"), suggested; a real one ("đạt 120%") costs a look."""
    taken = {c[0].start for c in changes}
    out = list(changes)
    for tok in tokens:
        figures = tok.text
        if (tok.start in taken or not figures.isdigit() or len(figures) < 3 or int(figures) <= 100
                or text[tok.end:tok.end + 1] != "%" or text[tok.start - 1:tok.start] in (",", ".")):
            continue
        # ("120%" is more likely a true 120 than a 12,0 no one writes)
        suggestion = figures if figures.endswith("0") else f"{figures[:-1]},{figures[-1]}"
        out.append((tok, suggestion, GARBLED_CONFIDENCE, True, (suggestion,)))
    return sorted(out, key=lambda change: change[0].start)


# "KT. CHỦ TỊCH" over "PHÓ CHỦ TỊCH": a deputy signs for the head (NĐ 30/2020), and the line above
# the deputy's title opens with "KT." ("11. CHỦ TỊCH": a blurred "KT." read as a clause number).
# The titles are compared without marks: OCR drops them on capitals ("PHO CHU TỊCH")
_DEPUTY_SIGNER = re.compile(r"^[ \t]*(\S+)[ \t]+([^\n]+?)[ \t]*\n[ \t]*PH[OÓ][ \t]+([^\n]+?)[ \t]*$", re.MULTILINE)
_SIGNER_AUTHORITIES = frozenset({"KT", "TM", "TL", "TUQ", "Q"})  # (their stop may be misread)
DEPUTY_SIGNER_CONFIDENCE = 0.5


def deputy_signer_doubts(
    text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """Flag, with "KT" suggested, what opens the line above a deputy's title in place of "KT.":
    "11. CHỦ TỊCH" over "PHÓ CHỦ TỊCH"."""
    doubted: dict[int, tuple[Token, str, float, bool, tuple[str, ...]]] = {}
    for m in _DEPUTY_SIGNER.finditer(text):
        title, deputy = m.group(2), m.group(3)
        if (m.group(1).rstrip(".,:;") in _SIGNER_AUTHORITIES or not title.isupper() or not deputy.isupper()
                or strip_marks(title) != strip_marks(deputy)):
            continue
        inside = [tok for tok in tokens if m.start(1) <= tok.start < m.end(1)]
        for k, tok in enumerate(inside):
            doubted[tok.start] = (tok, "KT" if k == 0 else tok.text, DEPUTY_SIGNER_CONFIDENCE, True, ())
    return _with_doubts(changes, doubted) if doubted else changes


# a square or cubic metre's raised figure read as a quote, a star or a mark: "đồng/m”", "(m*)",
# "951,7 m¿." (after a figure, a slash or a bracket, and before a stop, a space or a bracket)
_MISREAD_SUPERSCRIPT = re.compile(
    r"(?:(?<=\d)|(?<=\d )|(?<=/)|(?<=\())([kcdh]?m)([”“\"'’‘`*¿°º^])(?=[\s.,;:)]|$)")
UNIT_SUPERSCRIPT_CONFIDENCE = 0.5


def unit_superscript_doubts(
    text: str, changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """Flag a metre unit whose raised ² (or ³) was read as another sign, with "m²" suggested (and
    "m³"): the sign is no punctuation a letter writes there, and a clerk sees which it was."""
    doubts = []
    for match in _MISREAD_SUPERSCRIPT.finditer(text):
        unit = match.group(1)
        tok = Token(match.start(), match.end(), match.group(0), WORD)
        doubts.append((tok, f"{unit}²", UNIT_SUPERSCRIPT_CONFIDENCE, True, (f"{unit}²", f"{unit}³", match.group(0))))
    return over_spans(changes, doubts)


# the land-use codes of land records and decisions on land (Thông tư 08/2024/TT-BTNMT): "134 LUC",
# "ONT: đất ở tại nông thôn"
LAND_USE_CODES = frozenset({
    "LUC", "LUK", "LUN", "BHK", "NHK", "CLN", "RSX", "RPH", "RDD", "NTS", "LMU", "NKH", "ONT", "ODT", "TSC",
    "DGD", "DYT", "DVH", "DTT", "DKH", "DXH", "DNG", "CQP", "CAN", "SKK", "SKN", "SKC", "TMD", "SKS", "SKX",
    "DGT", "DTL", "DNL", "DBV", "DCH", "DRA", "DDT", "TON", "TIN", "NTD", "SON", "MNC", "PNK", "BCS", "DCS",
    "NCS",
})
LAND_CODE_CONFIDENCE = 0.5


def land_code_doubts(
    tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """On a page that writes two land-use codes or more, flag a word in capitals that is a code
    with marks ("134 LÚC" among "ONT" and "CLN": Tesseract read "LUC" as the syllable "lúc"), with
    the code suggested."""
    codes = {tok.text for tok in tokens if tok.text in LAND_USE_CODES}
    if len(codes) < 2:
        return changes
    doubted = {}
    for tok in tokens:
        bare = strip_marks(tok.text)
        if tok.kind == WORD and tok.text.isupper() and bare != tok.text and bare in LAND_USE_CODES:
            doubted[tok.start] = (tok, bare, LAND_CODE_CONFIDENCE, True, (bare, tok.text))
    return _with_doubts(changes, doubted) if doubted else changes
