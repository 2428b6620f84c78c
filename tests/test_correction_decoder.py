"""The decoder's fast paths against slow references, to the last bit, on random lattices.

``_trigram_scores`` scores each distinct block (three candidate sets) once, ``_viterbi``
keeps states as ints, and ``decode_with_posteriors`` and ``pair_posteriors`` read their LM
scores from the decoder's blocks; each must give exactly what the obvious version gives,
ties included (the corrector's output must not change by a byte).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.correction.decoder import (
    BEAM,
    Position,
    _combos,
    _trigram_scores,
    _viterbi,
    decode_many,
    decode_with_posteriors,
    local_posteriors,
    pair_posteriors,
    pair_posteriors_reference,
)
from pipeline.correction.lm import NgramLM, build_lm
from pipeline.correction.segment import SPECIALS

SENTENCES = [
    ["cộng", "hòa", "xã", "hội", "chủ", "nghĩa", "việt", "nam"],
    ["ủy", "ban", "nhân", "dân", "tỉnh"],
    ["hội", "đồng", "nhân", "dân", "huyện"],
    ["chủ", "tịch", "ủy", "ban", "nhân", "dân"],
] * 3


def _tiny_lm() -> NgramLM:
    counts: dict[str, int] = {}
    for s in SENTENCES:
        for w in s:
            counts[w] = counts.get(w, 0) + 1
    lm = NgramLM(build_lm(SENTENCES, list(SPECIALS) + sorted(counts), counts, min_trigram_count=1))
    lm.share_classes([["tỉnh", "huyện", "xã"]], 0.3)  # the corrector's extras, so their paths are covered
    lm.pair_keys = np.array(sorted({lm.id_of("ủy") * int(lm.V) + lm.id_of("ban")}), dtype=np.int64)
    lm.pair_weight = 1.0
    return lm


LM = _tiny_lm()
FIRST_WORD = len(SPECIALS)


@st.composite
def lattices(draw) -> list[list[Position]]:
    """Sentences whose positions recur (shared objects and equal copies, as the corrector's
    memo makes them), with few distinct emissions and repeated ids so that scores tie."""
    pool_size = draw(st.integers(1, 6))
    pool = []
    for _ in range(pool_size):
        n = draw(st.integers(1, 4))
        ids = draw(st.lists(st.integers(FIRST_WORD, len(LM.words) - 1), min_size=n, max_size=n))
        emission = draw(st.lists(st.sampled_from([0.0, -1.0, -2.5]), min_size=n, max_size=n))
        pool.append(Position(np.array(ids, dtype=np.int64), np.array(emission)))
    out = []
    for _ in range(draw(st.integers(1, 4))):
        picks = draw(st.lists(st.integers(0, pool_size - 1), max_size=7))
        copy = draw(st.booleans())
        out.append([Position(pool[k].ids.copy(), pool[k].emission.copy()) if copy else pool[k] for k in picks])
    return out


def _direct_scores(lm: NgramLM, sent: Sequence[Position], i: int) -> list[float]:
    """LM scores of block i (position i and the two before it), a-major, one trigram at a time."""
    padded = [np.array([lm.bos]), np.array([lm.bos]), *[p.ids for p in sent], np.array([lm.eos])]
    a, b, c = padded[i], padded[i + 1], padded[i + 2]
    return [float(lm.score(np.array([x]), np.array([y]), np.array([z]))[0]) for x in a for y in b for z in c]


def _viterbi_reference(
    sent: Sequence[Position], scores: list[float], blocks: list[tuple[int, int, int, int]], beam: float | None = BEAM
) -> list[int]:
    """The decoder's first Viterbi, states as (a, b) tuples: the specification of _viterbi's ties."""
    states: dict[tuple[int, int], float] = {(0, 0): 0.0}
    backs: list[dict[tuple[int, int], int]] = []
    for i, pos in enumerate(sent):
        off, _, sb, sc = blocks[i]
        em = pos.emission.tolist()
        new: dict[tuple[int, int], float] = {}
        back: dict[tuple[int, int], int] = {}
        for (a, b), base in states.items():
            row = off + (a * sb + b) * sc
            for c in range(sc):
                val = base + scores[row + c] + em[c]
                if val > new.get((b, c), -1e300):
                    new[b, c] = val
                    back[b, c] = a
        if beam is not None and len(new) > 4:
            cutoff = max(new.values()) - beam
            new = {k: v for k, v in new.items() if v >= cutoff}
        states = new
        backs.append(back)
    off, _, sb, _ = blocks[len(sent)]
    best, b1, b0 = -1e300, 0, 0
    for (a, b), base in states.items():
        val = base + scores[off + a * sb + b]
        if val > best:
            best, b1, b0 = val, a, b
    n = len(sent)
    path = [0] * n
    path[n - 1] = b0
    if n >= 2:
        path[n - 2] = b1
    for i in range(n - 1, 1, -1):
        path[i - 2] = backs[i][(path[i - 1], path[i])]
    return path


@settings(max_examples=60, deadline=None)
@given(lattices())
def test_each_block_holds_its_own_trigram_scores(sentences: list[list[Position]]) -> None:
    scored = _trigram_scores(LM, sentences)
    flat = [block for sent_blocks in scored.blocks for block in sent_blocks]
    assert [(off, sb, sc) for off, _, sb, sc in flat] == list(
        zip(scored.offset.tolist(), scored.sb.tolist(), scored.sc.tolist(), strict=True))
    for sent, sent_blocks in zip(sentences, scored.blocks, strict=True):
        assert len(sent_blocks) == len(sent) + 1
        for i, (off, sa, sb, sc) in enumerate(sent_blocks):
            assert scored.scores[off : off + sa * sb * sc].tolist() == _direct_scores(LM, sent, i)


@pytest.mark.parametrize("beam", [None, BEAM, 1.0])
@settings(max_examples=60, deadline=None)
@given(sentences=lattices())
def test_viterbi_matches_the_tuple_keyed_reference(beam: float | None, sentences: list[list[Position]]) -> None:
    scored = _trigram_scores(LM, sentences)
    score_list = scored.scores.tolist()
    for sent, sent_blocks in zip(sentences, scored.blocks, strict=True):
        if sent:
            assert _viterbi(sent, score_list, sent_blocks, beam) == _viterbi_reference(sent, score_list, sent_blocks, beam)


@settings(max_examples=60, deadline=None)
@given(lattices())
def test_posteriors_from_blocks_equal_local_posteriors(sentences: list[list[Position]]) -> None:
    paths, posts = decode_with_posteriors(LM, sentences)
    assert paths == decode_many(LM, sentences)
    assert posts == local_posteriors(LM, sentences, paths)


@settings(max_examples=60, deadline=None)
@given(sentences=lattices(), seed=st.integers(0, 2**16))
def test_pair_posteriors_equal_the_reference(sentences: list[list[Position]], seed: int) -> None:
    rng = np.random.default_rng(seed)
    paths = [[int(rng.integers(len(p.ids))) for p in sent] for sent in sentences]  # any path, not only the best
    assert pair_posteriors(LM, sentences, paths) == pair_posteriors_reference(LM, sentences, paths)


@given(st.lists(st.integers(1, 16), max_size=12))
def test_combos_count_the_triples_of_every_block(sizes: list[int]) -> None:
    sent = [Position(np.zeros(n, dtype=np.int64), np.zeros(n)) for n in sizes]
    padded = [1, 1, *sizes, 1]
    assert _combos(sent) == sum(padded[i - 2] * padded[i - 1] * padded[i] for i in range(2, len(padded)))
