"""Second-order Viterbi decoding of a sentence lattice under the trigram LM.

A lattice is a list of positions; each position has candidate LM ids and channel
log-probs (emissions). ``decode_many`` scores every trigram of every sentence in one
vectorised LM call (each distinct block of three candidate sets once), then runs the dynamic
programme per sentence; positions with a single candidate cost almost nothing. The local
posteriors read their LM scores from the same blocks; the pair posteriors score their own
trigrams in one call. ``decode_reference``, ``local_posteriors`` and
``pair_posteriors_reference`` are the slow, obvious versions the tests check the fast ones
against (tests/test_correction_decoder.py: same numbers to the last bit).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
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


def _candidate_sets(sentences: Sequence[Sequence[Position]], bos: int, eos: int):
    """The distinct candidate-id arrays of all entries (positions with their <s> <s> ... </s>
    pads), and for each entry the number of its array. Occurrences of a word share one
    array, so a document has far fewer distinct arrays than entries."""
    bos_pad, eos_pad = np.array([bos], dtype=np.int64), np.array([eos], dtype=np.int64)
    entries: list[np.ndarray] = []
    for sent in sentences:
        entries += (bos_pad, bos_pad)
        entries += [p.ids for p in sent]
        entries.append(eos_pad)
    # by id() first (the same array object recurs far more often), then by content; the
    # per-entry loops run in C (map, dict)
    ids = list(map(id, entries))
    number_of: dict[bytes, int] = {}
    number_of_array: dict[int, int] = {}
    arrays: list[np.ndarray] = []
    for key_id, arr in dict(zip(ids, entries, strict=True)).items():  # distinct objects, by first use
        key = arr.tobytes()
        number = number_of.get(key)
        if number is None:
            number = number_of[key] = len(arrays)
            arrays.append(arr)
        number_of_array[key_id] = number
    entry_sets = list(map(number_of_array.__getitem__, ids))
    return arrays, np.array(entry_sets, dtype=np.int64)


@dataclass
class _ScoredBatch:
    """LM scores of every candidate triple of a batch of sentences, and where each block's lie.

    Block i of a sentence is its position i with the two entries before it (the last block
    scores </s>); its scores are laid out a-major: ``scores[offset + (a * sb + b) * sc + c]``.
    """

    scores: np.ndarray
    offset: np.ndarray  # per block of the batch, sentence after sentence
    sb: np.ndarray
    sc: np.ndarray
    blocks: list[list[tuple[int, int, int, int]]]  # per sentence: (offset, sa, sb, sc) of each block


def _trigram_scores(lm: NgramLM, sentences: Sequence[Sequence[Position]]) -> _ScoredBatch:
    """Score the blocks of a batch, each distinct block once: legal text repeats its word
    triples, so blocks with the same three candidate sets share one run of scores (about a
    third of the triples are distinct in a held-out document)."""
    if not sentences:
        empty = np.zeros(0, dtype=np.int64)
        return _ScoredBatch(np.zeros(0), empty, empty, empty, [])
    arrays, entry_sets = _candidate_sets(sentences, lm.bos, lm.eos)
    set_sizes = np.array([len(a) for a in arrays], dtype=np.int64)
    set_starts = np.cumsum(set_sizes) - set_sizes
    set_ids = np.concatenate(arrays)
    # block i of a sentence scores its entry i + 2 (with the two before it): every entry but the
    # two <s> pads that open each sentence
    lengths = np.array([len(sent) + 3 for sent in sentences])
    opens = np.cumsum(lengths) - lengths
    scored = np.ones(len(entry_sets), dtype=bool)
    scored[opens] = False
    scored[opens + 1] = False
    z = np.flatnonzero(scored)
    n_sets = np.int64(len(arrays))
    block_keys = (entry_sets[z - 2] * n_sets + entry_sets[z - 1]) * n_sets + entry_sets[z]
    distinct, block_kind = np.unique(block_keys, return_inverse=True)
    set_a, set_b, set_c = distinct // (n_sets * n_sets), distinct // n_sets % n_sets, distinct % n_sets
    sa_, sb_, sc_ = set_sizes[set_a], set_sizes[set_b], set_sizes[set_c]
    counts = sa_ * sb_ * sc_
    starts = np.cumsum(counts) - counts
    block_of = np.repeat(np.arange(len(distinct)), counts)
    local = np.arange(int(counts.sum())) - starts[block_of]
    c_size = sc_[block_of]
    bc_size = (sb_ * sc_)[block_of]
    a = local // bc_size
    rem = local - a * bc_size
    b = rem // c_size
    c = rem - b * c_size
    u = set_ids[set_starts[set_a][block_of] + a]
    v = set_ids[set_starts[set_b][block_of] + b]
    w = set_ids[set_starts[set_c][block_of] + c]
    offset, sa, sb, sc = starts[block_kind], sa_[block_kind], sb_[block_kind], sc_[block_kind]
    flat_blocks = list(zip(offset.tolist(), sa.tolist(), sb.tolist(), sc.tolist(), strict=True))
    blocks: list[list[tuple[int, int, int, int]]] = []
    at = 0
    for sent in sentences:
        blocks.append(flat_blocks[at : at + len(sent) + 1])
        at += len(sent) + 1
    return _ScoredBatch(lm.score(u, v, w), offset, sb, sc, blocks)


BEAM = 12.0  # states more than this many nats behind the best one are dropped
_NO_SCORE = -1e300  # below any reachable state's score


def _viterbi(
    sent: Sequence[Position], scores: list[float], blocks: list[tuple[int, int, int, int]], beam: float | None = BEAM
) -> list[int]:
    """Second-order Viterbi in plain Python: state = (candidate at i-2, candidate at i-1).

    Only states within `beam` nats of the best survive (None: exact search); with
    trigram scores a state that far behind practically never recovers. A state (a, b) is
    kept as the int ``a * sb + b`` (sb: candidates at i-1), which is also its row in the
    block's scores. Ties keep the first state visited, as in the obvious loop over (a, b) then c.
    """
    states: dict[int, float] = {0: 0.0}
    backs: list[list[int]] = []
    for pos, (off, _, sb, sc) in zip(sent, blocks, strict=False):
        em = pos.emission_list()
        new: dict[int, float] = {}
        if sc == 1:
            # one candidate here (a quarter of the positions): state (a, b) becomes state b
            back = [0] * sb
            e0 = em[0]
            get = new.get
            for state, base in states.items():
                a, b = divmod(state, sb)
                val = base + scores[off + state] + e0
                if val > get(b, _NO_SCORE):
                    new[b] = val
                    back[b] = a
        else:
            back = [0] * (sb * sc)
            cs = range(sc)
            for state, base in states.items():
                a, b = divmod(state, sb)
                row = off + state * sc
                first = b * sc
                if first in new:  # an earlier state with the same b: keep the better of each
                    for c in cs:
                        val = base + scores[row + c] + em[c]
                        if val > new[first + c]:
                            new[first + c] = val
                            back[first + c] = a
                else:  # the first state ending in b sets all its successors (scores are finite)
                    for c in cs:
                        new[first + c] = base + scores[row + c] + em[c]
                        back[first + c] = a
        if beam is not None and len(new) > 4:
            cutoff = max(new.values()) - beam
            if min(new.values()) < cutoff:
                new = {k: v for k, v in new.items() if v >= cutoff}
        states = new
        backs.append(back)
    off, _, sb, _ = blocks[len(sent)]
    best, best_state = _NO_SCORE, 0
    for state, base in states.items():
        val = base + scores[off + state]
        if val > best:
            best, best_state = val, state
    n = len(sent)
    path = [0] * n
    path[n - 1] = best_state % sb
    if n >= 2:
        path[n - 2] = best_state // sb
    for i in range(n - 1, 1, -1):
        path[i - 2] = backs[i][path[i - 1] * blocks[i][3] + path[i]]
    return path


BATCH_TRIGRAMS = 400_000  # LM queries per vectorised call: bounds memory on long documents


def _combos(sent: Sequence[Position]) -> int:
    """Candidate triples of a sentence's blocks (with its <s> <s> ... </s> pads)."""
    total, a, b = 0, 1, 1
    for p in sent:
        c = len(p.ids)
        total += a * b * c
        a, b = b, c
    return total + a * b


