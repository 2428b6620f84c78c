"""Syllable trigram LM with interpolated modified Kneser-Ney smoothing, stored as numpy arrays.

Layout (``lm.npz``): vocabulary words; unigram log-probs and backoffs; sorted int64 keys of
bigrams and trigrams (ids packed as ``(u*V + v)*V + w``) with float32 log-probs; sorted
trigram-context keys with their backoff weights. Lookups are vectorised with searchsorted
(the backoff weights and lower orders of a small vocabulary are also kept as dense tables).
Log-probs are natural logs.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from .segment import BOS, EOS, SPECIALS, UNK

# Vocabularies up to this size get dense V x V tables of the backoff weights and lower-order
# log-probs (2 x 4 bytes x V^2: 120 MB for the 3.9k-word LM), which replace two binary searches
# per unseen trigram by two array reads; larger ones look everything up in the sorted tables.
DENSE_MAX_WORDS = 5000


class NgramLM:
    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.words: list[str] = [str(w) for w in arrays["words"]]
        self.index = {w: i for i, w in enumerate(self.words)}
        self.V = np.int64(len(self.words))
        self.uni_logp = arrays["uni_logp"].astype(np.float32)
        self.uni_bo = arrays["uni_bo"].astype(np.float32)
        self.counts = arrays["counts"].astype(np.int64)
        self.bi_keys = arrays["bi_keys"]
        self.bi_logp = arrays["bi_logp"].astype(np.float32)
        self.ctx_keys = arrays["ctx_keys"]
        self.ctx_bo = arrays["ctx_bo"].astype(np.float32)
        self.tri_keys = arrays["tri_keys"]
        self.tri_logp = arrays["tri_logp"].astype(np.float32)
        pairs = arrays.get("pair_keys")  # v*V+w of word pairs that form a dictionary word
        self.pair_keys = pairs.astype(np.int64) if pairs is not None else None
        self.pair_weight = 0.0  # see score
        caps = arrays.get("cap_counts")  # times each word is capitalised inside a sentence
        self.cap_counts = caps.astype(np.int64) if caps is not None else None
        pieces = arrays.get("code_pieces")
        piece_counts = arrays.get("code_piece_counts")
        self.code_pieces: dict[str, int] = (
            {str(p): int(c) for p, c in zip(pieces, piece_counts, strict=True)} if pieces is not None else {}
        )
        self.classes: list[np.ndarray] = []  # see share_classes
        # id of a class's array -> (the array, a table of its members by id): a read per trigram
        # instead of np.isin's comparison with each member
        self._class_tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.class_weight = 0.0
        self.bos = self.index[BOS]
        self.eos = self.index[EOS]
        self.unk = self.index[UNK]
        self._dense_ctx_bo: np.ndarray | None = None  # [u*V+v]: ctx_bo, 0 for contexts not stored
        self._dense_lower: np.ndarray | None = None  # [v*V+w]: bigram log-prob, else the unigram backoff
        self._dense_pair: np.ndarray | None = None  # [v*V+w]: whether v w is in pair_keys...
        self._dense_pair_of: np.ndarray | None = None  # ...when pair_keys is still this array
        if len(self.words) <= DENSE_MAX_WORDS:
            self._build_dense_tables()

    def _build_dense_tables(self) -> None:
        # the same float32 sums the sorted-table lookups form, so scores are equal to the last bit
        self._dense_lower = np.add.outer(self.uni_bo, self.uni_logp).ravel()
        self._dense_lower[self.bi_keys] = self.bi_logp
        self._dense_ctx_bo = np.zeros(len(self.words) ** 2, dtype=np.float32)
        self._dense_ctx_bo[self.ctx_keys] = self.ctx_bo
        if self.pair_keys is not None:
            # (1 byte x V^2: 15 MB; a read instead of a binary search per scored trigram)
            self._dense_pair = np.zeros(len(self.words) ** 2, dtype=bool)
            self._dense_pair[self.pair_keys] = True
            self._dense_pair_of = self.pair_keys

    @classmethod
    def load(cls, path: Path) -> NgramLM:
        with np.load(path, allow_pickle=False) as data:
            return cls({k: data[k] for k in data.files})

    def id_of(self, word: str) -> int:
        return self.index.get(word, self.unk)

    @staticmethod
    def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray, default: float) -> np.ndarray:
        pos = np.searchsorted(keys, query)
        pos[pos >= len(keys)] = 0
        found = keys[pos] == query
        return np.where(found, values[pos], np.float32(default)), found

    def logprob(self, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        """log P(w | u v) for arrays of ids (broadcast together)."""
        return self._per_trigram(self._score, u, v, w)

    def score(self, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        """The decoder's score of w after u v: log P(w | u v), plus ``pair_weight`` when v w
        spell a word of the dictionary (two syllables the legal corpus may never show together:
        "cống rãnh", "khó lường")."""
        return self._per_trigram(self._score_with_pair, u, v, w)

    def _per_trigram(self, scorer, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        """``scorer(u * V + v, v, w)`` for arrays of ids (broadcast together)."""
        u, v, w = np.broadcast_arrays(np.asarray(u, np.int64), np.asarray(v, np.int64), np.asarray(w, np.int64))
        shape = u.shape
        u, v, w = u.ravel(), v.ravel(), w.ravel()
        V = self.V
        if len(u) > 4096 and self._dense_lower is None:
            # documents repeat themselves: score each distinct trigram once, in sorted order
            # (sorted needles make searchsorted much faster; dense tables need no sorting)
            keys, inverse = np.unique((u * V + v) * V + w, return_inverse=True)
            ctx, w = keys // V, keys % V
            return scorer(ctx, ctx % V, w)[inverse].reshape(shape)
        return scorer(u * V + v, v, w).reshape(shape)

    def _score_with_pair(self, ctx: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        out = self._score(ctx, v, w)
        if self.pair_keys is None or not self.pair_weight or not len(self.pair_keys):
            return out
        return out + self.pair_weight * self.spells_a_word(v, w)

    def spells_a_word(self, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Whether each pair of ids (v, w) spells a word of the dictionary (``pair_keys``)."""
        pair = np.asarray(v, np.int64) * self.V + np.asarray(w, np.int64)
        if self.pair_keys is None or not len(self.pair_keys):
            return np.zeros(pair.shape, dtype=bool)
        if self._dense_pair is not None and self.pair_keys is self._dense_pair_of:
            return self._dense_pair[pair]
        pos = np.minimum(np.searchsorted(self.pair_keys, pair), len(self.pair_keys) - 1)
        return self.pair_keys[pos] == pair

    def seen_bigrams(self, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Whether each pair of ids (v, w) occurs as a bigram of the model."""
        keys = np.asarray(v, np.int64) * self.V + np.asarray(w, np.int64)
        return self._lookup(self.bi_keys, self.bi_logp, keys, 0.0)[1]

    def bigram_count(self, v: str, w: str) -> float:
        """About how many times the training text wrote ``v w`` (its stored probability times
        ``v``'s count; 0 for a pair not stored)."""
        iv, iw = self.id_of(v), self.id_of(w)
        if self.unk in (iv, iw):
            return 0.0
        logp, found = self._lookup(self.bi_keys, self.bi_logp, np.array([iv * self.V + iw], np.int64), 0.0)
        return float(np.exp(logp[0]) * self.counts[iv]) if found[0] else 0.0

    def share_classes(self, classes: list[list[str]], weight: float) -> None:
        """Let the words of each class share their context: P(w|uv) becomes
        (1 - weight) P(w|uv) + weight P(class|uv) / |class| for each class word.

        For words the corpus under-represents but whose siblings it has: "địa bàn huyện" is
        rare in 2024-2026 legal text (the district tier was being abolished), "địa bàn tỉnh/xã"
        is not. Still a distribution: each class keeps its total mass.
        """
        self.classes = []
        self._class_tables = {}
        for words in classes:
            ids = sorted({self.index[w] for w in words if w in self.index})
            if len(ids) > 1:
                self.classes.append(np.array(ids, dtype=np.int64))
                table = np.zeros(len(self.words), dtype=bool)
                table[self.classes[-1]] = True
                self._class_tables[id(self.classes[-1])] = (self.classes[-1], table)
        self.class_weight = weight

    def _score(self, ctx: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        out = self._ngram_score(ctx, v, w)
        for class_ids in self.classes:
            table = self._class_tables.get(id(class_ids))
            in_class = table[1][w] if table is not None and table[0] is class_ids else np.isin(w, class_ids)
            if not in_class.any():
                continue
            cc, vc = ctx[in_class], v[in_class]
            class_p = np.zeros(len(cc))
            for member in class_ids:
                class_p += np.exp(self._ngram_score(cc, vc, np.full(len(cc), member)))
            mixed = (1.0 - self.class_weight) * np.exp(out[in_class]) + self.class_weight * class_p / len(class_ids)
            out = out.copy()
            out[in_class] = np.log(mixed).astype(out.dtype)
        return out

    def _ngram_score(self, ctx: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        V = self.V
        out, found3 = self._lookup(self.tri_keys, self.tri_logp, ctx * V + w, 0.0)  # a new array
        missing = ~found3
        if not missing.any():
            return out
        vm, wm, cm = v[missing], w[missing], ctx[missing]
        if self._dense_lower is not None:
            out[missing] = self._dense_ctx_bo[cm] + self._dense_lower[vm * V + wm]
            return out
        bo3, _ = self._lookup(self.ctx_keys, self.ctx_bo, cm, 0.0)
        bi, found2 = self._lookup(self.bi_keys, self.bi_logp, vm * V + wm, 0.0)
        out[missing] = bo3 + np.where(found2, bi, self.uni_bo[vm] + self.uni_logp[wm])
        return out

    def sentence_logprob(self, words: list[str]) -> float:
        ids = [self.bos, self.bos] + [self.id_of(w) for w in words] + [self.eos]
        a = np.array(ids, dtype=np.int64)
        return float(self.logprob(a[:-2], a[1:-1], a[2:]).sum())


# ---------------------------------------------------------------- building


def _discounts(counts: np.ndarray) -> tuple[float, float, float]:
    """Modified Kneser-Ney discounts D1, D2, D3+ (Chen & Goodman)."""
    n = [int((counts == k).sum()) for k in (1, 2, 3, 4)]
    y = n[0] / max(n[0] + 2 * n[1], 1)
    d1 = 1 - 2 * y * n[1] / max(n[0], 1)
    d2 = 2 - 3 * y * n[2] / max(n[1], 1)
    d3 = 3 - 4 * y * n[3] / max(n[2], 1)
    return max(d1, 0.05), max(d2, 0.1), max(d3, 0.15)


def _discount_of(counts: np.ndarray, d: tuple[float, float, float]) -> np.ndarray:
    return np.select([counts == 1, counts == 2], [d[0], d[1]], d[2]).astype(np.float64)


def _group(keys_ctx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique sorted contexts and the inverse index (keys_ctx is already sorted)."""
    uniq, inverse = np.unique(keys_ctx, return_inverse=True)
    return uniq, inverse


def build_lm(
    sentences: Iterable[list[str]],
    vocab: list[str],
    counts: dict[str, int],
    min_trigram_count: int = 2,
    min_bigram_count: int = 1,
) -> dict[str, np.ndarray]:
    """Estimate an interpolated modified-KN trigram model and return its arrays.

    `vocab` must start with SPECIALS; words outside it become <unk>.
    Pruned n-grams (below the count cutoffs) are dropped from the tables but their mass
    stays with the backoff weight, so every distribution still sums to one.
    """
    assert tuple(vocab[: len(SPECIALS)]) == SPECIALS
    index = {w: i for i, w in enumerate(vocab)}
    V = np.int64(len(vocab))
    bos, eos, unk = index[BOS], index[EOS], index[UNK]
    chunks = []
    for sent in sentences:
        ids = [bos, bos] + [index.get(w, unk) for w in sent] + [eos]
        a = np.array(ids, dtype=np.int64)
        chunks.append((a[:-2] * V + a[1:-1]) * V + a[2:])
    all_tri = np.concatenate(chunks)
    tri_keys, tri_counts = np.unique(all_tri, return_counts=True)
    del all_tri

    # continuation counts for the bigram level: distinct u for each (v, w)
    vw = tri_keys % (V * V)
    bi_keys, cc2 = np.unique(vw, return_counts=True)
    # continuation counts for the unigram level: distinct v for each w
    w_of_bi = bi_keys % V
    cc1 = np.bincount(w_of_bi, minlength=int(V)).astype(np.float64)
    cc1[bos] = 0
    p1 = cc1 / cc1.sum()
    p1 = 0.999 * p1 + 0.001 / float(V)
    p1[bos] = 1e-9

    # bigram level: p2(w|v) = max(cc2 - D, 0)/T(v) + gamma(v) p1(w)
    d2 = _discounts(cc2)
    v_of_bi = bi_keys // V
    T = np.bincount(v_of_bi, weights=cc2, minlength=int(V))
    disc2 = _discount_of(cc2, d2)
    keep2 = cc2 >= min_bigram_count
    alpha2 = np.maximum(cc2 - disc2, 0) / T[v_of_bi]
    kept_mass = np.bincount(v_of_bi[keep2], weights=alpha2[keep2], minlength=int(V))
    gamma2 = np.where(T > 0, 1.0 - kept_mass, 1.0)
    p2 = alpha2 + gamma2[v_of_bi] * p1[w_of_bi]
    bi_keys, p2 = bi_keys[keep2], p2[keep2]

    # trigram level: p3(w|uv) = max(c - D, 0)/C(uv) + gamma(uv) p2(w|v)
    d3 = _discounts(tri_counts)
    ctx = tri_keys // V
    ctx_keys, inverse = _group(ctx)
    C = np.bincount(inverse, weights=tri_counts).astype(np.float64)
    disc3 = _discount_of(tri_counts, d3)
    alpha3 = np.maximum(tri_counts - disc3, 0) / C[inverse]
    keep3 = tri_counts >= min_trigram_count
    kept3 = np.bincount(inverse[keep3], weights=alpha3[keep3], minlength=len(ctx_keys))
    gamma3 = 1.0 - kept3
    # lower-order probability of each kept trigram's (v, w)
    tk = tri_keys[keep3]
    v3, w3 = (tk // V) % V, tk % V
    pos = np.searchsorted(bi_keys, v3 * V + w3)
    pos[pos >= len(bi_keys)] = 0
    found = bi_keys[pos] == v3 * V + w3
    lower = np.where(found, p2[pos], gamma2[v3] * p1[w3])
    p3 = alpha3[keep3] + gamma3[inverse[keep3]] * lower
    # contexts whose trigrams were all pruned keep gamma = 1: no need to store them
    has_kept = np.bincount(inverse[keep3], minlength=len(ctx_keys)) > 0
    ctx_keys, gamma3 = ctx_keys[has_kept], gamma3[has_kept]

    word_counts = np.array([counts.get(w, 0) for w in vocab], dtype=np.int64)
    return {
        "words": np.array(vocab),
        "counts": word_counts,
        "uni_logp": np.log(p1).astype(np.float32),
        "uni_bo": np.log(np.maximum(gamma2, 1e-12)).astype(np.float32),
        "bi_keys": bi_keys.astype(np.int64),
        "bi_logp": np.log(p2).astype(np.float32),
        "ctx_keys": ctx_keys.astype(np.int64),
        "ctx_bo": np.log(np.maximum(gamma3, 1e-12)).astype(np.float32),
        "tri_keys": tk.astype(np.int64),
        "tri_logp": np.log(p3).astype(np.float32),
    }
