"""Specks read as text: lines, and line ends, that are marks on the page rather than words.

Tesseract reads a signature, a seal's rim or dirt beside the text as runs of symbols and
stray letters ("' $/\\ s", "=. ⁄°", "- Như trên; '-G) «4."). In the pipeline the word boxes
tell such marks apart (see ``stages.correct.drop_stamp_noise``); plain text has only its
characters, so here a stretch is judged a speck only when it both lacks words and carries a
symbol that running Vietnamese text does not use. Pure functions on the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipeline.correction.addresses import ADDRESS_LIKE
from pipeline.correction.tokens import NO_PROTECTED, PROTECTED, WORD, ProtectedWords, Token, tokenize
from pipeline.correction.viet import is_valid_syllable

# Symbols that letters never carry but OCR makes of specks, strokes and seal rims. Left out on
# purpose: the punctuation of running text, list marks ("-", "+", "*"), "%", "&" (GD&ĐT),
# "°" (°C), quotes and "_" (drafters rule lines with it).
SPECK_SYMBOLS = frozenset("|~#$^`@<>«»›‹¦\\€£¥©®™¬¤=ˆ⁄´¨¸")
# A line with at most this many words among its specks is still specks ("ý ` `").
MAX_WORDS_IN_SPECK_LINE = 1
SPECK_CONFIDENCE = 0.9
SPECK = "speck"  # Token.kind of a dropped stretch


@dataclass(frozen=True)
class Speck:
    """A stretch of the text (``start``..``end``) to be dropped."""

    start: int
    end: int
    doubtful: bool = False  # only suggested: a page's first line that may be its number misread


def speck_spans(text: str, protected: ProtectedWords = NO_PROTECTED, *, symbols: bool = True) -> list[Speck]:
    """Stretches of ``text`` that are no part of the letter's text: specks (whole lines, or the
    end of a line after its words; not with ``symbols`` False, for text whose symbols may be
    letters) and page numbers."""
    specks: list[Speck] = []
    offset = 0
    for line in text.splitlines(keepends=True) if symbols else ():
        specks.extend(_line_specks(line, offset, protected))
        offset += len(line)
    numbers = [n for n in page_numbers(text) if not any(s.start < n.end and n.start < s.end for s in specks)]
    return sorted(specks + numbers, key=lambda s: s.start)


# "2", "- 2 -": the number NĐ 30/2020 prints at the top centre of every page from the second on
_PAGE_NUMBER = re.compile(r"[-–]?\s*(\d{1,3})\s*[-–]?")


# a page's first line that is a figure or two with a speck or two beside them ("8", "3)", "“2" atop
# page 2): its number misread, most likely, or a table's row number carried over
_ODD_PAGE_NUMBER = re.compile(r"[^\w\s]{0,2}\s*\d{1,2}\s*[^\w\s]{0,2}")


def page_numbers(text: str) -> list[Speck]:
    """Page numbers: a page's first line (pages are split by form feeds, as Tesseract writes
    them) when it is only the number of that page, or that number with one figure more, a speck
    beside it read as a digit ("82", "22" atop page 2); doubtful when it is another short figure
    with specks beside it (_ODD_PAGE_NUMBER)."""
    found, offset = [], 0
    for index, page in enumerate(text.split("\f"), start=1):
        stripped = page.lstrip()
        first = stripped.split("\n", 1)[0].rstrip()
        match = _PAGE_NUMBER.fullmatch(first)
        start = offset + len(page) - len(stripped)
        if index >= 2 and match and _is_page_number(match.group(1), index):
            found.append(Speck(start, start + len(first)))
        elif index >= 2 and _ODD_PAGE_NUMBER.fullmatch(first):
            found.append(Speck(start, start + len(first), doubtful=True))
        offset += len(page) + 1
    return found


def _is_page_number(figures: str, index: int) -> bool:
    number = str(index)
    return figures.lstrip("0") == number or (
        len(figures) == len(number) + 1 and (figures.startswith(number) or figures.endswith(number)))


def _line_specks(line: str, offset: int, protected: ProtectedWords) -> list[Speck]:
    if not _may_hold_specks(line):
        return []  # (most lines: no piece needs to be looked at)
    pieces = _pieces(line)
    if not pieces:
        return []
    kinds = [_piece_kind(piece, protected) for _, _, piece in pieces]
    words = kinds.count("word")
    if words <= MAX_WORDS_IN_SPECK_LINE and kinds.count("speck") >= 1 + words:
        return [Speck(offset + pieces[0][0], offset + pieces[-1][1])]
    stray = _stray_colons(pieces, kinds)
    tail = _speck_tail(kinds, stray)
    # (not after a label: "Số: | 4/UBND" is a handwritten 1)
    rules = [i for i in range(1, tail) if _TABLE_RULE.fullmatch(pieces[i][2]) and not pieces[i - 1][2].endswith(":")]
    # (the whitespace before a dropped piece goes with it)
    specks = [Speck(offset + pieces[i - 1][1], offset + pieces[i][1]) for i in sorted({*stray, *rules}) if i < tail]
    if tail < len(pieces):
        specks.append(Speck(offset + pieces[tail - 1][1], offset + pieces[-1][1]))
    return specks


# "|" between the cells of a table row: its vertical rule, which no running text writes
_TABLE_RULE = re.compile(r"[|¦]+")
# ":", ": :", ": ;", "_": dust beside a line read as punctuation. Running text never sets a colon
# apart, nor a colon before a small letter: "Kính gửi:", "gồm: a)".
_STRAY_COLON = re.compile(r"[:;_]*[:_][:;_]*")


def _stray_colons(pieces: list[tuple[int, int, str]], kinds: list[str]) -> list[int]:
    """Indices of the pieces that are stray colons: after a word, at the line's end or before a
    small letter."""
    stray = []
    for i in range(1, len(pieces)):
        if not _STRAY_COLON.fullmatch(pieces[i][2]) or kinds[i - 1] != "word" and i - 1 not in stray:
            continue
        at_end = all(_STRAY_COLON.fullmatch(p) for _, _, p in pieces[i:])
        if at_end or pieces[i + 1][2][:1].islower():
            stray.append(i)
    return stray


def _speck_tail(kinds: list[str], stray: list[int]) -> int:
    """Index where the specks ending the line start, after its last word; len when none. The
    tail opens at a speck or stray colon: "(b/c);" is no word but a drafter's abbreviation."""
    tail = len(kinds)
    while tail > 0 and kinds[tail - 1] != "word":
        tail -= 1
    if tail == 0:
        return len(kinds)
    while tail < len(kinds) and kinds[tail] != "speck" and tail not in stray:
        tail += 1
    return tail


