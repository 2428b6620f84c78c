"""Punctuation that OCR misreads, found from the rules of written Vietnamese alone.

Dust and blur turn a comma into a full stop ("nộp phí. lệ phí"), add a stop where there is none
("thực hiện. trong"), read a clause number's stop as a comma or colon ("1, Người nộp") and a list
dash as a tilde ("~ Tổ công tác"). Administrative and legal text follows strict habits that make
these misreads plain: no sentence goes on in a small letter after a full stop, a numbered clause
opening a line is written "1.", and a list line opens with "-". Pure functions on the text; the
corrector chooses between a comma and nothing with its LM.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .tokens import WORD, Token
from .viet import VIET_LETTERS, is_valid_syllable, strip_marks

# "b)", "đ)", "a." opening a point: a small letter after a full stop that is no misread
_POINT_LABEL = re.compile(r"[a-zđ]{1,2}[).]")
# a clause number opening a line with a comma, colon or semicolon before a capital
_CLAUSE_NUMBER = re.compile(r"^([ \t]*[“\"]?\d{1,2})([,:;])(?=[ \t]+[^\W\d_])", re.MULTILINE)
# a tilde (or a tilde and a dash) where a list line's dash stands
_TILDE_DASH = re.compile(r"^([ \t]*)(~-?|-~)(?=[ \t])", re.MULTILINE)
# a hyphen between two small syllables, no space around it ("phê-duyệt", "cơ quan-thi hành"):
# Vietnamese writes such a hyphen only in a few loanwords ("mô-đun", "ăng-ten": 227 in 4.4 M
# words of the corpus), OCR makes one of a speck between words
_JOINING_HYPHEN = re.compile(r"(?<![\w-])([^\W\d_]+)-([^\W\d_]+)(?![\w-])")
# a heading or clause number opening a line, glued to its first word ("I.MỤC ĐÍCH", "2.Công tác"):
# the rules write a space after its stop, and blur or a tight scan loses it
_GLUED_NUMBER = re.compile(r"^([ \t]*(?:[IVX]{1,4}|\d{1,2})\.)([^\W\d_]{2,})(?=[\s,.:;]|$)", re.MULTILINE)
# a square or cubic metre's small raised figure, which OCR reads as "?", ")", "°" or "Z" ("394m)",
# "800.000 đồng/m?", "62,9mZ")
_AREA_UNIT = re.compile(r"(?:(?<=\d)|(?<=\d )|(?<=/))(?:m|km)([?)°Zz])(?![\w(])")
FIX_CONFIDENCE = 0.9
PUNCTUATION = "punctuation"  # Token.kind of a mended mark


@dataclass(frozen=True)
class PunctuationFix:
    start: int
    end: int
    replacement: str


def stray_periods(text: str, tokens: list[Token]) -> list[tuple[int, int, int]]:
    """(offset of the stop, index of the word before, index of the word after) for each full stop
    that ends a word and is followed by a word in a small letter: no sentence of running text
    goes on so. Stops of abbreviations ("v.v."), ellipses and point labels ("b)") are left; a stop
    glued between two syllables ("quan.chịu") is one too."""
    found = []
    for i in range(len(tokens) - 1):
        word = tokens[i]
        gap = text[word.end:tokens[i + 1].start]
        if word.kind != WORD or not (_is_lone_stop(gap) or gap == "." and _glued_by_stop(text, word, tokens[i + 1])):
            continue
        k = i + 1  # the next word, past specks read as letters ("phí. š ặ\ntrực")
        while k + 1 < len(tokens) and _speck_letter(tokens[k]):
            k += 1
        after = tokens[k]
        if not _goes_on(after) or text[word.start - 1:word.start] == "." or _POINT_LABEL.match(text, after.start):
            continue  # "v.v. ", "b) ..."
        found.append((word.end, i, k))
    return found


# the one-letter marked words of administrative prose; other marked letters alone are specks
_ONE_LETTER_WORDS = frozenset("ởýàạ")


def _speck_letter(token: Token) -> bool:
    text = token.text.lower()
    return token.kind == WORD and len(text) == 1 and (not is_valid_syllable(text) or (
        not text.isascii() and text not in _ONE_LETTER_WORDS))


def _glued_by_stop(text: str, word: Token, after: Token) -> bool:
    """Two small-letter syllables joined by a stop, with no space ("liên quan.chịu trách nhiệm"): a
    speck, or a stop whose space was lost. Not a dotted chain ("gov.vn", "v.v.") or an address."""
    before_chain, after_chain = text[word.start - 1:word.start], text[after.end:after.end + 1]
    return (after.kind == WORD and len(word.text) >= 2 and len(after.text) >= 2
            and word.text.islower() and after.text.islower()
            and is_valid_syllable(word.text) and is_valid_syllable(after.text)
            and before_chain not in (".", "@", "/") and after_chain not in (".", "@", "/"))


def _is_lone_stop(gap: str) -> bool:
    """A gap that is one full stop then whitespace (not "..", ".)" or ".”")."""
    return len(gap) >= 2 and gap[0] == "." and gap[1:].isspace()


def _goes_on(after: Token) -> bool:
    """A word in small letters that goes on a sentence: a code, or Vietnamese letters (a
    syllable, or one misread: "tùnh"), not a speck ("ø")."""
    if not after.text[:1].islower():
        return False
    return after.kind != WORD or is_valid_syllable(after.text) or (
        len(after.text) >= 2 and all(c in VIET_LETTERS for c in after.text.lower()))


def clause_number_fixes(text: str) -> list[PunctuationFix]:
    """ "1," or "2:" opening a line before a capital, after a line that ended its sentence or
    clause (a wrapped line may open "11, Điều 5"), is the clause number "1." """
    return [PunctuationFix(m.end(1), m.end(2), ".") for m in _CLAUSE_NUMBER.finditer(text)
            if _after_a_clause(text, m.start())]


def _after_a_clause(text: str, line_start: int) -> bool:
    before = text[:line_start].rstrip()
    return not before or before[-1] in ".:;!?"


def glued_number_fixes(text: str) -> list[PunctuationFix]:
    """ "I.MỤC", "2.Công" opening a line: a space after the number's stop, when the word after it
    is a syllable in capitals or title case ("II.A", a category, has no word after it)."""
    fixes = []
    for m in _GLUED_NUMBER.finditer(text):
        word = m.group(2)
        if is_valid_syllable(word) and word[:1].isupper() and (word.isupper() or word[1:].islower()):
            fixes.append(PunctuationFix(m.end(1) - 1, m.end(1), ". "))
    return fixes


# the letters that label points, in order ("a)", "b)", ... "đ)" after "d)"; no f, j, w, z)
POINT_LETTERS = "abcdđeghiklmnopqrstuvxy"
# a point's label opening a line ("c)" before a word), after a speck's dash if any; the label is
# any one letter or a glyph OCR makes of one ("©)", "¡)"); ``_label_letter`` sorts them out
_POINT_LABEL_LINE = re.compile(r"^([ \t]*(?:[—_~-]+[ \t]+)?)([^\W\d_]|[©€¢¡|!0ø])(\))(?=[ \t]+\S)", re.MULTILINE)
# letters OCR reads for one another in such a label
_LABEL_LOOKALIKES = frozenset({("c", "e"), ("e", "c"), ("c", "o"), ("o", "c"), ("d", "đ"), ("đ", "d"),
                               ("g", "q"), ("q", "g"), ("h", "b"), ("b", "h"), ("i", "l"), ("l", "i")})
# glyphs OCR makes of a label's letter; a marked letter ("ì)") is its bare letter
_LABEL_GLYPHS = {"©": "c", "€": "c", "¢": "c", "¡": "i", "|": "il", "!": "il", "0": "o", "ø": "o"}


def point_label_fixes(text: str) -> list[PunctuationFix]:
    """A point's label that breaks its list's order, mended from the order ("a) b) e) đ)": the
    "e)" is "c)"). Labels are the letters before ")" opening lines (after a speck's dash,
    "—_ đ)"). A label is mended to the letter its order expects when
    - it is a glyph of that letter ("©)", "ì)", "|)") or a letter OCR reads for it ("e)" for
      "c)"), and the label after it, if any, goes on from the expected one (or a later letter: a
      label may be lost), or starts a new list; or
    - the label after it is the very next letter ("b) X) d)"; "q) b)" opens a list with "a)")."""
    labels = _labels_read(text)
    fixes = []
    for k, (offset, letter) in enumerate(labels):
        previous = None
        if k:
            before = labels[k - 1]
            previous = fixes[-1].replacement.lower() if fixes and fixes[-1].start == before[0] else _label_letter(before[1])
        after = _label_letter(labels[k + 1][1]) if k + 1 < len(labels) else None
        expected = _expected_label(letter, previous, after)
        if expected is not None:
            fixes.append(PunctuationFix(offset, offset + 1, expected.upper() if text[offset].isupper() else expected))
        elif (text[offset].isupper() and _small_neighbours(text, labels, k) and not _capitals_follow(text, offset)
              and _in_order(letter, previous, after)):
            fixes.append(PunctuationFix(offset, offset + 1, text[offset].lower()))  # "b) C) d)": OCR's capital
    return fixes


def _capitals_follow(text: str, offset: int) -> bool:
    """Whether the label's line goes on in capitals ("B) GIẤY PHÉP": the label is the heading's)."""
    words = text[offset + 2:text.find("\n", offset) if "\n" in text[offset:] else len(text)].split()
    return bool(words) and words[0].isupper()


def _small_neighbours(text: str, labels: list[tuple[int, str]], k: int) -> bool:
    """Whether the labels beside label k, as read, are small letters (and there is one)."""
    beside = [labels[j][0] for j in (k - 1, k + 1) if 0 <= j < len(labels)]
    return bool(beside) and all(text[offset].islower() for offset in beside)


def labels_in_order(text: str) -> set[int]:
    """Offsets of the points' labels, read as point letters, that their list's order confirms: the
    letter after the label before it, or the one before the label after it ("a) b)")."""
    labels = _labels_read(text)
    confirmed = set()
    for k, (offset, letter) in enumerate(labels):
        if letter not in POINT_LETTERS:
            continue  # (a glyph, "©)", is mended by point_label_fixes)
        previous = _label_letter(labels[k - 1][1]) if k else None
        after = _label_letter(labels[k + 1][1]) if k + 1 < len(labels) else None
        if _in_order(letter, previous, after):
            confirmed.add(offset)
    return confirmed


def _in_order(letter: str, previous: str | None, after: str | None) -> bool:
    """Whether a label's letter follows the label before it, or precedes the one after it."""
    return (previous is not None and _next_point_letter(previous) == letter
            or after is not None and _next_point_letter(letter) == after)


