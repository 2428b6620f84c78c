"""Legacy Vietnamese encodings: detection and conversion to Unicode NFC.

Before Unicode, Vietnamese documents were typed in 8-bit fonts:

* TCVN3 (TCVN 5712:1993 VN3, the "ABC" encoding of the ``.VnTime`` fonts):
  one byte per letter; lowercase letters with tone marks in 0xB5-0xFE, the
  seven bare uppercase letters Ă Â Ê Ô Ơ Ư Đ in 0xA1-0xA7. Uppercase letters
  with tone marks do not exist: capitals come from the all-capital ``.VnTimeH``
  fonts drawing the lowercase codes, so converted headings read in lowercase.
* VNI Windows (``VNI-Times``): a base letter followed by one modifier byte
  (tone, or circumflex/breve combined with a tone); ơ ư đ and i with tones are
  single bytes.

Text pulled out of such PDFs or files shows the bytes read as Windows-1252
("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Coäng hoøa xaõ hoäi"). We map each
character back to its byte and read the byte with the right table. Windows-1258
uses combining tone marks; we normalise it to NFC.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# --- Vietnamese letters ------------------------------------------------------

# Combining tone marks in the order TCVN3 lays them out: huyền, hỏi, ngã, sắc, nặng.
TONE_MARKS = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
_TONE_SET = frozenset(TONE_MARKS)
_VOWELS = "aăâeêioôơuưy"
_VIET_LETTERS = frozenset("abcdđeghiklmnopqrstuvxyăâêôơư")


def _with_tone(letter: str, tone_index: int) -> str:
    return unicodedata.normalize("NFC", letter + TONE_MARKS[tone_index])


# --- TCVN3 table ---------------------------------------------------------------

# Byte of each toned lowercase vowel, tones in TONE_MARKS order.
_TCVN3_TONED = {
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TCVN3_BARE = {
    "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
    "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC, "ư": 0xAD, "đ": 0xAE,
    "\u00a0": 0xA0,
}


@lru_cache(maxsize=1)
def tcvn3_decoding_table() -> dict[int, str]:
    """Byte (0x80-0xFF) -> Unicode character, for the bytes TCVN3 assigns."""
    table = {code: char for char, code in _TCVN3_BARE.items()}
    for vowel, codes in _TCVN3_TONED.items():
        for tone_index, code in enumerate(codes):
            table[code] = _with_tone(vowel, tone_index)
    return table


@lru_cache(maxsize=1)
def _tcvn3_encoding_table() -> dict[str, int]:
    table = {char: code for code, char in tcvn3_decoding_table().items()}
    # Capitals with tone marks exist only as lowercase codes drawn by an all-capital font.
    for code, char in tcvn3_decoding_table().items():
        upper = char.upper()
        if upper != char and upper not in table:
            table[upper] = code
    return table


def encode_tcvn3(text: str) -> bytes:
    """Unicode -> TCVN3 bytes (capitals with tone marks become their lowercase codes)."""
    table = _tcvn3_encoding_table()
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        if ord(char) < 0x80:
            out.append(ord(char))
        elif char in table:
            out.append(table[char])
        else:
            raise ValueError(f"{char!r} has no TCVN3 code")
    return bytes(out)


def decode_tcvn3(data: bytes) -> str:
    table = tcvn3_decoding_table()
    return "".join(chr(b) if b < 0x80 else table.get(b, "\ufffd") for b in data)


# --- VNI table -----------------------------------------------------------------

# Modifier bytes after a lowercase base letter (uppercase: the byte minus 0x20).
_VNI_TONE = {"\u0300": 0xF8, "\u0309": 0xFB, "\u0303": 0xF5, "\u0301": 0xF9, "\u0323": 0xEF}
_VNI_CIRCUMFLEX = {None: 0xE2, "\u0300": 0xE0, "\u0309": 0xE5, "\u0303": 0xE3, "\u0301": 0xE1, "\u0323": 0xE4}
_VNI_BREVE = {None: 0xEA, "\u0300": 0xE8, "\u0309": 0xFA, "\u0303": 0xFC, "\u0301": 0xE9, "\u0323": 0xEB}
# Letters VNI writes as one byte of their own (lowercase; uppercase is minus 0x20).
_VNI_SINGLE = {
    "ơ": 0xF4, "ư": 0xF6, "đ": 0xF1,
    "í": 0xED, "ì": 0xEC, "ỉ": 0xE6, "ĩ": 0xF3, "ị": 0xF2, "ỵ": 0xEE,
}


def _split_letter(char: str) -> tuple[str, str | None, str | None]:
    """'ấ' -> ('a', circumflex, acute): base letter, shape mark, tone mark."""
    base, shape, tone = "", None, None
    for part in unicodedata.normalize("NFD", char):
        if part in _TONE_SET:
            tone = part
        elif unicodedata.combining(part):
            shape = part
        else:
            base = part
    return base, shape, tone


@lru_cache(maxsize=1)
def _vni_encoding_table() -> dict[str, bytes]:
    table: dict[str, bytes] = {}
    for lower, code in _VNI_SINGLE.items():
        table[lower] = bytes([code])
        table[lower.upper()] = bytes([code - 0x20])
    for vowel in _VOWELS:
        for tone in (None, *TONE_MARKS):
            char = unicodedata.normalize("NFC", vowel + (tone or ""))
            if char in table:
                continue
            base, shape, _ = _split_letter(char)
            if shape == "\u031b":  # horn: ơ/ư are single bytes, the tone follows them
                head = bytes([_VNI_SINGLE[unicodedata.normalize("NFC", base + shape)]])
                modifier = _VNI_TONE.get(tone) if tone else None
            elif shape == "\u0302":
                head, modifier = base.encode("ascii"), _VNI_CIRCUMFLEX[tone]
            elif shape == "\u0306":
                head, modifier = base.encode("ascii"), _VNI_BREVE[tone]
            else:
                head = base.encode("ascii")
                modifier = _VNI_TONE.get(tone) if tone else None
            if modifier is None and head == base.encode("ascii"):
                continue  # a bare ASCII vowel
            table[char] = head + (bytes([modifier]) if modifier is not None else b"")
            upper_head = bytes([head[0] - 0x20]) if head[0] >= 0xE0 else head.upper()
            table[char.upper()] = upper_head + (bytes([modifier - 0x20]) if modifier is not None else b"")
    return table


@lru_cache(maxsize=1)
def _vni_decoding_table() -> dict[bytes, str]:
    table = {code: char for char, code in _vni_encoding_table().items()}
    # Title case typed in VNI often pairs a capital base with the lowercase modifier ("Uûy" = "Ủy").
    for char, code in _vni_encoding_table().items():
        if len(code) == 2 and char.isupper() and code[1] < 0xE0:
            table.setdefault(bytes([code[0], code[1] + 0x20]), char)
    return table


def encode_vni(text: str) -> bytes:
    """Unicode -> VNI Windows bytes."""
    table = _vni_encoding_table()
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        if ord(char) < 0x80:
            out.append(ord(char))
        elif char in table:
            out += table[char]
        else:
            raise ValueError(f"{char!r} has no VNI code")
    return bytes(out)


def decode_vni(data: bytes) -> str:
    table = _vni_decoding_table()
    out: list[str] = []
    i = 0
    while i < len(data):
        pair, single = data[i : i + 2], data[i : i + 1]
        if len(pair) == 2 and pair in table:
            out.append(table[pair])
            i += 2
        elif single in table:
            out.append(table[single])
            i += 1
        else:
            out.append(single.decode("cp1252", errors="replace"))
            i += 1
    return "".join(out)


# --- legacy text shown through Windows-1252 -------------------------------------


def _char_to_byte(char: str) -> int | None:
    """The byte a character of cp1252/Latin-1 mojibake stands for."""
    code = ord(char)
    if code < 0x100:
        return code
    try:
        return char.encode("cp1252")[0]
    except UnicodeEncodeError:
        return None


def _convert_line(text: str, decode) -> str:
    """Decode runs of 8-bit characters; real Unicode characters stay as they are."""
    out: list[str] = []
    run = bytearray()
    for char in text:
        byte = _char_to_byte(char)
        if byte is not None:
            run.append(byte)
            continue
        if run:
            out.append(decode(bytes(run)))
            run.clear()
        out.append(char)
    if run:
        out.append(decode(bytes(run)))
    return unicodedata.normalize("NFC", "".join(out))


def _decode_tcvn3_keep(data: bytes) -> str:
    # Bytes TCVN3 leaves unassigned keep their cp1252 reading.
    table = tcvn3_decoding_table()
    return "".join(table.get(b) or bytes([b]).decode("cp1252", errors="replace") for b in data)


def tcvn3_to_unicode(text: str) -> str:
    """Text extracted from a TCVN3 font (shown as cp1252) -> Unicode NFC."""
    return _convert_line(text, _decode_tcvn3_keep)


def vni_to_unicode(text: str) -> str:
    """Text extracted from a VNI font (shown as cp1252) -> Unicode NFC."""
    return _convert_line(text, decode_vni)


# --- how Vietnamese a text looks -------------------------------------------------

_ONSET = r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x)?"
_NUCLEI = [  # longest first, so the regex tries them first
    "iêu", "yêu", "oai", "oay", "oao", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyê", "uyu",
    "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "oo", "ôi", "ơi",
    "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê",
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
]
_CODA = r"(?:ch|ng|nh|c|m|n|p|t)?"
_SYLLABLE = re.compile(f"{_ONSET}(?:{'|'.join(_NUCLEI)}){_CODA}")
_TOKEN = re.compile(r"[^\W\d_]+")


def _strip_tone(word: str) -> tuple[str, int]:
    decomposed = unicodedata.normalize("NFD", word)
    tones = sum(1 for c in decomposed if c in _TONE_SET)
    bare = "".join(c for c in decomposed if c not in _TONE_SET)
    return unicodedata.normalize("NFC", bare), tones


def is_vietnamese_syllable(word: str) -> bool:
    bare, tones = _strip_tone(word.lower())
    if tones > 1 or not bare or not set(bare) <= _VIET_LETTERS:
        return False
    return _SYLLABLE.fullmatch(bare) is not None


def looks_like_vietnamese(text: str) -> float:
    """Share of letter tokens that are well-formed Vietnamese syllables (0..1).

    Tokens that are a single ASCII letter count half (initials, list letters).
    Text with no letters scores 0.
    """
    tokens = _TOKEN.findall(unicodedata.normalize("NFC", text))
    if not tokens:
        return 0.0
    total = valid = 0.0
    for token in tokens:
        weight = 0.5 if len(token) == 1 and token.isascii() else 1.0
        total += weight
        if is_vietnamese_syllable(token):
            valid += weight
    return valid / total


def _has_marks(text: str) -> bool:
    return any(ord(c) > 0x7F for c in text)


def detect_legacy_encoding(text: str) -> str | None:
    """'tcvn3' or 'vni' when the text reads far better converted, else None."""
    if not _has_marks(text):
        return None
    base = looks_like_vietnamese(text)
    best, best_score = None, base
    for name, convert in (("tcvn3", tcvn3_to_unicode), ("vni", vni_to_unicode)):
        score = looks_like_vietnamese(convert(text))
        if score > best_score + 0.1 and score >= 0.6:
            best, best_score = name, score
    return best


def repair_text_layer(text: str) -> tuple[str, str | None]:
    """Convert TCVN3/VNI text (as extracted from a PDF) to Unicode NFC.

    Returns (text, encoding found or None). The encoding is chosen on the whole
    text, then applied line by line only where it helps, because documents mix
    Unicode fonts and legacy fonts.
    """
    encoding = detect_legacy_encoding(text)
    if encoding is None:
        return unicodedata.normalize("NFC", text), None
    convert = tcvn3_to_unicode if encoding == "tcvn3" else vni_to_unicode
    lines = []
    for line in text.split("\n"):
        lines.append(convert(line) if _line_is_legacy(line, convert) else unicodedata.normalize("NFC", line))
    return "\n".join(lines), encoding


# Latin-1 characters that Unicode Vietnamese never uses: their presence tips a tie.
_VIETNAMESE_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")


def _line_is_legacy(line: str, convert) -> bool:
    if not _has_marks(line):
        return False
    before, after = looks_like_vietnamese(line), looks_like_vietnamese(convert(line))
    if after > before + 0.05:
        return True
    foreign = any("\x80" <= c <= "\xff" and c not in _VIETNAMESE_LATIN1 for c in line)
    return after >= before and foreign


_CID = re.compile(r"\(cid:\d+\)")


def is_garbage_text_layer(text: str, *, min_score: float = 0.5) -> bool:
    """True when a PDF text layer is unusable and the page should be OCR'd.

    Garbage: no letters at all, glyph ids without a Unicode map ("(cid:12)"),
    many replacement or control characters, or text that does not read as
    Vietnamese even after TCVN3/VNI conversion. A legacy-font layer that
    converts cleanly is not garbage: call ``repair_text_layer`` on it.
    """
    stripped = text.strip()
    if not _TOKEN.search(stripped):
        return True
    if len(_CID.findall(stripped)) * 6 > 0.2 * len(stripped):
        return True
    odd = sum(1 for c in stripped if c == "\ufffd" or (unicodedata.category(c) in ("Cc", "Co") and c not in "\n\t\r\f"))
    if odd > 0.05 * len(stripped):
        return True
    repaired, _ = repair_text_layer(stripped)
    return looks_like_vietnamese(repaired) < min_score


# --- text files ----------------------------------------------------------------------


def _utf16_guess(data: bytes) -> str | None:
    if len(data) < 4:
        return None
    even_zero = data[0::2].count(0) / max(1, len(data[0::2]))
    odd_zero = data[1::2].count(0) / max(1, len(data[1::2]))
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def decode_text_file(data: bytes) -> tuple[str, str]:
    """Bytes of a text file -> (Unicode NFC text, encoding name).

    Names: utf-8, utf-8-sig, utf-16, utf-16-le, utf-16-be, cp1258, tcvn3, vni,
    and utf-8+tcvn3 / utf-8+vni for legacy text that was re-saved as UTF-8.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return unicodedata.normalize("NFC", data[3:].decode("utf-8", errors="replace")), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return unicodedata.normalize("NFC", data.decode("utf-16", errors="replace")), "utf-16"
    guess = _utf16_guess(data)
    if guess:
        return unicodedata.normalize("NFC", data.decode(guess, errors="replace")), guess
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_8bit(data)
    repaired, legacy = repair_text_layer(text)
    return (repaired, f"utf-8+{legacy}") if legacy else (repaired, "utf-8")


def _decode_8bit(data: bytes) -> tuple[str, str]:
    candidates = {
        "cp1258": unicodedata.normalize("NFC", data.decode("cp1258", errors="replace")),
        "tcvn3": unicodedata.normalize("NFC", decode_tcvn3(data)),
        "vni": unicodedata.normalize("NFC", decode_vni(data)),
    }
    # Unassigned bytes decode to U+FFFD: they count against a candidate.
    def score(text: str) -> float:
        return looks_like_vietnamese(text) - 5.0 * text.count("\ufffd") / max(1, len(text))

    name = max(candidates, key=lambda key: score(candidates[key]))
    return candidates[name], name