def _pieces(line: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for piece in line.split():
        start = line.index(piece, pos)
        pos = start + len(piece)
        out.append((start, pos, piece))
    return out


def _piece_kind(piece: str, protected: ProtectedWords) -> str:
    """"word" (syllables, numbers, codes, known abbreviations), "speck" (a speck symbol outside
    them: "«4.", "#-", "=" but not "nh@n", an English model's "ậ"), "mark" (punctuation of
    running text: "-", "+", "...") or "other" (letters that make no word: "G", "Lomwipham")."""
    if ADDRESS_LIKE.search(piece):
        return "other"  # an e-mail or web address with a speck in it is no speck: it is kept
    tokens = list(tokenize(piece, protected))
    residue = "".join(piece[a.end:b.start] for a, b in zip([_START, *tokens], [*tokens, _end(piece)], strict=True))
    if _has_speck_symbol(residue):
        return "speck"
    if not tokens:
        return "mark"
    if all(t.kind == PROTECTED or t.kind == WORD and is_valid_syllable(t.text) for t in tokens):
        return "word"
    return "other"


_START = Token(0, 0, "", "")


def _end(piece: str) -> Token:
    return Token(len(piece), len(piece), "", "")


def _may_hold_specks(line: str) -> bool:
    """A speck needs a speck symbol, a stray colon a colon or an underscore."""
    return ":" in line or "_" in line or _has_speck_symbol(line)


def _has_speck_symbol(value: str) -> bool:
    return any(ch in SPECK_SYMBOLS or unicodedata.category(ch) == "Co" for ch in value)