def _labels_read(text: str) -> list[tuple[int, str]]:
    """(offset, label in small letters) of each point's label opening a line ("D)" is "d)")."""
    return [(m.start(2), m.group(2).lower()) for m in _POINT_LABEL_LINE.finditer(text)]


def _expected_label(letter: str, previous: str | None, after: str | None) -> str | None:
    """The letter a label ``letter`` stands for between its list's labels, or None to keep it."""
    expected = _next_point_letter(previous) if previous is not None else None
    if expected is not None and letter != expected:
        if after is not None and after == _next_point_letter(expected):
            return expected
        read_for = ((letter not in POINT_LETTERS and expected in _glyph_letters(letter))
                    or (letter, expected) in _LABEL_LOOKALIKES)
        goes_on = after is None or after == "a" or POINT_LETTERS.find(after) > POINT_LETTERS.find(expected)
        if read_for and goes_on:
            return expected
    if letter not in ("a", expected) and after == "b":  # a list opens
        return "a"
    return None


def _label_letter(label: str) -> str | None:
    """The point letter a label reads as ("©" is "c"), or None for a glyph of no one letter."""
    if label in POINT_LETTERS:
        return label
    letters = _glyph_letters(label)
    return letters if len(letters) == 1 and letters in POINT_LETTERS else None


