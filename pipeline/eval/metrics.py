"""Accuracy metrics of sohoa outputs against gold data.

Pure functions on plain values (strings, lists, dicts of the JSON contract). Every
metric returns raw counts, not only a rate, so that totals over many documents are
micro-averages: sum the numerators, sum the denominators, divide once.

Text is compared after NFC and whitespace folding, with superscript and subscript digits read as
digits: OCR engines print no superscripts, so "m2" is the faithful reading of a printed "m²" (and
what a typist writes too). A syllable is a whitespace-split token (Vietnamese writes one syllable
per token). Alignment and edit distance come
from rapidfuzz's Levenshtein; tokens are mapped to integers first so that the token
alignment runs on the same fast code path as the character one.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
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

# superscript and subscript digits compared as digits ("m²" is "m2": see the module docstring)
_SCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉", "01234567890123456789")
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
    """NFC, script digits as digits, every run of whitespace (form feeds and line breaks too) ->
    one space."""
    return " ".join(_nfc(text).split())


def _nfc(text: str) -> str:
    """NFC with script digits as digits: the form every compared text takes."""
    return unicodedata.normalize("NFC", text).translate(_SCRIPT_DIGITS)


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
        value = _nfc(raw)
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


# --- alignment with block moves ------------------------------------------------

# A block of at least this many syllables may be moved ("Số: 03/CT-UBND" read beside the
# motto); a single word found elsewhere is too often chance.
MIN_MOVED_BLOCK = 2
# Candidate blocks tried per move, longest first (each costs one alignment).
_MOVE_CANDIDATES = 8
_MAX_MOVES = 300


@dataclass(frozen=True)
class MoveAlignment:
    """Token alignment that forgives reading order: TER-style block moves, then edits.

    ``pairs`` are the (pred index, gold index) tokens equal after the moves;
    ``edits`` is the Levenshtein distance after the moves; each move costs one error.
    """

    pairs: list[tuple[int, int]]
    moves: int
    edits: int

    @property
    def errors(self) -> int:
        return self.edits + self.moves


def align_with_moves(pred: Sequence[str], gold: Sequence[str], *, min_block: int = MIN_MOVED_BLOCK,
                     substitutions: bool = False) -> MoveAlignment:
    """Align ``pred`` to ``gold`` letting whole blocks of tokens move, as TER does.

    OCR and text layers put the header's two columns, the motto or the signing
    block in different orders; a plain alignment counts every syllable of a moved
    block as wrong although each was read right. Greedily, while it pays (the
    distance falls by more than the one error a move costs), a block of at least
    ``min_block`` tokens that the alignment left unmatched on both sides is moved
    to where its gold twin stands. With ``substitutions`` the pairs also hold the tokens a
    substitution run of equal length pairs one to one (a misread and the word it stands for).
    """
    pred_ids, gold_ids = _as_ids(pred, gold)
    order = list(range(len(pred_ids)))
    moves = 0
    while moves < _MAX_MOVES:
        current = [pred_ids[i] for i in order]
        moved = _best_move(current, gold_ids, min_block)
        if moved is None:
            break
        order = [order[i] for i in moved]
        moves += 1
    current = [pred_ids[i] for i in order]
    pairs = [(order[p], g) for p, g in _equal_pairs_ids(current, gold_ids, substitutions)]
    return MoveAlignment(sorted(pairs), moves, Levenshtein.distance(current, gold_ids))


def _equal_pairs_ids(pred_ids: Sequence[int], gold_ids: Sequence[int],
                     substitutions: bool = False) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    for op in Levenshtein.opcodes(pred_ids, gold_ids):
        if op.tag == "equal" or (substitutions and op.tag == "replace"
                                 and op.src_end - op.src_start == op.dest_end - op.dest_start):
            pairs.extend(zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end), strict=True))
    return pairs


def _unmatched_runs(length: int, matched: set[int], min_block: int) -> list[range]:
    runs, start = [], None
    for i in range(length + 1):
        if i < length and i not in matched:
            start = i if start is None else start
        elif start is not None:
            if i - start >= min_block:
                runs.append(range(start, i))
            start = None
    return runs


def _best_move(current: list[int], gold: list[int], min_block: int) -> list[int] | None:
    """Positions of ``current`` in their new order after the best paying move, or None."""
    pairs = _equal_pairs_ids(current, gold)
    pred_to_gold = dict(pairs)
    gold_to_pred = {g: p for p, g in pairs}
    pred_runs = _unmatched_runs(len(current), set(pred_to_gold), min_block)
    gold_runs = _unmatched_runs(len(gold), set(gold_to_pred), min_block)
    blocks = _common_blocks(current, gold, pred_runs, gold_runs, min_block)[:_MOVE_CANDIDATES]
    blocks += _similar_runs(current, gold, pred_runs, gold_runs)
    if not blocks:
        return None
    distance = Levenshtein.distance(current, gold)
    best, best_gain = None, 1  # a move must save more than the error it costs
    for size, p_start, g_start in blocks:
        order = _moved_order(len(current), p_start, size, _destination(g_start, gold_to_pred))
        gain = distance - Levenshtein.distance([current[i] for i in order], gold)
        if gain > best_gain:
            best, best_gain = order, gain
    return best


def _common_blocks(current: list[int], gold: list[int], pred_runs: list[range], gold_runs: list[range],
                   min_block: int) -> list[tuple[int, int, int]]:
    """(size, pred start, gold start) of the longest common block of each pair of
    unmatched runs, longest first."""
    matcher = SequenceMatcher(None, current, gold, autojunk=False)
    blocks = []
    for p_run in pred_runs:
        for g_run in gold_runs:
            match = matcher.find_longest_match(p_run.start, p_run.stop, g_run.start, g_run.stop)
            if match.size >= min_block:
                blocks.append((match.size, match.a, match.b))
    return sorted(blocks, key=lambda b: (-b[0], b[1], b[2]))


def _similar_runs(current: list[int], gold: list[int], pred_runs: list[range],
                  gold_runs: list[range]) -> list[tuple[int, int, int]]:
    """(size, pred start, gold start): each unmatched pred run with the unmatched gold run
    most like it, so that a moved block with a misread word in it can move too."""
    moves = []
    for p_run in pred_runs:
        pred_part = current[p_run.start:p_run.stop]
        scored = [(Levenshtein.normalized_similarity(pred_part, gold[g.start:g.stop]), g.start) for g in gold_runs]
        if scored:
            moves.append((len(p_run), p_run.start, max(scored)[1]))
    return moves


def _destination(g_start: int, gold_to_pred: dict[int, int]) -> int:
    """Index in the current order before which a block matching gold[g_start:] goes:
    right after the token aligned to the nearest matched gold token before it."""
    before = [g for g in gold_to_pred if g < g_start]
    return gold_to_pred[max(before)] + 1 if before else 0


def _moved_order(length: int, start: int, size: int, destination: int) -> list[int]:
    block = list(range(start, start + size))
    rest = [i for i in range(length) if not start <= i < start + size]
    at = destination if destination <= start else destination - size
    return rest[:at] + block + rest[at:]


# --- text metrics --------------------------------------------------------------


def cer(pred: str, gold: str) -> ErrorCounts:
    """Character edits (insert, delete, substitute) over the gold length, both normalised."""
    pred_n, gold_n = normalize_text(pred), normalize_text(gold)
    return ErrorCounts(Levenshtein.distance(pred_n, gold_n), len(gold_n))


def syllable_error_rate(pred: str, gold: str, *, punct_insensitive: bool = False,
                        moves: bool = False) -> ErrorCounts:
    """Syllable edits over the number of gold syllables.

    With ``moves`` blocks read in another order are moved back first, one error
    each (see ``align_with_moves``).
    """
    pred_s = syllables(pred, punct_insensitive=punct_insensitive)
    gold_s = syllables(gold, punct_insensitive=punct_insensitive)
    if moves:
        return ErrorCounts(align_with_moves(pred_s, gold_s).errors, len(gold_s))
    pred_ids, gold_ids = _as_ids(pred_s, gold_s)
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


def wrong_pred_tokens(pred_text: str, gold_text: str, *, moves: bool = True) -> tuple[list[Token], set[int]]:
    """Predicted syllables (punctuation-insensitive, with spans in ``pred_text``) and
    the indices of those not aligned to an equal gold syllable.

    By default a syllable read right but in another order than the gold's (a
    header column, the motto, the signing block) is not wrong: see ``align_with_moves``.
    """
    pred_t = tokenize(pred_text, punct_insensitive=True)
    pred_s = [t.text for t in pred_t]
    gold_s = syllables(gold_text, punct_insensitive=True)
    pairs = align_with_moves(pred_s, gold_s).pairs if moves else equal_pairs(pred_s, gold_s)
    right = {p for p, _ in pairs}
    return pred_t, set(range(len(pred_t))) - right


def flag_precision_recall(
    pred_text: str, gold_text: str, flag_spans: Iterable[tuple[int, int]], *, moves: bool = True
) -> PrecisionRecall:
    """How well the flags (spans into ``pred_text``) point at the words that are wrong.

    precision = flags that overlap at least one wrong syllable / flags;
    recall = wrong syllables overlapped by at least one flag / wrong syllables.
    Syllables merely read in another order are not wrong unless ``moves`` is False.
    """
    tokens, wrong = wrong_pred_tokens(pred_text, gold_text, moves=moves)
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
