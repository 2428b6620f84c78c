"""Cut a token stream into LM sentences and map tokens to LM symbols.

Shared by the LM builder and the decoder so that both see text the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from .tokens import MIXED, PROTECTED, SENTENCE_END, Token
from .viet import nfc, place_tone

BOS, EOS, UNK, NUM, COMMA = "<s>", "</s>", "<unk>", "<num>", ","
SPECIALS = (BOS, EOS, UNK, NUM, COMMA)
_BLANK_LINE = re.compile(r"\n[ \t\f\r]*\n")
_BULLET_AFTER_NEWLINE = re.compile(r"\n\s*[-+•●*–]")


def canonical(word: str) -> str:
    """LM form of a word: NFC, lower case, tone mark in the 'old' position (hòa)."""
    if word.isascii():
        return word.lower()  # no mark to normalise or place (every word of a de-accented text)
    return _canonical_marked(word)


@lru_cache(maxsize=200_000)
def _canonical_marked(word: str) -> str:
    # (a marked word recurs: in a document, and over the 74k entries of the dictionaries read)
    return place_tone(nfc(word).lower(), "new")


def symbol_of(token: Token) -> str:
    """LM symbol a token contributes when it is kept as it is."""
    if token.kind == PROTECTED:
        return NUM if any(c.isdigit() for c in token.text) else canonical(token.text)
    if token.kind == MIXED:
        return NUM
    return canonical(token.text)


def is_boundary(gap: str, next_token: Token | None) -> bool:
    """True when the text between two tokens ends a sentence for the LM."""
    if any(c in SENTENCE_END for c in gap):
        return True
    if "\n" not in gap:
        return False
    if _BLANK_LINE.search(gap) or _BULLET_AFTER_NEWLINE.search(gap):
        return True
    return next_token is None or next_token.text[:1].isupper() or next_token.text[:1].isdigit()


def sentences(text: str, tokens: Sequence[Token], slash_parts: bool = False) -> list[list[int]]:
    """Group token indexes into sentences; -1 stands for a comma between two tokens.

    ``slash_parts``: a slash between two words parts them as a comma does ("đồng/hộ" is no
    "đồng hồ", a clock), but for lone letters that abbreviate ("b/c", "đ/c"). The decoder asks for
    it on text read with its marks; the LM was built without it (its corpus writes few such pairs,
    and English-model text reads letters as slashes)."""
    out: list[list[int]] = []
    current: list[int] = []
    prev_end = 0
    for i, tok in enumerate(tokens):
        gap = text[prev_end : tok.start]
        if gap == " ":
            pass  # most gaps: neither a boundary nor a comma (is_boundary scans the gap)
        elif current and is_boundary(gap, tok):
            out.append(current)
            current = []
        elif current and ("," in gap or slash_parts and gap == "/" and _both_words(tokens[i - 1], tok)):
            current.append(-1)
        current.append(i)
        prev_end = tok.end
    if current:
        out.append(current)
    return out


def _both_words(left: Token, right: Token) -> bool:
    """Two tokens of more than one letter each (not "b/c", "đ/c")."""
    return len(left.text) > 1 and len(right.text) > 1