def _glyph_letters(label: str) -> str:
    """The letters a label that is no point letter may stand for: "©" "c", "|" "il", "ì" "i"."""
    return _LABEL_GLYPHS.get(label, strip_marks(label))


def _next_point_letter(letter: str) -> str | None:
    k = POINT_LETTERS.find(letter)
    return POINT_LETTERS[k + 1] if 0 <= k < len(POINT_LETTERS) - 1 else None


def list_dash_fixes(text: str) -> list[PunctuationFix]:
    """ "~" or "~-" opening a line is the list dash "-" """
    return [PunctuationFix(m.start(2), m.end(2), "-") for m in _TILDE_DASH.finditer(text)]


# a dash between two names ("Lao động - Thương binh", "Độc lập - Tự do") read glued to one side only
_HALF_SPACED_DASH = re.compile(r"(?<=\w)(?:(-)[ \t]|[ \t](-))(?=\w+)")
_WORD_AFTER = re.compile(r"\w+")


def half_spaced_dash_fixes(text: str) -> list[PunctuationFix]:
    """ "động- Thương", "lập -Tự": a dash spaced on one side only, between a small-letter word
    and a capitalised one, is spaced on both. (A code's dash, "17/NQ- CP", has capitals both sides.)"""
    fixes = []
    for m in _HALF_SPACED_DASH.finditer(text):
        after = _WORD_AFTER.match(text, m.end()).group()
        if text[m.start() - 1].islower() and after[:1].isupper() and not after.isupper():
            dash = m.start(1) if m.group(1) else m.start(2)
            fixes.append(PunctuationFix(dash, dash + 1, " -" if m.group(1) else "- "))
    return fixes