def _batches(sentences: Sequence[Sequence[Position]]) -> Iterator[list[Sequence[Position]]]:
    """Consecutive runs of sentences of about BATCH_TRIGRAMS candidate triples each."""
    batch: list[Sequence[Position]] = []
    budget = 0
    for sent in sentences:
        batch.append(sent)
        budget += _combos(sent)
        if budget >= BATCH_TRIGRAMS:
            yield batch
            batch, budget = [], 0
    if batch:
        yield batch


def _decode_batch(
    lm: NgramLM, batch: Sequence[Sequence[Position]], beam: float | None
) -> tuple[_ScoredBatch, list[list[int]]]:
    scored = _trigram_scores(lm, batch)
    score_list = scored.scores.tolist()
    return scored, [_viterbi(s, score_list, scored.blocks[k], beam) if s else [] for k, s in enumerate(batch)]


def decode_many(
    lm: NgramLM, sentences: Sequence[Sequence[Position]], beam: float | None = BEAM
) -> list[list[int]]:
    """Best candidate index at each position of each sentence."""
    return [path for batch in _batches(sentences) for path in _decode_batch(lm, batch, beam)[1]]


def decode_with_posteriors(
    lm: NgramLM, sentences: Sequence[Sequence[Position]], beam: float | None = BEAM
) -> tuple[list[list[int]], list[list[list[float] | None]]]:
    """``decode_many`` and ``local_posteriors`` of its paths in one pass: the posteriors read
    the trigram scores the decoder computed instead of asking the LM again."""
    paths: list[list[int]] = []
    posts: list[list[list[float] | None]] = []
    for batch in _batches(sentences):
        scored, batch_paths = _decode_batch(lm, batch, beam)
        paths.extend(batch_paths)
        posts.extend(_posteriors_from_blocks(batch, batch_paths, scored))
    return paths, posts


