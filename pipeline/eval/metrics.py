"""Accuracy metrics of sohoa outputs against gold data.

Pure functions on plain values (strings, lists, dicts of the JSON contract). Every
metric returns raw counts, not only a rate, so that totals over many documents are
micro-averages: sum the numerators, sum the denominators, divide once.

Text is compared after NFC and whitespace folding. A syllable is a whitespace-split
token (Vietnamese writes one syllable per token). Alignment and edit distance come
from rapidfuzz's Levenshtein; tokens are mapped to integers first so that the token
alignment runs on the same fast code path as the character one.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import Levenshtein

# Combining marks that make a Vietnamese letter "marked": the five tone marks
# (grave, acute, hook above, tilde, dot below) and the vowel marks (circumflex,
# breve, horn). Together with đ/Đ they are what an English-trained OCR drops.
_DIACRITIC_MARKS = frozenset("\u0300\u0301\u0309\u0303\u0323\u0302\u0306\u031b")

HEADER_FIELDS = (
    "parent_agency", "issuing_agency", "number", "doc_type_code", "place", "date",
    "date_text", "doc_type", "subject", "addressees", "secrecy", "urgency",
)
SIGNATURE_FIELDS = ("authority", "title", "signer")

_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2010": "-"})


# --- result values -------------------------------------------------------------


@dataclass(frozen=True)
class ErrorCounts:
    """Edit errors against a gold length: rate = errors / total (None when total is 0)."""

    errors: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.errors / self.total if self.total else None

    def __add__(self, other: ErrorCounts) -> ErrorCounts:
        return ErrorCounts(self.errors + other.errors, self.total + other.total)

    def as_dict(self) -> dict[str, Any]:
        return {"errors": self.errors, "total": self.total, "rate": self.rate}


@dataclass(frozen=True)
class Ratio:
    """A share of items that came out right: value = correct / total."""

    correct: int
    total: int

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.correct + other.correct, self.total + other.total)

    def as_dict(self) -> dict[str, Any]:
        return {"correct": self.correct, "total": self.total, "value": self.value}


@dataclass(frozen=True)
class PrecisionRecall:
    """Precision = pred_hits / predicted; recall = gold_hits / gold.

    Hits are counted on each side separately because one prediction can cover
    several gold items (a flag over two wrong syllables) and vice versa.
    """

    pred_hits: int
    predicted: int
    gold_hits: int
    gold: int

    @property
    def precision(self) -> float | None:
        return self.pred_hits / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.gold_hits / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None
        return 2 * p * r / (p + r)

    def __add__(self, other: PrecisionRecall) -> PrecisionRecall:
        return PrecisionRecall(
            self.pred_hits + other.pred_hits, self.predicted + other.predicted,
            self.gold_hits + other.gold_hits, self.gold + other.gold,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "pred_hits": self.pred_hits, "predicted": self.predicted,
            "gold_hits": self.gold_hits, "gold": self.gold,
            "precision": self.precision, "recall": self.recall, "f1": self.f1,
        }


@dataclass(frozen=True)
class Token:
    """A syllable and where it stands in the text it was cut from."""

    text: str  # NFC
    start: int
    end: int


# --- normalisation and tokens --------------------------------------------------


def normalize_text(text: str) -> str:
    """NFC, every run of whitespace (form feeds and line breaks too) -> one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def fold(value: str) -> str:
    """Text key for field comparison: NFC and whitespace folding."""
    return normalize_text(value)


def casefold(value: str) -> str:
    return normalize_text(value).casefold()


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def strip_punct(token: str) -> str:
    """Drop leading and trailing punctuation/symbols ("Chi," -> "Chi", "(a)" -> "a")."""
    start, end = 0, len(token)
    while start < end and _is_punct(token[start]):
        start += 1
    while end > start and _is_punct(token[end - 1]):
        end -= 1
    return token[start:end]


