"""Signers' titles checked against the offices that sign Vietnamese letters.

OCR garbles the marks of a title in capitals ("PHÓ GIÁM ĐOÓỌC"); the set of
offices is small, so a title whose leading words are close to one (compared
without diacritics) is written as that office, and the change is reported for
review. A title already naming a known office, or naming nothing close to one,
is left as it is.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from pipeline.structure.text import fold

OFFICES = (
    "CHỦ TỊCH", "GIÁM ĐỐC", "TỔNG GIÁM ĐỐC", "TRƯỞNG PHÒNG", "TRƯỞNG BAN", "TRƯỞNG ĐOÀN", "TRƯỞNG KHOA",
    "TRƯỞNG TRẠM", "CHÁNH VĂN PHÒNG", "CHÁNH THANH TRA", "CHÁNH ÁN", "VIỆN TRƯỞNG", "HIỆU TRƯỞNG",
    "BỘ TRƯỞNG", "THỨ TRƯỞNG", "CỤC TRƯỞNG", "CHI CỤC TRƯỞNG", "TỔNG CỤC TRƯỞNG", "VỤ TRƯỞNG",
    "BÍ THƯ", "CHỦ NHIỆM", "TỔ TRƯỞNG", "KẾ TOÁN TRƯỞNG", "THỦ TRƯỞNG", "CHỈ HUY TRƯỞNG", "TƯ LỆNH",
    "CHÍNH ỦY", "ỦY VIÊN", "THƯ KÝ", "TRƯỞNG CÔNG AN", "CHỦ TỊCH HỘI ĐỒNG", "TRƯỞNG BAN QUẢN LÝ",
)
_OFFICE_WORDS = sorted(((office, office.split()) for office in OFFICES), key=lambda item: -len(item[1]))
# What follows "TM."/"KT."/"TL."/"TUQ.": where blur fused the stop into a letter glued to the next
# word ("TMLÚY BAN NHÂN DÂN"), one of these words must follow for the line to be an authority
AUTHORITY_BODY = r"(?:[ỦÚUƯỤỨÙ]Y BAN|HỘI ĐỒNG|BAN |ĐẢNG|THƯỜNG|CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG|PHÓ|CHÁNH|BỘ TRƯỞNG|CỤC TRƯỞNG)"
AUTHORITY_MARK = rf"(?:\s?[.,„]\s*|[.,„]?[LlI1|'`]?\s?(?={AUTHORITY_BODY}))"
_AUTHORITY_PREFIX = re.compile(rf"^(TM|KT|TL|TUQ){AUTHORITY_MARK}")
_MISREAD_UY_BAN = re.compile(r"^[ỦÚUƯỤỨÙ]Y BAN\b")
MIN_SIMILARITY = 85.0  # of the folded words: 'giam doooc' vs 'giam doc' is 89, 'cuc truong' vs 'vu truong' 84


def _prefix(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split 'PHÓ' / 'Q.' (acting) off the front: (normalised prefix, the rest)."""
    prefix: list[str] = []
    rest = list(tokens)
    while rest:
        head = fold(rest[0])
        if head == "pho" and len(rest) > 1:
            prefix.append("PHÓ")
        elif re.fullmatch(r"q[.,\-]", head):  # "Q-": the dot read as a dash
            prefix.append("Q.")
        else:
            break
        rest.pop(0)
    return prefix, rest


def _closest_office(core: list[str]) -> tuple[str, int] | None:
    """The office the leading words of ``core`` name (exactly, or closely without diacritics), and how
    many words it takes; None when nothing is close, or two offices are equally close (THỨ/THỦ TRƯỞNG)."""
    scored: list[tuple[float, str, int]] = []
    for office, words in _OFFICE_WORDS:
        if len(core) < len(words):
            continue
        lead = " ".join(core[:len(words)])
        if lead == office:
            return office, len(words)
        score = fuzz.ratio(fold(lead), fold(office))
        if score >= MIN_SIMILARITY:
            scored.append((score, office, len(words)))
    scored.sort(reverse=True)
    if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0] and scored[1][2] == scored[0][2]):
        return None
    return scored[0][1], scored[0][2]


def normalise_title(title: str) -> str:
    """'PHÓ GIÁM ĐOÓỌC' → 'PHÓ GIÁM ĐỐC'; 'Q. TRUỞNG PHÒNG' → 'Q. TRƯỞNG PHÒNG'; other text unchanged."""
    tokens = re.sub(r"^(Q[.,\-])(?=\S)", r"\1 ", title.strip()).split()
    if not tokens or title != title.upper():
        return title
    prefix, core = _prefix(tokens)
    found = _closest_office(core)
    if found is None:
        return title
    office, taken = found
    return " ".join([*prefix, office, *core[taken:]])


def normalise_authority(authority: str) -> str:
    """'KT. GIÁM ĐOÓC' → 'KT. GIÁM ĐỐC' (the office after KT./TL./TUQ.; TM. names a body, left alone),
    with the prefix written 'TM. ', 'KT. '... whatever mark OCR read after it."""
    match = _AUTHORITY_PREFIX.match(authority)
    if not match:
        return authority
    # the prefix as written by the rules ("TM„ỦY BAN" read from a blurred "TM. ỦY BAN")
    rest = authority[match.end():]
    if match.group(1) == "TM":
        return "TM. " + _MISREAD_UY_BAN.sub("ỦY BAN", rest)  # a body is left as written, but for a lost hook
    return f"{match.group(1)}. " + normalise_title(rest)
