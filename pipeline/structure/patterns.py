"""Dates and document numbers as they are printed in Vietnamese letters, OCR slips tolerated.

Date patterns run on ``fold``-ed text (same offsets as the original), so
"thắng" for "tháng" or "nim" for "năm" still match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.structure.doctypes import code_key

_DAY = r"(?P<d>[0-3]?\d)"
_MONTH = r"(?P<m>[01]?\d)"
_YEAR = r"(?P<y>(?:19|20)\d\d)"
# "ngày 11 tháng 6 năm 2024", with blanks for a day or month filled in by hand later (left blank, or
# read by OCR as marks: "ngày 0† tháng 02 năm 2025"); a handwritten day may touch the word ("ngày05").
DATE_WORDS = re.compile(
    rf"\bng\w{{0,2}}y(?![^\W\d_])(?P<dpart>[^\n]{{0,10}}?)\bth\w{{1,3}}g\b(?P<mpart>[^\n]{{0,8}}?)\bn\w{{1,2}}m\b\s*{_YEAR}"
)
# "ngày 15/4/2024", "ngày 15-4-2024", "ngày 15.4.2024"
DATE_NUMERIC = re.compile(rf"\bng\w{{0,2}}y(?![^\W\d_])\s*{_DAY}\s*(?P<sep>[/.\-])\s*{_MONTH}\s*(?P=sep)\s*{_YEAR}\b")


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    iso: str | None
    doubtful: bool = False  # a day or month written but not readable ("ngày 0† tháng")


def _iso(day: str | None, month: str | None, year: str) -> str | None:
    y = int(year)
    if month is None:
        return f"{y:04d}"
    m = int(month)
    if not 1 <= m <= 12:
        return None
    if day is None:
        return f"{y:04d}-{m:02d}"
    d = int(day)
    if not 1 <= d <= 31:
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


_INVALID = "invalid"


def _part_number(part: str, largest: int) -> str | None:
    """The day or month written between the words: '11' → '11'; blank, dots or OCR marks → None (not
    known); a number out of range → 'invalid'."""
    digits = re.sub(r"[\s.…_,]", "", part)
    if not digits.isdigit() or len(digits) > 2:
        return None
    return digits if 1 <= int(digits) <= largest else _INVALID


def find_date(folded: str, start: int = 0, *, anchored: bool = False) -> DateMatch | None:
    """The first date written with 'ngày' at or after ``start`` (at ``start`` only when ``anchored``).

    A day or month that cannot be read (blank, or marks) drops out: '2025-02' or '2025'."""
    best: DateMatch | None = None
    for pattern in (DATE_WORDS, DATE_NUMERIC):
        match = pattern.match(folded, start) if anchored else pattern.search(folded, start)
        if not match or (best is not None and match.start() >= best.start):
            continue
        if pattern is DATE_WORDS:
            month = _part_number(match.group("mpart"), 12)
            day = _part_number(match.group("dpart"), 31) if month else None
            iso = None if _INVALID in (day, month) else _iso(day, month, match.group("y"))
            marks = [re.sub(r"[\s.…_,]", "", match.group(g)) for g in ("dpart", "mpart")]
            doubtful = any(m and not m.isdigit() for m in marks)
        else:
            iso, doubtful = _iso(match.group("d"), match.group("m"), match.group("y")), False
        best = DateMatch(match.start(), match.end(), iso, doubtful)
    return best


# --- numbers and symbols -----------------------------------------------------------

_DASH_CLASS = "-–—‐‑−"
_DIGIT_SLIPS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "i": "1"})
# "Số:" label as OCR reads it: "Số:", "Sé:", "S6:", "So ", "SỐ:".
NUMBER_LABEL = re.compile(r"^\s*s[a-z0-9]?\s*[:;.,]\s*|^\s*so\s+(?=[0-9/])")


def clean_number(raw: str) -> str:
    """'575 /UBND-KTTH' → '575/UBND-KTTH'; 'I005/KH - PGDĐT' → '1005/KH-PGDĐT'."""
    text = raw.strip().strip(".,;:")
    for dash in _DASH_CLASS[1:]:
        text = text.replace(dash, "-")
    text = re.sub(r"\s*([/-])\s*", r"\1", text)
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"Đ?Ð+Đ?", "Đ", text)  # OCR's eth for Đ, or the letter read twice ('QĐÐ' → 'QĐ')
    head = re.match(r"[0-9OoIl|i]+(?=[/-])", text)
    if head and any(c.isdigit() for c in head.group()):
        text = head.group().translate(_DIGIT_SLIPS) + text[head.end():]
    return text


def number_type_code(number: str) -> str | None:
    """The type code inside a number: 1005/KH-PGDĐT → KH; 09/2017/NĐ-CP → NĐ; 22-CT/TU → CT."""
    parts = [p for p in number.split("/") if p]
    candidates: list[str] = []
    if parts and "-" in parts[0] and parts[0].split("-")[0].isdigit():  # Party style 22-CT/TU
        candidates.append(parts[0].split("-", 1)[1])
    for part in parts:
        if part.isdigit():
            continue
        candidates.append(part.split("-")[0])
        break
    for candidate in candidates:
        key = code_key(candidate)
        if key:
            return key
    return None


# Numbers cited in running text: 09/CT-UBND, 09/2017/NĐ-CP, 186/KH-<newline>UBND, 22-CT/TU.
_SYM = r"[A-ZĐÐ][A-Za-zĐđÐ0-9&]*"  # Ð (eth) is not Vietnamese: OCR's Đ, see clean_number
CITED_NUMBER = re.compile(
    rf"(?<![\w/])(?P<num>\d{{1,5}}(?:/(?:19|20)\d\d)?\s?/\s?{_SYM}(?:[{_DASH_CLASS}]\s*{_SYM})*"
    rf"|\d{{1,5}}-{_SYM}/{_SYM}(?:[{_DASH_CLASS}]{_SYM})*)"
)
