"""Vietnamese syllable mechanics: marks, tones, tone placement, validity, case.

A syllable is (onset)(glide)vowel(coda) + one of six tones. Everything here works on
single tokens and is table driven so that it stays fast on long documents.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Combining tone marks, indexed by tone number (0 = ngang, no mark).
TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # huyền sắc hỏi ngã nặng
_TONE_OF_MARK = {m: i for i, m in enumerate(TONE_MARKS) if m}
_VOWEL_MARKS = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn

VOWELS = set("aăâeêioôơuưy")
_MARKED_VOWELS = set("ăâêôơư")
ONSETS = (
    "ngh", "ng", "gh", "nh", "ch", "kh", "ph", "th", "tr", "gi", "qu",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "q", "r", "s", "t", "v", "x",
)
CODAS = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"}
NUCLEI = {
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
    "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi",
    "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê",
    "iêu", "oai", "oay", "oeo", "uây", "uôi", "uya", "uyê", "uyu", "ươi", "ươu", "yêu",
}
_STOP_CODAS = {"c", "ch", "p", "t"}  # only sắc and nặng are possible before them
# Two-vowel nuclei without coda whose tone placement differs between the two conventions.
_STYLE_PAIRS = {"oa", "oe", "uy"}


def _build_char_table() -> dict[str, tuple[str, int]]:
    """Precomposed char -> (char without tone mark, tone number)."""
    table: dict[str, tuple[str, int]] = {}
    for code in range(0x00C0, 0x1EFA):
        ch = chr(code)
        nfd = unicodedata.normalize("NFD", ch)
        if len(nfd) < 2 or not nfd[0].isascii() or not nfd[0].isalpha():
            continue
        tone = 0
        rest = []
        for m in nfd[1:]:
            if m in _TONE_OF_MARK:
                tone = _TONE_OF_MARK[m]
            else:
                rest.append(m)
        if any(m not in _VOWEL_MARKS for m in rest):
            continue
        base = unicodedata.normalize("NFC", nfd[0] + "".join(rest))
        table[ch] = (base, tone)
    return table


_CHAR_TABLE = _build_char_table()
_TONED: dict[tuple[str, int], str] = {}
for _ch, (_b, _t) in _CHAR_TABLE.items():
    _TONED.setdefault((_b, _t), _ch)
for _v in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY":
    _TONED[(_v, 0)] = _v

_STRIP_ALL = {}
for _ch in _CHAR_TABLE:
    _STRIP_ALL[_ch] = unicodedata.normalize("NFD", _ch)[0]
for _ch in "ăâêôơưĂÂÊÔƠƯ":
    _STRIP_ALL[_ch] = unicodedata.normalize("NFD", _ch)[0]
_STRIP_ALL["đ"] = "d"
_STRIP_ALL["Đ"] = "D"
_STRIP_TRANS = str.maketrans(_STRIP_ALL)
_TONE_TRANS = str.maketrans({ch: b for ch, (b, t) in _CHAR_TABLE.items() if t})

VIET_LETTERS = set("abcdefghijklmnopqrstuvwxyzđ") | set(_CHAR_TABLE) | set("ăâêôơư")
VIET_LETTERS |= {c.upper() for c in VIET_LETTERS}
MARKED_CHARS = frozenset(c for c in VIET_LETTERS if not c.isascii())


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def strip_marks(text: str) -> str:
    """Remove tone and vowel marks and turn đ into d (the de-accented key)."""
    return text.translate(_STRIP_TRANS)


def strip_tone(text: str) -> str:
    return text.translate(_TONE_TRANS)


def has_marks(text: str) -> bool:
    return not text.isascii() and any(c in MARKED_CHARS for c in text)


def split_tone(syllable: str) -> tuple[str, int]:
    """Return (syllable without tone mark, tone number); the last tone mark wins."""
    tone = 0
    for c in syllable:
        entry = _CHAR_TABLE.get(c)
        if entry and entry[1]:
            tone = entry[1]
    return strip_tone(syllable), tone


def _onset_length(lower: str) -> int:
    for onset in ONSETS:
        if lower.startswith(onset):
            n = len(onset)
            if onset == "gi" and (len(lower) == 2 or lower[2] not in VOWELS):
                return 1  # "gìn": g + i
            if onset == "qu" and (len(lower) == 2 or lower[2] not in VOWELS):
                return 1
            return n
    return 0


def parse(toneless_lower: str) -> tuple[str, str, str] | None:
    """Split a toneless lower-case syllable into (onset, nucleus, coda), or None."""
    n = _onset_length(toneless_lower)
    onset, rest = toneless_lower[:n], toneless_lower[n:]
    i = 0
    while i < len(rest) and rest[i] in VOWELS:
        i += 1
    nucleus, coda = rest[:i], rest[i:]
    if not nucleus or nucleus not in NUCLEI or coda not in CODAS:
        return None
    return onset, nucleus, coda


def tone_position(onset: str, nucleus: str, coda: str, style: str = "new") -> int:
    """Index inside the nucleus that carries the tone mark.

    Style names follow DOMAIN.md: "new" hòa, thủy, ủy; "old" hoà, thuỷ, uỷ.
    """
    if len(nucleus) == 1:
        return 0
    if "ơ" in nucleus:
        return nucleus.index("ơ")
    for i, c in enumerate(nucleus):
        if c in _MARKED_VOWELS:
            # "ưa", "ưu": ư; "uô", "iê", "uâ": the marked one
            return i
    if coda:
        return len(nucleus) - 1
    if len(nucleus) == 3:
        return 1
    if nucleus in _STYLE_PAIRS:
        return 1 if style == "old" else 0
    return 0


def is_valid_syllable(word: str) -> bool:
    """True when `word` (any case) is a well formed Vietnamese syllable."""
    return _is_valid_lower(word.lower())


@lru_cache(maxsize=200_000)
def _is_valid_lower(lower: str) -> bool:
    if not lower or any(c not in VIET_LETTERS for c in lower):
        return False
    toneless, tone = split_tone(lower)
    parts = parse(toneless)
    if parts is None:
        return False
    if parts[2] in _STOP_CODAS and tone not in (0, 2, 5):
        return False
    return not (parts[2] in _STOP_CODAS and tone == 0)


@lru_cache(maxsize=400_000)
def place_tone(syllable: str, style: str = "new") -> str:
    """Re-place the tone mark of a lower/upper-case syllable following `style`.

    style "new": hòa, thủy, ủy (mark on the first vowel of oa/oe/uy without coda);
    style "old": hoà, thuỷ, uỷ. Tokens that do not parse are returned unchanged.
    """
    toneless, tone = split_tone(syllable)
    if tone == 0:
        return syllable
    lower = toneless.lower()
    parts = parse(lower)
    if parts is None:
        return syllable
    onset, nucleus, coda = parts
    pos = len(onset) + tone_position(onset, nucleus, coda, style)
    ch = toneless[pos]
    toned = _TONED.get((ch, tone)) or _TONED.get((ch.lower(), tone), ch)
    if ch.isupper():
        toned = toned.upper()
    return toneless[:pos] + toned + toneless[pos + 1 :]


@lru_cache(maxsize=100_000)
def tone_style_of(syllable: str) -> str | None:
    """'old' or 'new' when the syllable shows a style-dependent placement, else None."""
    toneless, tone = split_tone(syllable)
    if tone == 0:
        return None
    parts = parse(toneless.lower())
    if parts is None or parts[2] or parts[1] not in _STYLE_PAIRS:
        return None
    onset = parts[0]
    if onset in ("qu", "gi"):
        return None
    first = syllable[len(onset)]
    return "new" if _CHAR_TABLE.get(first, ("", 0))[1] else "old"


def apply_case(template: str, word: str) -> str:
    """Give `word` the letter case of `template`: ALL CAPS, Title (also for mixed case such as
    "MOi", which OCR makes of "Môi"), or lower."""
    if not template or template.islower():
        return word
    if template.isupper():
        return word.upper()
    if template[0].isupper():
        return word[:1].upper() + word[1:]
    return word