def tokenize(text: str, *, punct_insensitive: bool = False) -> list[Token]:
    """Whitespace tokens with their spans in ``text`` (spans index the text as given).

    With ``punct_insensitive`` edge punctuation is stripped and tokens made only of
    punctuation are dropped (their span still points at the whole token).
    """
    tokens: list[Token] = []
    pos = 0
    for raw in text.split():
        start = text.index(raw, pos)
        pos = start + len(raw)
        value = unicodedata.normalize("NFC", raw)
        if punct_insensitive:
            value = strip_punct(value)
            if not value:
                continue
        tokens.append(Token(value, start, pos))
    return tokens


def syllables(text: str, *, punct_insensitive: bool = False) -> list[str]:
    return [t.text for t in tokenize(text, punct_insensitive=punct_insensitive)]


def has_diacritic(syllable: str) -> bool:
    """True when the syllable carries a tone mark, a vowel mark (ă â ê ô ơ ư) or đ."""
    decomposed = unicodedata.normalize("NFD", syllable)
    return any(ch in _DIACRITIC_MARKS or ch in "đĐ" for ch in decomposed)


def _as_ids(pred: Sequence[str], gold: Sequence[str]) -> tuple[list[int], list[int]]:
    vocab: dict[str, int] = {}
    pred_ids = [vocab.setdefault(t, len(vocab)) for t in pred]
    gold_ids = [vocab.setdefault(t, len(vocab)) for t in gold]
    return pred_ids, gold_ids


def equal_pairs(pred: Sequence[str], gold: Sequence[str]) -> list[tuple[int, int]]:
    """(pred index, gold index) of the tokens a minimal Levenshtein alignment keeps equal."""
    pred_ids, gold_ids = _as_ids(pred, gold)
    pairs: list[tuple[int, int]] = []
    for op in Levenshtein.opcodes(pred_ids, gold_ids):
        if op.tag == "equal":
            pairs.extend(zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end), strict=True))
    return pairs


# --- text metrics --------------------------------------------------------------


def cer(pred: str, gold: str) -> ErrorCounts:
    """Character edits (insert, delete, substitute) over the gold length, both normalised."""
    pred_n, gold_n = normalize_text(pred), normalize_text(gold)
    return ErrorCounts(Levenshtein.distance(pred_n, gold_n), len(gold_n))


def syllable_error_rate(pred: str, gold: str, *, punct_insensitive: bool = False) -> ErrorCounts:
    """Syllable edits over the number of gold syllables."""
    pred_ids, gold_ids = _as_ids(
        syllables(pred, punct_insensitive=punct_insensitive),
        syllables(gold, punct_insensitive=punct_insensitive),
    )
    return ErrorCounts(Levenshtein.distance(pred_ids, gold_ids), len(gold_ids))


def diacritic_accuracy(pred: str, gold: str) -> Ratio:
    """Share of marked gold syllables that the prediction has exactly right.

    Syllables are compared punctuation-insensitively ("năm," = "năm") and
    case-sensitively; a marked gold syllable counts as right when the alignment
    pairs it with an equal predicted syllable.
    """
    pred_s = syllables(pred, punct_insensitive=True)
    gold_s = syllables(gold, punct_insensitive=True)
    marked = {i for i, s in enumerate(gold_s) if has_diacritic(s)}
    correct = sum(1 for _, g in equal_pairs(pred_s, gold_s) if g in marked)
    return Ratio(correct, len(marked))


def wrong_pred_tokens(pred_text: str, gold_text: str) -> tuple[list[Token], set[int]]:
    """Predicted syllables (punctuation-insensitive, with spans in ``pred_text``) and
    the indices of those not aligned to an equal gold syllable."""
    pred_t = tokenize(pred_text, punct_insensitive=True)
    gold_s = syllables(gold_text, punct_insensitive=True)
    right = {p for p, _ in equal_pairs([t.text for t in pred_t], gold_s)}
    return pred_t, set(range(len(pred_t))) - right


