"""Numeric dates whose separators OCR lost or broke: "ngày 29 11 2022", "ngày 01/1 1/2024".

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
_WELL_FORMED = re.compile(r"(?<![\w/.\-])\d{1,2}([/.\-])\d{1,2}\1\d{4}(?![\w/\-])")
_SEPARATORS = "/.-"
FIRST_YEAR, LAST_YEAR = 1900, 2099


@dataclass(frozen=True)
class DateRepair:
    start: int
    end: int
    original: str
    repaired: str | None  # None: broken, but no valid date


def broken_dates(text: str) -> list[DateRepair]:
    """The numeric dates after "ngày" whose separators are missing, spaced or mixed."""
    broken = [found for found in map(_date_after, _DAY_WORD.finditer(text)) if found and _broken(found)]
    if not broken:
        return []
    style = document_separator(text)
    return [DateRepair(found.start(), found.end(), found.group(), _repaired(found, style)) for found in broken]


def document_separator(text: str) -> str | None:
    """The separator of the document's well-formed dates, if it has any."""
    counts = {sep: 0 for sep in _SEPARATORS}
    for found in _WELL_FORMED.finditer(text):
        counts[found.group(1)] += 1
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else None


def _date_after(day_word: re.Match[str]) -> re.Match[str] | None:
    return _DATE.match(day_word.string, day_word.end())


def _broken(found: re.Match[str]) -> bool:
    separators = (found["s1"], found["s2"])
    return any(sep not in _SEPARATORS for sep in separators) or " " in found["day"] + found["month"]


def _repaired(found: re.Match[str], style: str | None) -> str | None:
    day, month = found["day"].replace(" ", ""), found["month"].replace(" ", "")
    year = int(found["year"])
    if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12 and FIRST_YEAR <= year <= LAST_YEAR):
        return None
    # the document's own dates decide (a "/" may have been read as "."), then the one it kept
    kinds = {sep.strip() for sep in (found["s1"], found["s2"])} - {""}
    separator = style or (kinds.pop() if len(kinds) == 1 else "/")
    return f"{day}{separator}{month}{separator}{found['year']}"
