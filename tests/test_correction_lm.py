from __future__ import annotations

import math

import numpy as np
import pytest

from pipeline.correction import lm as lm_module
from pipeline.correction.decoder import Position, decode_many, decode_reference, local_posteriors
from pipeline.correction.lm import NgramLM, build_lm
from pipeline.correction.segment import SPECIALS

SENTENCES = [
    ["cộng", "hòa", "xã", "hội", "chủ", "nghĩa", "việt", "nam"],
    ["độc", "lập", "tự", "do", "hạnh", "phúc"],
    ["ủy", "ban", "nhân", "dân", "tỉnh"],
    ["ủy", "ban", "nhân", "dân", "huyện"],
    ["hội", "đồng", "nhân", "dân", "tỉnh"],
    ["chủ", "tịch", "ủy", "ban", "nhân", "dân"],
] * 3


@pytest.fixture(scope="module")
def tiny_lm() -> NgramLM:
    counts: dict[str, int] = {}
    for s in SENTENCES:
        for w in s:
            counts[w] = counts.get(w, 0) + 1
    vocab = list(SPECIALS) + sorted(counts)
    return NgramLM(build_lm(SENTENCES, vocab, counts, min_trigram_count=1))


def test_distributions_sum_to_one(tiny_lm: NgramLM) -> None:
    ids = np.arange(len(tiny_lm.words))
    for u, v in [("ủy", "ban"), ("<s>", "<s>"), ("nhân", "dân"), ("tỉnh", "việt")]:
        iu, iv = tiny_lm.id_of(u), tiny_lm.id_of(v)
        probs = np.exp(tiny_lm.logprob(np.full_like(ids, iu), np.full_like(ids, iv), ids))
        probs[tiny_lm.bos] = 0.0  # <s> is never predicted
        assert math.isclose(float(probs.sum()), 1.0, abs_tol=2e-3), (u, v)


def test_a_shared_class_keeps_distributions_and_lends_context() -> None:
    counts: dict[str, int] = {}
    for s in SENTENCES:
        for w in s:
            counts[w] = counts.get(w, 0) + 1
    vocab = list(SPECIALS) + sorted(counts) + ["xã"]
    lm = NgramLM(build_lm(SENTENCES, vocab, counts, min_trigram_count=1))
    before = lm.sentence_logprob(["hội", "đồng", "nhân", "dân", "huyện"])
    lm.share_classes([["tỉnh", "huyện", "xã"]], 0.3)
    # "hội đồng nhân dân huyện" was never seen, "... tỉnh" was: the class lends it context
    assert lm.sentence_logprob(["hội", "đồng", "nhân", "dân", "huyện"]) > before
    ids = np.arange(len(lm.words))
    for u, v in [("nhân", "dân"), ("<s>", "<s>"), ("ủy", "ban")]:
        iu, iv = lm.id_of(u), lm.id_of(v)
        probs = np.exp(lm.logprob(np.full_like(ids, iu), np.full_like(ids, iv), ids))
        probs[lm.bos] = 0.0
        assert math.isclose(float(probs.sum()), 1.0, abs_tol=2e-3), (u, v)


def test_seen_trigram_beats_unseen(tiny_lm: NgramLM) -> None:
    assert tiny_lm.sentence_logprob(["ủy", "ban", "nhân", "dân", "tỉnh"]) > tiny_lm.sentence_logprob(
        ["ủy", "ban", "nhân", "tỉnh", "dân"]
    )


def _random_lattice(lm: NgramLM, rng: np.random.Generator, n: int) -> list[Position]:
    out = []
    for _ in range(n):
        k = int(rng.integers(1, 4))
        ids = rng.integers(len(SPECIALS), len(lm.words), size=k)
        out.append(Position(ids.astype(np.int64), rng.normal(0, 1, size=k)))
    return out


@pytest.mark.parametrize("beam", [None, 12.0])
def test_fast_decoder_agrees_with_reference(tiny_lm: NgramLM, beam: float | None) -> None:
    rng = np.random.default_rng(7)
    lattices = [_random_lattice(tiny_lm, rng, int(rng.integers(1, 6))) for _ in range(60)]
    fast = decode_many(tiny_lm, lattices, beam=beam)
    for lattice, path in zip(lattices, fast, strict=False):
        ref = decode_reference(tiny_lm, lattice)
        score = _path_score(tiny_lm, lattice, path)
        assert math.isclose(score, _path_score(tiny_lm, lattice, ref), abs_tol=1e-4)


