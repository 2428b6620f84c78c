"""Tokenisation shared by the LM builder and the corrector.

Text is cut into chunks of letters/digits joined by code connectors (/ - . & @ _).
A chunk that looks like a code, number, date, e-mail or URL stays one protected token;
any other chunk is split on its connectors into word tokens. Everything between
tokens (spaces, punctuation, line breaks) is left untouched by the corrector.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .viet import is_valid_syllable

WORD = "word"  # may be corrected
PROTECTED = "protected"  # never changed in the text (codes, numbers, abbreviations, foreign words)
MIXED = "mixed"  # letters and digits ("s6", "16n"): only a flagged suggestion is allowed

_URL = r"(?:https?://|www\.)[^\s<>\"”“]+[^\s<>\"”“.,;:!?)]"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_CHUNK = r"[\w&¢©®§¥£€]+(?:[/\-–—.&@_'’][\w&¢©®§¥£€]+)*"
CHUNK_RE = re.compile(f"{_URL}|{_EMAIL}|{_CHUNK}")
_SPLIT_RE = re.compile(r"[/\-–—.@_'’]+")
_PIECE_RE = re.compile(r"[^/\-–—.@_'’]+")
_HAS_DIGIT = re.compile(r"\d")
_INITIALS_NAME = re.compile(r"^([A-ZĐ]{1,4})([A-ZĐ][a-zđ\u00e0-\u1ef9]+)$")
SENTENCE_END = set(".;:!?")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    kind: str
    joined: bool = False  # two OCR pieces merged into one word ("nhi ệm" -> "nhiệm")
    glued: tuple[int, int] | None = None  # span of the word OCR glued this syllable into ("Pháthiện")


# A frozen dataclass's __init__ sets each field through object.__setattr__: three times slower
# than filling the instance's __dict__, and tokenize makes one Token per word
_new_object = object.__new__


def _is_code(chunk: str) -> bool:
    """Document numbers, dates, abbreviations joined by connectors: 1005/KH-PGDĐT, GD&ĐT."""
    if _HAS_DIGIT.search(chunk):
        return True
    pieces = [p for p in _SPLIT_RE.split(chunk) if p]
    if len(pieces) <= 1:
        return False
    caps = [p for p in pieces if len(p) >= 2 and p.isupper() and not is_valid_syllable(p)]
    return bool(caps) or any(p.isupper() and len(p) == 1 for p in pieces) and chunk.isupper()


@dataclass(frozen=True)
class ProtectedWords:
    """Abbreviations (matched exactly) and foreign words (matched case-insensitively)."""

    abbreviations: frozenset[str] = field(default_factory=frozenset)
    foreign: frozenset[str] = field(default_factory=frozenset)

    def __contains__(self, word: str) -> bool:
        return word in self.abbreviations or word.lower() in self.foreign

    @classmethod
    def from_words(cls, abbreviations: Iterable[str], foreign: Iterable[str]) -> ProtectedWords:
        # an abbreviation spelled like a Vietnamese syllable ("DA", "TU") would block "ĐA", "TƯ"
        abbr = frozenset(a for a in abbreviations if not is_valid_syllable(a))
        return cls(abbr, frozenset(f.lower() for f in foreign))

    @classmethod
    def load(cls, dictionaries: Path) -> ProtectedWords:
        return cls.from_words(read_word_list(dictionaries / "abbreviations.txt"), read_word_list(dictionaries / "foreign_words.txt"))


def read_word_list(path: Path) -> list[str]:
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


NO_PROTECTED = ProtectedWords()


def tokenize(text: str, protected_words: ProtectedWords = NO_PROTECTED) -> Iterator[Token]:
    """Yield tokens with their spans; protected words and codes come out as PROTECTED."""
    new_token = _new_object
    # ProtectedWords.__contains__ spelled out for the plain words below (a method call per word)
    plain = type(protected_words) is ProtectedWords
    abbreviations, foreign = (protected_words.abbreviations, protected_words.foreign) if plain else ((), ())
    for m in CHUNK_RE.finditer(text):
        chunk = m.group()
        start = m.start()
        if chunk.isalpha() and (chunk.islower() or _initials_and_name(chunk) is None):
            # a plain word (most tokens): no connector, digit or initials to look into
            protected = chunk in abbreviations or chunk.lower() in foreign if plain else chunk in protected_words
            tok = new_token(Token)  # Token(start, end, chunk, kind), made quickly (see _new_object)
            tok.__dict__.update(start=start, end=m.end(), text=chunk, kind=PROTECTED if protected else WORD,
                                joined=False, glued=None)
            yield tok
            continue
        if "@" in chunk or chunk.startswith(("http", "www.")) and "." in chunk:
            yield Token(start, m.end(), chunk, PROTECTED)
            continue
        if chunk in protected_words or _is_code(chunk) and not _is_wordlike_mixed(chunk):
            yield Token(start, m.end(), chunk, PROTECTED)
            continue
        for p in _PIECE_RE.finditer(chunk):
            piece = p.group()
            s = start + p.start()
            initials = _initials_and_name(piece)
            if initials and _name_lost_its_tone(initials.group(2)):
                # a drafter's initials and given name ("Lưu: VT, NHNgọc") whose name lost the marks
                # it needs to be a syllable: the name is a word to restore (a name that is a
                # syllable as written, "TTLan", stays as read with its initials)
                cut = s + initials.end(1)
                yield Token(s, cut, initials.group(1), PROTECTED)
                yield Token(cut, s + len(piece), initials.group(2), WORD)
                continue
            # initials and a name ("PTHa", "TTLan"): no Vietnamese word looks so
            kind = PROTECTED if initials else _kind_of_piece(piece, protected_words)
            yield Token(s, s + len(piece), piece, kind)


def _initials_and_name(piece: str) -> re.Match[str] | None:
    """ "NHNgọc", "PTHa": initials then a name; not a word with its first letters in capitals
    by an OCR slip ("CHo", "NGHị": those are syllables in lower case)."""
    match = _INITIALS_NAME.match(piece)
    if match is None or is_valid_syllable(piece.lower()):
        return None
    return match


def _name_lost_its_tone(name: str) -> bool:
    """An unmarked name that is no syllable as written ("Ngoc", "Tuyet"): it lost its marks."""
    lower = name.lower()
    return lower.isascii() and not is_valid_syllable(lower)


def _is_wordlike_mixed(chunk: str) -> bool:
    """OCR words with look-alike digits ("s6", "16n", "n01"): a single short piece with letters."""
    if _SPLIT_RE.search(chunk):
        return False
    letters = sum(c.isalpha() for c in chunk)
    return letters > 0 and len(chunk) <= 7 and not chunk.isdigit()


def _kind_of_piece(piece: str, protected_words: ProtectedWords) -> str:
    if piece in protected_words or piece.isdigit():
        return PROTECTED
    if _HAS_DIGIT.search(piece):
        return MIXED
    return WORD
