"""Numbers and codes as OCR reads them: a letter's and a law's numbers, shares, years, the
archive's mark.

Codes are never changed by the decoder (tokens.PROTECTED): these rules flag the ones that are
probably misread (``odd_code``, ``odd_year``, ``odd_share``, ``split_document_number``,
``dot_decimals``, ``cited_year_doubts``, ``clause_sequence_doubts``), suggest what a code lost (``glued_year_suggestion``, ``legislature_suggestion``,
``broken_numbers``) and mend the one mark whose reading is certain (``archive_mark``). Pure
functions on the text and its tokens.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Container

from .dates import FIRST_YEAR, LAST_YEAR, calendar_day_month
from .headings import HEADING_FIX_CONFIDENCE
from .segment import canonical
from .shapes import _with_doubts, over_spans
from .tokens import PROTECTED, Token
from .viet import strip_marks

_WEB_ADDRESS = re.compile(r"^(https?://|www\.)|\.(vn|com|org|net|gov|edu|int)\b", re.I)
_LETTER_RUN = re.compile(r"[^\W\d_]+")

# a law's or a resolution's number ends with its legislature, which its year fixes ("31/2024/QH15")
_LEGISLATURE_CODE = re.compile(r"(\d+/)((?:19|20)\d\d)(/(?:[A-ZĐ]+-)?(?:UBTV)?QH)(\d{1,2})")
# the years of each National Assembly (a year of elections belongs to both)
LEGISLATURE_YEARS = {10: (1997, 2002), 11: (2002, 2007), 12: (2007, 2011), 13: (2011, 2016), 14: (2016, 2021),
                     15: (2021, 2026), 16: (2026, 2031)}


def glued_year_suggestion(code: str) -> str | None:
    """The stop a legal document's code lost between its year and its type ("167/2025NĐ-CP")."""
    joined = _YEAR_GLUED.sub(r"\1/", code, count=1)
    return joined if joined != code else None


def legislature_suggestion(code: str) -> str | None:
    """The code with its year's legislature, when the one it was read with cannot have passed it
    that year ("31/2024/QH13": "QH15"); None when it can, or the year is an election year."""
    m = _LEGISLATURE_CODE.fullmatch(code)
    if m is None:
        return None
    year, read = int(m.group(2)), int(m.group(4))
    terms = [k for k, (start, end) in LEGISLATURE_YEARS.items() if start <= year <= end]
    if len(terms) != 1 or read in terms:
        return None
    return m.group(1) + m.group(2) + m.group(3) + str(terms[0])


_ODD_CODE_SEPARATOR = re.compile(r"[^\w/.\-]")
_LETTER_AMID_DIGITS = re.compile(r"\d[a-zđ]\d")  # "0/2i3i0": a seal's rim read into a number
_YEAR_GLUED = re.compile(r"(/\d{4})(?=[A-ZĐ])")  # "167/2025NĐ-CP": the stop between year and type lost
# "26GM-UBND": a letter's number glued to its type, the "/" between them lost
_NUMBER_GLUED_TO_TYPE = re.compile(r"\d{1,5}[A-ZĐ]{2,}-[A-ZĐ]")
_CODE_YEAR = re.compile(r"^\d{1,5}/(\d{4})/[A-ZĐ]")  # a legal document's number/year/type
_FIRST_CODE_YEAR, _LAST_CODE_YEAR = 1945, 2099
_DOT_DECIMAL = re.compile(r"^\d{1,3}\.\d{1,2}$")
_COMMA_DECIMAL = re.compile(r"\d,\d{1,2}(?!\d)")


def odd_code(code: str, code_pieces: Container[str], known: Container[str], protected: Container[str]) -> bool:
    """A code with a letter group never seen in a code or as a word ("536/TTI-CP", "QĐÐ" with an
    Icelandic eth), an odd separator ("NĐ:CP"), a small letter between digits ("0/2i3i0"), a year
    glued to the type ("167/2025NĐ-CP") or one no document bears ("06/3021/NĐ-CP"): probably misread."""
    if not any(c.isalpha() for c in code) or "@" in code or code in protected or _WEB_ADDRESS.search(code):
        return False
    if code.isalpha():
        return False  # initials ("PTHa"), not a document number
    if (_ODD_CODE_SEPARATOR.search(code) or _LETTER_AMID_DIGITS.search(code) or _YEAR_GLUED.search(code)
            or _NUMBER_GLUED_TO_TYPE.match(code)):
        return True
    year = _CODE_YEAR.search(code)
    if year and not _FIRST_CODE_YEAR <= int(year.group(1)) <= _LAST_CODE_YEAR:
        return True  # "06/3021/NĐ-CP": no document bears that year
    for piece in _LETTER_RUN.findall(code):
        if piece not in code_pieces and piece.lower() not in known and piece not in protected:
            return True
    return False


