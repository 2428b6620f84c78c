"""Syllable-level measures used by the evaluation script, the benchmark and the tests."""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from .viet import nfc, place_tone

_SYLLABLE = re.compile(r"[^\W_]+")


def syllables(text: str) -> list[str]:
    """NFC syllables (runs of letters/digits), case kept."""
    return _SYLLABLE.findall(nfc(text))


def syllable_spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _SYLLABLE.finditer(nfc(text))]


def syllable_error_rate(hypothesis: str, reference: str) -> float:
    """Levenshtein distance between syllable sequences divided by the reference length."""
    ref = syllables(reference)
    return Levenshtein.distance(syllables(hypothesis), ref) / max(len(ref), 1)


def restoration_accuracy(gold: str, restored: str) -> dict[str, int]:
    """Position-wise comparison (restoration changes marks only, so tokens line up)."""
    g, r = syllables(gold), syllables(restored)
    if len(g) != len(r):
        ops = Levenshtein.distance(r, g)
        return {"right": max(len(g) - ops, 0), "right_loose": max(len(g) - ops, 0), "total": len(g)}
    right = sum(a == b for a, b in zip(g, r, strict=False))
    loose = sum(a == b or place_tone(a) == place_tone(b) for a, b in zip(g, r, strict=False))
    return {"right": right, "right_loose": loose, "total": len(g)}


def wrong_output_syllables(output: str, gold: str) -> set[int]:
    """Indexes of output syllables that are substituted or extra when aligned to the gold."""
    out, ref = syllables(output), syllables(gold)
    wrong: set[int] = set()
    for op in Levenshtein.editops(out, ref):
        if op.tag in ("replace", "delete"):
            wrong.add(op.src_pos)
    return wrong


def flag_coverage(gold: str, result) -> dict[str, int]:
    """How many output syllables are wrong, flagged, and both (bar 5)."""
    spans = syllable_spans(result.text)
    flags = sorted((c.out_start, c.out_end) for c in result.changes if c.flagged)
    flagged_idx: set[int] = set()
    k = 0
    for i, (s, e, _) in enumerate(spans):
        while k < len(flags) and flags[k][1] <= s:
            k += 1
        if k < len(flags) and flags[k][0] < e:
            flagged_idx.add(i)
    wrong = wrong_output_syllables(result.text, gold)
    return {
        "syllables": len(spans),
        "flagged": len(flagged_idx),
        "wrong": len(wrong),
        "wrong_flagged": len(wrong & flagged_idx),
    }
