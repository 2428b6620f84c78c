"""Candidate readings for one token, with channel features.

Each candidate carries three channel features, turned into a log-probability per document
(``DocumentNoise``): marks dropped (the token has no marks, the reading has some), marks
changed (tone or vowel marks differ), and a weighted letter edit cost (OCR look-alikes are
cheap: "6" for "ô", "P" for "Đ", "w" for "ư"/"ơ", "&" for "ê"...). Learned confusions from
``ConfusionModel`` (pipeline/correction/channel.py) are merged in when that model exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .viet import VIET_LETTERS, has_marks, is_valid_syllable, split_tone, strip_marks, strip_tone

# Letters an English-model OCR puts for Vietnamese ones (observed letter -> intended base letters).
LOOKALIKES: dict[str, str] = {
    "&": "e", "6": "o", "0": "o", "1": "l", "w": "uo", "q": "o", "p": "d", "¢": "ec",
    "ö": "o", "ï": "i", "ä": "a", "å": "a", "ë": "e", "ü": "u", "ç": "c", "ñ": "n", "ø": "o",
    "î": "i", "û": "u", "ÿ": "y", "€": "ec", "©": "c", "@": "a", "3": "a", "4": "a", "5": "s", "8": "a",
    "y": "uư", "i": "uaăl", "e": "c", "j": "i", "f": "t", "t": "u", "l": "i",
}
OTHER_SUBSTITUTION = 1.5  # cost of a letter substitution that is no known look-alike
DOMINANT_SHARE = 0.995
MIN_READING_SHARE = 0.001  # readings rarer than this share of their letters are corpus noise
MIN_DICTIONARY_READING_COUNT = 3
HAT_AND_TONE_EXTRA = 0.25  # see mark_difference
MIN_RESTORE_SHARE = 0.003  # restoring marks only: rarer readings are not worth decoding
_CHEAP_DELETIONS = set("it.,'_-’`l¢@")


@dataclass(frozen=True)
class Candidate:
    word: str  # canonical lower-case reading (tone in the 'old' position)
    dropped: float  # 1 when the token lost all marks of this reading
    changed: float  # number of tone / vowel-mark differences
    edits: float  # weighted letter edit cost between the token and the reading
    collapsed: float = 0.0  # Latin-1 marked letters standing for other marks (é for ề)
    learned: float | None = None  # log P(token|word) - log P(token|token) from the learned confusions
    vowel_lost: bool = False  # the token has no vowel letter ("tnh" for "tỉnh"): its marks went with it
    # (tone read, tone meant) when the reading differs from the token in its tone alone ("tính"
    # for "tỉnh": sắc for hỏi), the misread a blurred page repeats (DocumentNoise.tone_swaps)
    tone_swap: tuple[int, int] | None = None


def _sub_cost(o: str, s: str) -> float:
    if o == s:
        return 0.0
    if s in LOOKALIKES.get(o, ""):
        return 0.4
    if o in "aeo" and s in "aeo":
        return 0.6  # marked vowels read as é/á/ó
    return OTHER_SUBSTITUTION


@lru_cache(maxsize=200_000)
def weighted_edit(observed: str, intended: str) -> float:
    """Levenshtein over de-accented lower-case letters with cheap look-alike substitutions."""
    n, m = len(observed), len(intended)
    prev = [float(j) for j in range(m + 1)]
    for i in range(1, n + 1):
        o = observed[i - 1]
        dele = 0.5 if o in _CHEAP_DELETIONS else 1.0
        cur = [prev[0] + dele] + [0.0] * m
        for j in range(1, m + 1):
            cur[j] = min(
                prev[j] + dele,
                cur[j - 1] + 1.0,
                prev[j - 1] + _sub_cost(o, intended[j - 1]),
            )
        prev = cur
    return prev[m]


def tone_swap(observed: str, intended: str) -> tuple[int, int] | None:
    """(tone read, tone meant) when two words differ only in a tone both of them carry."""
    o_bare, o_tone = split_tone(observed)
    s_bare, s_tone = split_tone(intended)
    if o_bare != s_bare or not o_tone or not s_tone or o_tone == s_tone:
        return None
    return o_tone, s_tone


def mark_difference(observed: str, intended: str) -> tuple[float, float, float]:
    """(dropped, changed, collapsed) for two words with the same de-accented letters.

    dropped is 1 when some marks of the reading are missing from the token (OCR loses the
    marks of a syllable, or of its Đ, as one event); changed counts the token's marked
    letters that carry other marks (a wrong tone and a wrong hat on one vowel count once);
    collapsed counts those of them that are Latin-1 letters (é for ề: what an English model
    writes for any marked vowel).
    """
    if observed == intended:
        return 0.0, 0.0, 0.0
    dropped = 0.0
    changed = collapsed = 0
    o_tone = split_tone(observed)[1]
    s_tone = split_tone(intended)[1]
    for a, b, full in zip(strip_tone(observed), strip_tone(intended), observed, strict=False):
        if a == b and (full == a or o_tone == s_tone):
            continue
        if a == b:
            continue
        if a.isascii():
            if full.isascii():
                dropped = 1.0
            elif ord(full) < 256:
                collapsed += 1
            else:
                changed += 1
        elif ord(full) < 256:
            collapsed += 1
        else:
            changed += 1
    if o_tone != s_tone and changed + collapsed == 0:
        if o_tone == 0:
            dropped = 1.0
        elif any(ord(c) < 256 and not c.isascii() for c in observed):
            collapsed = 1
        else:
            changed = 1
    elif o_tone != s_tone and changed and o_tone and s_tone:
        # a tone read wrong on a vowel whose hat was read wrong too ("tố" for "tờ") is rarer than
        # either alone: blur swaps hỏi and sắc ("tố" for "tổ") and keeps the hat
        return dropped, float(min(changed + HAT_AND_TONE_EXTRA, 2)), float(min(collapsed, 2))
    return dropped, float(min(changed, 2)), float(min(collapsed, 2))


class Lexicon:
    """Words the LM knows, indexed by their de-accented key."""

    def __init__(self, words: list[str], counts: np.ndarray, is_word: Callable[[str], bool],
                 dictionary_words: frozenset[str] = frozenset()) -> None:
        self.by_key: dict[str, list[str]] = {}
        self.restore_by_key: dict[str, list[str]] = {}
        self.count = {w: int(c) for w, c in zip(words, counts, strict=False)}
        for w in words:
            if is_word(w):
                self.by_key.setdefault(strip_marks(w), []).append(w)
        for key, ws in self.by_key.items():
            ws.sort(key=lambda w: -self.count[w])
            total = sum(self.count[w] for w in ws)
            # readings seen in under 0.1% of the key's uses are noise in the corpus
            # (a syllable of the dictionary's words is no noise however rare: "phấn" of "phấn đấu")
            self.by_key[key] = [w for w in ws if self.count[w] >= MIN_READING_SHARE * total
                                or w in dictionary_words and self.count[w] >= MIN_DICTIONARY_READING_COUNT][:12]
            self.restore_by_key[key] = [w for w in ws if self.count[w] >= MIN_RESTORE_SHARE * total][:12]
        self.keys = list(self.by_key)
        self._syllable_keys: list[str] | None = None
        self._dominant: dict[str, tuple[str, float]] = {}
        for key, ws in self.by_key.items():
            total = sum(self.count[w] for w in ws)
            share = self.count[ws[0]] / max(total, 1)
            if share >= DOMINANT_SHARE and total >= 20:
                self._dominant[key] = (ws[0], share)

    def dominant(self, lower: str) -> tuple[str, float] | None:
        """The reading of an unmarked word when one reading covers nearly all uses of its letters."""
        if lower != strip_marks(lower):
            return None
        return self._dominant.get(lower)

    def add(self, word: str) -> None:
        self.count.setdefault(word, 1)
        key = strip_marks(word)
        lst = self.by_key.setdefault(key, [])
        self._dominant.pop(key, None)
        if word not in lst:
            lst.append(word)
            self.restore_by_key.setdefault(key, []).append(word)
            self.keys = list(self.by_key)
            self._syllable_keys = None

    @property
    def syllable_keys(self) -> list[str]:
        """The keys that have a reading which is a syllable: the only ones letter edits lead to."""
        if self._syllable_keys is None:
            self._syllable_keys = [k for k, ws in self.by_key.items() if any(is_valid_syllable(w) for w in ws)]
        return self._syllable_keys

    def plausible(self, lower: str) -> bool:
        """A word as written could be right: a known word, a valid syllable, or marks lost."""
        return lower in self.count or is_valid_syllable(lower) or strip_marks(lower) in self.by_key

    def known_letters(self, lower: str) -> bool:
        """The word's letters (marks aside) spell a known word."""
        return lower in self.count or strip_marks(lower) in self.by_key

    def same_key(self, word: str, restore_only: bool = False) -> list[str]:
        table = self.restore_by_key if restore_only else self.by_key
        return table.get(strip_marks(word), [])


