"""Roman numbers of a letter's headings, mended from their sequence.

NĐ 30/2020 letters number their parts I, II, III... in headings of capitals ("II. NỘI DUNG"), or
in sentence case ("II. Đề xuất").
Tesseract reads "II" as "H", loses a stroke of "III" or glues the first heading to its title;
numbers go up by one, so the sequence tells what each was. Pure functions on the text.
"""

from __future__ import annotations

import re

from .tokens import Token

HEADING_FIX_CONFIDENCE = 0.9

ROMAN_VALUES = {roman: n for n, roman in enumerate(
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"], 1)}
ROMAN_NUMERALS = {n: roman for roman, n in ROMAN_VALUES.items()}
_ROMAN_LIKE = re.compile(r"[IVXLHl1|]{1,5}")
_ROMAN_LIKE_FIRST = frozenset("IVXLHl1|")  # (a cheap look before the regex)


def _heading_numerals(text: str, tokens: list[Token]) -> list[tuple[int, bool]]:
    """Tokens that number a heading in capitals ("II. NỘI DUNG", read "HI PHƯƠNG HƯỚNG"): the
    first token of a line, Roman-like, before a line whose letters are capitals, or, made of
    letters, before a stop and a capital ("L. Tình hình"); with whether a dot follows it."""
    out = []
    for i, tok in enumerate(tokens[:-1]):
        if len(tok.text) > 5 or tok.text[0] not in _ROMAN_LIKE_FIRST or not _ROMAN_LIKE.fullmatch(tok.text):
            continue
        line_start = text.rfind("\n", 0, tok.start) + 1
        if text[line_start : tok.start].strip():
            continue
        line_end = text.find("\n", tok.end)
        rest = text[tok.end : len(text) if line_end < 0 else line_end]
        letters = [ch for ch in rest if ch.isalpha()]
        capitals = len(letters) >= 3 and sum(ch.isupper() for ch in letters) >= 0.9 * len(letters) and rest[:1] in ". "
        # (or a heading in sentence case, "II. Đề xuất", numbered with letters only: "1. Tình hình" is a list's)
        sentence = tok.text.isalpha() and rest.startswith(". ") and rest[2:3].isupper() and len(letters) >= 3
        if capitals or sentence:
            out.append((i, rest.startswith(".")))
    return out


# costs of a reading of the headings' numbers (heading_values): Tesseract often makes "H" of "II"
# or loses a stroke of "III"; a drafter never skips a number, and a numeral-like word opening a
# capitals line is seldom anything but a heading's number
HEADING_MISREAD_COST = 1.0
HEADING_GAP_COST = 2.0  # each number missing from the sequence
HEADING_NOT_NUMBER_COST = 2.5  # the word is left as read, no number of the sequence


def heading_values(reads: list[str]) -> list[int | None]:
    """The numbers of headings read ``reads`` (in order): the increasing sequence that costs least
    in misreads and missing numbers; None for a word left as read. "H, II, IV" after a first
    heading OCR glued to its title ("IL.MỤC") is II, III, IV."""
    top = max(len(reads) + 4, 12)
    # last number given -> (cost, numbers so far)
    best: dict[int, tuple[float, list[int | None]]] = {0: (0.0, [])}
    for read in reads:
        step: dict[int, tuple[float, list[int | None]]] = {}
        for last, (cost, path) in best.items():
            _offer(step, last, cost + HEADING_NOT_NUMBER_COST, [*path, None])
            for value in range(last + 1, top + 1):
                roman = ROMAN_NUMERALS.get(value)
                if roman is None:
                    break
                misread = 0.0 if read == roman else HEADING_MISREAD_COST if _reads_as(read, roman) else None
                if misread is not None:
                    _offer(step, value, cost + misread + HEADING_GAP_COST * (value - last - 1), [*path, value])
        best = step
    return min(best.values(), key=lambda item: _path_key(*item))[1]


def _offer(step: dict[int, tuple[float, list[int | None]]], last: int, cost: float, path: list[int | None]) -> None:
    if last not in step or _path_key(cost, path) < _path_key(*step[last]):
        step[last] = (cost, path)


def _path_key(cost: float, path: list[int | None]) -> tuple[float, tuple[bool, ...]]:
    # at equal cost the earlier headings are numbered ("I, II, II, II1": III rather than IV's "II1")
    return round(cost, 6), tuple(value is None for value in path)


def _reads_as(read: str, roman: str) -> bool:
    """OCR's reading of a Roman numeral: "HI" or "Il" for III, "L" for I, or one stroke lost ("II" for III).
    An H is two strokes, or beside another stroke one stroke and its stop ("IH." for "II.")."""
    plain = read.replace("l", "I").replace("L", "I").replace("1", "I").replace("|", "I")  # (no heading reaches L, 50)
    readings = {plain.replace("H", "II"), plain.replace("H", "I") if len(plain) > 1 else plain.replace("H", "II")}
    return any(strokes == roman or (roman.startswith(strokes) and len(roman) == len(strokes) + 1 and roman.endswith("I"))
               for strokes in readings)


def renumber_headings(
    text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """Mend the Roman numbers of capital headings that OCR broke, from their sequence: numbers go
    up by one, so "I. KẾT QUẢ ... I TỒN TẠI ... HI PHƯƠNG HƯỚNG" is I, II, III."""
    headings = _heading_numerals(text, tokens)
    if len(headings) < 2:
        return changes
    dotted = sum(dot for _, dot in headings) * 2 > len(headings)
    fixes: dict[int, str] = {}
    values = heading_values([tokens[i].text for i, _ in headings])
    for (i, dot), value in zip(headings, values, strict=True):
        roman = ROMAN_NUMERALS.get(value) if value is not None else None
        if roman is not None and roman != tokens[i].text:
            fixes[i] = roman + ("." if dotted and not dot else "")
    if not fixes:
        return changes
    by_start = {tokens[i].start: fix for i, fix in fixes.items()}
    out = [change for change in changes if change[0].start not in by_start]
    for i, fix in fixes.items():
        out.append((tokens[i], fix, HEADING_FIX_CONFIDENCE, False, ()))
    out.sort(key=lambda change: change[0].start)
    return out