def split_document_number(text: str, tokens: list[Token], i: int) -> bool:
    """A short number after "số" and before a code, one space apart ("số 1 56/TNMT-QLĐĐ"): the
    code's first digits, parted from it by blur or a handwritten stroke."""
    if not (tokens[i].text.isdigit() and len(tokens[i].text) <= 3) or i == 0 or i + 1 >= len(tokens):
        return False
    before, after = tokens[i - 1], tokens[i + 1]
    return (strip_marks(before.text.lower()) == "so" and "/" in after.text and after.text[:1].isdigit()
            and text[tokens[i].end:after.start] == " " and text[before.end:tokens[i].start].strip() in ("", ":"))


# a document number cut after its type where its hyphen was lost or broken: "2269/QĐ TTg"
_NUMBER_WITHOUT_ISSUER = re.compile(r"\d{1,5}(?:/\d{4})?/[A-ZĐ]{2,6}")
_ISSUER = re.compile(r"[A-ZĐ][A-ZĐa-zđ]{1,7}")
_BROKEN_HYPHEN = re.compile(r"-? -?|- -")  # "2269/QĐ TTg", "2269/QĐ- -TTg"
_SPLIT_NUMBER_HEAD = re.compile(r"\d{1,3}")
_NUMBERED_CODE = re.compile(r"\d{1,4}/(?:\d{4}/)?[A-ZĐ]")
BROKEN_NUMBER_CONFIDENCE = 0.8


# "Lưu: VT, ..." (the office's archive, first in the line of copies kept; NĐ 30/2020): the mark as
# OCR reads it ("VI", "V1", "VTF"), after "Lưu:" opening a line (after a list dash)
_ARCHIVE_MARK = re.compile(r"^[ \t]*(?:[-–—~•][ \t]*)?L[ưu]u[ \t]*[:;.][ \t]*(V[Il1|ÏÍÌĨ]|VT[FEIl1])(?=[ \t]*[,.;]|[ \t]*$|[ \t]+[A-ZĐ])",
                           re.MULTILINE)