class CandidateGenerator:
    """Readings of a token: same letters with other marks, and (OCR mode) letter edits."""

    def __init__(self, lexicon: Lexicon, learned: Callable[[str], Iterable[tuple[str, float]]] | None = None):
        self.lexicon = lexicon
        self.learned = learned
        self._cache: dict[tuple[str, bool], list[Candidate]] = {}

    def candidates(self, lower: str, ocr: bool) -> list[Candidate]:
        key = (lower, ocr)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._generate(lower, ocr)
            if len(self._cache) > 300_000:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def _generate(self, lower: str, ocr: bool) -> list[Candidate]:
        out: dict[str, Candidate] = {}
        for w in self.lexicon.same_key(lower, restore_only=not ocr):
            if w != lower:
                dropped, changed, collapsed = mark_difference(lower, w)
                out[w] = Candidate(w, dropped, changed, 0.0, collapsed, tone_swap=tone_swap(lower, w))
        if not ocr:
            return list(out.values())
        observed = strip_marks(lower)
        ascii_like = "".join(c for c in observed if c in VIET_LETTERS or c in LOOKALIKES)
        if not ascii_like:
            return list(out.values())
        limit = 1 if len(observed) <= 3 else 2
        # (every key within the distance: a short token has 50-60 of them, and a cut at some count
        # dropped readings at random, "tin" for "tị" among them)
        for near_key, _, _ in process.extract(
            observed, self.lexicon.syllable_keys, scorer=Levenshtein.distance, score_cutoff=limit, limit=None
        ):
            cost = weighted_edit(observed, near_key)
            if cost > 2.0:
                continue
            for w in self.lexicon.by_key[near_key]:
                if w == lower or w in out or not is_valid_syllable(w):
                    continue  # letter edits only lead to syllables, never to abbreviations
                dropped = 1.0 if not has_marks(lower) and has_marks(w) else 0.0
                changed = 0.0 if dropped else _loose_mark_difference(lower, w)
                vowel_lost = dropped + changed > 0 and _no_vowel(observed) and "đ" not in w
                if all(ord(c) < 256 for c in lower):
                    out[w] = Candidate(w, dropped, 0.0, cost, changed, vowel_lost=vowel_lost)  # Latin-1 marks: collapsed
                else:
                    out[w] = Candidate(w, dropped, changed, cost, vowel_lost=vowel_lost)
        if self.learned is not None:
            for w, ratio in self.learned(lower):
                if w == lower:
                    continue
                old = out.get(w)
                if old is None:
                    out[w] = Candidate(w, 0.0, 0.0, 0.0, 0.0, ratio)
                else:
                    out[w] = Candidate(w, old.dropped, old.changed, old.edits, old.collapsed, ratio,
                                       tone_swap=old.tone_swap)
        return list(out.values())


def _no_vowel(observed: str) -> bool:
    """Plain consonant letters only: no vowel, nor a symbol or marked letter that may stand for one."""
    return observed.isascii() and observed.isalpha() and not any(c in "aeiouyw" for c in observed)


def _loose_mark_difference(observed: str, intended: str) -> float:
    """Mark mismatch when letters also differ.

    A marked letter that was misread (é for ă, ó for ộ) says "some marks here": half an
    event when the reading has marks too, one when it has none.
    """
    o_marked, s_marked = has_marks(observed), has_marks(intended)
    if o_marked and s_marked:
        return 0.5
    return float(o_marked != s_marked)
