"""Numeric dates whose separators OCR lost or broke: "ngày 29 11 2022", "ngày 01/1 1/2024",
"Tháng 52023".

At low resolution the thin "/" of a numeric date fades into the paper, and a blurred digit pair
comes apart ("1 1"). After "ngày" nothing but a date stands there, so three numbers that make a
valid day, month and year are one date. Only separators are written: a digit is never changed,
added or dropped. A broken date that makes no valid date ("ngày 23/01 3023") is left for review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "ngày" (marks lost or not) then the date on the same line
_DAY_WORD = re.compile(r"(?<!\w)[Nn][Gg][AaÀàÁáẢảÃãẠạ][Yy][ \t]+")
_PART = r"\d(?: ?\d)?"  # a day or month number; a blurred pair may come apart ("1 1")
_SEPARATOR = r"[ \t]*[/.\-][ \t]*|[ \t]+"
_DATE = re.compile(rf"(?P<day>{_PART})(?P<s1>{_SEPARATOR})(?P<month>{_PART})(?P<s2>{_SEPARATOR})"
                   r"(?P<year>\d{4})(?!\w|[/.\-]\w)")
# what blur or a handwritten figure makes of a date: digits, their look-alikes ("lý" for "1/1"), stray marks
_GARBLED = re.compile(r"(?:[\dIl|!\[\]()OoSZNiìíýy]{1,4}[ \t:;,./\-]{1,3}){1,3}(?P<year>\d{4,5})(?!\w)")
_NOT_DIGIT = re.compile(r"[^\d \t:;,./\-]")
_FIGURES = re.compile(r"\d+")
_WELL_FORMED = re.compile(r"(?<![\w/.\-])\d{1,2}([/.\-])\d{1,2}\1\d{4}(?![\w/\-])")
_SEPARATORS = "/.-"
FIRST_YEAR, LAST_YEAR = 1900, 2099


@dataclass(frozen=True)
class DateRepair:
    start: int
    end: int
    original: str
    repaired: str | None  # None: broken, but no valid date


def calendar_day_month(day: str, month: str) -> bool:
    """Whether a day and a month in figures are a calendar's (1-31, 1-12)."""
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12


def broken_dates(text: str) -> list[DateRepair]:
    """The numeric dates after "ngày" whose separators are missing, spaced or mixed, and those
    garbled past repair ("ngày 3]: I2 2021", "ngày 03 01 23035")."""
    broken: list[re.Match[str]] = []
    garbled: list[re.Match[str]] = []
    for day_word in _DAY_WORD.finditer(text):
        found = _DATE.match(text, day_word.end())
        if found is not None:
            if _broken(found):
                broken.append(found)
        elif (found := _GARBLED.match(text, day_word.end())) and _past_repair(found):
            garbled.append(found)
    style = document_separator(text) if broken else None
    repairs = [DateRepair(m.start(), m.end(), m.group(), _repaired(m, style)) for m in broken]
    repairs += [DateRepair(m.start(), m.end(), m.group(), None) for m in garbled]
    repairs += _month_years(text, style)
    taken = [(r.start, r.end) for r in repairs]
    repairs += [r for r in _fused_years(text) if not any(s < r.end and r.start < e for s, e in taken)]
    return sorted(repairs, key=lambda repair: repair.start)


# a date in figures whose second separator faded, anywhere (a table's "22/112024"): the year is the
# last four figures, so the month is what stands between
_FUSED_YEAR = re.compile(r"(?<![\w/.\-])(?P<day>\d{1,2})(?P<sep>[/.\-])(?P<month>\d{1,2})(?P<year>(?:19|20)\d\d)(?![\w/.\-])")


def _fused_years(text: str) -> list[DateRepair]:
    """Dates like "22/112024": the separator written again, when day and month are a calendar's."""
    return [DateRepair(m.start(), m.end(), m.group(), f"{m['day']}{m['sep']}{m['month']}{m['sep']}{m['year']}")
            for m in _FUSED_YEAR.finditer(text) if calendar_day_month(m["day"], m["month"])]


# "tháng" (marks lost or not), then a month and a year fused by a "/" that faded ("Tháng 52023"; a
# space apart they may be "ngày 12 tháng 5 năm 2023" that lost its "năm", and stay)
_MONTH_WORD = re.compile(r"(?<!\w)[Tt][Hh][AaÁáẢảÀàÃãẠạ][Nn][Gg][ \t]+")
_MONTH_YEAR = re.compile(r"(?P<month>\d{1,2})(?P<year>(?:19|20)\d\d)(?![\w/.\-]|[ \t]*\d)")


def _month_years(text: str, style: str | None) -> list[DateRepair]:
    """A month and year after "tháng" whose separator is lost; the document's separator is
    written (``style`` if known, else read from the text once one is found; a "/" if it has
    none). Only a month of 1 to 12 is one."""
    repairs = []
    for month_word in _MONTH_WORD.finditer(text):
        found = _MONTH_YEAR.match(text, month_word.end())
        if found is not None and 1 <= int(found["month"]) <= 12:
            style = style or document_separator(text) or "/"
            repaired = f"{found['month']}{style}{found['year']}"
            repairs.append(DateRepair(found.start(), found.end(), found.group(), repaired))
    return repairs


def document_separator(text: str) -> str | None:
    """The separator of the document's well-formed dates, if it has any."""
    counts = {sep: 0 for sep in _SEPARATORS}
    for found in _WELL_FORMED.finditer(text):
        counts[found.group(1)] += 1
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else None


def _broken(found: re.Match[str]) -> bool:
    separators = (found["s1"], found["s2"])
    return any(sep not in _SEPARATORS for sep in separators) or " " in found["day"] + found["month"]


def _past_repair(garbled: re.Match[str]) -> bool:
    """A look-alike for a digit, a year no letter of ours bears, or a day or month of three figures;
    not a well-formed date in brackets ("ngày (08/02/2025)")."""
    if _WELL_FORMED.fullmatch(garbled.group().lstrip("(")):
        return False
    year = int(garbled["year"])
    return (bool(_NOT_DIGIT.search(garbled.group())) or not FIRST_YEAR <= year <= LAST_YEAR
            or any(len(figures) > 2 for figures in _FIGURES.findall(garbled.group())[:-1]))


def _repaired(found: re.Match[str], style: str | None) -> str | None:
    day, month = found["day"].replace(" ", ""), found["month"].replace(" ", "")
    year = int(found["year"])
    if not (calendar_day_month(day, month) and FIRST_YEAR <= year <= LAST_YEAR):
        return None
    # the document's own dates decide (a "/" may have been read as "."), then the one it kept
    kinds = {sep.strip() for sep in (found["s1"], found["s2"])} - {""}
    separator = style or (kinds.pop() if len(kinds) == 1 else "/")
    return f"{day}{separator}{month}{separator}{found['year']}"
