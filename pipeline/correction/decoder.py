"""Second-order Viterbi decoding of a sentence lattice under the trigram LM.

A lattice is a list of positions; each position has candidate LM ids and channel
log-probs (emissions). ``decode_many`` scores every trigram of every sentence in one
vectorised LM call, then runs the dynamic programme per sentence; positions with a single
candidate cost almost nothing. ``decode_reference`` is the slow, obvious version used by
the tests to check the fast one.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .lm import NgramLM


@dataclass
class Position:
    ids: np.ndarray  # int64 LM ids of the candidates
    emission: np.ndarray  # float64 channel log-probs
    _emission_list: list[float] | None = field(default=None, repr=False, compare=False)

    def emission_list(self) -> list[float]:
        """The emissions as Python floats (positions are shared by every occurrence of a word)."""
        if self._emission_list is None:
            self._emission_list = self.emission.tolist()
        return self._emission_list


def _flatten(sentences: Sequence[Sequence[Position]], bos: int, eos: int):
    """Candidate ids of all positions (with <s> <s> ... </s> pads) and per-block geometry."""
    ids: list[np.ndarray] = []
    offsets: list[int] = []
    sizes: list[int] = []
    pad_bos = np.array([bos], dtype=np.int64)
    pad_eos = np.array([eos], dtype=np.int64)
    total = 0
    for sent in sentences:
        for arr in [pad_bos, pad_bos, *[p.ids for p in sent], pad_eos]:
            ids.append(arr)
            offsets.append(total)
            sizes.append(len(arr))
            total += len(arr)
    return np.concatenate(ids) if ids else np.zeros(0, np.int64), offsets, sizes


def _trigram_scores(lm: NgramLM, sentences: Sequence[Sequence[Position]]):
    """LM log-probs of every candidate triple of every block, as one flat Python list.

    Returns (scores, blocks) where blocks[k][i] = (offset, sa, sb, sc) for block i of
    sentence k (position i with its two predecessors; the last block scores </s>).
    """
    flat_ids, offsets, sizes = _flatten(sentences, lm.bos, lm.eos)
    if not sentences:
        return [], []
    offsets_, sizes_ = np.array(offsets), np.array(sizes)
    # block i of a sentence scores its entry i + 2 (with the two before it): every entry but the
    # two <s> pads that open each sentence
    lengths = np.array([len(sent) + 3 for sent in sentences])
    opens = np.cumsum(lengths) - lengths
    last = np.ones(len(sizes_), dtype=bool)
    last[opens] = False
    last[opens + 1] = False
    z = np.flatnonzero(last)
    x, y = z - 2, z - 1
    sa_, sb_, sc_ = sizes_[x], sizes_[y], sizes_[z]
    counts = sa_ * sb_ * sc_
    starts = np.cumsum(counts) - counts
    flat_blocks = list(zip(starts.tolist(), sa_.tolist(), sb_.tolist(), sc_.tolist(), strict=True))
    blocks: list[list[tuple[int, int, int, int]]] = []
    at = 0
    for sent in sentences:
        blocks.append(flat_blocks[at : at + len(sent) + 1])
        at += len(sent) + 1
    block_of = np.repeat(np.arange(len(sa_)), counts)
    local = np.arange(int(counts.sum())) - starts[block_of]
    c_size = sc_[block_of]
    bc_size = (sb_ * sc_)[block_of]
    a = local // bc_size
    rem = local - a * bc_size
    b = rem // c_size
    c = rem - b * c_size
    u = flat_ids[offsets_[x][block_of] + a]
    v = flat_ids[offsets_[y][block_of] + b]
    w = flat_ids[offsets_[z][block_of] + c]
    return lm.score(u, v, w).tolist(), blocks


BEAM = 12.0  # states more than this many nats behind the best one are dropped


def _viterbi(
    sent: Sequence[Position], scores: list[float], blocks: list[tuple[int, int, int, int]], beam: float | None = BEAM
) -> list[int]:
    """Second-order Viterbi in plain Python: state = (candidate at i-2, candidate at i-1).

    Only states within `beam` nats of the best survive (None: exact search); with
    trigram scores a state that far behind practically never recovers.
    """
    states: dict[tuple[int, int], float] = {(0, 0): 0.0}
    backs: list[dict[tuple[int, int], int]] = []
    for i, pos in enumerate(sent):
        off, _, sb, sc = blocks[i]
        em = pos.emission_list()
        new: dict[tuple[int, int], float] = {}
        back: dict[tuple[int, int], int] = {}
        for (a, b), base in states.items():
            row = off + (a * sb + b) * sc
            for c in range(sc):
                val = base + scores[row + c] + em[c]
                key = (b, c)
                if val > new.get(key, -1e300):
                    new[key] = val
                    back[key] = a
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


BATCH_TRIGRAMS = 400_000  # LM queries per vectorised call: bounds memory on long documents


def _combos(sent: Sequence[Position]) -> int:
    sizes = [1, 1] + [len(p.ids) for p in sent] + [1]
    return sum(sizes[i - 2] * sizes[i - 1] * sizes[i] for i in range(2, len(sizes)))


def decode_many(
    lm: NgramLM, sentences: Sequence[Sequence[Position]], beam: float | None = BEAM
) -> list[list[int]]:
    """Best candidate index at each position of each sentence."""
    out: list[list[int]] = []
    batch: list[Sequence[Position]] = []
    budget = 0
    for sent in [*sentences, None]:
        if sent is not None:
            batch.append(sent)
            budget += _combos(sent)
        if batch and (sent is None or budget >= BATCH_TRIGRAMS):
            scores, blocks = _trigram_scores(lm, batch)
            out.extend(_viterbi(s, scores, blocks[k], beam) if s else [] for k, s in enumerate(batch))
            batch, budget = [], 0
    return out


def pair_posteriors(
    lm: NgramLM, sentences: Sequence[Sequence[Position]], paths: Sequence[Sequence[int]]
) -> list[list[float | None]]:
    """Posterior of the chosen candidate at each position when it is decided together with a
    neighbour (the pair's joint posterior, its other neighbours fixed to the path), the lower of
    its two pairs. Two adjacent misreads that are each valid words ("thâm quyên" for "thẩm
    quyền") look sure one at a time; only the pair shows the better reading. Vectorised."""
    out: list[list[float | None]] = [[None] * len(s) for s in sentences]
    a_ids: list[np.ndarray] = []
    b_ids: list[np.ndarray] = []
    a_em: list[np.ndarray] = []
    b_em: list[np.ndarray] = []
    owners: list[tuple[int, int, int, int, int, int]] = []  # sentence, i, chosen a, chosen b, |A|, |B|
    ctx: list[tuple[int, int, int, int, bool]] = []
    for k, (sent, path) in enumerate(zip(sentences, paths, strict=True)):
        chosen = [lm.bos, lm.bos] + [int(p.ids[j]) for p, j in zip(sent, path, strict=True)] + [lm.eos, lm.eos]
        for i in range(len(sent) - 1):
            p, q = sent[i], sent[i + 1]
            if len(p.ids) == 1 and len(q.ids) == 1:
                continue
            na, nb = len(p.ids), len(q.ids)
            a_ids.append(np.repeat(p.ids, nb))
            b_ids.append(np.tile(q.ids, na))
            a_em.append(np.repeat(p.emission, nb))
            b_em.append(np.tile(q.emission, na))
            owners.append((k, i, path[i], path[i + 1], na, nb))
            ctx.append((chosen[i], chosen[i + 1], chosen[i + 4], chosen[i + 5], i + 2 < len(sent)))
    if not owners:
        return out
    counts = np.array([o[4] * o[5] for o in owners])
    rep = np.repeat(np.arange(len(owners)), counts)
    a, b = np.concatenate(a_ids), np.concatenate(b_ids)
    l2, l1, r1, r2, right = (np.array(col)[rep] for col in zip(*ctx, strict=True))
    total = (lm.score(l2, l1, a) + lm.score(l1, a, b) + lm.score(a, b, r1)
             + np.where(right, lm.score(b, r1, r2), 0.0) + np.concatenate(a_em) + np.concatenate(b_em))
    starts, post = _group_softmax(total, counts, rep)
    offset = np.arange(len(total)) - starts[rep]
    nb_rep = np.array([o[5] for o in owners])[rep]
    is_a = offset // nb_rep == np.array([o[2] for o in owners])[rep]
    is_b = offset % nb_rep == np.array([o[3] for o in owners])[rep]
    marginal_a = np.add.reduceat(post * is_a, starts).tolist()
    marginal_b = np.add.reduceat(post * is_b, starts).tolist()
    for (k, i, *_), pa, pb in zip(owners, marginal_a, marginal_b, strict=True):
        for index, value in ((i, pa), (i + 1, pb)):
            known = out[k][index]
            out[k][index] = value if known is None else min(known, value)
    return out


def decode_reference(lm: NgramLM, sent: Sequence[Position]) -> list[int]:
    """Exhaustive search over all paths (tiny lattices only): the specification of decode_many."""
    best, best_path = -np.inf, []
    for path in itertools.product(*[range(len(p.ids)) for p in sent]):
        ids = [lm.bos, lm.bos] + [int(p.ids[j]) for p, j in zip(sent, path, strict=False)] + [lm.eos]
        lp = sum(float(lm.score(ids[i - 2], ids[i - 1], ids[i])) for i in range(2, len(ids)))
        lp += sum(float(p.emission[j]) for p, j in zip(sent, path, strict=False))
        if lp > best:
            best, best_path = lp, list(path)
    return best_path


def _group_softmax(total: np.ndarray, counts: np.ndarray, rep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Softmax of ``total`` within consecutive groups of ``counts`` entries (``rep``: each entry's
    group): the groups' start offsets and the posteriors."""
    starts = np.cumsum(counts) - counts
    e = np.exp(total - np.maximum.reduceat(total, starts)[rep])
    return starts, e / np.add.reduceat(e, starts)[rep]


def local_posteriors(
    lm: NgramLM, sentences: Sequence[Sequence[Position]], paths: Sequence[Sequence[int]]
) -> list[list[list[float] | None]]:
    """Posterior of each candidate at each ambiguous position, neighbours fixed to the best path.

    Every trigram that contains the position counts (left, across, right), so support from
    both sides weighs in. Positions with one candidate get None. Vectorised over the batch.
    """
    out: list[list[list[float] | None]] = [[None] * len(s) for s in sentences]
    cands: list[np.ndarray] = []
    emissions: list[np.ndarray] = []
    owners: list[tuple[int, int]] = []
    ctx: list[tuple[int, int, int, int, bool]] = []
    for k, (sent, path) in enumerate(zip(sentences, paths, strict=False)):
        chosen = [lm.bos, lm.bos] + [int(p.ids[j]) for p, j in zip(sent, path, strict=False)] + [lm.eos, lm.eos]
        last = len(sent) - 1
        for i, p in enumerate(sent):
            if len(p.ids) == 1:
                continue
            cands.append(p.ids)
            emissions.append(p.emission)
            owners.append((k, i))
            ctx.append((chosen[i], chosen[i + 1], chosen[i + 3], chosen[i + 4], i < last))
    if not owners:
        return out
    counts = np.array([len(c) for c in cands])
    rep = np.repeat(np.arange(len(cands)), counts)
    c = np.concatenate(cands)
    l2, l1, r1, r2, right = (np.array(col)[rep] for col in zip(*ctx, strict=False))
    total = lm.score(l2, l1, c) + lm.score(l1, c, r1) + np.concatenate(emissions)
    total = total + np.where(right, lm.score(c, r1, r2), 0.0)
    starts, post = _group_softmax(total, counts, rep)
    post = post.tolist()
    for (k, i), s0, n in zip(owners, starts.tolist(), counts.tolist(), strict=False):
        out[k][i] = post[s0 : s0 + n]
    return out
