"""OCR channel model: how likely Tesseract turns an intended string into an observed one.

The table ``pipeline/models/confusions.tsv`` is learned by ``scripts/learn_confusions.py``
from rendered, degraded and OCR-ed training text. Each row is a character replacement
(``observed<TAB>intended<TAB>count<TAB>model``) with P(observed|intended) = count / seen(intended);
``#ok`` rows give how often each intended char was read unchanged. The log-probability of
reading ``intended`` as ``observed`` is the sum of the replacements' log-probabilities and of the
"read correctly" log-probabilities of the untouched chars.

Models: ``"vie"`` and ``"eng"`` (the Tesseract language used); ``None`` pools both.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from ..resources import models_dir

MIX = "mix"  # pooled table used when the caller does not know which Tesseract model ran
FALLBACK_EDIT_LOGP = math.log(1e-4)  # per char of an edit the table has never seen
CASE_VARIANT_LOGP = math.log(0.5)  # a replacement learned in the other case is less certain
MAX_INTENDED_PER_OBSERVED = 32  # branching cap: most likely intended strings per observed pattern
MAX_EDITS_CONSIDERED = 64  # most likely single replacements a token's search starts from
TONE_BACKOFF = 0.2  # share of a vowel family's confusion count spread over its unseen tone forms
_CACHE_MAX = 200_000
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền sắc ngã hỏi nặng
_EDGE_PUNCTUATION = "\"'“”‘’()[]{}.,;:!?…-–—/*«»"


@dataclass
class _Table:
    """Counts of one model, and the log-probabilities derived from them.

    Channel scores are log P(observed|intended); the ``post_*`` values estimate
    log P(intended|observed) from the same counts and only decide which candidates to keep.
    """

    pairs: dict[tuple[str, str], int] = field(default_factory=dict)  # as learned (no smoothing)
    seen: dict[str, int] = field(default_factory=dict)
    observed: dict[str, int] = field(default_factory=dict)
    ok: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    pair_logp: dict[tuple[str, str], float] = field(default_factory=dict)
    # observed pattern -> [(intended, channel logp, posterior logp, tone marks added)], best posterior first
    by_observed: dict[str, list[tuple[str, float, float, int]]] = field(default_factory=dict)
    ok_logp: dict[str, float] = field(default_factory=dict)
    ok_post: dict[str, float] = field(default_factory=dict)
    default_ok_logp: float = math.log(0.97)
    pattern_lengths: tuple[int, ...] = ()

    def finish(self) -> None:
        chars, chars_ok = self.totals.get("chars", 0), self.totals.get("chars_ok", 0)
        if chars:
            self.default_ok_logp = math.log((chars_ok + 1) / (chars + 2))
        misread: dict[str, int] = defaultdict(int)  # observed pattern -> times it stood for something else
        for (obs, _), n in self.pairs.items():
            misread[obs] += n
        pairs = {**_tone_backoff(self.pairs, self.seen), **self.pairs}
        for ch, n_ok in self.ok.items():
            self.ok_logp[ch] = math.log((n_ok + 1) / (max(self.seen.get(ch, 0), n_ok) + 2))
            self.ok_post[ch] = math.log((n_ok + 1) / (max(self.observed.get(ch, 0), n_ok + misread[ch]) + 2))
        posterior: dict[tuple[str, str], float] = {}
        for (obs, want), n in pairs.items():
            self.pair_logp[obs, want] = math.log(n / max(self.seen.get(want, 0), n))
            as_observed = self.observed.get(obs, 0) or misread[obs] + self.ok.get(obs, 0)
            posterior[obs, want] = math.log(n / max(as_observed, n))
        for (obs, want), logp in list(self.pair_logp.items()):
            for variant in ((obs.upper(), want.upper()), (obs.lower(), want.lower())):
                if variant[0] != variant[1] and variant not in self.pair_logp:
                    self.pair_logp[variant] = logp + CASE_VARIANT_LOGP
                    posterior[variant] = posterior[obs, want] + CASE_VARIANT_LOGP
        grouped: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
        for (obs, want), logp in self.pair_logp.items():
            grouped[obs].append((want, logp, posterior[obs, want]))
        self.by_observed = {
            obs: [(want, logp, post, tone_count(want) - tone_count(obs))
                  for want, logp, post in sorted(wants, key=lambda w: -w[2])[:MAX_INTENDED_PER_OBSERVED]]
            for obs, wants in grouped.items()
        }
        self.pattern_lengths = tuple(sorted({len(obs) for obs in self.by_observed}))

    def char_ok(self, ch: str) -> float:
        return self.ok_logp.get(ch, self.default_ok_logp)

    def char_ok_post(self, ch: str) -> float:
        return self.ok_post.get(ch, self.default_ok_logp)


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    intended: str
    gain: float  # channel: log P(observed segment|intended) minus the identity score of the segment
    rank: float  # the same in posterior terms, log P(intended|observed segment): decides what is kept
    tones: int  # tone marks added (may be negative) by this replacement


class ConfusionModel:
    """Learned OCR confusions; see the module docstring."""

    def __init__(self, tables: dict[str, _Table]) -> None:
        self._tables = tables
        self._cache: dict[tuple[object, ...], list[tuple[str, float]]] = {}

    @classmethod
    def load(cls, path: Path | str | None = None) -> ConfusionModel:
        if path is None:
            path = models_dir() / "confusions.tsv"
        tables: dict[str, _Table] = defaultdict(_Table)
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) != 4 or not parts[2].isdigit():
                continue  # comments and malformed lines
            kind_or_obs, key, count, model = parts[0], parts[1], int(parts[2]), parts[3]
            table = tables[model]
            if kind_or_obs == "#seen":
                table.seen[key] = count
            elif kind_or_obs == "#ok":
                table.ok[key] = count
            elif kind_or_obs == "#obs":
                table.observed[key] = count
            elif kind_or_obs == "#total":
                table.totals[key] = count
            elif not kind_or_obs.startswith("#"):
                table.pairs[kind_or_obs, key] = count
        if not tables:
            raise ValueError(f"{path}: no confusion rows")
        tables = dict(tables)
        tables[MIX] = _pool(list(tables.values()))
        for table in tables.values():
            table.finish()
        return cls(tables)

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(m for m in self._tables if m != MIX)

    def _table(self, model: str | None) -> _Table:
        try:
            return self._tables[MIX if model is None else model]
        except KeyError:
            raise ValueError(f"unknown OCR model {model!r}; known: {', '.join(self.models)}") from None

    def pairs(self, model: str | None = None) -> dict[tuple[str, str], int]:
        """Raw (observed, intended) -> count of one model (pooled when None)."""
        return dict(self._table(model).pairs)

    # ------------------------------------------------------------ scoring a pair

    def log_prob(self, observed: str, intended: str, model: str | None = None) -> float:
        """log P(observed | intended): learned replacements, else a per-char edit penalty."""
        table = self._table(model)
        observed = unicodedata.normalize("NFC", observed)
        intended = unicodedata.normalize("NFC", intended)
        consumed = [False] * len(intended)
        total = 0.0
        for block in edit_blocks(intended, observed):
            i1, i2, j1, j2 = with_context(intended, observed, block)
            for k in range(i1, i2):
                consumed[k] = True
            obs, want = observed[j1:j2], intended[i1:i2]
            logp = table.pair_logp.get((obs, want))
            total += logp if logp is not None else FALLBACK_EDIT_LOGP * max(len(obs), len(want), 1)
        return total + sum(table.char_ok(ch) for ch, used in zip(intended, consumed, strict=True) if not used)

    # ------------------------------------------------------------ candidates

    def candidates(self, token: str, *, model: str | None = None, max_edits: int = 2, limit: int = 50,
                   accept: Callable[[str], bool] | None = None) -> list[tuple[str, float]]:
        """Strings the writer probably meant by the OCR token, each with log P(token|string).

        Candidates apply up to ``max_edits`` non-overlapping learned replacements in reverse and
        must still look like Vietnamese (one tone mark, a well-formed syllable when letters with
        Vietnamese marks were introduced); ``accept`` (e.g. a lexicon lookup) can narrow them
        further. They are ordered by an estimate of P(string|token) from the same counts, so
        frequent intended letters come first; the float is the channel log-probability for the
        decoder, to be combined with its language model. The token itself is always included,
        scored as read correctly.
        """
        key = (token, MIX if model is None else model, max_edits, limit, accept)
        cached = self._cache.get(key)
        if cached is not None:
            return list(cached)
        result = self._search(unicodedata.normalize("NFC", token), self._table(model), max_edits, limit, accept)
        if len(self._cache) >= _CACHE_MAX:
            self._cache.clear()
        self._cache[key] = result
        return list(result)

    def _search(self, token: str, table: _Table, max_edits: int, limit: int,
                accept: Callable[[str], bool] | None) -> list[tuple[str, float]]:
        base = sum(table.char_ok(ch) for ch in token)
        edits = sorted(_possible_edits(token, table), key=lambda e: -e.rank)[:MAX_EDITS_CONSIDERED]
        tone_room = max(1 - tone_count(token), 0)
        found: dict[str, tuple[float, float]] = {token: (0.0, base)}  # text -> (rank, channel score)
        # Best-first over edit sets of growing size: each level extends its best sets with the best
        # compatible edits. Sets adding a second tone mark are dropped (one tone per syllable).
        masks = [((1 << (e.end - e.start)) - 1) << e.start for e in edits]  # chars each edit covers
        level: list[tuple[float, float, int, int, tuple[int, ...]]] = [(0.0, 0.0, 0, 0, ())]
        width = max(limit, 16)
        branch = width  # the first level takes every single edit it can keep; later ones extend less
        for _ in range(max(max_edits, 0)):
            grown: dict[tuple[int, ...], tuple[float, float, int, int, tuple[int, ...]]] = {}
            for rank, gain, tones, covered, chosen in level:
                taken = 0
                for index, edit in enumerate(edits):
                    if covered & masks[index] or tones + edit.tones > tone_room:
                        continue
                    new = (*chosen, index) if not chosen or chosen[-1] < index else tuple(sorted((*chosen, index)))
                    if new not in grown:
                        grown[new] = (rank + edit.rank, gain + edit.gain, tones + edit.tones,
                                      covered | masks[index], new)
                    taken += 1
                    if taken >= branch:
                        break
            level = heapq.nlargest(width, grown.values(), key=lambda g: g[0])
            branch = 10
            for rank, gain, _, _, chosen in level:
                text = _apply(token, sorted((edits[c] for c in chosen), key=lambda e: e.start))
                if rank > found.get(text, (-math.inf, 0.0))[0] and looks_vietnamese(text, token) and (
                        accept is None or accept(text)):
                    found[text] = (rank, base + gain)
        ranked = sorted(found.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]
        if all(text != token for text, _ in ranked):
            ranked[-1:] = [(token, found[token])]  # the identity is always offered
        return [(text, score) for text, (_, score) in ranked]


def _possible_edits(token: str, table: _Table) -> list[_Edit]:
    identity = [table.char_ok(ch) for ch in token]
    identity_post = [table.char_ok_post(ch) for ch in token]
    found = []
    for start in range(len(token)):
        for length in table.pattern_lengths:
            end = start + length
            if end > len(token):
                break
            options = table.by_observed.get(token[start:end])
            if not options:
                continue
            kept, kept_post = sum(identity[start:end]), sum(identity_post[start:end])
            found.extend(_Edit(start, end, want, logp - kept, post - kept_post, tones)
                         for want, logp, post, tones in options)
    return found


_ONSET = "(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?"
_OPEN = "a|e|ê|i|o|ô|ơ|u|ư|y|oa|oe|uê|uy|uơ|oo"  # with or without a final consonant
_CLOSED = "ă|â|iê|yê|uô|ươ|oă|uâ|uyê"  # need a final consonant
_GLIDED = ("ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|ưa|ưi|ưu|iêu|yêu|oai|oao|oay|oeo|uây|uôi|"
           "ươi|ươu|uya|uyu")  # end in a glide: no final consonant
_CODA = "(?:ch|ng|nh|c|m|n|p|t)"
_SYLLABLE = re.compile(
    f"{_ONSET}(?:(?P<glided>{_GLIDED})|(?P<open>{_OPEN})(?P<coda>{_CODA})?|(?P<closed>{_CLOSED}){_CODA})")
_STOP_CODA = re.compile("(?:c|ch|p|t)$")
# spelling of the onset before front vowels: k/gh/ngh before i e ê (y), c/g/ng elsewhere
_MISSPELT_ONSET = re.compile("^(?:c[ieêy]|k(?!h)[^ieêy]|gh[^ieê]|ngh[^ieê]|ng[ieê])")
# finals -nh/-ch follow only a ê i y (oa uê uy); -ng/-c never follow i, y or a lone ê
_BAD_RHYME = re.compile("(?<![aêiy])(?:nh|ch)$|(?<![iy])ê(?:ng|c)$|[iy](?:ng|c)$")
_VIETNAMESE_LETTERS = frozenset("ăâđêôơưĂÂĐÊÔƠƯ")


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """Whether a word (any case, NFC or NFD) is a well-formed Vietnamese syllable.

    Checks the onset-rhyme structure, onset spelling (k/gh/ngh before front vowels), finals
    allowed after the vowel, one tone mark placed on the nucleus (old "hoà" and new "hòa" styles
    both pass), and that stop finals (-c -ch -p -t) carry the sắc or nặng tone.
    """
    letters = unicodedata.normalize("NFC", word.lower())
    tone_at, tones = -1, []
    for position, ch in enumerate(letters):
        marks = [m for m in unicodedata.normalize("NFD", ch) if m in _TONE_MARKS]
        if marks:
            tone_at, tones = position, tones + marks
    bare = unicodedata.normalize("NFC", "".join(
        ch for ch in unicodedata.normalize("NFD", letters) if ch not in _TONE_MARKS))
    match = _SYLLABLE.fullmatch(bare)
    if (len(tones) > 1 or match is None or len(bare) != len(letters) or _MISSPELT_ONSET.match(bare)
            or _BAD_RHYME.search(bare)):
        return False
    if _STOP_CODA.search(bare) and (not tones or tones[0] not in "\u0301\u0323"):
        return False  # stop finals take only sắc or nặng: "tiếp", "việc", never "tiêp"
    if not tones:
        return True
    group = next(name for name in ("glided", "open", "closed") if match.group(name))
    start, end = match.span(group)
    if not start <= tone_at < end:
        return False  # the tone sits on the onset or the final consonant
    if group == "glided":
        return tone_at == end - 2  # just before the closing glide: "mía", "người", not "miá", "ngừơi"
    has_coda = group == "closed" or match.group("coda") is not None
    return not (has_coda and end - start > 1 and tone_at != end - 1)  # "hoàn", "tiến", not "hòan"


def looks_vietnamese(candidate: str, observed: str) -> bool:
    """A candidate carrying Vietnamese letters or tone marks must be a well-formed syllable.

    Not judged: the observed token itself, codes with inner - / . (KH-PGDĐT) and words without
    vowels (abbreviations, list labels). Marked letters mixed with digits are rejected.
    """
    core = candidate.strip(_EDGE_PUNCTUATION)
    if candidate == observed or not any(ch in _VIETNAMESE_LETTERS for ch in core) and not tone_count(core):
        return True
    if not core.isalpha():
        return any(ch in "-/." for ch in core)  # a code such as KH-PGDĐT; letters mixed with digits are not
    if (core.isupper() or len(core) <= 3) and not any(ch in "aeiouy" for ch in unicodedata.normalize("NFD", core.lower())):
        return True  # no vowel: an abbreviation (PGDĐT, qđ) or a list label (đ)
    return is_syllable(core)


def tone_count(text: str) -> int:
    """Number of Vietnamese tone marks in the text (NFC or NFD)."""
    return sum(ch in _TONE_MARKS for ch in unicodedata.normalize("NFD", text))


def _apply(token: str, chosen: list[_Edit]) -> str:
    parts, at = [], 0
    for edit in chosen:
        parts.append(token[at:edit.start])
        parts.append(edit.intended)
        at = edit.end
    parts.append(token[at:])
    return "".join(parts)


def _vowel_families() -> dict[str, tuple[str, ...]]:
    """Each Vietnamese vowel letter (both cases) -> the six tone forms of its letter."""
    families: dict[str, tuple[str, ...]] = {}
    for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY":
        members = tuple(unicodedata.normalize("NFC", base + tone) for tone in ("", *sorted(_TONE_MARKS)))
        families.update(dict.fromkeys(members, members))
    return families


def _tone_backoff(pairs: dict[tuple[str, str], int], seen: dict[str, int]) -> dict[tuple[str, str], float]:
    """Small counts for the unseen tone forms of a vowel that an observed char is known to stand for.

    Real scans misread marks in more combinations than a few thousand synthetic lines show
    ("é" for "ấ" when only "é" for "â"/"ầ" was seen); a share of the family's count is spread
    over its unseen members that the table knows how often to expect (#seen).
    """
    if TONE_BACKOFF <= 0:
        return {}
    families = _vowel_families()
    family_total: dict[tuple[str, tuple[str, ...]], int] = defaultdict(int)
    for (obs, want), n in pairs.items():
        if want in families:
            family_total[obs, families[want]] += n
    smoothed: dict[tuple[str, str], float] = {}
    for (obs, members), total in family_total.items():
        share = TONE_BACKOFF * total / len(members)
        for member in members:
            if (obs, member) not in pairs and member != obs and seen.get(member, 0) > share:
                smoothed[obs, member] = share
    return smoothed


def _pool(tables: list[_Table]) -> _Table:
    pooled = _Table()
    for table in tables:
        for name in ("pairs", "seen", "observed", "ok", "totals"):
            target = getattr(pooled, name)
            for key, n in getattr(table, name).items():
                target[key] = target.get(key, 0) + n
    return pooled


# The two helpers below mirror scripts/learn_confusions.py so that scoring matches counting.


def edit_blocks(intended: str, observed: str) -> list[tuple[int, int, int, int]]:
    """Maximal runs of non-equal opcodes as (i1, i2, j1, j2); equal-length replaces split per char."""
    blocks: list[list[int]] = []
    for op in Levenshtein.opcodes(intended, observed):
        if op.tag == "equal":
            continue
        if blocks and blocks[-1][1] == op.src_start and blocks[-1][3] == op.dest_start:
            blocks[-1][1], blocks[-1][3] = op.src_end, op.dest_end
        else:
            blocks.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    out: list[tuple[int, int, int, int]] = []
    for i1, i2, j1, j2 in blocks:
        if i2 - i1 == j2 - j1:
            out.extend((i1 + k, i1 + k + 1, j1 + k, j1 + k + 1) for k in range(i2 - i1))
        else:
            out.append((i1, i2, j1, j2))
    return out


def with_context(intended: str, observed: str, block: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """An insertion or deletion borrows one neighbouring char so both sides are non-empty."""
    i1, i2, j1, j2 = block
    if i1 == i2 or j1 == j2:
        if i1 > 0 and j1 > 0:
            return i1 - 1, i2, j1 - 1, j2
        if i2 < len(intended) and j2 < len(observed):
            return i1, i2 + 1, j1, j2 + 1
    return i1, i2, j1, j2