# "KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN", "TL.", "TUQ.", "Q. GIÁM ĐỐC": the signer's authority
# (NĐ 30/2020) before a title in capitals, its stop read as a comma, colon or semicolon
_SIGNER_PREFIX = re.compile(r"(?<![\w.])(?:KT|TM|TL|TUQ|Q)([,:;])(?=[ \t]+[^\W\d_a-zđ]{2,}\b)")
_GLUED_SIGNER_PREFIX = re.compile(r"(?<![\w.])(?:KT|TM|TL|TUQ)(\.)(?=[^\W\d_a-zđ]{2,}\b)")


def signer_prefix_fixes(text: str) -> list[PunctuationFix]:
    """ "KT, CHỦ TỊCH": the stop after the signer's authority; "TM.ỦY BAN": the space after it."""
    fixes = [PunctuationFix(m.start(1), m.end(1), ".") for m in _SIGNER_PREFIX.finditer(text)
             if _title_word_after(text, m.end())]
    fixes += [PunctuationFix(m.start(1), m.end(1), ". ") for m in _GLUED_SIGNER_PREFIX.finditer(text)
              if _title_word_after(text, m.end())]
    return sorted(fixes, key=lambda fix: fix.start)


def _title_word_after(text: str, end: int) -> bool:
    """The word after ``end`` on its line has no small letter: a title in capitals ("CHỦ TỊCH"),
    not a unit's name ("KT, Hạ tầng")."""
    return not any(c.islower() for c in text[end:end + 12].split("\n")[0].split()[0])


# "(b/c)" (báo cáo), "(đ/c)" (đồng chí) closing a recipient's line, the "c" read as a symbol and
# the slash lost or read as a letter ("(b/€)", "(b€)", "(bíc)")
_ABBREVIATION_C = re.compile(r"\(([bđ])(/|[íìl1I|]?)([€©¢cC])\)")


def abbreviation_letter_fixes(text: str) -> list[PunctuationFix]:
    """ "(b/€)", "(đ/©)", "(b€)", "(bíc)": a drafter's "(b/c)" as OCR read it. Each fix covers the
    token(s) the corrector reads in its place: the symbol after a slash, else the whole."""
    fixes = []
    for m in _ABBREVIATION_C.finditer(text):
        if m.group(2) == "/":
            if m.group(3) != "c":  # ("(b/C)": a capital is a misread too)
                fixes.append(PunctuationFix(m.start(3), m.end(3), "c"))
        elif m.group(2) or m.group(3) != "c":  # ("(bc)" may be as written)
            fixes.append(PunctuationFix(m.start(1), m.end(3), m.group(1) + "/c"))
    return fixes


def joining_hyphens(text: str, *, capitals: bool = False) -> list[tuple[int, str, str]]:
    """(offset, left, right) of each hyphen joining two small-letter syllables ("phê-duyệt"), or
    with ``capitals`` two syllables in capitals ("ỦY-BAN"), lower-cased."""
    same_case = str.isupper if capitals else str.islower
    return [(m.end(1), m.group(1).lower(), m.group(2).lower()) for m in _JOINING_HYPHEN.finditer(text)
            if same_case(m.group(1)) and same_case(m.group(2))
            and is_valid_syllable(m.group(1).lower()) and is_valid_syllable(m.group(2).lower())]


def area_unit_marks(text: str) -> list[int]:
    """Offsets of the sign OCR made of a raised "²" after "m" or "km" that follows a number or a
    slash ("16m)", "đồng/m?"); a ")" only where no "(" is open on its line before it."""
    found = []
    for m in _AREA_UNIT.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if m.group(1) == ")" and text.rfind("(", line_start, m.start()) > text.rfind(")", line_start, m.start()):
            continue  # it closes a bracket: "(diện tích 5m)"
        found.append(m.start(1))
    return found