def flag_precision_recall(
    pred_text: str, gold_text: str, flag_spans: Iterable[tuple[int, int]]
) -> PrecisionRecall:
    """How well the flags (spans into ``pred_text``) point at the words that are wrong.

    precision = flags that overlap at least one wrong syllable / flags;
    recall = wrong syllables overlapped by at least one flag / wrong syllables.
    """
    tokens, wrong = wrong_pred_tokens(pred_text, gold_text)
    spans = [(int(s), int(e)) for s, e in flag_spans]
    starts = [t.start for t in tokens]
    flagged_wrong: set[int] = set()
    flags_on_error = 0
    for start, end in spans:
        hit = {i for i in _overlapping(tokens, starts, start, end) if i in wrong}
        flags_on_error += bool(hit)
        flagged_wrong |= hit
    return PrecisionRecall(flags_on_error, len(spans), len(flagged_wrong), len(wrong))


def _overlapping(tokens: Sequence[Token], starts: Sequence[int], start: int, end: int) -> list[int]:
    i = max(bisect_left(starts, start) - 1, 0)
    found = []
    while i < len(tokens) and tokens[i].start < max(end, start + 1):
        if tokens[i].end > start:
            found.append(i)
        i += 1
    return found


# --- structure metrics ---------------------------------------------------------


def _field_key(value: Any) -> Any:
    if isinstance(value, str):
        return fold(value) or None
    if isinstance(value, (list, tuple)):
        return tuple(_field_key(v) for v in value) or None
    return value


def field_matches(pred: Mapping[str, Any], gold: Mapping[str, Any], fields: Sequence[str]) -> dict[str, bool]:
    """Exact match per field (strings NFC+whitespace folded, lists as ordered lists).

    A field is compared only when gold or prediction has a value: both empty tells
    nothing, one empty is a miss (nothing found, or something invented).
    """
    result: dict[str, bool] = {}
    for name in fields:
        p, g = _field_key(pred.get(name)), _field_key(gold.get(name))
        if p is None and g is None:
            continue
        result[name] = p == g
    return result


def header_field_matches(pred_header: Mapping[str, Any], gold_header: Mapping[str, Any]) -> dict[str, bool]:
    return field_matches(pred_header, gold_header, HEADER_FIELDS)


def signature_field_matches(pred_sig: Mapping[str, Any], gold_sig: Mapping[str, Any]) -> dict[str, bool]:
    return field_matches(pred_sig, gold_sig, SIGNATURE_FIELDS)


def set_precision_recall(pred_items: Iterable[Any], gold_items: Iterable[Any]) -> PrecisionRecall:
    """Multiset precision/recall of hashable items."""
    pred_c, gold_c = Counter(pred_items), Counter(gold_items)
    common = sum((pred_c & gold_c).values())
    return PrecisionRecall(common, sum(pred_c.values()), common, sum(gold_c.values()))


def reference_number_key(number: str) -> str:
    """'09/CT - UBND' and '09/CT-UBND' are one number: NFC, no spaces, one dash, upper case."""
    return "".join(unicodedata.normalize("NFC", number).translate(_DASHES).split()).upper()


def reference_numbers(references: Iterable[Mapping[str, Any]]) -> set[str]:
    return {reference_number_key(r["number"]) for r in references if r.get("number")}


def references_found(pred_refs: Iterable[Mapping[str, Any]], gold_refs: Iterable[Mapping[str, Any]]) -> PrecisionRecall:
    """Distinct referenced document numbers found, against the gold ones."""
    return set_precision_recall(reference_numbers(pred_refs), reference_numbers(gold_refs))


def section_keys(sections: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    return [(casefold(s.get("title") or ""), s.get("role") or "other") for s in sections]


def sections_found(pred_sections: Iterable[Mapping[str, Any]], gold_sections: Iterable[Mapping[str, Any]]) -> PrecisionRecall:
    """Top-level sections whose title (case/whitespace folded) AND role match."""
    return set_precision_recall(section_keys(pred_sections), section_keys(gold_sections))


def recipients_match(pred: Sequence[str], gold: Sequence[str]) -> tuple[bool, PrecisionRecall]:
    """Exact ordered list match, and per-item precision/recall (items NFC+whitespace folded)."""
    pred_k, gold_k = [fold(r) for r in pred], [fold(r) for r in gold]
    return pred_k == gold_k, set_precision_recall(pred_k, gold_k)
