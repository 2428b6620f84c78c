"""Place names of the header checked against a gazetteer of Vietnamese administrative units.

The agency lines name the unit the letter comes from ("UBND HUYỆN CỦ CHI") and
the place before "ngày" usually repeats it ("Củ Chi, ngày ..."). OCR slips in
these names ("HUYEN CU CHỮ", "C1 Chỉ") survive correction, which leaves names
alone. A read name is taken for a slip of a gazetteer name only when

- it is not itself a name of that unit type,
- exactly one gazetteer name of that type is that close: same number of words,
  same first letters, one letter apart (two for names of three words or more)
  once marks are folded,
- and something says the reading is unsure: no marks at all, a syllable that is
  not Vietnamese, a word the corrector left flagged, or the place before
  "ngày" agreeing with the gazetteer name rather than with the reading.

The unit word before the name (TỈNH, HUYỆN, XÃ...), read with wrong marks, is written in its
one spelling ("UBND TÍNH HÒA LÂM" → "UBND TỈNH HÒA LÂM").

Names that are read cleanly are never rewritten, whether or not the gazetteer
knows them (fictional places of the samples, units created after the list).

The gazetteer is underthesea's address mapping (old and new provinces,
districts, wards); it is loaded on first use and cached.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from pipeline.correction.viet import is_valid_syllable
from pipeline.resources import ADDRESS_MAPPING_FIELDS, address_mapping_path
from pipeline.structure.text import fold, squash

# Folded unit word → its spelling in capitals.
UNIT_WORDS: dict[str, str] = {
    "thanh pho": "THÀNH PHỐ", "thi xa": "THỊ XÃ", "thi tran": "THỊ TRẤN", "tinh": "TỈNH", "huyen": "HUYỆN",
    "quan": "QUẬN", "xa": "XÃ", "phuong": "PHƯỜNG",
}
_UNIT_IN_NAME = re.compile(r"^(thanh pho|thi xa|thi tran|tinh|huyen|quan|xa|phuong|dac khu)\s+(.+)$")
# The last unit word of an agency line and the name after it, up to the end of the line.
_UNIT_IN_AGENCY = re.compile(r"(?<!\w)(thanh pho|thi xa|thi tran|tinh|huyen|quan|xa|phuong)\s+(\S+(?:\s+\S+){1,3})$")


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, frozenset[str]]:
    """Folded unit word → names of units of that type ('huyen' → {'Củ Chi', ...}); empty without the data."""
    path = address_mapping_path()
    if path is None:
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    names: dict[str, set[str]] = {}
    for row in data.get("ward_mapping", []):
        for key in ADDRESS_MAPPING_FIELDS:
            full = row.get(key)
            match = _UNIT_IN_NAME.match(fold(full)) if full else None
            if match:
                names.setdefault(match.group(1), set()).add(squash(full[match.start(2):]))
    return {unit: frozenset(found) for unit, found in names.items()}


def _close(read: str, name: str) -> bool:
    read_words, name_words = fold(read).split(), fold(name).split()
    if len(read_words) != len(name_words) or any(a[0] != b[0] for a, b in zip(read_words, name_words, strict=True)):
        return False
    limit = 1 if len(name_words) < 3 else 2
    return Levenshtein.distance(" ".join(read_words), " ".join(name_words)) <= limit


def slip_target(read: str, unit: str) -> str | None:
    """The one gazetteer name of type ``unit`` (folded unit word) that ``read`` could be a slip of."""
    names = gazetteer().get(unit, frozenset())
    if unit == "thanh pho":
        names = names | gazetteer().get("tinh", frozenset())
    if any(squash(read).lower() == name.lower() for name in names):
        return None
    same_letters = [name for name in names if fold(name) == fold(squash(read))]
    if len(same_letters) == 1:
        return same_letters[0]  # only the marks differ
    close = [name for name in names if _close(read, name)]
    return close[0] if len(close) == 1 else None


def looks_unsure(read: str) -> bool:
    """No marks at all, or a syllable that is not Vietnamese ('CU CHI', 'C1 Chỉ')."""
    words = read.split()
    return fold(read) == read.lower() or any(not is_valid_syllable(w.strip(".,")) for w in words)


@dataclass
class UnitName:
    unit: str  # folded unit word
    name: str  # as read
    start: int  # where the unit word starts in the agency text
    name_start: int


def unit_in_agency(agency: str) -> UnitName | None:
    """'UBND HUYỆN CỦ CHI' → unit 'huyen', name 'CỦ CHI' (the last unit word, the rest of the line)."""
    match = _UNIT_IN_AGENCY.search(fold(agency))
    if match is None or match.group(2).startswith("hoi"):
        return None  # "... VÀ XÃ HỘI" is society, not a commune
    return UnitName(match.group(1), agency[match.start(2):].strip(), match.start(), match.start(2))


def repair_agency(agency: str, doubtful_words: set[str], place_read: str | None) -> tuple[str, str | None]:
    """(agency, gazetteer name) with the unit name rewritten when it is a slip; the name is None when the
    agency names no known unit. ``doubtful_words``: words of the agency the corrector left flagged;
    ``place_read``: the words before 'ngày', to corroborate."""
    found = unit_in_agency(agency)
    if found is None:
        return agency, None
    written = agency[found.start:found.name_start].strip()
    if written.isupper() and fold(written) != written.lower() and written != UNIT_WORDS[found.unit]:
        # the unit word read with wrong marks ("UBND TÍNH HÒA LÂM"): before a name it can only be the
        # unit (a line without marks is left to the corrector: it lost them all)
        agency = f"{agency[:found.start]}{UNIT_WORDS[found.unit]} {agency[found.name_start:]}"
        found = unit_in_agency(agency)
    target = slip_target(found.name, found.unit)
    if target is None:
        names = gazetteer().get(found.unit, frozenset())
        exact = next((n for n in names if n.lower() == squash(found.name).lower()), None)
        return agency, exact
    corroborated = False
    if place_read:
        tail = " ".join(place_read.split()[-len(target.split()):])
        corroborated = Levenshtein.distance(fold(tail), fold(target)) < Levenshtein.distance(fold(tail),
                                                                                              fold(found.name))
    unsure = looks_unsure(found.name) or bool(set(found.name.split()) & doubtful_words) or corroborated
    if not unsure:
        return agency, None
    repaired = f"{agency[:found.start]}{UNIT_WORDS[found.unit]} {target.upper()}"
    return repaired, target


def repair_place(place_read: str, known: str) -> str | None:
    """The place before 'ngày' as ``known`` (the agency's unit name) when the reading is a slip of it
    ('C1 Chỉ' → 'Củ Chi'); None when it is fine as read or not that place."""
    words = place_read.strip(" ,;:").split()
    count = len(known.split())
    if len(words) < count:
        return None
    tail = " ".join(words[-count:]).strip(" ,;:")
    if tail == known:
        return None
    if fold(tail) == fold(known):
        return known if looks_unsure(tail) else None  # "Hoà Lâm" for "Hòa Lâm" is a spelling, not a slip
    return known if _close(tail, known) else None