@dataclass
class _PathGeometry:
    """Where each position of a batch and its path stand among the batch's blocks.

    Per position (sentence after sentence): its sentence ``sentence_of``, index ``i`` in it, block
    ``g`` (the block that ends with it) and index ``h`` such that ``padded[h + 2]`` is its
    chosen candidate (``padded``: each path with two 0 pads on both sides, the pads' only
    candidate). Block arrays carry two dummy blocks at the end so that ``g + 2`` is always an
    index (entries that use them are masked out).
    """

    sentence_of: np.ndarray
    i: np.ndarray
    g: np.ndarray
    h: np.ndarray
    length: np.ndarray  # per sentence
    padded: np.ndarray
    off: np.ndarray
    sb: np.ndarray
    sc: np.ndarray

    @classmethod
    def of(cls, paths: Sequence[Sequence[int]], scored: _ScoredBatch) -> _PathGeometry:
        n = np.array([len(path) for path in paths], dtype=np.int64)
        sentence_of = np.repeat(np.arange(len(n)), n)
        i = np.arange(int(n.sum())) - (np.cumsum(n) - n)[sentence_of]
        g = (np.cumsum(n + 1) - (n + 1))[sentence_of] + i
        h = (np.cumsum(n + 4) - (n + 4))[sentence_of] + i
        flat: list[int] = []
        for path in paths:
            flat += (0, 0)
            flat += path
            flat += (0, 0)
        padded = np.array(flat, dtype=np.int64)
        off, sb, sc = (np.append(x, [0, 0]) for x in (scored.offset, scored.sb, scored.sc))
        return cls(sentence_of, i, g, h, n, padded, off, sb, sc)


def _posteriors_from_blocks(
    sentences: Sequence[Sequence[Position]], paths: Sequence[Sequence[int]], scored: _ScoredBatch
) -> list[list[list[float] | None]]:
    """``local_posteriors`` with the LM scores taken from the decoder's blocks: the three
    trigrams that contain position i lie in blocks i, i + 1 and i + 2 (the path fixes the
    other two members of each), and the sums are formed in the same order, so the numbers
    are the same to the last bit. Vectorised over the batch."""
    at = _PathGeometry.of(paths, scored)
    ambiguous = np.flatnonzero(at.sc[at.g] > 1)  # positions (sentence after sentence) with candidates to weigh
    if not len(ambiguous):
        return [[None] * len(s) for s in sentences]
    i, g, h, sent = at.i[ambiguous], at.g[ambiguous], at.h[ambiguous], at.sentence_of[ambiguous]
    off, sb, sc, padded = at.off, at.sb, at.sc, at.padded
    has_right = i < at.length[sent] - 1
    l2, l1, r1, r2 = padded[h], padded[h + 1], padded[h + 3], padded[h + 4]
    left = off[g] + (l2 * sb[g] + l1) * sc[g]  # (l2, l1, c)
    across = off[g + 1] + l1 * sb[g + 1] * sc[g + 1] + r1  # (l1, c, r1)
    across_stride = sc[g + 1]
    right = np.where(has_right, off[g + 2] + r1 * sc[g + 2] + r2, 0)  # (c, r1, r2)
    right_stride = np.where(has_right, sb[g + 2] * sc[g + 2], 0)
    counts = sc[g]
    rep = np.repeat(np.arange(len(counts)), counts)
    candidate = np.arange(len(rep)) - (np.cumsum(counts) - counts)[rep]
    scores = scored.scores
    positions = list(itertools.chain.from_iterable(sentences))
    emissions = np.concatenate([positions[k].emission for k in ambiguous.tolist()])
    total = scores[left[rep] + candidate] + scores[across[rep] + candidate * across_stride[rep]] + emissions
    total = total + np.where(has_right[rep], scores[right[rep] + candidate * right_stride[rep]], 0.0)
    starts, post = _group_softmax(total, counts, rep)
    post = post.tolist()
    flat: list[list[float] | None] = [None] * len(positions)
    for k, s0, s1 in zip(ambiguous.tolist(), starts.tolist(), (starts + counts).tolist(), strict=True):
        flat[k] = post[s0:s1]
    ends = np.cumsum(at.length).tolist()
    return [flat[e - len(s) : e] for s, e in zip(sentences, ends, strict=True)]


