"""Documents cited in the text: type, number, date, issuer; merged across mentions.

A citation is a number and symbol ("09/CT-UBND", "09/2017/NĐ-CP", "22-CT/TU",
also broken over a line: "186/KH-\\nUBND"), usually after a type name and "số",
often followed by "ngày ..." and "của <issuer>". Mentions of one number merge
into one reference. A number seen once that differs by one character from a
number cited several times, with the same type and the same date or the same
following words ("09/CT-UBND" five times, "03/CT-UBND" once) is taken for a
misreading: its mention is flagged with the majority number as suggestion and a
flagged ``Correction`` (kind "reference") is added for review.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from pipeline.model import Correction, Document, Mention, Reference
from pipeline.structure.codes import normalise_number
from pipeline.structure.doctypes import name_for_code, type_name_at
from pipeline.structure.lines import evidence_for
from pipeline.structure.patterns import CITED_NUMBER, clean_number, find_date, number_type_code
from pipeline.structure.text import fold, squash

ISSUER_STOP = frozenset(
    ["ve", "quy", "phe", "tai", "theo", "nham", "trien", "thuc", "giao", "so", "ngay", "da", "duoc", "co", "la", "tren", "trong", "cho", "den", "voi", "nhu", "tang", "hoan", "huong", "sua", "kem", "nay"])
MAX_ISSUER_WORDS = 14
CONTEXT_CHARS = 60


@dataclass
class _Citation:
    number: str
    doc_type: str | None
    date: str | None
    issuer: str | None
    start: int  # mention span in the scanned text
    end: int
    number_start: int
    number_end: int
    context: str  # folded words after the citation, to compare mentions
    read: str = ""  # the number as printed, before its codes were put in their official spelling


def _type_before(folded: str, number_start: int) -> tuple[str | None, int]:
    """Type name written before 'số <number>' (or just before the number), and where it starts."""
    window_start = max(0, number_start - 50)
    window = folded[window_start:number_start]
    match = re.search(r"(?:\bso\s*:?\s*)$", window)
    head = window[:match.start()] if match else window
    if head.strip():
        for token in re.finditer(r"\S+", head):
            found = type_name_at(squash(head[token.start():]))
            if found and found[1] == len(squash(head[token.start():])):
                return found[0], window_start + token.start()
    if match:
        return None, window_start + match.start()
    return None, number_start


def _issuer_after(text: str, folded: str, position: int) -> tuple[str | None, int]:
    """'của Ủy ban nhân dân Thành phố về việc ...' → 'Ủy ban nhân dân Thành phố'."""
    match = re.match(r"\s*,?\s*cua\s+", folded[position:])
    if not match:
        return None, position
    start = position + match.end()
    words: list[str] = []
    end = start
    tokens = list(re.finditer(r"\S+", text[start:start + 200]))
    for index, token in enumerate(tokens):
        word = token.group()
        key = fold(word).strip(",.;:()")
        following = fold(tokens[index + 1].group()).strip(",.;:") if index + 1 < len(tokens) else ""
        if word.startswith("(") or (not words and not word[0].isupper()):
            break
        if key in ISSUER_STOP or (key == "ban" and following == "hanh"):
            break
        clean = word.rstrip(",.;:)")
        words.append(clean)
        end = start + token.start() + len(clean)
        if clean != word or len(words) >= MAX_ISSUER_WORDS:
            break
    issuer = squash(" ".join(words)).strip(" -")
    return (issuer or None), end


def find_citations(text: str) -> list[_Citation]:
    folded = fold(text)
    citations: list[_Citation] = []
    previous: _Citation | None = None
    for match in CITED_NUMBER.finditer(text):
        read = clean_number(match.group("num"))
        doc_type, start = _type_before(folded, match.start())
        if doc_type is None and previous is not None and re.fullmatch(
                r"[\s,;]*(va\s+)?(so\s*)?", folded[previous.end:match.start()]):
            doc_type = previous.doc_type  # "Công văn số 4643/...; số 4975/... và số 5442/..."
        number = normalise_number(read, doc_type)
        if doc_type is None:
            doc_type = name_for_code(number_type_code(number))
        end = match.end()
        date = find_date(folded, end, anchored=False)
        iso = None
        if date is not None and re.fullmatch(r"[\s,]*", folded[end:date.start]):
            iso, end = date.iso, date.end
        issuer, end = _issuer_after(text, folded, end)
        context = squash(folded[end:end + CONTEXT_CHARS])
        citation = _Citation(number, doc_type, iso, issuer, start, end, match.start(), match.end(), context, read)
        citations.append(citation)
        previous = citation
    return citations


def _key(number: str) -> str:
    return fold(number).upper()


def _suspect_of(citation: _Citation, majority: dict[str, list[_Citation]]) -> str | None:
    """The majority number this single mention most likely misreads, or None."""
    own = _key(citation.number)
    for key, group in majority.items():
        other = group[0].number
        if key == own or len(group) < 2 or Levenshtein.distance(own, key) != 1:
            continue  # one character apart: 09 → 03, CT → C1, HD/NN → HDANN
        if citation.doc_type and group[0].doc_type and citation.doc_type != group[0].doc_type:
            continue
        same_date = citation.date is not None and any(c.date == citation.date for c in group)
        same_words = citation.context and any(
            fuzz.partial_ratio(citation.context[:40], c.context) >= 85 for c in group if c.context)
        if same_date or same_words:
            return other
    return None


TRUNCATED = re.compile(r"\d+(?:/(?:19|20)\d\d)?/[^/\-]+")  # '09/CT': the issuer code after the type lost


def _completion_of(citation: _Citation, groups: dict[str, list[_Citation]]) -> str | None:
    """The one full number a truncated citation is the start of ('09/CT' of '09/CT UBND' → '09/CT-UBND')."""
    own = _key(citation.number)
    if not TRUNCATED.fullmatch(citation.number):
        return None
    fuller = [group[0] for key, group in groups.items() if key.startswith(own + "-")
              and not (citation.doc_type and group[0].doc_type and citation.doc_type != group[0].doc_type)]
    return fuller[0].number if len(fuller) == 1 else None


def extract_references(doc: Document, exclude_numbers: set[str] | None = None) -> tuple[list[Reference],
                                                                                         list[Correction]]:
    text = doc.text
    excluded = {_key(n) for n in (exclude_numbers or set())}
    citations = [c for c in find_citations(text) if _key(c.number) not in excluded]
    groups: dict[str, list[_Citation]] = {}
    for citation in citations:
        groups.setdefault(_key(citation.number), []).append(citation)
    counts = Counter({key: len(group) for key, group in groups.items()})
    suspects: dict[str, str] = {}
    for key, group in groups.items():
        suggestion = _completion_of(group[0], groups)
        if suggestion is None and counts[key] == 1:
            suggestion = _suspect_of(group[0], groups)
        if suggestion:
            suspects[key] = suggestion
    references: dict[str, Reference] = {}
    corrections: list[Correction] = []
    words = list(doc.words())
    for citation in citations:
        key = _key(citation.number)
        suggestion = suspects.get(key)
        target_key = _key(suggestion) if suggestion else key
        reference = references.get(target_key)
        if reference is None:
            source = groups[target_key][0] if target_key in groups else citation
            reference = Reference(doc_type=source.doc_type, number=source.number)
            references[target_key] = reference
        if not suggestion:
            reference.doc_type = reference.doc_type or citation.doc_type
            reference.date = reference.date or citation.date
            reference.issuer = reference.issuer or citation.issuer
        mention = Mention(text=squash(f"{text[citation.start:citation.number_start]} {citation.read}"),
                          span=(citation.start, citation.number_end),
                          flagged=bool(suggestion), suggestion=suggestion)
        reference.mentions.append(mention)
        if suggestion:
            corrections.append(_correction(citation, citation.read, suggestion, words, doc))
        elif citation.read != citation.number:  # a code put in its official spelling: 'QD' → 'QĐ'
            corrections.append(_correction(citation, citation.read, citation.number, words, doc))
    ordered = sorted(references.values(), key=lambda r: r.mentions[0].span[0] if r.mentions else 0)
    return ordered, corrections


def _correction(citation: _Citation, original: str, suggestion: str, words: list, doc: Document) -> Correction:
    span = (citation.number_start, citation.number_end)
    chosen = [w for w in words if w.span and w.span[0] < span[1] and w.span[1] > span[0]]
    page = _page_of(doc, span[0])
    evidence = evidence_for(chosen, page)
    return Correction(word_ids=[w.id for w in chosen], page=page, bbox=evidence.bbox, span=span,
                      original=original, corrected=suggestion, confidence=0.5, flagged=True,
                      alternatives=[original], kind="reference")


def _page_of(doc: Document, offset: int) -> int | None:
    return doc.text.count("\f", 0, offset) + 1 if doc.pages else None


def numbers_in(text: str) -> list[str]:
    """Numbers cited in a piece of text, in order, without repeats."""
    seen: list[str] = []
    for match in CITED_NUMBER.finditer(text):
        number = clean_number(match.group("num"))
        if number not in seen:
            seen.append(number)
    return seen