def _path_score(lm: NgramLM, lattice: list[Position], path: list[int]) -> float:
    ids = [lm.bos, lm.bos] + [int(p.ids[j]) for p, j in zip(lattice, path, strict=False)] + [lm.eos]
    lp = sum(float(lm.logprob(ids[i - 2], ids[i - 1], ids[i])) for i in range(2, len(ids)))
    return lp + sum(float(p.emission[j]) for p, j in zip(lattice, path, strict=False))


def test_posteriors_are_distributions(tiny_lm: NgramLM) -> None:
    rng = np.random.default_rng(3)
    lattices = [_random_lattice(tiny_lm, rng, 5) for _ in range(5)]
    posts = local_posteriors(tiny_lm, lattices, decode_many(tiny_lm, lattices))
    for lattice, post in zip(lattices, posts, strict=False):
        for p, q in zip(lattice, post, strict=False):
            if len(p.ids) == 1:
                assert q is None
            else:
                assert math.isclose(sum(q), 1.0, abs_tol=1e-9)


def test_pair_posteriors_see_two_misreads_that_only_fit_together(tiny_lm: NgramLM) -> None:
    from pipeline.correction.decoder import pair_posteriors

    def position(*words: str, penalty: float = 2.0) -> Position:
        return Position(np.array([tiny_lm.id_of(w) for w in words]), np.array([0.0] + [-penalty] * (len(words) - 1)))

    # read "ủy ban hội đồng tỉnh": each word alone fits its fixed neighbours as well as its
    # alternative does; only "nhân dân" together is the letter's phrase
    sent = [position("ủy"), position("ban"), position("hội", "nhân"), position("đồng", "dân"), position("tỉnh")]
    path = [0, 0, 0, 0, 0]
    local = local_posteriors(tiny_lm, [sent], [path])[0]
    pair = pair_posteriors(tiny_lm, [sent], [path])[0]
    assert pair[0] is None  # neither it nor its neighbour has a choice
    assert pair[4] == pytest.approx(1.0)  # its only reading, whatever its neighbour
    for i in (2, 3):
        assert 0.0 <= pair[i] <= 1.0
        assert pair[i] < local[i][0]
    assert max(pair[2], pair[3]) < 0.5


@pytest.mark.parametrize("dense", [True, False])
def test_batch_scores_equal_scores_one_trigram_at_a_time(
    tiny_lm: NgramLM, dense: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large batches (scored once per distinct trigram, or through the dense lower-order tables)
    give the same numbers, bit for bit, as scoring each trigram alone in the sorted tables, with
    the dictionary-pair bonus and shared classes on."""
    fast = _corrector_like(tiny_lm, dense, monkeypatch)
    reference = _corrector_like(tiny_lm, False, monkeypatch)
    assert (fast._dense_lower is not None) == dense and reference._dense_lower is None
    rng = np.random.default_rng(11)
    u, v, w = (rng.integers(0, len(fast.words), size=5000) for _ in range(3))
    v[:100], w[:100] = fast.id_of("ủy"), fast.id_of("ban")
    for i, (a, b) in enumerate(zip(SENTENCES[0], SENTENCES[0][1:], strict=False)):  # seen n-grams too
        u[100 + i], v[100 + i], w[100 + i] = fast.bos, fast.id_of(a), fast.id_of(b)
    assert len(u) > 4096  # the batch path
    alone = [float(reference.score(np.array([a]), np.array([b]), np.array([c]))[0])
             for a, b, c in zip(u, v, w, strict=True)]
    assert fast.score(u, v, w).tolist() == alone
    assert fast.logprob(u, v, w).tolist() == [float(reference.logprob(a, b, c)) for a, b, c in zip(u, v, w, strict=True)]


def _corrector_like(tiny_lm: NgramLM, dense: bool, monkeypatch: pytest.MonkeyPatch) -> NgramLM:
    """A copy of ``tiny_lm`` with the corrector's extras (a shared class, a dictionary pair)."""
    monkeypatch.setattr(lm_module, "DENSE_MAX_WORDS", 10**6 if dense else 0)
    lm = NgramLM({"words": np.array(tiny_lm.words), **_arrays_of(tiny_lm)})
    lm.share_classes([["tỉnh", "huyện"]], 0.3)
    lm.pair_keys = np.array([lm.id_of("ủy") * int(lm.V) + lm.id_of("ban")], dtype=np.int64)
    lm.pair_weight = 1.0
    return lm


def _arrays_of(lm: NgramLM) -> dict[str, np.ndarray]:
    return {"uni_logp": lm.uni_logp, "uni_bo": lm.uni_bo, "counts": lm.counts, "bi_keys": lm.bi_keys,
            "bi_logp": lm.bi_logp, "ctx_keys": lm.ctx_keys, "ctx_bo": lm.ctx_bo, "tri_keys": lm.tri_keys,
            "tri_logp": lm.tri_logp}
