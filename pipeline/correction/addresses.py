"""E-mail addresses OCR broke, mended from the shape every address has.

Agencies print the contact's address in the body ("thư điện tử tonghop@quangngai.gov.vn").
Tesseract often reads the "@" with a bracket beside it ("tonghop(@quangngai", "pgd@)dong"), a
quote ("syt@'lamthuy"), a "g" as "ø" ("quangnøai", "pød") and blurs the public suffix ("gøov.vn").
No address holds a bracket or a quote, and a Vietnamese agency's domain ends in one of a few
suffixes, so these misreads are plain. Pure functions on the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

# a whitespace-delimited piece around an "@" with letters on both sides (brackets, quotes and the
# sentence's own punctuation around it are peeled off below)
_PIECE = re.compile(r"(?<!\S)\S*\w\S{0,2}@\S{0,2}\w\S*")
# an e-mail or web address in a piece, though OCR broke it ("bqlcho(@lacgiang.gov.vn",
# "www,soyte.gov.vn"): no speck, whatever symbols it holds (junk.py keeps it)
ADDRESS_LIKE = re.compile(r"\w{2,}\W{0,2}@\W{0,2}\w{2,}(?:\.\w{2,})+|(?:www|http)\W{1,4}\w{2,}\.\w{2,}")
_VALID = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NOISE = re.compile(r"[()\[\]{}'\"‘’“”`]")  # what no address holds
# (blur closes the tail of a g, and crosses an o: "quangnøai", "pøv.vn" for "gov.vn")
_LOOKALIKES = (str.maketrans({"ø": "g"}), str.maketrans({"ø": "o"}))
_LEADING = "([{'\"“‘"
_TRAILING = ".,;:)]}'\"”’/"
# the public suffixes of Vietnamese agencies' and their people's addresses, longest first
_SUFFIXES = ("gov.vn", "edu.vn", "com.vn", "org.vn", "net.vn", "gmail.com", "yahoo.com", "com", "vn")


# the top-level labels of the addresses Vietnamese letters print, and the public second-level ones
# before ".vn" (an agency's "gov.vn", a school's "edu.vn")
_TOP_LEVEL = frozenset({"vn", "com", "net", "org", "edu", "gov", "info", "int", "biz", "io"})
_SECOND_LEVEL = ("gov", "edu", "com", "org", "net")


@dataclass(frozen=True)
class AddressRepair:
    start: int
    end: int
    original: str
    repaired: str


def broken_addresses(text: str) -> list[AddressRepair]:
    """Addresses that are not valid as read but are once their misreads are undone."""
    repairs = []
    for m in _PIECE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start] in _LEADING:
            start += 1
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        original = text[start:end]
        if _VALID.fullmatch(original) and "ø" not in original:
            continue
        repaired = _repair(original)
        if repaired is not None and repaired != original:
            repairs.append(AddressRepair(start, end, original, repaired))
    return repairs


def _repair(original: str) -> str | None:
    """The address with its noise dropped and its look-alikes read back: the first reading that is
    valid and has a suffix addresses have, else the first valid one (``odd_address`` flags it)."""
    valid = []
    for lookalikes in _LOOKALIKES:
        local, _, domain = _NOISE.sub("", original).translate(lookalikes).partition("@")
        if not local or "." not in domain:
            return None
        repaired = f"{local}@{_mend_suffix(domain.replace(',', '.'))}"
        if _VALID.fullmatch(repaired):
            if not odd_address(repaired):
                return repaired
            valid.append(repaired)
        if "ø" not in original:
            break  # (one reading only)
    return valid[0] if valid else None


def _mend_suffix(domain: str) -> str:
    """The domain with its last labels as the known suffix they are one edit from ("ggov.vn")."""
    labels = domain.split(".")
    for suffix in _SUFFIXES:
        size = suffix.count(".") + 1
        if len(labels) <= size:
            continue
        tail = ".".join(labels[-size:])
        if tail == suffix:
            return domain
        if Levenshtein.distance(tail, suffix) <= 1 and len(tail) >= len(suffix) - 1:
            return ".".join([*labels[:-size], suffix])
    return domain


def _capital_i_among_small(token: str) -> bool:
    """A capital I in an address otherwise in small letters: OCR's reading of an l ("Idtbxh.tanloc@...")."""
    return "I" in token and re.search(r"[a-z]", token) is not None and re.search(r"[A-HJ-Z]", token) is None


def odd_address(token: str) -> bool:
    """An e-mail address, valid in form, whose suffix no address has: an unknown top-level label
    ("lamgiang.gov.vít", blur on "vn."), or a label before ".vn" a letter or two from a public one
    ("vanlinh.pgv.vn"); too far from the suffix to mend (``_mend_suffix``), so a clerk looks. Or
    one that holds a capital I among small letters, an l as OCR often reads it."""
    local, at, domain = token.lower().rpartition("@")
    labels = domain.rstrip(".").split(".")
    if not at or not local or len(labels) < 2:
        return False  # (no address: "x@y")
    if labels[-1] not in _TOP_LEVEL or _capital_i_among_small(token):
        return True
    second = labels[-2]
    # (two letters off "gov" only: an agency's own domain may be any three letters, "cty.vn")
    return (labels[-1] == "vn" and len(labels) >= 3 and second not in _SECOND_LEVEL and len(second) == 3
            and any(Levenshtein.distance(second, public) <= (2 if public == "gov" else 1) for public in _SECOND_LEVEL))