def pair_posteriors(
    lm: NgramLM, sentences: Sequence[Sequence[Position]], paths: Sequence[Sequence[int]]
) -> list[list[float | None]]:
    """Posterior of the chosen candidate at each position when it is decided together with a
    neighbour (the pair's joint posterior, its other neighbours fixed to the path), the lower of
    its two pairs. Two adjacent misreads that are each valid words ("thâm quyên" for "thẩm
    quyền") look sure one at a time; only the pair shows the better reading.

    Vectorised over all pairs, with one LM call for their four trigrams (l2, l1, a), (l1, a, b),
    (a, b, r1) and (b, r1, r2); pair_posteriors_reference is the plain version. (Only the
    trigrams of the pairs are scored: whole decoder blocks of 16 OCR readings would be 16 times
    more.)"""
    out: list[list[float | None]] = [[None] * len(s) for s in sentences]
    n = np.array([len(s) for s in sentences], dtype=np.int64)
    if not (n > 1).any():
        return out  # no pairs
    positions = [p for sentence in sentences for p in sentence]
    sizes = np.array([len(p.ids) for p in positions], dtype=np.int64)
    first = np.cumsum(sizes) - sizes  # of each position's candidates in ids / emissions
    ids = np.concatenate([p.ids for p in positions]).astype(np.int64)
    emissions = np.concatenate([p.emission for p in positions])
    sentence_of = np.repeat(np.arange(len(n)), n)
    i = np.arange(len(positions)) - (np.cumsum(n) - n)[sentence_of]
    path = np.array([j for sentence_path in paths for j in sentence_path], dtype=np.int64)
    chosen = _padded_chosen(ids[first + path], n, lm.bos, lm.eos)
    h = (np.cumsum(n + 4) - (n + 4))[sentence_of] + i  # chosen[h + 2] is the position's own
    # pairs: a position and the next one in its sentence, unless both have one candidate
    pair = np.flatnonzero((i < n[sentence_of] - 1) & ((sizes > 1) | (np.append(sizes[1:], 1) > 1)))
    na, nb = sizes[pair], sizes[pair + 1]
    counts = na * nb
    rep = np.repeat(np.arange(len(pair)), counts)
    offset = np.arange(int(counts.sum())) - (np.cumsum(counts) - counts)[rep]
    nb_rep = nb[rep]
    a, b = offset // nb_rep, offset % nb_rep
    a_id, b_id = ids[first[pair][rep] + a], ids[first[pair + 1][rep] + b]
    hp = h[pair][rep]
    l2, l1, r1, r2 = chosen[hp], chosen[hp + 1], chosen[hp + 4], chosen[hp + 5]
    right = (i[pair] + 2 < n[sentence_of[pair]])[rep]
    m = len(a)
    scores = lm.score(np.concatenate([l2, l1, a_id, b_id]), np.concatenate([l1, a_id, b_id, r1]),
                      np.concatenate([a_id, b_id, r1, r2]))
    total = (scores[:m] + scores[m : 2 * m] + scores[2 * m : 3 * m] + np.where(right, scores[3 * m :], 0.0)
             + emissions[first[pair][rep] + a] + emissions[first[pair + 1][rep] + b])
    starts, post = _group_softmax(total, counts, rep)
    is_a = a == path[pair][rep]
    is_b = b == path[pair + 1][rep]
    marginal_a = np.add.reduceat(post * is_a, starts).tolist()
    marginal_b = np.add.reduceat(post * is_b, starts).tolist()
    for k, at, pa, pb in zip(sentence_of[pair].tolist(), i[pair].tolist(), marginal_a, marginal_b, strict=True):
        row = out[k]
        for index, value in ((at, pa), (at + 1, pb)):
            known = row[index]
            row[index] = value if known is None else min(known, value)
    return out


def _padded_chosen(chosen: np.ndarray, n: np.ndarray, bos: int, eos: int) -> np.ndarray:
    """The chosen ids of each sentence as <s> <s> ... </s> </s>, sentence after sentence."""
    padded_starts = np.cumsum(n + 4) - (n + 4)
    out = np.full(int((n + 4).sum()), eos, dtype=np.int64)
    out[padded_starts] = bos
    out[padded_starts + 1] = bos
    sentence_of = np.repeat(np.arange(len(n)), n)
    i = np.arange(len(chosen)) - (np.cumsum(n) - n)[sentence_of]
    out[padded_starts[sentence_of] + i + 2] = chosen
    return out


def pair_posteriors_reference(
    lm: NgramLM, sentences: Sequence[Sequence[Position]], paths: Sequence[Sequence[int]]
) -> list[list[float | None]]:
    """pair_posteriors asking the LM for each pair's trigrams: the specification of the fast one."""
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
