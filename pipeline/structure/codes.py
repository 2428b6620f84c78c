"""Symbols inside document numbers, repaired when OCR slipped on them.

The corrector leaves numbers and codes as read, so "407/QD-TTg" (the bar of Đ
lost), "09/2017/NB-CP" (Đ read as B) or "1005/KH-PGDDT" reach this stage. A
code is rewritten only when an official spelling is known for it:

- the type code (NĐ 30/2020 Phụ lục III) of the type name written before the
  number ("Nghị định số 09/2017/NB-CP" → NĐ), when the read code is one slip
  away from it and is not itself another known code;
- a type code whose only difference from an official one is a folded Đ
  ("QD" → "QĐ"), when no other code folds to the same letters ("HD" stays);
- an issuer code that equals, with Đ folded to D, the initials of the issuing
  agency ("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO" → PGDĐT) or a common issuer code that
  carries Đ (BGDĐT, HĐND, ...).
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from pipeline.structure.doctypes import ALL_CODES, TYPE_CODES, code_key
from pipeline.structure.text import fold

# Issuer codes with Đ in common use (ministries, departments, offices, councils).
ISSUER_CODES_WITH_D = ("BGDĐT", "SGDĐT", "PGDĐT", "BLĐTBXH", "SLĐTBXH", "PLĐTBXH", "HĐND", "BTĐKT", "HĐGDNN")
_ISSUER_BY_KEY = {fold(code).upper(): code for code in ISSUER_CODES_WITH_D}
# Abbreviations with Đ common in "Nơi nhận" lists (Ban lãnh đạo, Ban chỉ đạo, Giáo dục và Đào tạo, ...).
ABBREVIATIONS_WITH_D = (*ISSUER_CODES_WITH_D, "BLĐ", "BCĐ", "GD&ĐT", "GDĐT", "LĐTBXH", "ĐBQH", "HĐQT")
_ABBREVIATION_BY_KEY = {fold(code).upper(): code for code in ABBREVIATIONS_WITH_D}
ABBREVIATION = re.compile(r"(?<![\w&])[A-ZĐ][A-ZĐ&]+(?![\w&])")
# Type name → its current official code (TYPE_CODES first: "Giấy ủy quyền" is GUQ, not the old UQ).
_CODE_FOR_NAME: dict[str, str] = {}
for _code, _name in [*TYPE_CODES.items(), *ALL_CODES.items()]:
    _CODE_FOR_NAME.setdefault(_name, _code)
_CODES_BY_KEY: dict[str, set[str]] = {}
for _code in ALL_CODES:
    _CODES_BY_KEY.setdefault(fold(_code).upper(), set()).add(_code)
AGENCY_SKIP_WORDS = frozenset({"va", "&", "-", "cua"})


def _key(code: str) -> str:
    return fold(code).upper()


def official_type_code(read: str, doc_type: str | None) -> str | None:
    """The official spelling of the type code ``read`` when it is an OCR slip of it, else None."""
    expected = _CODE_FOR_NAME.get(doc_type) if doc_type else None
    if expected and read != expected and _key(read) == _key(expected):
        return expected  # "QD" after "Quyết định", "HD" after "Hợp đồng"
    if read in ALL_CODES:
        return None
    if expected:
        if (len(read) == len(expected) >= 2 and _key(read) not in _CODES_BY_KEY
                and Levenshtein.distance(read.upper(), expected.upper()) == 1 and read[:1].upper() == expected[:1].upper()):
            return expected  # "NB" for NĐ after "Nghị định": one letter misread, the first one kept
        return None
    codes = _CODES_BY_KEY.get(_key(read), set())
    if len(codes) == 1:
        (code,) = codes
        return code if "Đ" in code and read != code else None
    return None


def agency_initials(name: str) -> str:
    """'PHÒNG GIÁO DỤC VÀ ĐÀO TẠO' → 'PGDĐT'; 'ỦY BAN NHÂN DÂN' → 'UBND' (Đ kept, other marks folded)."""
    initials = []
    for word in re.findall(r"[^\W\d_]+", name):
        if fold(word) in AGENCY_SKIP_WORDS:
            continue
        first = word[0].upper()
        initials.append("Đ" if first == "Đ" else fold(first).upper())
    return "".join(initials)


def official_issuer_code(read: str, agencies: tuple[str, ...] = ()) -> str | None:
    """The spelling with Đ of an issuer code read without it ('PGDDT' → 'PGDĐT'), else None."""
    if "D" not in read.upper() or not read.isupper():
        return None
    key = _key(read)
    for agency in agencies:
        initials = agency_initials(agency)
        if "Đ" in initials and _key(initials) == key and initials != read:
            return initials
    known = _ISSUER_BY_KEY.get(key)
    return known if known and known != read else None


def _type_code_slot(number: str) -> tuple[int, int] | None:
    """Where the type code sits: '09/2017/NĐ-CP' → NĐ, '1005/KH-PGDĐT' → KH, '22-CT/TU' → CT."""
    party = re.match(r"\d+-([^/-]+)/", number)
    if party:
        return party.span(1)
    for match in re.finditer(r"/([^/-]+)", number):
        if not match.group(1).isdigit():
            return match.span(1)
    return None


def normalise_number(number: str, doc_type: str | None = None, agencies: tuple[str, ...] = ()) -> str:
    """``number`` with its type and issuer codes in their official spelling (see the module doc)."""
    slot = _type_code_slot(number)
    if slot is not None:
        read = number[slot[0]:slot[1]]
        code = official_type_code(read, doc_type)
        if code:
            number = number[:slot[0]] + code + number[slot[1]:]
            slot = (slot[0], slot[0] + len(code))
        elif code_key(read) is None:
            slot = (slot[0], slot[0])  # a công văn: the issuer code stands where a type code would
    start = slot[1] if slot else 0
    parts = re.split(r"([/-])", number[start:])
    fixed = [official_issuer_code(part, agencies) or part if part not in "/-" else part for part in parts]
    return number[:start] + "".join(fixed)


def restore_abbreviations(text: str) -> list[tuple[str, str]]:
    """Known abbreviations read without their Đ in ``text``: [(as read, official)] ('BLD' → 'BLĐ')."""
    found = []
    for match in ABBREVIATION.finditer(text):
        read = match.group()
        official = _ABBREVIATION_BY_KEY.get(_key(read)) if "Đ" not in read else None
        if official and official != read:
            found.append((read, official))
    return found