def archive_mark(
    text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """Mend the archive's mark "VT" after "Lưu:" that OCR read as "VI", "V1" or "VTF"."""
    starts = {m.start(1) for m in _ARCHIVE_MARK.finditer(text)}
    if not starts:
        return changes
    marks = [tok for tok in tokens if tok.start in starts and tok.end - tok.start == len(tok.text)]
    out = [c for c in changes if c[0].start not in starts]
    out += [(tok, "VT", HEADING_FIX_CONFIDENCE, False, ()) for tok in marks if tok.text != "VT"]
    return sorted(out, key=lambda change: change[0].start)


def broken_numbers(
    text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """Suggest the hyphen a document number lost between its type and its issuer ("2269/QĐ TTg"
    -> "2269/QĐ-TTg"), and the figures of its number spaced apart ("số 2 269/QĐ-TTg" -> "2269/QĐ-TTg"):
    codes are never changed, only flagged with the joined reading."""
    # (a doubt that only flags a piece, as read, gives way to the joined reading)
    taken = {c[0].start for c in changes if not (c[3] and c[1] == c[0].text)}
    joins = []
    for k, (first, second) in enumerate(itertools.pairwise(tokens)):
        if first.kind != PROTECTED or second.kind != PROTECTED or taken & {first.start, second.start}:
            continue
        gap = text[first.end:second.start]
        if (_BROKEN_HYPHEN.fullmatch(gap) and _NUMBER_WITHOUT_ISSUER.fullmatch(first.text)
                and _ISSUER.fullmatch(second.text) and second.text[1:] != second.text[1:].lower()):
            joined = f"{first.text}-{second.text}"
        elif (gap == " " and k > 0 and strip_marks(tokens[k - 1].text.lower()) == "so" and _SPLIT_NUMBER_HEAD.fullmatch(first.text)
              and _NUMBERED_CODE.match(second.text)):
            joined = f"{first.text}{second.text}"  # a number's figures spaced apart: "số 2 269/QĐ-TTg"
        else:
            continue
        span = Token(first.start, second.end, text[first.start:second.end], PROTECTED)
        joins.append((span, joined, BROKEN_NUMBER_CONFIDENCE, True, (joined,)))
    return over_spans(changes, joins)


def odd_year(text: str, tokens: list[Token], i: int) -> bool:
    """A year after "năm" (on its line or the next), or closing a span of years ("giai đoạn 2022 -
    20257"), that no letter writes: five figures or more ("năm 23024"), or four outside 1900-2099.
    (Fewer are counts: "trong 5 năm 10 lần".)"""
    tok = tokens[i]
    if i == 0 or not tok.text.isdigit() or len(tok.text) < 4:
        return False
    gap = text[tokens[i - 1].end:tok.start]
    after_year = _YEAR_SPAN_DASH.fullmatch(gap) is not None and _letter_year(tokens[i - 1].text)
    if not after_year and (gap.strip() or gap.count("\n") > 1 or canonical(tokens[i - 1].text) != "năm"):
        return False
    return not _letter_year(tok.text)


def _letter_year(text: str) -> bool:
    """Four figures of a year a letter bears (dates.FIRST_YEAR to LAST_YEAR)."""
    return len(text) == 4 and text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR


_YEAR_SPAN_DASH = re.compile(r" ?[-–] ?")
# a written date's day and month, by the words on either side: "ngày 21 tháng 0 năm 2024"
_DATE_PART_RANGES = {("ngày", "tháng"): (1, 31), ("tháng", "năm"): (1, 12)}


def odd_date_part(text: str, tokens: list[Token], i: int) -> bool:
    """A day or a month of a written date that no calendar has: "ngày 32 tháng 5", "tháng 0 năm
    2024" (a figure lost or misread). Between "ngày" and "tháng", or "tháng" and "năm", on one line."""
    tok = tokens[i]
    if not 0 < i < len(tokens) - 1 or not tok.text.isdigit():
        return False
    before, after = tokens[i - 1], tokens[i + 1]
    if text[before.end:tok.start] != " " or text[tok.end:after.start] != " ":
        return False
    bounds = _DATE_PART_RANGES.get((canonical(before.text), canonical(after.text)))
    return bounds is not None and not bounds[0] <= int(tok.text) <= bounds[1]


_NUMERIC_DATE = re.compile(r"^(\d{1,3})/(\d{1,3})/((?:19|20)\d\d)$")


def odd_numeric_date(code: str) -> bool:
    """A date written in figures whose day or month no calendar has ("122/11/2024": a table's rule
    read as a 1; "15/13/2024")."""
    m = _NUMERIC_DATE.match(code)
    return m is not None and not calendar_day_month(m.group(1), m.group(2))


def numeric_date_suggestion(code: str) -> str | None:
    """The odd date with a stray first figure of its day or month dropped, when that makes a date."""
    m = _NUMERIC_DATE.match(code)
    if m is None or calendar_day_month(m.group(1), m.group(2)):
        return None
    day, month, year = m.groups()
    day = day[1:] if len(day) == 3 else day
    month = month[1:] if len(month) == 3 else month
    fixed = f"{day}/{month}/{year}"
    return fixed if calendar_day_month(day, month) and fixed != code else None


def odd_share(text: str, tok: Token) -> bool:
    """A share with a leading zero before more figures ("00%", "05%"): a lost "1", or "0,5%"."""
    return text.startswith("%", tok.end) and len(tok.text) > 1 and tok.text[0] == "0" and tok.text.isdigit()


def dot_decimals(text: str, tokens: list[Token]) -> set[int]:
    """Numbers like "30.05" on a line that writes decimals with a comma ("22,72"): a misread comma.

    Vietnamese writes decimals with a comma and groups thousands by three with a dot, so "30.05"
    among "22,72" and "4,29" is most likely "30,05" (a suggestion, never applied).
    """
    out: set[int] = set()
    for i, tok in enumerate(tokens):
        if tok.kind != PROTECTED or not _DOT_DECIMAL.match(tok.text):
            continue
        line_start = text.rfind("\n", 0, tok.start) + 1
        line_end = text.find("\n", tok.end)
        line = text[line_start : len(text) if line_end < 0 else line_end]
        # (or a share: "89.4%" groups no thousands, wherever it stands, as a table's cell alone)
        if text[line_start : tok.start].strip() and len(_COMMA_DECIMAL.findall(line)) >= 2 or (
                text.startswith("%", tok.end)) or line.strip() == tok.text and _among_decimal_cells(text, line_start):
            out.add(i)
    return out


# a table's cells read one per line: the lines either side of a lone figure looked at for its column's decimals
DECIMAL_CELL_LINES = 6


def _among_decimal_cells(text: str, line_start: int) -> bool:
    """The line starting at ``line_start`` is a table's cell read alone, and at least two cells
    among the DECIMAL_CELL_LINES lines either side are lone figures with a decimal comma ("8,14"
    among "7,96" and "7,88"; a cell's lines come one per line when Tesseract reads a table)."""
    before = text[:line_start].split("\n")[-DECIMAL_CELL_LINES - 1:-1]
    after_start = text.find("\n", line_start)
    after = text[after_start + 1:].split("\n", DECIMAL_CELL_LINES)[:DECIMAL_CELL_LINES] if after_start >= 0 else []
    return sum(bool(_LONE_COMMA_DECIMAL.fullmatch(line.strip())) for line in before + after) >= 2


_LONE_COMMA_DECIMAL = re.compile(r"\d{1,3}(?:\.\d{3})*,\d{1,2}%?")


_LOOKALIKE_DIGITS = set("0134568")
# QH15; 10a, 12B (an article or class number takes a letter from a to h, as points do)
_CODE_LIKE = re.compile(r"^[A-ZĐ]{2,}\d+$|^\d{2,}[A-HĐa-hđ]$")


def lookalike_digits(token: str) -> bool:
    """A word with one or two look-alike digits ("s6", "d6i", "1a"), not a code like QH15 or 10a."""
    digits = [c for c in token if c.isdigit()]
    return 0 < len(digits) <= 2 and set(digits) <= _LOOKALIKE_DIGITS and not _CODE_LIKE.match(token)


# a cited document's number with its year, and the date it was signed just after it: "Nghị định số
# 117/2007/NĐ-CP ngày 11 tháng 7 năm 2007", "Luật số 35/2023/QH15 ngày 27/11/2023"
_CITED_WITH_DATE = re.compile(
    r"\d{1,5}/((?:19|20)\d\d)/[A-ZĐ][\w\-]*[ \t]*,?\s+ngày\s+\d{1,2}(?:\s+tháng\s+\d{1,2}\s+năm\s+|/\d{1,2}/)(\d{4})\b")
CITED_YEAR_CONFIDENCE = 0.5


def cited_year_doubts(
    text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """Flag a cited document's number and the year of the date after it when the years differ, each
    with the other's year suggested: a document's number carries the year it is signed in (3,873
    of 3,883 such citations in the corpus's first 4,000 documents agree; the rest are slips). A "3"
    read as "5" in either is the usual cause ("35/2023/QH15 ngày 27 tháng 11 năm 2025")."""
    doubted: dict[int, tuple[Token, str, float, bool, tuple[str, ...]]] = {}
    for m in _CITED_WITH_DATE.finditer(text):
        if m.group(1) == m.group(2):
            continue
        dated = _with_year(text, tokens, m.span(2), m.group(1))
        if dated is None:
            continue
        # (either may be the misread one: the number is flagged too, with the date's year)
        for tok, suggestion in filter(None, (dated, _with_year(text, tokens, m.span(1), m.group(2)))):
            doubted[tok.start] = (tok, suggestion, CITED_YEAR_CONFIDENCE, True, ())
    return _with_doubts(changes, doubted) if doubted else changes


def _with_year(text: str, tokens: list[Token], span: tuple[int, int], year: str) -> tuple[Token, str] | None:
    """The token holding the year at ``span`` (the year alone, a code, the end of a date: "5/3/2025")
    and its text with ``year`` there; None unless a token holds it as written."""
    start, end = span
    tok = next((tok for tok in tokens if tok.start <= start < tok.end), None)
    if tok is None or tok.end - tok.start != len(tok.text):
        return None
    return tok, text[tok.start:start] + year + text[end:tok.end]


# a clause's number opening a line: "3. Sở Giáo dục...", "2) Thời gian"; an article's ("Điều 3.")
_CLAUSE_NUMBERS = (re.compile(r"^[ \t]*(\d{1,2})([.)])[ \t]", re.MULTILINE),
                   re.compile(r"^[ \t]*Điều[ \t]+(\d{1,2})([.:]?)", re.MULTILINE))
CLAUSE_NUMBER_CONFIDENCE = 0.5


def clause_sequence_doubts(
    text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """Flag a clause's or an article's number that breaks its list's count between two that keep it
    ("4. ... 3. ... 6.", "Điều 1. ... Điều 7. ... Điều 3."), with the number due suggested: a list
    restarting ("3. ... 1. ... 2.") keeps its count and is left."""
    starts = {tok.start: tok for tok in tokens}
    doubted: dict[int, tuple[Token, str, float, bool, tuple[str, ...]]] = {}
    for pattern in _CLAUSE_NUMBERS:
        labels = [(m.start(1), int(m.group(1)), m.group(2)) for m in pattern.finditer(text)]
        for before, (offset, number, stop), after in zip(labels, labels[1:], labels[2:], strict=False):
            due = before[1] + 1
            tok = starts.get(offset)
            if after[1] == due + 1 and number != due and before[2] == stop == after[2] and tok is not None:
                doubted[offset] = (tok, str(due), CLAUSE_NUMBER_CONFIDENCE, True, ())
    return _with_doubts(changes, doubted) if doubted else changes
