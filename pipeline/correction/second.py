"""What a second recogniser's reading says about a word's readings (pipeline.second_reading).

Where both recognisers read the same letters, their tone marks are weighed with counts
learned on rendered letters (``scripts/learn_second_reader.py``): how often AsterNet reads
tone ``s`` when Tesseract read ``f`` and the truth is ``g``, by page class. On restored
(upscaled, blurred) pages Tesseract reads the hook of hỏi as a sắc; when AsterNet then reads
anything but a sắc, the truth is hỏi about half the time. Each candidate with those letters
gets log P(s | g, f) - log P(s | f, f): zero for the word as read, negative for other tones
when both agree. Where the letters differ, the candidate the second reader names gets a
fixed bonus.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache
from pathlib import Path

from pipeline.correction.viet import nfc, split_tone

TONES_PATH = Path(__file__).resolve().parents[1] / "models" / "second_reader_tones.tsv"
RESTORED, PLAIN = "restored", "plain"
TONE_COUNT = 6
# P(s | g, f) backs off to AsterNet's own confusions P(s | g), pooled over Tesseract's tones, with this
# many pseudo-counts: a (first, true) pair seldom seen (a hỏi Tesseract misread for a sắc on a clean
# page) is judged by how AsterNet reads that true tone anywhere
BACKOFF_WEIGHT = 10.0
# no tone evidence counts for more than this (log): the counts come from rendered letters, and on real
# scans AsterNet drops a hỏi more often than there ("để" read "đê" would otherwise become "đê")
MAX_LOG_RATIO = 3.0


def page_class(scale: float | None) -> str:
    """Pages the clean-up upscaled (low resolution, usually blurred) read differently."""
    return RESTORED if scale is not None and scale > 1.0 + 1e-6 else PLAIN


def tone_and_base(word: str) -> tuple[int, str]:
    """(tone 0-5, the lower-cased letters without the tone mark)."""
    base, tone = split_tone(nfc(word).lower())
    return tone, base


class ToneEvidence:
    """log P(second tone | true tone, first tone) - log P(second tone | first tone is true)."""

    def __init__(self, counts: Counter):
        self._counts = counts
        self._by_truth: Counter = Counter()
        self._pooled: Counter = Counter()  # (kind, second, gold)
        self._pooled_truth: Counter = Counter()  # (kind, gold)
        for (kind, first, second, gold), n in counts.items():
            self._by_truth[kind, first, gold] += n
            self._pooled[kind, second, gold] += n
            self._pooled_truth[kind, gold] += n

    @classmethod
    def load(cls, path: Path = TONES_PATH) -> ToneEvidence:
        counts: Counter = Counter()
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            kind, first, second, gold, n = line.split("\t")
            counts[kind, int(first), int(second), int(gold)] = int(n)
        return cls(counts)

    def _p_second(self, kind: str, first: int, second: int, gold: int) -> float:
        pooled = (self._pooled[kind, second, gold] + 0.5) / (self._pooled_truth[kind, gold] + 0.5 * TONE_COUNT)
        return ((self._counts[kind, first, second, gold] + BACKOFF_WEIGHT * pooled)
                / (self._by_truth[kind, first, gold] + BACKOFF_WEIGHT))

    @lru_cache(maxsize=4096)  # noqa: B019 - one instance per corrector, few distinct keys
    def log_ratio(self, kind: str, first: int, second: int, candidate: int) -> float:
        if candidate == first:
            return 0.0
        ratio = math.log(self._p_second(kind, first, second, candidate) / self._p_second(kind, first, second, first))
        return max(-MAX_LOG_RATIO, min(MAX_LOG_RATIO, ratio))


def weigh_second_reading(second: str, lower: str, kind: str, words: list[str], emissions: list[float],
                         tones: ToneEvidence, tone_weight: float, letters_bonus: float) -> None:
    """Add the second reading's evidence to the emissions of ``words`` (index 0: the word as read)."""
    first_tone, first_base = tone_and_base(lower)
    second_tone, second_base = tone_and_base(second)
    if second_base == first_base:
        for k, word in enumerate(words):
            tone, base = tone_and_base(word)
            if k and base == first_base:
                emissions[k] += tone_weight * tones.log_ratio(kind, first_tone, second_tone, tone)
    elif second in words:
        emissions[words.index(second)] += letters_bonus
