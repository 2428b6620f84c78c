"""Text helpers shared by the structure parsers.

``fold`` maps every character to one lower-case character without diacritics
(đ → d), so a match found in the folded string has the same offsets in the
original: OCR that drops or confuses tone marks still matches keywords.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

DASHES = "-–—‐‑−"
BULLET_CHARS = DASHES + "•·*+~"
_TERMINAL = ".;:!?"


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    decomposed = unicodedata.normalize("NFD", char)
    base = decomposed[0] if decomposed else char
    if unicodedata.combining(base):
        return char
    return base.lower() if len(base.lower()) == 1 else base


def fold(text: str) -> str:
    """Lower case, no diacritics, same length as ``text``."""
    return "".join(fold_char(c) for c in text)


def squash(text: str) -> str:
    """Collapse runs of white space to one space and strip."""
    return " ".join(text.split())


def letters(text: str) -> list[str]:
    return [c for c in text if c.isalpha()]


def is_upper_text(text: str, threshold: float = 0.8) -> bool:
    """Mostly capital letters (OCR sometimes lower-cases a letter or two)."""
    chars = letters(text)
    if len(chars) < 2:
        return False
    return sum(c.isupper() for c in chars) / len(chars) >= threshold


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip()
    return bool(stripped) and stripped[-1] in _TERMINAL


def trim_junk(text: str) -> str:
    """Drop stray marks OCR reads from seals and strokes at the end of a line ('thị trấn ~', 'PHÓ CHỦ TỊCH š')."""
    tokens = text.split()
    while tokens and (not any(c.isalnum() for c in tokens[-1]) or _stray_letter(tokens)):
        tokens.pop()
    return " ".join(tokens)


def trim_leading_junk(text: str) -> str:
    """Drop the stray marks OCR reads before a signing line ('..PHÓ CHỦ TỊCH', '_ Lê Thị Thu Hương')."""
    return re.sub(r"^[\W_]+", "", text)


def _stray_letter(tokens: list[str]) -> bool:
    """A lone last letter: lower case anywhere, or a capital after a capitals line of two or more words
    ('CHÁNH VĂN PHÒNG x Ầ': the signature stroke read as letters)."""
    last = tokens[-1]
    if len(last) != 1 or not last.isalpha():
        return False
    if not last.isupper():
        return True
    rest = [token for token in tokens[:-1] if len(token) > 1]
    return len(rest) >= 2 and is_upper_text(" ".join(rest))


def strip_dash(text: str) -> str:
    """'- Lưu: VT, ĐC.' → 'Lưu: VT, ĐC.' (the item's own punctuation is kept)."""
    return re.sub(rf"^(?:[{re.escape(BULLET_CHARS)}]\s*)+", "", squash(text))


def strip_list_punct(text: str) -> str:
    """Drop a leading dash and the ';' ',' '.' closing a list item."""
    text = squash(text)
    text = re.sub(rf"^[{re.escape(BULLET_CHARS)}]\s*", "", text)
    return text.rstrip(" ;,.").strip()


def is_rule_line(text: str) -> bool:
    """A separator drawn with characters: '-----', '___', '*****', '---o0o---'."""
    stripped = text.replace(" ", "")
    if not stripped:
        return True
    return len(stripped) >= 2 and sum(c in "-_–—=*.~o0O" for c in stripped) / len(stripped) > 0.85
