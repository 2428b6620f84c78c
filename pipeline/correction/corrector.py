"""The correction engine: noisy channel x syllable trigram LM, decoded per sentence.

For each word token the engine lists readings (the token itself, the same letters with
other marks, and in OCR mode letter edits), scores them with a channel whose noise levels are
estimated from the document itself (how many words lost their marks, how many are not
Vietnamese; a line that lost most of its marks gets its own rate), decodes each sentence with
a second-order Viterbi, lets the occurrences of a token agree across the document, and turns
every difference into a ``Change`` with a posterior confidence. Doubtful changes are flagged,
not applied. The LM scores add domain knowledge the legal corpus lacks: the tiers of local
government share their contexts, dictionary words get a small bonus, and capitalised words
inside a sentence weigh how often each reading is capitalised (names, places, agencies).

Flags: every word gets a doubt score (log-odds that the word as written out is wrong) from the
posterior, Tesseract's confidence in it and its neighbours, whether it is a known, well-formed
syllable, its frequency and a few OCR tells (a capital made of a small letter mid-sentence);
unchanged words at or above 0 are flagged with corrected == original (or a suggestion), and with
OCR confidences a change far above it is only suggested. Numbers and codes are flagged when
Tesseract doubted them, when a code has a letter group never seen in a code, or when "30.05"
stands on a line of decimal commas. Weights: scripts/make_flag_calibration.py + eval_flags.py.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import json
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz.distance import Levenshtein

from .addresses import AddressRepair, broken_addresses, odd_address
from .candidates import Candidate, CandidateGenerator, Lexicon, mark_difference, tone_swap, weighted_edit
from .case import (
    _LOOKALIKE_CAPITALS,
    _all_lookalike,
    _capital_lost_under_heading,
    _capitals_among_running_text,
    _capitals_among_small,
    _capitals_then_small,
    _lookalike_capital,
    _mixed_case,
    _odd_case,
    _running_text_before,
    _small_letter_among_capitals,
    _styled_capitals,
)
from .codes import (
    archive_mark,
    broken_numbers,
    cited_year_doubts,
    clause_sequence_doubts,
    dot_decimals,
    glued_year_suggestion,
    legislature_suggestion,
    lookalike_digits,
    numeric_date_suggestion,
    odd_code,
    odd_date_part,
    odd_numeric_date,
    odd_share,
    odd_year,
    split_document_number,
)
from .dates import broken_dates
from .decoder import Position, decode_with_posteriors, pair_posteriors
from .headings import renumber_headings
from .junk import SPECK, SPECK_CONFIDENCE, Speck, speck_spans
from .lm import NgramLM
from .names import (
    _CYCLE_YEARS,
    _GAZETTEER_UNITS,
    _STEMS,
    AFTER_PAREN,
    FAMILY_NAME,
    GIVEN_NAME,
    MIDDLE_NAME,
    NUMBER_LABEL,
    PEOPLE_NAME,
    PLACE_FIRST,
    PLACE_LISTED,
    PLACE_NEXT,
    PLACE_SPELLED,
    PLACE_UNIT,
    TITLE,
    YEAR_NAME,
    _after_parens,
    _agency_unit_slots,
    _inside_names,
    _inside_places,
    _listed_places,
    _number_labels,
    _people_names,
    _spelled_places,
    _unit_of_agency,
    _year_names,
    ia_name_doubts,
    name_agreement_doubts,
    names_a_people,
    year_branch_fixes,
)
from .punctuation import (
    FIX_CONFIDENCE,
    PUNCTUATION,
    PunctuationFix,
    abbreviation_letter_fixes,
    area_unit_marks,
    clause_number_fixes,
    glued_number_fixes,
    half_spaced_dash_fixes,
    joining_hyphens,
    labels_in_order,
    list_dash_fixes,
    point_label_fixes,
    signer_prefix_fixes,
    stray_periods,
)
from .second import RESTORED, TONES_PATH, ToneEvidence, weigh_second_reading
from .segment import COMMA, canonical, sentences, symbol_of
from .shapes import (
    GARBLED_CONFIDENCE,
    POINT_WORDS,
    _lone_capital_doubts,
    _odd_percentages,
    _odd_shape_doubts,
    _opens_line,
    _recipient_tail_doubts,
    _same_line,
    _signature_zone_doubts,
    _with_doubts,
    caps_amid_small_doubts,
    deputy_signer_doubts,
    glued_code_doubts,
    land_code_doubts,
    over_spans,
    unit_superscript_doubts,
)
from .tokens import MIXED, PROTECTED, WORD, ProtectedWords, Token, read_word_list, tokenize
from .viet import (
    VIET_LETTERS,
    apply_case,
    has_marks,
    is_valid_syllable,
    nfc,
    place_tone,
    split_tone,
    strip_marks,
    tone_style_of,
)

MODES = ("auto", "diacritics", "ocr")
WRONG_MARK_FLOOR = 0.001  # P(a misread mark) in the cleanest documents
# the misread-mark rate re-estimated from a first decoding (Corrector._adapted_noise)
ADAPT_MARK_NOISE = True
ADAPT_SURE = 0.9  # posterior of a mark fix counted as sure
ADAPT_MIN_MARKED = 50  # marked words a document needs before its own rate is trusted
ADAPT_FACTOR = 2.0  # re-decode only when the measured rate is this many times the estimate
ADAPT_MAX_RATE = 0.05
TONE_SWAPS = True  # ...and the rate of each tone pair misread far more often (DocumentNoise.tone_swaps)
TONE_SWAP_MIN_FIXES = 4  # sure fixes of one (read, meant) tone pair before it gets its own rate
TONE_SWAP_MAX_RATE = 0.25
PAIR_DOUBT = True  # the doubt score sees posteriors of readings decided in pairs (decoder.pair_posteriors)
MARKED_SHARE = 0.85  # share of words with marks in normal Vietnamese administrative text
APPLY_THRESHOLD = 0.5  # a change below this posterior is flagged instead of applied
# ...unless the word as read is neither a Vietnamese syllable nor a known word: keeping it is
# surely wrong, so its best reading is applied from this lower posterior
NON_WORD_APPLY_THRESHOLD = 0.35
# plain text with its marks: a known word read as another needs this posterior to be changed, else it
# is only suggested (real letters' everyday words and names: "khó lường" -> "kho lương", "Thu Hương")
REAL_WORD_APPLY_THRESHOLD = 0.8
# ...and with OCR confidences, a word the LM or Viet74K knows made another needs this posterior, unless
# the swap is one of the page's tone misreads: below it the change is a guess a clerk should see ("vì
# sợ con bị sốt" -> "sở" at 0.61, "không có cỏ ăn" -> "có" at 0.50, "nẹt pô" -> "nếu" at 0.78, "thẻ
# BHYT" -> "thể" at 0.83); on the 11 real Quảng Ngãi letters 0.9 makes about ten right fixes suggestions
REAL_WORD_APPLY_OCR = 0.9
KEEP_DOUBT = 0.25  # an unchanged word whose own posterior is below this is flagged
# a second recogniser's word at the same place (pipeline.second_reading, weighed by correction.second)
SECOND_READINGS = True
SECOND_TONE_WEIGHT = 1.0  # on the learned tone evidence (correction.second)
SECOND_READING_LOGP = 2.0  # for the candidate a second reading of other letters names
SECOND_AGREED_KEEP: float | None = 0.9  # a word kept at this posterior that both read alike is not doubted
SECOND_KEEP_BLUR_DOUBTS = True  # ...unless, on an upscaled page, a doubt names the hỏi a sắc may hide
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w]+$")
UNKNOWN_WORD_LOGP = math.log(0.005)  # <unk> stands for every unknown word: one of them is rarer
# ...and one with Vietnamese marks that spells no syllable with letters that spell known words ("câp",
# "đât") is a misread mark, not a foreign word or a name the LM lacks
MARKED_NON_SYLLABLE_LOGP = math.log(0.01)
EDIT_SCALE = 0.5  # P(one letter edit) per share of words whose letters are unknown
# "s6" -> "số", "16n" -> "lớn": an English model's "6 for ô", "1 for l" inside words. Numbers,
# dates and codes are protected tokens and never reach this; such word fixes are applied only
# when very confident (else they stay flagged suggestions). False: never apply them.
DIGIT_FIXES_APPLIED = True
DIGIT_FIX_THRESHOLD = 0.75
CHANNEL_WEIGHT = 1.0  # channel log-probs relative to the LM
STRAY_EDIT_LEVEL = 0.0  # letter-edit level from which lone specks are deleted (0: always)
STRAY_CONFIDENCE = 0.9
ADDRESS_REPAIR_CONFIDENCE = 0.9  # an e-mail address mended (correction/addresses.py)
SPECKS_FOR_NOISY_PAGE = 3  # lone marks on a page from which they count as specks
MERGE_MIN_COUNT = 20  # corpus count a word needs before two OCR pieces are joined into it
MERGE_RARE_PIECE = 30  # ...and one of the pieces must be rarer than this on its own
# a word OCR glued from syllables ("Pháthiện") is split into 2-4 of them (see Corrector._split_glued)
GLUED_MIN_COUNT = 50  # corpus count each syllable needs
GLUED_MAX_PIECES = 4
GLUED_LONGEST_SYLLABLE = 7  # "nghiêng"
GLUED_CONFIDENCE = 0.9  # every two neighbouring syllables are a pair seen in the corpus
GLUED_UNSURE_CONFIDENCE = 0.5  # else: a suggestion
CODE_SUGGESTION_CONFIDENCE = 0.5
LEARNED_WEIGHT = 1.0  # scale of the learned confusion log-likelihood ratios
# English-model text: the learned eng confusions also say which readings such a model would NOT
# have written so ("vé" is how it writes "về"; it writes "và" as "va", never "vé"). A reading
# they find that unlikely, beyond the slack (natural log), pays this share of the shortfall.
# Measured (scripts/eval_correction.py): held-out eng SER 5.70 -> 4.74 %, own eng 4.31 -> 3.98 %,
# kh_1005 6.77 -> 5.93 %, samples eng 13.97 -> 12.34 %; weights 0.15-0.6 and slacks 0 to -2 all
# gave within 0.3 points of these.
ENGLISH_CHANNEL_WEIGHT = 0.3
ENGLISH_CHANNEL_SLACK = -2.0
# English-model text: a digit inside a word ("S6:", "T6 trưởng") is far more often the model's
# "ố"/"ổ" than a real digit, so keeping it as written costs this (natural log). Measured: own eng
# SER 3.98 -> 3.73 %, kh_1005 5.93 -> 5.65 %, samples eng 12.34 -> 12.17 %, held-out eng 4.74 -> 4.72 %
# (-1.5: about half the gain; -5: 0.1 more). A change to a digit still applies only when sure.
ENGLISH_DIGIT_KEEP_LOGP = -3.0
LEARNED_MAX = True  # a reading both channels know takes the better of the two scores
CONSISTENCY_WEIGHT = 2.0  # weight of the document-level agreement prior
LOCAL_CONSISTENCY_WEIGHT = 1.0  # the same prior for clean or de-accented text (one local step)
SURE_POSTERIOR = 0.99  # a token read at least this surely in its document's reading is not revisited
LINE_DROP_PRIOR = 2.0  # weight, in words, of the document's marks-dropped rate against one line's
# words interchangeable in context for the LM: the one-syllable tiers of local government, and a
# commune with its villages (thôn in the north, ấp in the south: "các xã/thôn/ấp", "tại ấp"),
# which the central-level corpus hardly mentions (ấp: 18 times; thôn/ấp/xóm alone: no gain)
SHARED_CONTEXT_CLASSES = (("tỉnh", "huyện", "xã", "quận", "phường"), ("xã", "thôn", "ấp"))
UNIT_CLASS_WEIGHT = 0.3
DICTIONARY_PAIR_WEIGHT = 1.0  # nats for two syllables that spell a dictionary word (lm.pair_keys)
CAPITAL_WEIGHT = 1.0  # weight of log P(capitalised | reading) for a capital inside a sentence
# nats for a reading that is a family, middle or given name in that place of a person's name
# (dictionaries/name_openers.txt, middle_names.txt, given_names.txt): the LM, trained on laws,
# knows "văn phòng" and "đô thị", not "Văn Phong" or "Đỗ Thị Mai"
NAME_PART_BONUS = 5.0
FAMILY_NAME_BONUS = 8.0  # (given only where a title or Văn/Thị after it makes the run a name)
# a word of a place's name after an administrative unit ("xã Hoa Lam") or on the place-and-date line:
# each reading gains this times log(1 + its uses in that position of dictionaries/place_names.txt).
# The LM knows "hóa" (văn hóa) and "Hoa" (Hoa Kỳ) far better than the "Hòa" that opens place names
PLACE_WEIGHT = 1.5
GAZETTEER_PLACES = True
GAZETTEER_SPELLINGS = True
YEAR_NAMES = True
_GAZETTEER_UNIT = re.compile(rf"^({'|'.join(_GAZETTEER_UNITS)})\s+(\D+)$")
NUMBER_LABEL_BONUS = 5.0  # nats "số" gains as the label of the letter's number (names.NUMBER_LABEL)
PAREN_SWALLOW_LOGP = math.log(0.02)  # per letter a word after "(" lost into it (names.AFTER_PAREN)
PAREN_SWALLOW_MAX = 2  # letters
UNIT_IN_NAME_PENALTY = 5.0
UNIT_BONUS = 5.0  # (3: a born-digital letter's 'TÍNH QUẢNG NGÃI', read with confidence, stayed a suggestion)
_UNIT_WORDS = frozenset({"tỉnh", "huyện", "xã", "phường", "quận", "thôn", "ấp"})
# units that close an agency's name ("Sở Y tế tỉnh"), after a capitalised word or these
_AGENCY_UNITS = frozenset({"tỉnh", "huyện", "xã", "phường", "quận"})
# ...and "tính" (or "tinh") where such a unit closes an agency's name at the end of a clause ("Hội LHPN
# tính;", "Cổng TTĐT tính;" in the list of recipients) is read as a unit, with UNIT_BONUS: the blurred
# hỏi of "tỉnh" reads as a sắc, and the corpus of laws, which has no lists of recipients, hardly
# tells the two apart there. Not "tình", "tịnh": names ("Sơn Tịnh")
AGENCY_UNIT_SLOTS = True
AGENCY_HEADS_TRUSTED = True
NAME_OPENER_BONUS = 2.0  # nats for a family name (or Ông/Bà) opening a run of capitalised words
# an all-capitals token the LM does not know, one letter away from an abbreviation the corpus uses
# this often ("LBND", "UBNI", "BND" for "UBND" on a blurred page), has it among its readings: letter
# edits otherwise lead only to syllables. The LM's context and the doubt score decide
ABBREVIATION_READINGS = True
ABBREVIATION_READING_MIN_COUNT = 20  # in the pruned LM
ABBREVIATION_READING_MIN_LENGTH = 3
MAX_READINGS = 10  # readings kept per token in the lattice
MAX_READINGS_OCR = 16
_COMBINING = re.compile(r"[\u0300-\u036f]")


@dataclass(frozen=True)
class Change:
    start: int
    end: int
    out_start: int
    out_end: int
    original: str
    corrected: str
    confidence: float
    flagged: bool
    alternatives: tuple[str, ...]


@dataclass(frozen=True)
class CorrectionResult:
    text: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class DocumentNoise:
    """Channel noise levels estimated from one document."""

    drop: float  # P(all marks of a syllable are lost)
    wrong_mark: float  # P(one tone or vowel mark read wrongly)
    edit: float  # P(one letter edit)
    ocr: bool  # generate letter-edit candidates for every word
    collapsed: float = 0.002  # P(a Latin-1 marked letter stands for another marked letter)
    letters: bool = True  # letters may be changed (False in "diacritics" mode: marks only)
    latin_marks: bool = False  # marks are Latin-1 only: text read with an English model
    # P(a tone read as another) for the (read, meant) pairs a first decoding found this document
    # misreads far more often than marks at large (Corrector._adapted_noise)
    tone_swaps: tuple[tuple[tuple[int, int], float], ...] = ()

    @classmethod
    def estimate(cls, words: Sequence[str], lexicon: Lexicon, mode: str) -> DocumentNoise:
        # each distinct word is judged once, weighted by how often it occurs
        seen = Counter(w for w in words if len(w) >= 2)
        n = max(sum(seen.values()), 1)
        marked_seen = {w: k for w, k in seen.items() if has_marks(w)}
        n_marked = sum(marked_seen.values())
        marked = n_marked / n
        implausible = {w for w in seen if not lexicon.plausible(w)}
        garbage = sum(seen[w] for w in implausible) / n
        # letters (not only marks) wrong: the de-accented word is not a known one
        letters_wrong = sum(k for w, k in seen.items() if not lexicon.known_letters(w)) / n
        # marks that make no Vietnamese syllable say how much the marks read can be trusted
        bad_marks = sum(k for w, k in marked_seen.items() if w in implausible) / max(n_marked, 1)
        drop = min(max(1.0 - marked / MARKED_SHARE, 0.002), 0.995)
        if mode == "diacritics":
            drop = max(drop, 0.5)
        wrong = min(max(bad_marks, WRONG_MARK_FLOOR), 0.3)
        edit = min(max(letters_wrong * EDIT_SCALE, 1e-4), 0.2)
        ocr = mode == "ocr" or (mode == "auto" and garbage > 0.04)
        # an English model writes only Latin-1 marks (é á ó): then é may stand for any marked e
        vietnamese_marks = sum(k for w, k in marked_seen.items() if any(ord(c) > 255 for c in w))
        latin_only = n_marked >= 5 and vietnamese_marks <= 0.1 * n_marked
        collapsed = drop if latin_only else wrong
        return cls(drop, wrong, edit, ocr, collapsed, letters=mode != "diacritics", latin_marks=latin_only)

    def emission(self, cand: Candidate) -> float:
        return CHANNEL_WEIGHT * self._emission(cand)

    def swap_rate(self, pair: tuple[int, int] | None) -> float | None:
        """The page's own rate of the tone swap ``pair`` (read, meant) when it repeats it, else None."""
        if pair is None or not self.tone_swaps:
            return None
        return next((rate for swap, rate in self.tone_swaps if swap == pair), None)

    def _emission(self, cand: Candidate) -> float:
        own = self._features(cand)
        if cand.learned is None:
            return own
        if cand.dropped == cand.changed == cand.edits == cand.collapsed == 0.0:
            # only the learned confusions know this reading
            return LEARNED_WEIGHT * cand.learned if LEARNED_WEIGHT > 0 else -50.0
        return max(own, LEARNED_WEIGHT * cand.learned) if LEARNED_MAX else own

    def _features(self, cand: Candidate) -> float:
        if cand.tone_swap is not None and self.tone_swaps:  # (inline: every reading passes here)
            rate = self.swap_rate(cand.tone_swap)
            if rate is not None and cand.changed == 1.0 and not (cand.dropped or cand.edits or cand.collapsed):
                return math.log(rate)
        if cand.vowel_lost and not self.latin_marks:
            # (a Vietnamese model that lost a vowel lost its marks with it; an English model also
            # writes look-alike consonants for vowels, "j" for "i", so its marks stay in doubt)
            return cand.edits * math.log(self.edit)
        return (
            cand.dropped * math.log(self.drop)
            + cand.changed * math.log(self.wrong_mark)
            + cand.edits * math.log(self.edit)
            + cand.collapsed * math.log(self.collapsed)
        )


@dataclass
class _Slot:
    """One token in the lattice: its readings (index 0 = the token as written)."""

    words: list[str]
    position: Position
    fixed: bool  # protected: only the token itself
    own: str  # the LM symbol of the token as written
    confidence: float  # used when the slot has a single reading


class Corrector:
    def __init__(
        self,
        lm: NgramLM,
        protected: ProtectedWords,
        models_dir: Path,
        learned_dir: Path | None = None,
        tone_style: str | None = None,
        confusions: object | None = None,
        name_openers: Iterable[str] = (),
        middle_names: Iterable[str] = (),
        given_names: Iterable[str] = (),
        place_names: Iterable[str] = (),
        agency_names: Iterable[str] = (),
    ) -> None:
        if tone_style not in (None, "old", "new"):
            raise ValueError(f"tone_style must be 'old', 'new' or None, not {tone_style!r}")
        self.lm = lm
        lm.share_classes([list(words) for words in SHARED_CONTEXT_CLASSES], UNIT_CLASS_WEIGHT)
        lm.pair_weight = DICTIONARY_PAIR_WEIGHT
        self.protected = protected
        self.tone_style = tone_style
        self.known = {w: int(c) for w, c in zip(lm.words, lm.counts, strict=False)}
        self._second_tones = ToneEvidence.load() if TONES_PATH.exists() else None
        self.lexicon = Lexicon(lm.words, lm.counts, _is_lexicon_word, _dictionary_syllables() if RARE_DICTIONARY_READINGS else frozenset())
        # the most used words ("và", "của", "các"...): short words that are surely words
        self._common_words = frozenset(sorted(self.known, key=lambda w: -self.known[w])[:COMMON_WORDS])
        self.learned = _Learned.load(learned_dir) if learned_dir else _Learned()
        for word in self.learned.lexicon:
            self.lexicon.add(canonical(word))
            self.known.setdefault(canonical(word), 1)
        learned_candidates = None
        self._confusions = confusions
        self._english_logp: dict[tuple[str, str], float] = {}
        if confusions is not None:
            learned_candidates = _confusion_candidates(confusions, self.lexicon)
        self.generator = CandidateGenerator(self.lexicon, learned_candidates)
        # (letter edits and marks only: the learned confusions add no doubt there, and cost time)
        self._near_generator = CandidateGenerator(self.lexicon)
        self.fingerprint = _fingerprint(models_dir, learned_dir, tone_style)
        self._surfaces: dict[tuple[str, str, str], str] = {}
        self._shared_slots: dict[tuple, _Slot] = {}  # see _slot
        self._near: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}  # see _near_readings
        self._by_tail: dict[str, list[str]] | None = None  # see _swallowed_by_paren
        self._dictionary_pairs: tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]]] | None = None
        self._gazetteer: dict[tuple[str, ...], tuple[frozenset[tuple[str, ...]], frozenset[str]]] | None = None
        self._spellings: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] | None = None  # see gazetteer_spellings
        self.trace: list[dict] | None = None  # set to a list to record every word's features
        self._capital_logp = _capital_logp(lm)
        # family names and the titles before a name, as LM words (dictionaries/name_openers.txt)
        self.name_openers = np.array(sorted({self.lm.index[w] for w in map(canonical, name_openers)
                                             if w in self.lm.index}), dtype=np.int64)
        # the letters of family names (not the titles): a run opened by one of them may be a name
        self.family_letters = frozenset(strip_marks(canonical(w)) for w in name_openers) - {"ong", "ba"}
        # family, middle and given names, preferred in their places of a person's name;
        # offered there even where the corpus never wrote them ("Diễm", "Khải" are names, not law),
        # and only there: as readings of any word they would spoil common ones ("trọng điểm")
        middles, givens = {canonical(w) for w in middle_names}, {canonical(w) for w in given_names}
        parts = middles | givens
        families = {canonical(w) for w in name_openers if strip_marks(canonical(w)) in self.family_letters}
        self._name_words = {FAMILY_NAME: frozenset(families), MIDDLE_NAME: frozenset(middles),
                            GIVEN_NAME: frozenset(givens), TITLE: frozenset({"ông", "bà"})}
        self._name_parts = frozenset(parts)
        # three words running in an agency's listed name, each with whether it is capitalised there
        # ("và Xã hội" of "Sở Lao động - Thương binh và Xã hội"): see _in_agency_name
        self._agency_trigrams = frozenset(
            tuple((canonical(w), w[:1].isupper()) for w in words[k:k + 3])
            for words in (name.replace(" - ", " ").split() for name in agency_names) for k in range(len(words) - 2))
        # each word of a place's name, counted by its position (first, or after the first)
        self._place_counts: dict[str, Counter[str]] = {PLACE_FIRST: Counter(), PLACE_NEXT: Counter()}
        for name in place_names:
            for k, word in enumerate(canonical(w) for w in name.split()):
                self._place_counts[PLACE_FIRST if k == 0 else PLACE_NEXT][word] += 1
        places = set(self._place_counts[PLACE_FIRST]) | set(self._place_counts[PLACE_NEXT])
        self._place_words = frozenset(places)
        self._names_by_letters: dict[str, list[str]] = {}
        for word in sorted(parts | families | places):
            self._names_by_letters.setdefault(strip_marks(word), []).append(word)
        # (by their capitals: "UBND", "HĐND", "KBNN"; see ABBREVIATION_READINGS)
        self._frequent_abbreviations = tuple(sorted(
            a for a in protected.abbreviations if a.isupper() and len(a) >= ABBREVIATION_READING_MIN_LENGTH
            and self.known.get(a.lower(), 0) >= ABBREVIATION_READING_MIN_COUNT))
        self._code_pieces: dict[str, str] = {}  # de-accented code letters -> most used spelling
        for piece, _count in sorted(lm.code_pieces.items(), key=lambda kv: -kv[1]):
            self._code_pieces.setdefault(strip_marks(piece), piece)

    @classmethod
    def load(
        cls, models_dir: Path | None = None, learned_dir: Path | None = None, tone_style: str | None = None
    ) -> Corrector:
        from pipeline.resources import dictionaries_dir
        from pipeline.resources import models_dir as default_models

        models = Path(models_dir) if models_dir else default_models()
        if not (models / "lm.npz").is_file():
            raise FileNotFoundError(f"{models / 'lm.npz'} is missing: build it with scripts/build_lm.py")
        lm = NgramLM.load(models / "lm.npz")
        protected = ProtectedWords.load(dictionaries_dir())
        return cls(lm, protected, models, Path(learned_dir) if learned_dir else None, tone_style,
                   _load_confusions(models), read_word_list(dictionaries_dir() / "name_openers.txt"),
                   read_word_list(dictionaries_dir() / "middle_names.txt"),
                   read_word_list(dictionaries_dir() / "given_names.txt"),
                   read_word_list(dictionaries_dir() / "place_names.txt"),
                   read_word_list(dictionaries_dir() / "agency_names.txt"))

    # ------------------------------------------------------------------ public

    def correct(
        self,
        text: str,
        *,
        mode: str = "auto",
        token_confidences: Sequence[tuple[int, int, float]] | None = None,
        token_second_readings: Sequence[tuple[int, int, str, str]] | None = None,
    ) -> CorrectionResult:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        norm, to_input = _nfc_with_map(text)
        protected = self._with_defined_abbreviations(norm) if DEFINED_ABBREVIATIONS else self.protected
        tokens = list(tokenize(norm, protected))
        if mode != "diacritics":
            tokens = self._merge_pieces(norm, tokens)
        if not tokens:
            return CorrectionResult(text, ())
        word_texts = [t.text.lower() for t in tokens if t.kind == WORD]
        noise = DocumentNoise.estimate(word_texts, self.lexicon, mode)
        stretches = self._speck_stretches(norm, noise)
        if stretches:
            tokens = [t for t in tokens if not any(s.start <= t.start < s.end for s in stretches)]
        addresses = broken_addresses(norm) if noise.letters else []
        if addresses:  # (mended whole at the end: their pieces are no words)
            tokens = [t for t in tokens if not any(a.start <= t.start < a.end for a in addresses)]
        if noise.letters and noise.latin_marks:
            tokens = _rejoin_symbol_words(norm, tokens)
        glued_sure: set[int] = set()
        if noise.letters and not noise.latin_marks:  # English-model marks are no guide to syllables
            tokens, glued_sure = self._split_glued(tokens)
        style = self.tone_style or _majority_style(tokens)
        confs = _confidences_by_token(tokens, token_confidences)
        seconds = _second_readings_by_token(tokens, token_second_readings) if SECOND_READINGS else [None] * len(tokens)
        cache = self._document_cache(tokens, confs)
        # a word in small letters is not backed by the page's capitalised readings: a name's word is
        # another word ("bản Phiêng Hồ" backs no "đồng/hồ" for "đồng/hộ")
        small_cache = self._document_cache(tokens, confs, small_only=True) if SMALL_WORDS_OWN_CACHE else cache
        memo: dict[tuple[str, str, bool, bool, str | None, float], _Slot] = {}
        # a full stop before a small letter is a misread (a comma or dust): the LM reads on over it
        periods = stray_periods(norm, tokens) if noise.letters and not noise.latin_marks else []
        groups = sentences(_stops_to_commas(norm, periods), tokens,
                           SLASH_PARTS and noise.letters and not noise.latin_marks)
        # (OCR-garbled text has capitals in odd places: "Pang" for "Đảng")
        use_capitals = self._capital_logp is not None and not noise.ocr
        inside, openers = _capitalised_inside(groups, tokens) if self._capital_logp is not None else (set(), set())
        in_names = (_inside_names(norm, groups, tokens, self.family_letters, self._name_parts)
                    if self._capital_logp is not None else {})
        in_names = _inside_places(norm, groups, tokens) | in_names  # (a person's name wins)
        in_names.update(_number_labels(norm, tokens))
        if PEOPLE_NAMES:
            in_names.update(_people_names(norm, tokens))
        if GAZETTEER_PLACES and noise.letters and noise.drop < 0.5:  # (names are matched with their marks)
            listed = _listed_places(norm, tokens, self._gazetteer_provinces())
            in_names.update({i: label for i, label in listed.items() if in_names.get(i) in _PLACE_LABELS})
        if YEAR_NAMES and noise.letters and noise.drop < 0.5:
            in_names.update(_year_names(norm, tokens))
        if GAZETTEER_SPELLINGS and not noise.latin_marks:  # (English-model text: see _consistency_prior)
            in_names.update(_spelled_places(norm, tokens, in_names, self.gazetteer_spellings(),
                                            self._gazetteer_provinces(), noise.drop >= 0.5))
        if noise.letters and not noise.latin_marks:
            in_names = _after_parens(norm, tokens) | in_names
        if AGENCY_UNIT_SLOTS:
            in_names = _agency_unit_slots(norm, tokens) | in_names
        if not use_capitals:
            # (garbled text still opens names where family names stand: "Ong Tran Quéc Vinh")
            inside = set()
        noises = _line_noise(norm, tokens, noise)
        slots = [self._slot(tok, noises[i], confs[i], small_cache if tok.text[:1].islower() else cache, memo,
                            i in inside, i in openers, in_names.get(i), seconds[i])
                 for i, tok in enumerate(tokens)]
        best, posts = self._decode(groups, tokens, slots)
        adapted = self._adapted_noise(tokens, slots, best, posts, noise) if ADAPT_MARK_NOISE else None
        if adapted is not None:
            # (capitalised words keep the estimate: names and headings are where the LM knows least;
            # but a swap the page repeats is its blur, no guess of the LM's, and they get it too)
            noise, memo, before = adapted, {}, noises
            noises = _line_noise(norm, tokens, noise)
            if noise.tone_swaps:
                before = [dataclasses.replace(n, tone_swaps=noise.tone_swaps) for n in before]
            slots = [self._slot(tok, noises[i] if tok.text[:1].islower() else before[i], confs[i],
                                small_cache if tok.text[:1].islower() else cache, memo,
                                i in inside, i in openers, in_names.get(i), seconds[i])
                     for i, tok in enumerate(tokens)]
            best, posts = self._decode(groups, tokens, slots)
        # one reading per document: the same token recurs, and its occurrences should agree.
        # OCR-garbled text is decoded again with that prior (its misreads cluster); elsewhere one
        # local step does as well, at a fraction of the cost
        if noise.ocr:
            slots, revisit = _consistency_prior(tokens, slots, best, posts)
            best, posts = self._decode(groups, tokens, slots, (best, posts, revisit))
        else:
            best, posts = _consistency_local(tokens, slots, best, posts)
        # (text with its marks stripped is typed: its words are in their places, one at a time)
        pairs = self._pair_confidence(groups, slots, best) if noise.letters and PAIR_DOUBT else None
        named = self._listed_name_words(norm, tokens, in_names) if NAMES_TRUSTED else set()
        ordered: set[int] = set()
        if ORDERED_LABELS_TRUSTED and noise.letters and not noise.latin_marks:
            confirmed = labels_in_order(norm)
            ordered = {i for i, tok in enumerate(tokens) if tok.start in confirmed}
        # text read with a Vietnamese model, its marks kept (not English-model, not de-accented text)
        marked = noise.letters and not noise.latin_marks and noise.drop < 0.5
        sure_names = _surely_read_names(tokens, in_names, confs, marked) if SURE_NAMES else {}
        plain_marked = marked and OWN_WORDS_TEXT and all(c is None for c in confs)
        own_words = (_repeated_sure_words(tokens, confs, self.known, plain_marked,
                                          frozenset(read for (read, _meant), _rate in noise.tone_swaps))
                     if OWN_WORDS else set())
        if OWN_ABBREVIATIONS:
            own_words |= _repeated_abbreviations(tokens, confs, plain_marked)
        changes, taught = self._changes(norm, tokens, slots, best, posts, style, noise, confs, pairs, named, ordered,
                                        sure_names, own_words)
        changes = renumber_headings(norm, tokens, _join_glued(tokens, changes, glued_sure))
        changes = archive_mark(norm, tokens, broken_numbers(norm, tokens, changes))
        changes = _broken_dates(norm, changes)
        if ODD_PERCENTAGES:
            changes = _odd_percentages(norm, tokens, changes)
        everyday: set[int] = set()
        if marked and EVERYDAY_WORDS:
            everyday, changes = self._everyday_words(norm, tokens, changes, taught, style)
        if marked and NAME_AGREEMENT:
            changes = name_agreement_doubts(norm, tokens, changes)
        if marked and DICTIONARY_PAIR_GUARD:
            changes = self._dictionary_pair_guard(norm, tokens, changes, taught)
        if marked and not any(c is not None for c in confs):
            # plain OCR text: no word confidence tells a speck's letter or a line of junk, their shape does
            changes = self._stray_letter_doubts(norm, tokens, changes)
            if SIGNATURE_ZONE_FLAGS:
                changes = _signature_zone_doubts(norm, tokens, changes, protected)
            if SHAPE_FLAGS:
                changes = _odd_shape_doubts(norm, tokens, changes, protected)
            # (after the flags above: they count towards a line of junk, and their neighbours are doubted)
            changes = _junk_line_doubts(norm, tokens, changes, protected, self.known)
            changes = self._recipients_heading_doubt(norm, tokens, changes)
            if RECIPIENT_TAIL_FLAGS:
                changes = _recipient_tail_doubts(norm, tokens, changes)
            changes = _doubt_beside_flags(norm, tokens, changes, self._common_words, taught)
        elif marked and SIGNATURE_ZONE_FLAGS:
            # with word confidences too: a signature is often read, confidently, as a lone "3" or "A"
            # between the signer's title and name
            changes = _signature_zone_doubts(norm, tokens, changes, protected)
        if marked and LONE_CAPITAL_FLAGS:
            changes = _lone_capital_doubts(norm, tokens, changes, protected)
        if marked and CAPS_AMID_SMALL:
            changes = caps_amid_small_doubts(norm, tokens, changes)
        if marked:
            changes = deputy_signer_doubts(norm, tokens, changes)
        if CONTEXT_DOUBTS and marked:
            changes = self._context_doubts(norm, tokens, changes, style)
        elif CONTEXT_DOUBTS and noise.letters and noise.latin_marks and CONTEXT_DOUBT_GAIN_ENGLISH is not None:
            changes = self._context_doubts(norm, tokens, changes, style, CONTEXT_DOUBT_GAIN_ENGLISH)
        if everyday:  # (the doubts above may have flagged them again: "chây ì" is no speck)
            changes = [c for c in changes if c[0].start not in everyday]
        changes = _broken_addresses(changes, addresses)
        if marked and UNIT_SUPERSCRIPTS:
            changes = unit_superscript_doubts(norm, changes)
        if marked and IA_NAMES:
            changes = ia_name_doubts(norm, tokens, changes)
        if marked and LAND_CODES:
            changes = land_code_doubts(tokens, changes)
        if noise.letters:
            changes = cited_year_doubts(norm, tokens, glued_code_doubts(tokens, changes))
            changes = clause_sequence_doubts(norm, tokens, changes)
        if stretches:
            changes = changes + [self._speck_change(norm, s) for s in stretches]
        if SECOND_AGREED_KEEP is not None and any(s is not None for s in seconds):
            changes = _agreed_keeps_trusted(tokens, changes, seconds, self.known)
        if noise.letters and not noise.latin_marks:
            changes = self._punctuation(norm, tokens, changes, periods)
        elif noise.letters:  # (an English model cannot write "đ": "d) ... d) e)" is "d) ... đ) e)")
            changes, labels = _point_labels(norm, changes)
            changes = changes + labels
        return _render(text, norm, to_input, _without_overlaps(changes))

    def _with_defined_abbreviations(self, norm: str) -> ProtectedWords:
        """The protected words plus the abbreviations the document defines ("Công ty ... Quảng
        Ngãi (QISC)", "viết tắt là KVĐT"): NĐ 30/2020 has a letter spell out a name once and
        abbreviate it after, so each use is the writer's word, not a misread of a syllable."""
        defined = {m.group(1) for m in _DEFINED_ABBREVIATION.finditer(norm)
                   if not is_valid_syllable(m.group(1).lower()) and m.group(1) not in self.protected}
        if not defined:
            return self.protected
        return dataclasses.replace(self.protected, abbreviations=self.protected.abbreviations | defined)

    def _punctuation(
        self, norm: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
        periods: list[tuple[int, int, int]],
    ) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
        """Misread punctuation mended: a stray full stop becomes a comma or nothing, whichever
        the LM prefers between the words as corrected; clause numbers and list dashes as the
        rules write them. A stop glued to a word that is itself changed joins that change."""
        dropped = [c[0] for c in changes if c[0].kind == SPECK]
        fixes = _applied_fixes(norm, clause_number_fixes(norm) + list_dash_fixes(norm) + half_spaced_dash_fixes(norm)
                               + signer_prefix_fixes(norm),
                               dropped)
        # (its stop may sit inside a changed token: "I.MUC")
        fixes += _applied_fixes(norm, glued_number_fixes(norm), [c[0] for c in changes])
        changes, labels = _point_labels(norm, changes)
        fixes += labels
        # a hyphen may be a loanword's ("mô-đun") or join two words ("kinh tế-xã hội"): flagged, but
        # for two syllables the corpus writes as a pair hundreds of times ("phê-duyệt": a speck)
        hyphens = joining_hyphens(norm)
        # (each word as the decoder wrote it: "TM. ỦY-BẠN NHÂN DÂN" is "ủy ban")
        applied = {c[0].start: c[1] for c in changes if not c[3]}
        specks = [offset for offset, left, right in hyphens + joining_hyphens(norm, capitals=True)
                  if self.lm.bigram_count(applied.get(offset - len(left), left).lower(),
                                          applied.get(offset + 1, right).lower()) >= SPECK_HYPHEN_PAIR_COUNT]
        fixes += _applied_fixes(norm, [PunctuationFix(offset, offset + 1, " ") for offset in specks],
                                [c[0] for c in changes])
        fixes += _suggested_signs(norm, [offset for offset, _, _ in hyphens if offset not in specks], " ", changes)
        fixes += _suggested_signs(norm, area_unit_marks(norm), "²", changes)
        if not periods:
            return changes + fixes
        by_end = {c[0].end: k for k, c in enumerate(changes) if not c[3] and c[0].kind != SPECK}
        out = list(changes)
        for offset, before, after in periods:
            left = [applied.get(tokens[j].start, tokens[j].text) for j in (before - 1, before) if j >= 0]
            right = [applied.get(tokens[j].start, tokens[j].text) for j in (after, after + 1) if j < len(tokens)]
            mark, confidence = self._comma_or_nothing(left, right)
            other = "" if mark else ","
            if not norm[offset + 1:offset + 2].isspace():
                mark, other = mark + " ", other + " "  # a stop glued between two words ("quan.chịu")
            k = by_end.get(offset)
            if k is None:
                stop = Token(offset, offset + 1, ".", PUNCTUATION)
                out.append((stop, mark, confidence, False, (other,)))
                continue
            tok, corrected, conf, flagged, alts = out[k]
            joined = Token(tok.start, offset + 1, norm[tok.start:offset + 1], tok.kind, tok.joined, tok.glued)
            out[k] = (joined, corrected + mark, conf, flagged, tuple(a + mark for a in alts))
        return out + fixes

    def _comma_or_nothing(self, left: list[str], right: list[str]) -> tuple[str, float]:
        """"," or "" in place of a stray stop between the words ``left`` and ``right`` of it,
        and the LM's posterior of that choice."""
        before, after = [canonical(w) for w in left], [canonical(w) for w in right]
        with_comma = self.lm.sentence_logprob(before + [COMMA] + after)
        without = self.lm.sentence_logprob(before + after)
        p_comma = 1.0 / (1.0 + math.exp(max(min(without - with_comma, 50.0), -50.0)))
        return ("," if p_comma >= 0.5 else ""), max(p_comma, 1.0 - p_comma)

    def _speck_change(self, norm: str, speck: Speck) -> tuple[Token, str, float, bool, tuple[str, ...]]:
        """Dropping a speck; only suggested when it holds a code, a date, an amount or a known
        abbreviation (a stray digit or a page number may go: "«4.", "2")."""
        piece = Token(speck.start, speck.end, norm[speck.start:speck.end], SPECK)
        holds_protected = any(t.kind == PROTECTED and not (t.text.isdigit() and len(t.text) <= 3)
                              for t in tokenize(piece.text, self.protected))
        return piece, "", SPECK_CONFIDENCE, holds_protected or speck.doubtful, ()

    def _speck_stretches(self, norm: str, noise: DocumentNoise) -> list[Speck]:
        """Page numbers, and specks read as text in OCR text read with a Vietnamese model: an
        English model writes symbols for marked letters ("nh@n" for "nhận"). Typed text, whose
        marks were stripped, has neither."""
        if not noise.letters:
            return []
        return speck_spans(norm, self.protected, symbols=not noise.latin_marks)

    # ------------------------------------------------------------------ lattice

    def _document_cache(self, tokens: list[Token], confs: list[float | None], small_only: bool = False) -> Counter[str]:
        """Marked words read with confidence elsewhere in the document (``small_only``: but for words
        opening with a capital, names' words most often)."""
        cache: Counter[str] = Counter()
        for tok, conf in zip(tokens, confs, strict=False):
            if small_only and tok.text[:1].isupper() and not tok.text.isupper():
                continue  # (a heading's capitals still count: "MÔI TRƯỜNG")
            if tok.kind == WORD and not tok.text.isascii() and has_marks(tok.text) and (conf is None or conf >= 85):
                word = canonical(tok.text)
                if word in self.known:
                    cache[word] += 1
        return cache

    def _slot(
        self, tok: Token, noise: DocumentNoise, conf: float | None, cache: Counter[str],
        memo: dict[tuple[str, str, bool, bool, str | None, float], _Slot], capitalised: bool = False,
        opens_name: bool = False, in_name: str | None = None, second: tuple[str, str] | None = None,
    ) -> _Slot:
        if second is not None:  # (pipeline words only, which have confidences too: never memoised)
            return self._make_slot(tok, noise, conf, cache, capitalised, opens_name, in_name, second)
        key = (tok.text, tok.kind, capitalised, opens_name, in_name, noise.drop)
        if conf is None and key in memo:
            return memo[key]  # slots are never changed in place: occurrences share one
        if conf is None and not cache:
            # no marked word read elsewhere in the document to favour: the slot depends on the
            # token and the noise alone, and documents share it (de-accented text has no marked
            # words, and the same words recur from one document to the next). Without letter
            # edits (diacritics mode) no reading has any, so the edit rate plays no part.
            shared = (*key, noise.wrong_mark, noise.edit if noise.letters else None, noise.ocr, noise.collapsed,
                      noise.letters, noise.latin_marks)
            slot = self._shared_slots.get(shared)
            if slot is None:
                if len(self._shared_slots) > 50_000:
                    self._shared_slots.clear()
                slot = self._shared_slots[shared] = self._make_slot(tok, noise, conf, cache, capitalised, opens_name,
                                                                    in_name)
            memo[key] = slot
            return slot
        slot = self._make_slot(tok, noise, conf, cache, capitalised, opens_name, in_name)
        if conf is None:
            memo[key] = slot
        return slot

    def _make_slot(
        self, tok: Token, noise: DocumentNoise, conf: float | None, cache: Counter[str],
        capitalised: bool = False, opens_name: bool = False, in_name: str | None = None,
        second: tuple[str, str] | None = None,
    ) -> _Slot:
        own = symbol_of(tok)
        if tok.kind == PROTECTED:
            return _Slot([own], Position(np.array([self.lm.id_of(own)]), np.zeros(1)), True, own, 1.0)
        if in_name in (PLACE_LISTED, YEAR_NAME):
            return _Slot([own], Position(np.array([self.lm.id_of(own)]), np.zeros(1)), False, own, 1.0)
        if in_name is not None and in_name.startswith(PLACE_SPELLED):
            # (the token as read stays the first reading, as in every slot, but is all but ruled out)
            words = [own, in_name[len(PLACE_SPELLED):]]
            return _Slot(words, Position(np.array([self.lm.id_of(w) for w in words]), np.array([-20.0, 0.0])),
                         False, own, 1.0)
        lower = nfc(tok.text).lower()
        if tok.kind == WORD and not noise.ocr and noise.drop >= 0.5 and conf is None and not capitalised:
            dominant = self.lexicon.dominant(lower)
            if dominant is not None:
                # fast path: one reading of these letters covers >= 99.5% of the corpus
                word, share = dominant
                return _Slot([word], Position(np.array([self.lm.id_of(word)]), np.zeros(1)), False, own, share)
        # a word the LM never saw may be a misread of one it knows, though its shape is a syllable's
        # ("quy boạch", "(iết tắt"); de-accented text has no word as written, its marks are all lost
        suspicious = not self.lexicon.plausible(lower) or (noise.drop < 0.5 and lower not in self.known)
        ocr = noise.letters and (noise.ocr or (suspicious and tok.kind == WORD) or tok.kind == MIXED)
        cands = self.generator.candidates(lower, ocr)
        place = self._place_counts.get(in_name) if in_name else None
        names = self._name_words.get(in_name, frozenset()) if in_name and place is None else frozenset(place or ())
        if names:  # a name may be too rare in the corpus to be among the readings of its letters
            offered = {cand.word for cand in cands}
            cands = cands + [Candidate(w, *_marks_only(mark_difference(lower, w)))
                             for w in self._names_by_letters.get(strip_marks(lower), ()) if w in names and w not in offered]
        if in_name == AFTER_PAREN:
            cands = cands + self._swallowed_by_paren(lower, {cand.word for cand in cands})
        if (ABBREVIATION_READINGS and ocr and tok.kind == WORD and tok.text.isupper()
                and len(tok.text) >= ABBREVIATION_READING_MIN_LENGTH and lower not in self.known):
            cands = [*cands, *_near_abbreviations(tok.text, self._frequent_abbreviations)]
        words = [own]
        # (a word of a listed place is a word, though the corpus may never write it: "Plông", "Pắc";
        # unmarked ones only in a place's name: elsewhere "tho" and "gio" have lost their marks)
        place_word = own in self._place_words and (has_marks(own) or in_name in (PLACE_FIRST, PLACE_NEXT))
        emissions = [0.0 if own in self.known or place_word else self._unknown_keep(lower, noise)]
        if noise.latin_marks and tok.kind == MIXED and lookalike_digits(tok.text):
            emissions[0] += ENGLISH_DIGIT_KEEP_LOGP
        if conf is not None:
            # a word the OCR engine doubted is easier to replace
            emissions[0] += math.log(min(max(conf / 100.0, 0.05), 0.999)) * 0.5
        same_letters = [True]
        for cand in cands:
            if cand.word == own:
                continue
            words.append(cand.word)
            # (a reading the learned confusions know is as near as one with the same letters: an English
            # model writes "dé" for "đô", and the many readings of "de" must not crowd it out)
            same_letters.append(cand.edits == 0 or cand.learned is not None)
            bonus = 0.7 * math.log1p(cache.get(cand.word, 0))
            if noise.latin_marks and ENGLISH_CHANNEL_WEIGHT:
                bonus += ENGLISH_CHANNEL_WEIGHT * min(0.0, self._english_channel(lower, cand.word) - ENGLISH_CHANNEL_SLACK)
            emissions.append(noise.emission(cand) + bonus)
        # (not in capitals: both recognisers lose a capital's small marks alike, under seals most)
        if second is not None and self._second_tones is not None and not (len(tok.text) > 1 and tok.text.isupper()):
            weigh_second_reading(second[0], lower, second[1], words, emissions, self._second_tones,
                                 SECOND_TONE_WEIGHT, SECOND_READING_LOGP)
        ids = np.array([self.lm.id_of(w) for w in words], dtype=np.int64)
        emission = np.array(emissions)
        if capitalised and len(words) > 1:
            # a capital inside a sentence: names, places, agencies ("Trần", "Phòng"), whose
            # readings the lower-cased LM alone ranks as common words ("trận", "phong")
            emission = emission + CAPITAL_WEIGHT * self._capital_logp[ids]
        if opens_name and len(words) > 1:
            # the first of a run of capitalised words: a family name, or the title before one
            emission = emission + NAME_OPENER_BONUS * np.isin(ids, self.name_openers)
        if in_name == NUMBER_LABEL and len(words) > 1:
            emission = emission + NUMBER_LABEL_BONUS * np.array([w == "số" for w in words])
        elif in_name == PLACE_UNIT and len(words) > 1:
            emission = emission + UNIT_BONUS * np.array([w in _UNIT_WORDS for w in words])
        elif place is not None and len(words) > 1:
            emission = emission + PLACE_WEIGHT * np.log1p([place.get(w, 0) for w in words])
            # (a unit's word opens a place's name, it is none of its words: "Thôn Thu Xà" is no "Thu Xã")
            emission = emission - UNIT_IN_NAME_PENALTY * np.array([w in _UNIT_WORDS and w != own for w in words])
        elif names and len(words) > 1:
            # (by word, not LM id: the corpus may know a name only as <unk>)
            bonus = FAMILY_NAME_BONUS if in_name == FAMILY_NAME else NAME_PART_BONUS
            emission = emission + bonus * np.array([w in names for w in words])
        limit = MAX_READINGS_OCR if ocr else MAX_READINGS
        if len(words) > limit or (len(words) > 1 and emission.min() < emission.max() - 12.0):
            # keep the lattice small: the token itself and the readings most likely a priori
            # (channel x unigram, with the same letters first)
            rank = emission + 0.5 * self.lm.uni_logp[ids] + 5.0 * np.array(same_letters)
            order = np.argsort(-rank[1:], kind="stable")[: limit - 1] + 1
            order = order[emission[order] >= emission.max() - 12.0]
            keep = np.concatenate([[0], np.sort(order)])
            words = [words[k] for k in keep]
            ids, emission = ids[keep], emission[keep]
        return _Slot(words, Position(ids, emission), False, own, 1.0)

    def _swallowed_by_paren(self, lower: str, offered: set[str]) -> list[Candidate]:
        """Known syllables that are ``lower`` with one or two letters before it (see AFTER_PAREN)."""
        if self._by_tail is None:
            self._by_tail = {}
            for w in self.lexicon.count:
                if is_valid_syllable(w):
                    for k in range(1, PAREN_SWALLOW_MAX + 1):
                        if len(w) > k + 1 and w[:k].isalpha():
                            self._by_tail.setdefault(w[k:], []).append(w)
        # (the cost rides on ``learned``: like a learned confusion, it is one fixed log-ratio)
        return [Candidate(w, 0.0, 0.0, 0.0, 0.0, PAREN_SWALLOW_LOGP * (len(w) - len(lower)))
                for w in self._by_tail.get(lower, ()) if w not in offered]

    def _unknown_keep(self, lower: str, noise: DocumentNoise) -> float:
        """Channel x prior for a word the LM does not know, read as it is.

        Rare words and names exist, but when the document lost its marks an unmarked
        unknown word is far more likely a known word without its marks; and a marked one that
        spells no syllable though its letters spell known words ("câp": cấp, cập) is a misread mark.
        """
        penalty = UNKNOWN_WORD_LOGP
        if not has_marks(lower):
            penalty += math.log(max(1.0 - noise.drop, 0.01))
        if not is_valid_syllable(lower):
            penalty += math.log(0.1)
            if has_marks(lower) and strip_marks(lower) in self.lexicon.by_key:
                penalty += MARKED_NON_SYLLABLE_LOGP
        return penalty

    def _decode(
        self, groups: list[list[int]], tokens: list[Token], slots: list[_Slot],
        previous: tuple[list[int], list[list[float] | None], set[int]] | None = None,
    ) -> tuple[list[int], list[list[float] | None]]:
        """Best reading and posteriors per token; with ``previous`` (best, posts, tokens to
        revisit), only the sentences holding a token to revisit are decoded again. ``groups``
        are the sentences (segment.sentences)."""
        comma = Position(np.array([self.lm.id_of(COMMA)]), np.zeros(1))
        lattice: list[list[Position]] = []
        owners: list[list[int]] = []
        for group in groups:
            if all(i < 0 or len(slots[i].words) == 1 for i in group):
                continue  # nothing to decide in this sentence
            if previous is not None and not any(i in previous[2] for i in group):
                continue  # the first decoding stands
            lattice.append([comma if i < 0 else slots[i].position for i in group])
            owners.append(group)
        paths, posts_by_sentence = decode_with_posteriors(self.lm, lattice)
        best = [0] * len(tokens) if previous is None else list(previous[0])
        posts: list[list[float] | None] = [None] * len(tokens) if previous is None else list(previous[1])
        for owner, path, post in zip(owners, paths, posts_by_sentence, strict=False):
            for i, j, p in zip(owner, path, post, strict=False):
                if i >= 0:
                    best[i] = j
                    posts[i] = p
        return best, posts

    # ------------------------------------------------------------------ changes

    def _changes(
        self,
        text: str,
        tokens: list[Token],
        slots: list[_Slot],
        best: list[int],
        posts: list[list[float] | None],
        style: str,
        noise: DocumentNoise,
        confs: list[float | None],
        pairs: list[float | None] | None = None,
        named: frozenset[int] | set[int] = frozenset(),
        ordered: frozenset[int] | set[int] = frozenset(),
        sure_names: dict[int, str] | None = None,
        own_words: frozenset[int] | set[int] = frozenset(),
    ) -> tuple[list[tuple[Token, str, float, bool, tuple[str, ...]]], set[int]]:
        """The decoder's choices as changes and flags, and the starts of the tokens a clerks'
        decision settles in their context (never doubted again). ``named``: listed names, trusted
        where Tesseract read them surely; ``ordered``: points' labels their list's order confirms,
        trusted however Tesseract read them; ``sure_names``: names' words read surely, by their part
        (a change of one is suggested unless it mends a misread); ``own_words``: words the page reads
        alike and surely again and again (_repeated_sure_words): kept as read against a change of
        their letters, and not doubted unless for another tone (blur's misread)."""
        sure_names = sure_names or {}
        # how often the page reads each word surely: a word it reads so elsewhere is less in doubt
        # where a blot or a seal lowers Tesseract's confidence in it
        surely_read = Counter(tok.text for tok, conf in zip(tokens, confs, strict=False)
                              if conf is not None and conf >= READ_ELSEWHERE_CONF)
        read_alike = Counter(tok.text for tok, conf in zip(tokens, confs, strict=False) if conf is not None)
        out = []
        taught: set[int] = set()
        learned = self.learned.active
        drop_strays = noise.letters and noise.edit >= STRAY_EDIT_LEVEL
        junk = _junk_letters(text, tokens) if noise.ocr else set()
        abbreviation_letters = {(fix.start, fix.end): fix.replacement for fix in abbreviation_letter_fixes(text)}
        year_branches = year_branch_fixes(text, tokens) if noise.letters and not noise.latin_marks else {}
        specks = self._specks(tokens, noise)
        decimals = dot_decimals(text, tokens)
        styled = _styled_capitals(text, tokens)
        ocr_weights = any(c is not None for c in confs)
        weights = DOUBT_WEIGHTS_OCR if ocr_weights else DOUBT_WEIGHTS_TEXT
        # (with word confidences the doubt score knows such tokens; plain text has only their shape)
        garbled = (_garbled(text, tokens, self.protected, self.lexicon.known_letters)
                   if noise.letters and not noise.latin_marks and not ocr_weights else set())
        written_as: dict[tuple[int, str, str], tuple[list[str], bool, float]] = {}
        unapply = UNAPPLY_DOUBT if ocr_weights else UNAPPLY_DOUBT_TEXT if noise.ocr else None
        alternatives_of: dict[tuple, list[str]] = {}
        alts_of: dict[tuple, tuple[str, ...]] = {}
        for i, (tok, slot) in enumerate(zip(tokens, slots, strict=False)):
            if slot.fixed and i in garbled:
                out.append((tok, tok.text, GARBLED_CONFIDENCE, True, ()))
                continue
            if slot.fixed:
                suggestion = self._code_suggestion(tok.text) if noise.drop >= 0.3 else None
                suggestion = (suggestion or legislature_suggestion(tok.text) or glued_year_suggestion(tok.text)
                              or numeric_date_suggestion(tok.text))
                if suggestion is not None:
                    out.append((tok, suggestion, CODE_SUGGESTION_CONFIDENCE, True, ()))
                elif i in decimals:
                    out.append((tok, tok.text.replace(".", ","), DECIMAL_SUGGESTION_CONFIDENCE, True,
                                (tok.text.replace(".", ","),)))
                elif (confs[i] is not None and confs[i] < PROTECTED_DOUBT_CONF) or self._odd_code(tok.text) or (
                        split_document_number(text, tokens, i)) or odd_address(tok.text) or odd_year(text, tokens, i) or (
                        odd_date_part(text, tokens, i)) or odd_share(text, tok) or odd_numeric_date(tok.text):
                    out.append((tok, tok.text, CODE_SUGGESTION_CONFIDENCE if confs[i] is None else confs[i] / 100.0,
                                True, ()))
                continue
            j = best[i]
            post = posts[i]
            confidence = slot.confidence if post is None else post[j]
            # each reading written like the token, once per distinct token (occurrences share a slot)
            written = written_as.get((id(slot), tok.text, tok.kind))
            if written is None:
                # (and the posterior a change needs to apply)
                written = written_as[id(slot), tok.text, tok.kind] = (
                    [self._surface(tok.text, w, style) for w in slot.words], _odd_case(tok.text) or (
                        _capitals_then_small(tok.text) and canonical(tok.text) in self.known),
                    self._apply_threshold(tok, slot.own, noise, ocr_weights))
            surface = tok.text if slot.words[j] == slot.own and not written[1] else written[0][j]
            hint = None
            if learned:
                left, right = _neighbours(text, tokens, i)
                decision = self.learned.decision(tok.text, left, right)
                if decision is not None:
                    word, forced = decision
                    if forced:
                        taught.add(tok.start)
                        if word != tok.text:
                            out.append((tok, word, 1.0, False, ()))
                        continue
                    hint = word
                if self.learned.keeps(tok.text, left, right):
                    continue
            if (tok.start, tok.end) in abbreviation_letters:  # "(b/€)", "(b€)": "(b/c)"
                out.append((tok, abbreviation_letters[tok.start, tok.end], FIX_CONFIDENCE, False, ()))
                continue
            if i in year_branches:  # "Tết Nguyên đán Ất Ty": "Tỵ"
                out.append((tok, year_branches[i], FIX_CONFIDENCE, False, ()))
                continue
            if drop_strays and tok.kind == WORD and (i in specks or i in junk):
                out.append((tok, "", STRAY_CONFIDENCE, False, ()))
                continue
            slipped = written[1] or not noise.latin_marks and noise.drop < 0.5 and _mixed_case(tok.text)
            if slipped and surface.istitle() and i >= 2 and _running_text_before(tokens, i - 1):
                # "giám sát VƯỢt ngưỡng", "khu vực CÒNn lại": a case slip inside running text
                surface = surface.lower()
            if surface != tok.text and _small_letter_among_capitals(text, tokens, i):
                surface = surface.upper()  # "CHỦ NGHiA VIỆT NAM": the mark read as the dot of an i
            if noise.latin_marks and surface != tok.text and _capitals_among_small(text, tokens, i):
                surface = surface[:1] + surface[1:].lower()  # "Giám đốc SO Nội vụ": "Sở"
            if (surface != tok.text and surface.isupper() and noise.letters and noise.drop < 0.5
                    and tok.text not in styled and _capitals_among_running_text(text, tokens, i, surface)):
                surface = surface.lower()  # "số VỤ VỈ\nphạm": "vi", as "VỤ" is "vụ" (_case_slip)
            if i in own_words and surface != tok.text and strip_marks(surface.lower()) != strip_marks(tok.text.lower()):
                surface = tok.text  # "heo" read surely 20 times is the letter's word, not "theo"
            changed = surface != tok.text or tok.joined
            if not changed and noise.letters and noise.drop < 0.5 and tok.text not in styled:
                lowered = self._case_slip(text, tokens, i, tok.text)
                if lowered is not None:
                    out.append((tok, tok.text.lower(), lowered, False, ()))
                    continue
            if not changed and noise.letters and noise.drop < 0.5 and _capital_lost_under_heading(text, tokens, i):
                out.append((tok, tok.text[:1].upper() + tok.text[1:], CASE_SLIP_CONFIDENCE, False, ()))
                continue
            # without OCR confidences a change's doubt is unused (applied by its posterior alone)
            doubt = -10.0
            if not changed and (i in ordered or i in named and (confs[i] is None or confs[i] >= NAMES_TRUSTED_CONF)
                                or i in own_words and _rival_is_no_tone_swap(slot.words, post, j)):
                pass  # a listed name in its place ("huyện Mộ Đức"), the page's own word: the LM knows them least
            elif not changed or ocr_weights or (noise.ocr and UNAPPLY_DOUBT_TEXT is not None):
                # a word left as read is judged by its posterior decided with a neighbour, when that
                # is lower (a change keeps its own: whether it applies is the decoder's call)
                paired = confidence if changed or pairs is None or pairs[i] is None else min(confidence, pairs[i])
                doubt = self._doubt(text, tokens, slots, i, j, paired, confs, surface, changed, weights, styled)
                read = slot.words[j]
                read_elsewhere = not changed and confidence >= READ_ELSEWHERE_POSTERIOR and (
                    # read surely at other places, and no reading of it differs by a tone alone...
                    surely_read[tok.text] >= READ_ELSEWHERE_TIMES and not any(tone_swap(read, w) for w in slot.words)
                    # ...or read alike at many, and none is one the page misreads as it
                    or READ_ALIKE_TIMES > 0 and read_alike[tok.text] >= READ_ALIKE_TIMES
                    and not any(_page_misreads_as(noise, w, read) for w in slot.words))
                if read_elsewhere:
                    doubt -= READ_ELSEWHERE_TRUST
            doubtful = doubt >= 0.0 or confidence < KEEP_DOUBT or i in garbled or (
                j == 0 and tok.kind == WORD and len(slot.words) > 1 and slot.words[0] not in self.known
                and not is_valid_syllable(tok.text) and not (OWN_FOREIGN_NAMES and i in own_words)
            )
            if tok.kind == MIXED and not (
                DIGIT_FIXES_APPLIED and confidence >= DIGIT_FIX_THRESHOLD and lookalike_digits(tok.text)
            ):
                # a change to a digit stays a suggestion, a token kept as read keeps its doubt (but for
                # a unit, "m2"), and a figure between small letters ("g1ao") is a misread however sure
                # the decoder is of it
                changed, doubtful = False, changed or (doubtful and not _SQUARE_UNIT.fullmatch(tok.text)) or bool(
                    _DIGIT_INSIDE_SMALL_WORD.search(tok.text))
            if not changed and not doubtful and hint is None:
                if self.tone_style and tone_style_of(tok.text) not in (None, self.tone_style):
                    out.append((tok, place_tone(tok.text, self.tone_style), 1.0, False, ()))
                continue
            # the alternatives follow from the token's readings, their order and the choice: the
            # occurrences of a word mostly share them
            order = tuple(range(len(slot.words)) if post is None else sorted(range(len(post)), key=post.__getitem__,
                                                                              reverse=True))
            alternatives_key = (id(slot), tok.text, j, hint, order)
            alternatives = alternatives_of.get(alternatives_key)
            if alternatives is None:
                alternatives = alternatives_of[alternatives_key] = self._alternatives(
                    tok.text, slot, post, j, style, hint, written[0], order)
            if changed:
                unsure = confidence < written[2] or (
                    SURE_KNOWN_APPLY and not noise.tone_swaps and noise.wrong_mark < SURE_KNOWN_MAX_MARK_NOISE
                    and confidence < SURE_KNOWN_APPLY and _surely_read_known(tok, confs[i], slot.own in self.known)
                    and canonical(surface) in self.known) or (
                    unapply is not None and doubt >= unapply and confidence < UNAPPLY_MAX_POSTERIOR) or (
                    confidence < SURE_TONE_REMOVAL and _removes_sure_tone(tok, surface, confs[i], slot.own in self.known)) or (
                    _guesses_over_real_word(tok, surface, confidence, confs[i], slot.own, self.known, noise)) or (
                    i in sure_names and confidence < SURE_NAME_POSTERIOR and _guesses_name(tok.text, surface, noise)
                    and not self._mends_unlisted_name(sure_names[i], tok.text, surface)) or (
                    confidence < SURE_TONE_SWAP and _swaps_sure_tone(tok, surface, confs[i], slot.own in self.known, noise)) or (
                    SURE_DICTIONARY_WORDS and _respells_sure_dictionary_word(tok, surface, confs[i], slot.own, self.known)) or (
                    confs[i] is not None and _clear_abbreviation(tok.text, confs[i])
                    and strip_marks(surface) != strip_marks(tok.text)) or (i in garbled)
                alts = alts_of.get((alternatives_key, surface))
                if alts is None:
                    alts = alts_of[alternatives_key, surface] = _alts(alternatives, surface)
                out.append((tok, surface, confidence, unsure, alts))
            else:
                suggestion = surface if tok.kind == MIXED else tok.text
                if doubt >= 0.0 and tok.text not in styled and self._capital_slip_shape(text, tokens, i, tok.text):
                    suggestion = tok.text.lower()
                out.append((tok, suggestion, confidence, True, _alts(alternatives, suggestion)))
        return out, taught

    def _apply_threshold(self, tok: Token, own: str, noise: DocumentNoise, ocr_weights: bool) -> float:
        """The posterior a change of the token needs to be applied rather than suggested: less for a
        word that is neither a syllable nor a known word (keeping it is surely wrong), more for a
        known word of plain text with its marks (read as another known word: a guess)."""
        if tok.kind != WORD:
            return APPLY_THRESHOLD
        if own not in self.known and not is_valid_syllable(tok.text):
            return NON_WORD_APPLY_THRESHOLD
        if own in self.known and not ocr_weights and noise.drop < 0.5 and not noise.latin_marks:
            return REAL_WORD_APPLY_THRESHOLD
        return APPLY_THRESHOLD

    def _mends_unlisted_name(self, part: str, read: str, surface: str) -> bool:
        """A family or middle name read as no listed one, changed to one ("Đỉnh Quang Khải" ->
        "Đinh"): a misread mended, not a name guessed at. (Given names are too many to list.)"""
        listed = self._name_words.get(part) if part in (FAMILY_NAME, MIDDLE_NAME) else None
        return listed is not None and canonical(read) not in listed and canonical(surface) in listed

    def _listed_name_words(self, text: str, tokens: list[Token], in_names: dict[int, str]) -> set[int]:
        """Tokens inside a person's or a place's name that are, as read, a listed word of that
        part of a name (dictionaries/place_names.txt, middle_names.txt...), or any syllable in a
        given name's place, a people's name however spelled ("Khmer"), and the title ("ông", "bà") before
        a family name."""
        out = set()
        for i, part in in_names.items():
            word = canonical(tokens[i].text)
            listed = self._place_words if part in (PLACE_FIRST, PLACE_NEXT) else self._name_words.get(part, frozenset())
            if (word in listed or part in (GIVEN_NAME, PLACE_LISTED, YEAR_NAME)) and is_valid_syllable(word):  # (given names are open: "Gái")
                out.add(i)
            elif part == PEOPLE_NAME and tokens[i].kind == WORD:
                out.add(i)  # (a people's name need be no syllable: "Khmer", "Xtiêng")
        families, titles = self._name_words[FAMILY_NAME], self._name_words[TITLE]
        lowered = [canonical(tok.text) for tok in tokens]
        for i in range(len(tokens) - 1):
            first, following = tokens[i].text, tokens[i + 1].text
            if not following[:1].isupper():
                continue
            if first[:1].isupper() and (lowered[i], lowered[i + 1]) in _CYCLE_YEARS:
                out.update((i, i + 1))  # a year's name in the sexagenary cycle: "Tết Nguyên đán Nhâm Dần"
            elif first[:1].isupper() and lowered[i] in _STEMS and i > 0 and lowered[i - 1] in _YEAR_WORDS:
                out.add(i)  # the stem of one whose branch was misread: "năm Nhâm Dân", "Nguyên đán Nhâm\nDàn"
            elif lowered[i] in titles and lowered[i + 1] in families:
                out.add(i)  # "ông", "bà" before a family name
        for i in range(1, len(tokens)):
            word, before = lowered[i], lowered[i - 1]
            if word in _LUNAR_MONTHS and before == "tháng":
                out.add(i)  # "tháng Giêng", "tháng Chạp"
            if (before, word) in _DOCUMENT_KINDS and _names_a_document(tokens, i - 1):
                out.update((i - 1, i))  # "Công điện số 131/CĐ-TTg": the kind of a document named by its number
            if tokens[i].text in _DATE_WORDS and any(
                    0 <= j < len(tokens) and tokens[j].kind != WORD for j in (i - 1, i + 1, i + 2)):
                out.add(i)  # a date's words beside its numbers, read or scribbled: "ngày |2 tháng 3 năm 2018"
            # the unit closing an agency's name: "Cục Thuế tỉnh", "Cổng TTĐT tỉnh", "đoàn thể huyện"
            # are read as they stand (the LM would rather "tính" after "thuế")
            if tokens[i].text in _AGENCY_UNITS and _unit_of_agency(text, tokens, i, AGENCY_HEADS_TRUSTED):
                out.add(i)
        return out

    def _everyday_words(
        self, text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
        taught: set[int], style: str,
    ) -> tuple[set[int], list[tuple[Token, str, float, bool, tuple[str, ...]]]]:
        """Syllables the legal corpus never wrote are often an everyday word's ("băn khoăn", "chây
        ì", "bụi rậm"), which underthesea's Viet74K dictionary lists. Two neighbours that spell such
        a word as read are kept as read, unflagged (their starts are returned); a known neighbour
        whose other marks would spell one with it ("có gắng") gets that reading as a suggestion."""
        pairs = self._viet74k_pairs()[0]
        by_start = {c[0].start: c for c in changes}
        words = [canonical(tok.text) if tok.kind == WORD else "" for tok in tokens]
        kept: set[int] = set()
        doubted: dict[int, tuple[Token, str, float, bool, tuple[str, ...]]] = {}
        for i in range(len(tokens) - 1):
            left, right = words[i], words[i + 1]
            if (not left or not right or left in self.known and right in self.known
                    or text[tokens[i].end:tokens[i + 1].start].strip()):
                continue
            if (left, right) in pairs:
                if not self._overruled_by_corpus(tokens, words, i, by_start):
                    kept.update(k for k in (i, i + 1) if tokens[k].start not in taught)
                continue
            if left not in self.known and right not in self.known:
                continue
            unknown, other = (i, i + 1) if right in self.known else (i + 1, i)
            tok = tokens[other]
            if (not is_valid_syllable(words[unknown]) or not tokens[unknown].text.islower() or not tok.text.islower()
                    or tok.start in by_start or tok.start in doubted
                    or tokens[unknown].start in by_start and not by_start[tokens[unknown].start][3]):
                continue  # (a name's "Gái", or a word the decoder mended: "gia câm" -> "gia cầm")
            readings = [w for w in self.lexicon.same_key(words[other]) if w != words[other]
                        and ((w, words[unknown]) if other < unknown else (words[unknown], w)) in pairs]
            if readings:
                suggestion = self._surface(tok.text, readings[0], style)
                doubted[tok.start] = (tok, suggestion, CONTEXT_DOUBT_CONFIDENCE, True, (suggestion, tok.text))
        starts = {tokens[k].start for k in kept}
        changes = [c for c in changes if c[0].start not in starts]
        return starts, _with_doubts(changes, doubted)

    def _overruled_by_corpus(
        self, tokens: list[Token], words: list[str], i: int,
        by_start: dict[int, tuple[Token, str, float, bool, tuple[str, ...]]],
    ) -> bool:
        """Whether the decoder read the pair i, i+1 as one the corpus writes often (EVERYDAY_OVERRULED_COUNT):
        "hò sơ" is in Viet74K, but the letter's "hồ sơ" is what OCR misread."""
        decoded = []
        for k in (i, i + 1):
            change = by_start.get(tokens[k].start)
            decoded.append(canonical(change[1]) if change and not change[3] and change[0].end == tokens[k].end
                           else words[k])
        return decoded != words[i:i + 2] and self.lm.bigram_count(*decoded) >= EVERYDAY_OVERRULED_COUNT

    def gazetteer_names(self) -> frozenset[tuple[str, ...]]:
        """The names of two words or more of underthesea's gazetteer of administrative units, as
        canonical syllables (empty without it). Read on first use."""
        return frozenset(self._gazetteer_provinces())

    def _gazetteer_provinces(self) -> dict[tuple[str, ...], tuple[frozenset[tuple[str, ...]], frozenset[str]]]:
        """Each gazetteer name (canonical syllables, two or more) -> the provinces it lies in, old
        and new (a province lies in itself), and the kinds of unit it names ("huyen", "xa", "thi
        tran"... without marks)."""
        if self._gazetteer is None:
            from pipeline.resources import ADDRESS_MAPPING_FIELDS, address_mapping_path

            path = address_mapping_path()
            provinces: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
            units: dict[tuple[str, ...], set[str]] = {}
            rows = json.loads(path.read_text(encoding="utf-8")).get("ward_mapping", []) if path else []
            for row in rows:
                names = {field: _gazetteer_entry(row.get(field)) for field in ADDRESS_MAPPING_FIELDS}
                within = {names[field][1] for field in ("old_province", "new_province") if names[field][1]}
                for field, (unit, words) in names.items():
                    if len(words) >= 2:
                        provinces.setdefault(words, set()).update({words} if field.endswith("province") else within)
                        units.setdefault(words, set()).add(unit)
            self._gazetteer = {name: (frozenset(found), frozenset(units[name])) for name, found in provinces.items()}
        return self._gazetteer

    def gazetteer_spellings(self) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        """Gazetteer names by their letters without marks (most letters spell one name only)."""
        if self._spellings is None:
            by_letters: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
            for name in self._gazetteer_provinces():
                by_letters.setdefault(tuple(strip_marks(w) for w in name), set()).add(name)
            self._spellings = {letters: tuple(sorted(names)) for letters, names in by_letters.items()}
        return self._spellings

    def _dictionary_pair_guard(
        self, text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
        taught: set[int],
    ) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
        """A word that spells a two-syllable dictionary word with its neighbour as read ("đầm ấm",
        "cờ bạc", "đầu cơ") is seldom a misread: a change that breaks such a pair, and makes none,
        is only suggested unless the decoder is sure of it (DICTIONARY_PAIR_GUARD_BELOW). (The legal
        LM reads "Tết đầm ấm" as "đảm": it knows "đảm bảo", not the warmth of a holiday.)"""
        index = {tok.start: i for i, tok in enumerate(tokens)}
        out = []
        for change in changes:
            tok, corrected = change[0], change[1]
            if (not change[3] and change[2] < DICTIONARY_PAIR_GUARD_BELOW and tok.kind == WORD and corrected
                    and corrected.lower() != tok.text.lower() and tok.start not in taught
                    and self._spells_two_syllable_word(text, tokens, index[tok.start], canonical(tok.text))
                    and not self._spells_two_syllable_word(text, tokens, index[tok.start], canonical(corrected))):
                change = (tok, corrected, change[2], True, tuple(dict.fromkeys((corrected, tok.text, *change[4]))))
            out.append(change)
        return out

    def _spells_two_syllable_word(self, text: str, tokens: list[Token], i: int, word: str) -> bool:
        """The word and a neighbour as read, one space apart, spell a two-syllable entry of Viet74K.
        (Stricter than the LM's ``pair_keys``, which hold every neighbouring pair of longer entries
        too: "đầu có" is one of those.)"""
        two_syllable_words = self._viet74k_pairs()[1]
        return any(pair in two_syllable_words for pair in _pairs_with_neighbours(text, tokens, i, word))

    def _viet74k_pairs(self) -> tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]]]:
        """From underthesea's Viet74K dictionary, read on first use (0.2 s): the neighbouring
        syllables of its entries of which the LM does not know both (the pairs of two known
        syllables are the LM's ``pair_keys``), and its two-syllable entries."""
        if self._dictionary_pairs is None:
            everyday, two_syllable_words = set(), set()
            for entry in read_viet74k():
                syllables = [canonical(w) for w in entry.replace("-", " ").split()]
                everyday.update((a, b) for a, b in itertools.pairwise(syllables) if a not in self.known or b not in self.known)
                if len(syllables) == 2:
                    two_syllable_words.add((syllables[0], syllables[1]))
            self._dictionary_pairs = (frozenset(everyday), frozenset(two_syllable_words))
        return self._dictionary_pairs

    def _stray_letter_doubts(
        self, text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
    ) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
        """Flag, with its deletion suggested, a lone small letter inside a line that the LM would
        much rather read without ("trợc tuyến theo v tại", "sử y dụng"): a speck read as a letter.
        A point letter ("điểm e"), a list marker ("a)", "b.") and a line's first word are left."""
        taken = {c[0].start: c for c in changes}
        applied = {start: c[1] for start, c in taken.items() if not c[3]}
        doubted: dict[int, tuple[Token, str, float, bool, tuple[str, ...]]] = {}
        for i in range(2, len(tokens) - 2):
            tok = tokens[i]
            letter = applied.get(tok.start, tok.text)  # a speck's mark may have been mended: "ỹ" -> "y"
            if (tok.kind != WORD or len(letter) != 1 or len(tok.text) > 2
                    or not (letter.islower() or _between_small_words(tokens, i))
                    or (tok.start in taken and taken[tok.start][3])
                    or text[tok.end:tok.end + 1] in (")", ".") or "\n" in text[tokens[i - 1].end:tok.start]
                    or "/" in text[tok.start - 1:tok.end + 1]  # "(b/c)": "báo cáo"
                    or letter in _UNIT_LETTERS and tokens[i - 1].text[-1:].isdigit()  # "5 m", "đồng/m" above
                    or tokens[i - 1].text.lower() in POINT_WORDS):
                continue
            window = [applied.get(tokens[j].start, tokens[j].text) if tokens[j].kind == WORD else symbol_of(tokens[j])
                      for j in range(i - 2, i + 3)]
            if any(not w for w in window):
                continue  # a neighbour is dropped: the window is not what the text reads
            kept = self._window_logprob(window)
            # a marked letter the corpus writes often is a word ("ở", "ý"): only a wide gap doubts it ("xác ý định")
            word = has_marks(letter) and self.known.get(canonical(letter), 0) >= STRAY_WORD_COUNT
            if kept - self._window_logprob(window[:2] + window[3:]) < -(STRAY_WORD_LOGP_GAP if word else STRAY_LETTER_LOGP_GAP):
                doubted[tok.start] = (tok, "", STRAY_LETTER_CONFIDENCE, True, tuple(dict.fromkeys((letter, tok.text))))
        return _with_doubts(changes, doubted)

    def _context_doubts(
        self, text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
        style: str, gain: float | None = None,
    ) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
        """Flag a known word that its neighbours reject for a near reading ("hướng dẫn của Trưởng
        ương" for "Trung ương", "đê nghị" for "đô"): a misread that happens to spell a word, which
        neither the word's shape nor the decoder's channel doubts. The reading is suggested only;
        a change the decoder applied is doubted too, and is then only suggested beside it."""
        taken = {c[0].start: c for c in changes}
        applied = {start: c[1] for start, c in taken.items() if not c[3]}
        # (a mix of letters and figures the decoder mended counts as its word: "Giam d6c" is "Giám đốc")
        symbols = np.array([self.lm.id_of(canonical(applied.get(t.start, t.text))
                                          if t.kind == WORD or t.kind == MIXED and applied.get(t.start) else symbol_of(t))
                            for t in tokens], dtype=np.int64)
        judged = []  # (token index, the word as it stands, its near readings)
        for i, tok in enumerate(tokens):
            if tok.kind != WORD or (tok.start in taken and taken[tok.start][3]):
                continue
            word = applied.get(tok.start, tok.text)
            lower = word.lower()
            if (len(lower) < 2 or lower not in self.known or (word != lower and not word[1:].islower())
                    or word != lower and lower in self._name_words[FAMILY_NAME]):
                continue
            lo, hi = max(0, i - 2), min(len(tokens), i + 3)
            if hi - lo < 3 or any(tokens[k].start in applied and not applied[tokens[k].start] for k in range(lo, hi)):
                continue  # a neighbour is dropped: the window is not what the text reads
            if (CONTEXT_SPARES_DICTIONARY_PAIRS and tok.start not in applied
                    and self._in_dictionary_pair(text, tokens, i, canonical(lower))):
                continue  # "đầm ấm", "lơ là": everyday words the legal LM would rather read "đảm", "lo"
            near = self._near_readings(lower)
            if near[0]:
                judged.append((i, word, near))
        lifts = self._window_lifts(symbols, [(i, near[1], near[2]) for i, _, near in judged])
        doubted: dict[int, tuple[Token, str, float, bool, tuple[str, ...]]] = {}
        last = -10  # the last word doubted
        for (i, word, (words, ids, costs)), lift in zip(judged, lifts, strict=True):
            if i - last <= 2:  # its window holds a suggestion now: judged again beside it
                lift = self._window_lifts(symbols, [(i, ids, costs)])[0]
            best = int(np.argmax(lift))
            titled = word != word.lower()
            if lift[best] > (gain if gain is not None else CONTEXT_DOUBT_TITLE_GAIN if titled else CONTEXT_DOUBT_GAIN):
                tok = tokens[i]
                suggestion = self._surface(word, words[best], style)
                readings = tuple(dict.fromkeys((suggestion, word, tok.text)))
                doubted[tok.start] = (tok, suggestion, CONTEXT_DOUBT_CONFIDENCE, True, readings)
                symbols[i] = ids[best]  # the next words are read beside the suggestion ("Trung ương")
                last = i
        return _with_doubts(changes, doubted)

    def _in_dictionary_pair(self, text: str, tokens: list[Token], i: int, word: str) -> bool:
        """The word and a neighbour as read, one space apart, are two syllables of a dictionary word
        ("đầm ấm", "lơ là", "bụi rậm"): everyday words the legal LM hardly knows, that a misread
        seldom spells."""
        for left, right in _pairs_with_neighbours(text, tokens, i, word):
            ids = self.lm.id_of(left), self.lm.id_of(right)
            if self.lm.unk not in ids and self.lm.spells_a_word(*ids):
                return True
        return False

    def _recipients_heading_doubt(
        self, text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
    ) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
        """Flag, with "Nơi" suggested, a short word opening a line before "nhận:" that the LM
        would much rather read as "Nơi" ("Áo nhận:", "Aơi nhận:"): the recipients' heading, which
        every letter has, misread under a seal or a signature ("Ghi nhận:" stays)."""
        taken = {c[0].start: c for c in changes}
        nhan = self.lm.id_of("nhận")
        heading = self._opening_logprob(self.lm.id_of("nơi"), nhan)
        doubted: dict[int, tuple[Token, str, float, bool, tuple[str, ...]]] = {}
        for i in range(len(tokens) - 1):
            tok, following = tokens[i], tokens[i + 1]
            change = taken.get(tok.start)
            word = tok.text if change is None or change[3] else change[1]  # (as the decoder wrote it)
            if (tok.kind != WORD or len(tok.text) > 4 or following.text.lower() != "nhận"
                    or not text[following.end:following.end + 3].lstrip(" ").startswith(":")
                    or not _opens_line(text, tokens, i) or strip_marks(word.lower()) == "noi"):
                continue
            if heading - self._opening_logprob(self.lm.id_of(canonical(word)), nhan) > RECIPIENTS_HEADING_GAIN:
                suggestion = "NƠI" if tok.text.isupper() and len(tok.text) > 1 else "Nơi"
                doubted[tok.start] = (tok, suggestion, GARBLED_CONFIDENCE, True, tuple(dict.fromkeys((suggestion, word))))
        return _with_doubts(changes, doubted)

    def _opening_logprob(self, first: int, second: int) -> float:
        """log P(first second) as a sentence's first two words."""
        bos = self.lm.bos
        return float(self.lm.logprob(np.array([bos, bos]), np.array([bos, first]), np.array([first, second])).sum())

    def _window_lifts(
        self, symbols: np.ndarray, judged: list[tuple[int, np.ndarray, np.ndarray]],
    ) -> list[np.ndarray]:
        """For each (position, reading ids, their costs): how much each reading raises the LM
        log-probability of the trigrams holding the position (two words each side), less its cost.
        One LM call for every full window; windows cut by the text's ends go one by one."""
        full = [(i, ids, costs) for i, ids, costs in judged if 2 <= i < len(symbols) - 2]
        out: dict[int, np.ndarray] = {}
        if full:
            sizes = [len(ids) + 1 for _, ids, _ in full]
            rows = np.repeat(np.stack([symbols[i - 2:i + 3] for i, _, _ in full]), sizes, axis=0)
            rows[:, 2] = np.concatenate([np.concatenate(([symbols[i]], ids)) for i, ids, _ in full])
            logp = self.lm.logprob(rows[:, :-2], rows[:, 1:-1], rows[:, 2:]).sum(axis=1)
            for (i, _, costs), piece in zip(full, np.split(logp, np.cumsum(sizes)[:-1]), strict=True):
                out[i] = piece[1:] - piece[0] - costs
        for i, ids, costs in judged:
            if i not in out:
                lo, hi = max(0, i - 2), min(len(symbols), i + 3)
                rows = np.tile(symbols[lo:hi], (len(ids) + 1, 1))
                rows[1:, i - lo] = ids
                logp = self.lm.logprob(rows[:, :-2], rows[:, 1:-1], rows[:, 2:]).sum(axis=1)
                out[i] = logp[1:] - logp[0] - costs
        return [out[i] for i, _, _ in judged]

    def _near_readings(self, lower: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """A known word's other readings (other marks, letter edits), their LM ids and channel costs."""
        hit = self._near.get(lower)
        if hit is None:
            cands = [c for c in self._near_generator.candidates(lower, True) if c.word != lower]
            hit = ([c.word for c in cands], np.array([self.lm.id_of(c.word) for c in cands], dtype=np.int64),
                   np.array([CONTEXT_EDIT_COST * c.edits + c.changed + c.dropped for c in cands]))
            if len(self._near) > 100_000:
                self._near.clear()
            self._near[lower] = hit
        return hit

    def _english_channel(self, observed: str, word: str) -> float:
        """log P(observed | word) - log P(observed | observed) under the English model's learned
        confusions; 0 without them."""
        key = (observed, word)
        hit = self._english_logp.get(key)
        if hit is None:
            hit = 0.0
            if self._confusions is not None and "eng" in self._confusions.models:  # type: ignore[attr-defined]
                model = self._confusions
                hit = model.log_prob(observed, word, "eng") - model.log_prob(observed, observed, "eng")  # type: ignore[attr-defined]
            if len(self._english_logp) > 200_000:
                self._english_logp.clear()
            self._english_logp[key] = hit
        return hit

    def _window_logprob(self, words: list[str]) -> float:
        """Log-probability of the trigrams inside ``words`` (none of the window's edges)."""
        ids = np.array([self.lm.id_of(canonical(w)) for w in words], dtype=np.int64)
        return float(self.lm.logprob(ids[:-2], ids[1:-1], ids[2:]).sum())

    def _case_slip(self, text: str, tokens: list[Token], i: int, word: str) -> float | None:
        """Confidence that a capital in mid-sentence is OCR's scaled-up small letter, when sure
        enough to apply: a run of capitals that are all such letters between small-letter words
        ("từ CƠ SỞ 2"), or a word in title case that is almost never capitalised mid-sentence and
        ends its phrase ("như Sau:"); never before another capitalised word (names, "Sở Nội vụ").
        Also a word in capitals with tone or vowel marks between small words ("ngày 03/01 về VIỆC
        đẩy nhanh"): no abbreviation carries such marks, and the corpus writes none (4 M words)."""
        if _capitals_among_running_text(text, tokens, i, word):
            return CASE_SLIP_CONFIDENCE
        if not _lookalike_capital(text, tokens, i, word) or names_a_people(tokens, i):
            return None
        if _before_capitalised_word(text, tokens, i):
            return None
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        joined = following is not None and following.kind == WORD and not text[tokens[i].end : following.start].strip()
        if _all_lookalike(word):
            # "lần thứ XX": Roman numerals are written in such capitals
            roman = set(word) <= ROMAN_DIGITS
            return CASE_SLIP_CONFIDENCE if is_valid_syllable(word) and not roman else None
        if not word[1:].islower():
            return None
        if joined:
            return None  # may open a name of common words: "Thương binh và Xã hội", "Khách sạn"
        capitalised = self._capital_rate(word, CASE_SLIP_MIN_COUNT)
        return 1.0 - capitalised if capitalised is not None and capitalised < CASE_SLIP_MAX_CAPITAL_RATE else None

    def _capital_slip_shape(self, text: str, tokens: list[Token], i: int, word: str) -> bool:
        """A capital OCR may have made of a small letter (``_lookalike_capital``), unless the
        writer's own capital is likelier: the word opens a run of capitalised words ("Giám đốc
        Sở Tài chính"), the corpus often capitalises it inside a sentence ("Chủ tịch"), or it opens
        a line's heading before a colon ("Kính gửi:", "Nơi nhận:")."""
        if (not _lookalike_capital(text, tokens, i, word) or _before_capitalised_word(text, tokens, i)
                or _names_a_document(tokens, i) or names_a_people(tokens, i)
                or (WRITERS_CAPITALS and _writers_capital(text, tokens, i))
                or self._in_agency_name(text, tokens, i) or _continues_a_name(text, tokens, i)):
            return False
        capitalised = self._capital_rate(word, CASE_SLIP_MIN_COUNT)
        if capitalised is not None and capitalised >= USUAL_CAPITAL_RATE:
            return False
        return not _opens_heading(text, tokens, i)

    def _in_agency_name(self, text: str, tokens: list[Token], i: int) -> bool:
        """Token i stands, capitalised as read, inside three words of a listed agency's name
        (dictionaries/agency_names.txt): "Lao động - Thương binh và Xã hội" writes its "Xã"."""
        for first in range(max(i - 2, 0), i + 1):
            window = tokens[first:first + 3]
            if (len(window) == 3 and all(t.kind == WORD for t in window)
                    and all(text[a.end:b.start].strip() in ("", "-", "–") for a, b in itertools.pairwise(window))
                    and tuple((canonical(t.text), t.text[:1].isupper()) for t in window) in self._agency_trigrams):
                return True
        return False

    def _capital_rate(self, word: str, min_count: int = 1) -> float | None:
        """How often the corpus writes ``word`` with a capital inside a sentence; None when the
        LM has no capital counts or the word is rarer than ``min_count``."""
        index = self.lm.index.get(canonical(word))
        if self.lm.cap_counts is None or index is None or self.lm.counts[index] < max(min_count, 1):
            return None
        return float(self.lm.cap_counts[index] / self.lm.counts[index])

    def _pair_confidence(self, groups: list[list[int]], slots: list[_Slot], best: list[int]) -> list[float | None]:
        """Per token, the posterior of its reading decided together with a neighbour (see
        decoder.pair_posteriors); None where no pair of its sentence is ambiguous."""
        comma = Position(np.array([self.lm.id_of(COMMA)]), np.zeros(1))
        lattice, owners, paths = [], [], []
        for group in groups:
            if all(i < 0 or len(slots[i].words) == 1 for i in group):
                continue
            lattice.append([comma if i < 0 else slots[i].position for i in group])
            paths.append([0 if i < 0 else best[i] for i in group])
            owners.append(group)
        out: list[float | None] = [None] * len(slots)
        for group, values in zip(owners, pair_posteriors(self.lm, lattice, paths), strict=True):
            for i, value in zip(group, values, strict=True):
                if i >= 0:
                    out[i] = value
        return out

    @staticmethod
    def _adapted_noise(
        tokens: list[Token], slots: list[_Slot], best: list[int], posts: list[list[float] | None],
        noise: DocumentNoise,
    ) -> DocumentNoise | None:
        """The document's mark-misread rate learned from its first decoding, when that is clearly
        above the estimate: misread marks mostly spell valid words ("thâm quyên" for "thẩm
        quyền"), which the estimate from ill-formed words cannot see, and the sure mark fixes
        of a first pass measure them."""
        marked = fixed = 0
        toned: Counter[int] = Counter()  # marked words by the tone read
        swapped: Counter[tuple[int, int]] = Counter()  # sure fixes of a tone alone
        for tok, slot, j, post in zip(tokens, slots, best, posts, strict=True):
            if tok.kind != WORD or slot.fixed or tok.text.isascii() or not has_marks(tok.text):
                continue
            marked += 1
            tone = split_tone(slot.own)[1]
            toned[tone] += 1
            if j and post is not None and post[j] >= ADAPT_SURE and strip_marks(slot.words[j]) == strip_marks(slot.own):
                fixed += 1
                swap = tone_swap(slot.own, slot.words[j])
                if swap is not None:
                    swapped[swap] += 1
        if marked < ADAPT_MIN_MARKED:
            return None
        # a blurred page swaps one tone for another again and again (hỏi read as sắc on ê and ô):
        # such a pair gets its own rate, counted over the words read with that tone, when it is
        # far above the rate of the other mark fixes
        swaps: dict[tuple[int, int], float] = {}
        pairs = {pair: count / toned[pair[0]] for pair, count in swapped.items() if count >= TONE_SWAP_MIN_FIXES}
        for pair, pair_rate in sorted(pairs.items(), key=lambda item: -item[1]) if TONE_SWAPS else ():
            rest = (fixed - sum(swapped[p] for p in (*swaps, pair))) / marked
            if pair_rate >= ADAPT_FACTOR * max(rest, noise.wrong_mark):
                swaps[pair] = min(pair_rate, TONE_SWAP_MAX_RATE)
        rate = min((fixed - sum(swapped[p] for p in swaps)) / marked, ADAPT_MAX_RATE)
        adapted = rate >= ADAPT_FACTOR * noise.wrong_mark
        if not adapted and not swaps:
            return None
        return dataclasses.replace(noise, wrong_mark=rate if adapted else noise.wrong_mark,
                                   tone_swaps=tuple(sorted(swaps.items())))

    def _odd_capital(self, word: str) -> bool:
        """A capital that may be OCR's scaled-up small letter: every letter has the shape of a
        small one ("CƠ SỞ"), or a title-case word of that shape that the corpus seldom capitalises
        inside a sentence ("các Cơ quan", not "Cục", "Chính phủ")."""
        if not word[:1].isupper() or strip_marks(word[0]) not in _LOOKALIKE_CAPITALS:
            return False
        if _all_lookalike(word):
            return True
        capitalised = self._capital_rate(word) if word[1:].islower() else None
        return capitalised is not None and capitalised < ODD_CAPITAL_RATE

    def _doubt(
        self, text: str, tokens: list[Token], slots: list[_Slot], i: int, j: int, confidence: float,
        confs: list[float | None], surface: str, changed: bool, weights: tuple[float, ...], styled: set[str],
    ) -> float:
        """Log-odds that the word as it will be written is wrong (flag it when >= 0).

        Combines the decoder's posterior, the OCR engine's confidence in the word and in its
        neighbours (misreads come in clusters), whether the output is a known, well-formed
        syllable and how common it is; the weights are fitted on held-out renders read by
        Tesseract (scripts/make_flag_calibration.py, scripts/eval_flags.py).
        """
        conf = confs[i]
        word = slots[i].words[j]
        count = self.known.get(word, 0)
        if (conf is None and confidence >= 0.98 and count >= 50 and not changed and self.trace is None
                and not self._odd_capital(surface)):
            return -10.0  # fast exit: nothing can make such a word doubtful without OCR confidences
        # a word Tesseract read surely that the decoder keeps surely: a blotted neighbour says nothing of it
        sure = (SURE_READ_ALONE and not changed and conf is not None and conf >= SURE_READ_CONF
                and confidence >= SURE_READ_POSTERIOR)
        features = _doubt_features(tokens[i], surface, confidence, conf, None if sure else _neighbour_confidence(confs, i),
                                   word in self.known, count, changed, len(slots[i].words) == 1,
                                   surface not in styled and self._capital_slip_shape(text, tokens, i, surface))
        doubt = sum(w * f for w, f in zip(weights, features, strict=True))
        if conf is None:
            doubt += FLAG_OFFSET_TEXT
            if (not changed and DICTIONARY_PAIR_TRUST and tokens[i].text.islower()  # (a capital's doubt is its case)
                    and self._in_dictionary_pair(text, tokens, i, word)):
                doubt -= DICTIONARY_PAIR_TRUST
        if self.trace is not None:
            tok = tokens[i]
            self.trace.append({"start": tok.start, "end": tok.end, "text": tok.text, "surface": surface,
                               "features": features, "doubt": doubt})
        return doubt

    def _merge_pieces(self, text: str, tokens: list[Token]) -> list[Token]:
        """Join two words split by OCR ("nhi ệm") when one piece is unknown and the whole is a word
        written in one case pattern ("và Ng]úd" is no "vàng")."""
        counts = [self.known.get(canonical(t.text), 0) if t.kind == WORD else -1 for t in tokens]
        out: list[Token] = []
        i = 0
        while i < len(tokens):
            a = tokens[i]
            if (
                i + 1 < len(tokens) and counts[i] >= 0 and counts[i + 1] >= 0
                and min(counts[i], counts[i + 1]) < MERGE_RARE_PIECE
                and text[a.end : tokens[i + 1].start] == " "
            ):
                b = tokens[i + 1]
                whole = a.text + b.text
                if (self.known.get(canonical(whole), 0) >= MERGE_MIN_COUNT and is_valid_syllable(whole)
                        and (whole.islower() or whole.isupper() or whole[1:].islower())):
                    out.append(Token(a.start, b.end, whole, WORD, joined=True))
                    i += 2
                    continue
            out.append(a)
            i += 1
        return out

    def _split_glued(self, tokens: list[Token]) -> tuple[list[Token], set[int]]:
        """Split words OCR glued together when it lost the spaces ("Pháthiện", "CHỈTHỊ") into
        their syllables, which are then decoded like any other; _join_glued makes them one change.
        Also returns the starts of the words whose split is sure."""
        sure: set[int] = set()
        out: list[Token] = []
        for tok in tokens:
            pieces = self._glued_pieces(tok.text) if tok.kind == WORD and len(tok.text) >= 4 else None
            if pieces is None:
                out.append(tok)
                continue
            pieces, certain = pieces
            if certain:
                sure.add(tok.start)
            at = tok.start
            for piece in pieces:
                out.append(Token(at, at + len(piece), piece, WORD, glued=(tok.start, tok.end)))
                at += len(piece)
        return out, sure

    def _glued_pieces(self, word: str) -> tuple[list[str], bool] | None:
        """The likeliest split of an unknown, ill-formed word into 2-4 common syllables written in
        one case pattern, one of them marked, and whether every two neighbours are a pair the corpus
        has seen."""
        if is_valid_syllable(word) or canonical(word) in self.known or self.lexicon.known_letters(word.lower()):
            return None  # "nghiép": one syllable with a misread mark
        # the pieces as read must carry marks: unmarked letters are more likely one misread syllable ("gido")
        splits = [pieces for pieces in _splits(word, self._glued_piece_ok, GLUED_MAX_PIECES)
                  if any(has_marks(piece) for piece in pieces)]
        if not splits:
            return None
        lm = self.lm
        best = max(splits, key=lambda pieces: (-len(pieces), lm.sentence_logprob([canonical(p) for p in pieces])))
        ids = np.array([lm.id_of(canonical(p)) for p in best], dtype=np.int64)
        return best, bool(lm.seen_bigrams(ids[:-1], ids[1:]).all())

    def _glued_piece_ok(self, piece: str, first: str | None) -> bool:
        if len(piece) < 2 or not is_valid_syllable(piece) or self.known.get(canonical(piece), 0) < GLUED_MIN_COUNT:
            return False
        if first is None:
            return piece.islower() or piece.isupper() or (piece[0].isupper() and piece[1:].islower())
        return piece.isupper() if first.isupper() else piece.islower()

    def _code_suggestion(self, code: str) -> str | None:
        """A protected code whose letters lost their marks ("ND-CP" for "NĐ-CP"): a suggestion only."""
        if code in self.protected or "@" in code or ("/" not in code and "-" not in code):
            return None

        def restore(m: re.Match[str]) -> str:
            piece = m.group()
            best = self._code_pieces.get(strip_marks(piece))
            if best is None or best == piece:
                return piece
            if self.lm.code_pieces[best] < 5 * (self.lm.code_pieces.get(piece, 0) + 1):
                return piece
            return best

        suggestion = re.sub(r"[^\W\d_]+", restore, code)
        return suggestion if suggestion != code else None

    def _odd_code(self, code: str) -> bool:
        """A code probably misread (see codes.odd_code), against the LM's code pieces and words."""
        return odd_code(code, self.lm.code_pieces, self.known, self.protected)

    def _specks(self, tokens: list[Token], noise: DocumentNoise) -> set[int]:
        """Specks read as letters: foreign letters or marks alone ("š", "ˆ") are never words;
        a lone unknown marked vowel ("ề") is one only where such specks are common (a noisy
        page), since rare words like "ì" in "chây ì" exist."""
        foreign, lone = set(), set()
        for i, tok in enumerate(tokens):
            word = tok.text
            if tok.kind != WORD or len(word) > 2:
                continue
            if not any(c in VIET_LETTERS for c in word):
                foreign.add(i)
            elif len(word) == 1 and not word.isascii() and canonical(word) not in self.known:
                lone.add(i)
        if noise.ocr or len(lone) + len(foreign) >= SPECKS_FOR_NOISY_PAGE:
            return foreign | lone
        return foreign

    def _alternatives(
        self, original: str, slot: _Slot, post: list[float] | None, chosen: int, style: str, hint: str | None,
        surfaces: list[str] | None = None, order: Sequence[int] | None = None,
    ) -> list[str]:
        """The other readings, likeliest first, written like ``original`` (``surfaces``: each
        reading so written, ``order``: the readings by posterior, when known)."""
        if order is None:
            order = range(len(slot.words)) if post is None else sorted(range(len(post)), key=post.__getitem__,
                                                                        reverse=True)
        ranked = [k for k in order if k not in (chosen, 0)][:6]
        if surfaces is None:
            alts = [self._surface(original, slot.words[k], style) for k in ranked]
        else:
            alts = [surfaces[k] for k in ranked]
        return [hint, *alts] if hint else alts

    def _surface(self, original: str, word: str, style: str) -> str:
        """The reading written like the original: its case and the document's tone style."""
        key = (original, word, style)
        hit = self._surfaces.get(key)
        if hit is None:
            if len(self._surfaces) > 200_000:
                self._surfaces.clear()
            hit = self._surfaces[key] = self._make_surface(original, word, style)
        return hit

    def _make_surface(self, original: str, word: str, style: str) -> str:
        if word.startswith("<") or word == COMMA:
            return original
        placed = place_tone(word, style)
        if original[:1] == "I" and original[1:2].islower() and word[:1] == "l":
            return placed  # "Iy" for "lý": a capital I is how OCR often reads a small l
        template = original if sum(c.isalpha() for c in original) >= 2 else original[:1].lower()
        if original[:1].isupper() and not original[1:2].isupper():
            return placed[:1].upper() + placed[1:]
        return apply_case(template, placed)


DOUBT_FEATURES = ("bias", "log(1-posterior)", "1-ocr_conf", "ocr_conf<50", "neighbour_conf<60", "unknown",
                  "invalid", "log_count", "changed", "one_reading", "odd_case", "one_letter", "mixed", "lookalike_capital",
                  "caps_abbreviation")
# log-odds weights of DOUBT_FEATURES; the bias holds the threshold (flag when the sum >= 0)
# (logistic regression, positives weighted x5, on 30 held-out renders read by `tesseract -l vie`,
# 11k syllables; the bias is then raised by 2.5 so that about 4% of the syllables of those pages
# are flagged). TEXT: fitted the same way with the OCR confidences left out. odd_case (a small
# letter before a capital, "kỊp") is set by hand to 3.0: all 11 such words of those pages were
# wrong, but other features already flagged them, so the fit left it near 0.
DOUBT_WEIGHTS_OCR = (6.34, 1.58, 7.31, -3.76, 3.23, 2.58, 1.19, -1.76, 0.66, 0.56, 3.0, -0.15, 2.55, 4.01,
                     -1.01)
DOUBT_WEIGHTS_TEXT = (10.28, 2.31, 0.0, 0.0, 0.0, 3.63, 2.18, -1.49, 0.0, 0.19, 3.0, -0.16, 5.57, 4.05, -1.02)
# with OCR confidences, a change this much above the flag threshold is only suggested: the word is
# most likely wrong either way, and a clerk should see it (below it, changes >= APPLY_THRESHOLD apply)
UNAPPLY_DOUBT = 4.5
UNAPPLY_MAX_POSTERIOR = 0.95  # ...unless the decoder is at least this sure of the change ("Sô:" -> "Số:")
# a word read from this confidence and kept from this posterior is not doubted for its neighbours'
# confidence (misreads come in clusters, but such a word is no misread: 94 flags of 95 were wrong on
# the degraded letters)
SURE_READ_ALONE = True
SURE_READ_CONF = 90.0
SURE_READ_POSTERIOR = 0.999
# a change that takes off a tone Tesseract read with this confidence applies only from this posterior
SURE_TONE_CONF = 95.0
SURE_TONE_REMOVAL = 0.99
# ...and one that puts another tone in its place, from this posterior, unless the page repeats that swap
# or it is blur's: a hỏi's hook read as a sắc (read, meant), a third of the character errors of the
# issue-5 renders, the reverse hardly ever ("có sổ ký nhận" is no "số")
SURE_TONE_SWAP = 0.8
BLUR_TONE_SWAPS = frozenset({(split_tone("á")[1], split_tone("ả")[1])})
# on a clean page (no tone swap repeated, marks misread less than once in a hundred words), a known word
# read with SURE_TONE_CONF made another known word needs this posterior, below it it is suggested:
# "nhận thay" -> "thấy" (0.96) was the legal LM's guess on a clean render ("được tặng thêm" -> "tăng", at
# 0.995, still goes through)
SURE_KNOWN_APPLY = 0.97
SURE_KNOWN_MAX_MARK_NOISE = 0.01
# a word Viet74K lists but the LM does not, read with SURE_TONE_CONF, is respelled only as a suggestion
SURE_DICTIONARY_WORDS = True
# a word of a person's or a place's name that Tesseract read, as a syllable, with this confidence is
# changed only from this posterior, else suggested: the LM knows names least ("Lường Văn Thoại",
# "huyện Vĩnh Tràng", "tỉnh Lam Giang" are no misreads of "Lương", "Trăng", "Lâm")
SURE_NAMES = True
PEOPLE_NAMES = True  # ...and a people's name after "dân tộc" (names.PEOPLE_NAME)
SURE_NAME_CONF = 90.0
SURE_NAME_POSTERIOR = 1.01
SURE_NAMES_TEXT = True
# a rare syllable (small letters or title case) read this surely this often, never below the floor, is
# the letter's own word: its letters are kept against the LM, and it is doubted only for another tone
OWN_WORDS = True
OWN_WORD_CONF = 95.0
OWN_WORD_REPEATS = 3
OWN_WORD_FLOOR = 60.0
OWN_WORD_RARE = 100  # (corpus count below which the LM knows a word too little to overrule the page)
OWN_WORDS_TEXT = True  # in plain text with its marks: a rare small-letter word written alike this often
OWN_WORD_REPEATS_TEXT = 4
# a name's word (title case) is the page's own from this confidence: Tesseract is less sure of the
# syllables of minority languages ("Krông", "Ea", "Pạt") however clearly they are printed, and the
# corpus may spell them though they are no Vietnamese syllable
OWN_NAME_CONF = 85.0
# ...and a name's word beside another that spells no syllable counts too ("đập Ea Sôt", Ê Đê: not "Số")
OWN_FOREIGN_NAMES = True
OWN_NAMES_TEXT = True  # in plain text, a name's word beside another counts too (written alike OWN_WORD_REPEATS_TEXT times)
# ...and a word in capitals that spells no syllable, read alike this surely OWN_WORD_REPEATS times
OWN_ABBREVIATIONS = True
OWN_ABBREVIATION_CONF = 85.0
# a name the page reads alike at two places is changed at neither alone (names.name_agreement_doubts)
NAME_AGREEMENT = True
UNAPPLY_DOUBT_TEXT: float | None = None  # the same for OCR text without confidences (None: never)
FLAG_OFFSET_TEXT = 0.0  # added to the doubt of words without OCR confidences
# taken from the doubt of a word kept as read that spells a dictionary word with a neighbour
DICTIONARY_PAIR_TRUST = 2.0
CONTEXT_SPARES_DICTIONARY_PAIRS = True
LAND_CODES = True  # "134 LÚC" among "ONT", "CLN": "LUC" (shapes.land_code_doubts)
IA_NAMES = True  # "Xã la Rơ Mai": "Ia" (names.ia_name_doubts)
UNIT_SUPERSCRIPTS = True  # a metre's raised figure read as a sign ("đồng/m”") is flagged (shapes.unit_superscript_doubts)
PROTECTED_DOUBT_CONF = 50.0  # numbers and codes Tesseract read with less confidence are flagged
DECIMAL_SUGGESTION_CONFIDENCE = 0.5
def _doubt_features(
    tok: Token, surface: str, posterior: float, conf: float | None, neighbour_conf: float | None,
    known: bool, count: int, changed: bool, one_reading: bool, lookalike_capital: bool,
) -> tuple[float, ...]:
    # a small letter followed by a capital ("kỊp", "gIa"): OCR, not a writer
    odd_case = any(a.islower() and b.isupper() for a, b in zip(surface, surface[1:], strict=False))
    return (
        1.0,
        math.log(max(1.0 - posterior, 0.0) + 0.01),
        0.0 if conf is None else (100.0 - conf) / 100.0,
        0.0 if conf is None else max(50.0 - conf, 0.0) / 50.0,
        0.0 if neighbour_conf is None else max(60.0 - neighbour_conf, 0.0) / 60.0,
        float(not known),
        float(not is_valid_syllable(surface)),
        math.log1p(count) / 10.0,
        float(changed),
        float(one_reading),
        float(odd_case),
        float(len(surface) == 1 and surface.isalpha()),
        float(tok.kind == MIXED),
        float(lookalike_capital),
        float(len(surface) >= 2 and surface.isupper() and not is_valid_syllable(surface)),
    )


_YEAR_WORDS = frozenset({"năm", "đán", "xuân", "tết", "mới"})  # words before a year's name ("Tết Nguyên đán Nhâm Dần")
_LUNAR_MONTHS = frozenset({"giêng", "chạp"})
_DATE_WORDS = frozenset({"ngày", "tháng", "năm"})
# the kinds of a document, capitalised where a sentence names one ("Chỉ thị số 11/CT-TTg", "Kế hoạch này")
# ("chương trình", "báo cáo", "hướng dẫn" are left out: most often plain nouns, "triển khai Chương trình này")
_DOCUMENT_KINDS = frozenset({("chỉ", "thị"), ("quyết", "định"), ("nghị", "định"), ("nghị", "quyết"), ("thông", "tư"),
                             ("thông", "báo"), ("kế", "hoạch"), ("công", "văn"), ("công", "điện"), ("tờ", "trình"),
                             ("quy", "chế"), ("quy", "định"), ("đề", "án"), ("pháp", "lệnh"), ("hiến", "pháp"),
                             ("kết", "luận")})
_DOCUMENT_NAMED_BY = frozenset({"số", "này", "liên", "tịch"})


def _names_a_document(tokens: list[Token], i: int) -> bool:
    """The word opens a document's kind followed by its number or "này": "Chỉ thị số 11/CT-TTg"."""
    if i + 2 >= len(tokens) or (canonical(tokens[i].text), canonical(tokens[i + 1].text)) not in _DOCUMENT_KINDS:
        return False
    after = tokens[i + 2]
    return after.kind == PROTECTED and any(c.isdigit() for c in after.text) or canonical(after.text) in _DOCUMENT_NAMED_BY


WRITERS_CAPITALS = True


def _writers_capital(text: str, tokens: list[Token], i: int) -> bool:
    """Capitals the writers of letters use for what they refer to: a document's kind ("thực hiện
    Chỉ thị, định kỳ báo cáo", "theo Kế hoạch của ...") and the departments in "các Sở, ban,
    ngành" or before the list of them ("Giám đốc các Sở: Nội vụ, Tư pháp")."""
    if i + 1 >= len(tokens):
        return False
    pair = (canonical(tokens[i].text), canonical(tokens[i + 1].text))
    return (pair in _DOCUMENT_KINDS or (pair[0] == "sở" and pair[1] in ("ban", "ngành"))
            or pair[0] == "sở" and text[tokens[i].end:tokens[i].end + 1] == ":")


def _continues_a_name(text: str, tokens: list[Token], i: int) -> bool:
    """Token i follows "và" or a comma inside a name whose words are capitalised: "Đầu tư, Xây
    dựng và Kinh doanh", "Văn hóa, Thể thao và Du lịch" (a word before, on the same line, opens
    with a capital)."""
    if i < 2:
        return False
    before = tokens[i - 1]
    if canonical(before.text) == "và" and not text[before.end:tokens[i].start].strip():
        earlier = [t for t in tokens[max(i - 3, 0):i - 1] if _same_line(text, t, tokens[i])]
        gap = text[earlier[0].start:before.start] if earlier else ""
    elif text[before.end:tokens[i].start].strip() == ",":
        earlier = [t for t in tokens[max(i - 2, 0):i] if _same_line(text, t, tokens[i])]
        gap = text[earlier[0].start:before.end] if earlier else ""
    else:
        return False
    return (any(t.kind == WORD and t.text[:1].isupper() and not t.text.isupper() for t in earlier)
            and not any(c in gap for c in ".;:"))


# a word the corpus capitalises inside a sentence at least this often is no OCR slip ("Chủ tịch": 28 %)
USUAL_CAPITAL_RATE = 0.2


def _applied_fixes(
    norm: str, fixes: list[PunctuationFix], clear_of: list[Token], kind: str = PUNCTUATION,
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """The changes that apply ``fixes``, but for those overlapping a token of ``clear_of``."""
    return [(Token(f.start, f.end, norm[f.start:f.end], kind), f.replacement, FIX_CONFIDENCE, False, ())
            for f in fixes if not any(t.start < f.end and f.start < t.end for t in clear_of)]


def _suggested_signs(
    norm: str, offsets: list[int], suggestion: str, changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """The one-character signs at ``offsets`` flagged with ``suggestion`` in their place: a hyphen
    joining two syllables ("phê-duyệt": " "), the sign OCR made of a raised "²" ("394m)": "²").
    Not inside another change (a dropped speck, a rejoined word)."""
    return [(Token(offset, offset + 1, norm[offset], PUNCTUATION), norm[offset], SIGN_SUGGESTION_CONFIDENCE, True,
             (suggestion,))
            for offset in offsets if not any(c[0].start <= offset < c[0].end for c in changes)]


AGENCY_KIND_CAPITALS = True


def _before_capitalised_word(text: str, tokens: list[Token], i: int) -> bool:
    """The next token, one space away, is a capitalised word that is no run of lookalike capitals:
    the token opens a name ("Sở Nội vụ", "Sở Tài chính"); or the one after a small word is, the
    token opening an agency's two-word kind ("Chi cục Thuế", "Ủy ban Kiểm tra Tỉnh ủy")."""
    following = tokens[i + 1] if i + 1 < len(tokens) else None
    if following is None or following.kind != WORD or text[tokens[i].end:following.start].strip():
        return False
    if following.text[:1].isupper():
        return not _all_lookalike(following.text)
    after = tokens[i + 2] if i + 2 < len(tokens) and AGENCY_KIND_CAPITALS else None
    return (after is not None and after.kind == WORD and after.text[:1].isupper() and following.text.islower()
            and not after.text.isupper() and text[following.end:after.start] == " ")


def _opens_heading(text: str, tokens: list[Token], i: int) -> bool:
    """The token opens a line whose first colon follows it or the next word ("Kính gửi:")."""
    if not _opens_line(text, tokens, i):
        return False
    line_end = text.find("\n", tokens[i].end)
    colon = text.find(":", tokens[i].end, len(text) if line_end < 0 else line_end)
    return colon >= 0 and len(text[tokens[i].end:colon].split()) <= 1


# a reading of such a token, or of a capital read badly with one ("TINH QUANG NGAÀI" -> "QUẶNG"),
# is only suggested: it is a guess however sure the LM is (was: applied at >= 0.9; SER unchanged on
# every OCR set, born-digital flag recall 62.2 -> 64.9 %)
_SHORT_CODE = re.compile(r"\d{1,3}[a-zđ]|[a-zđ]\d{1,3}")  # a point or class number: "10a", "b2"


GARBLED_SPARES_MARK_SLIPS = True  # capitals that only misread a mark ("QUYÉT") are no garbled header


def _garbled(text: str, tokens: list[Token], protected: ProtectedWords,
             marks_only: Callable[[str], bool] = lambda word: False) -> set[int]:
    """Tokens to flag in plain OCR text: one or two capitals that make no syllable, no known
    abbreviation and no Roman numeral ("T", "TH", "AT"; not the initial "T."), capitals with
    marks that make no syllable ("NGAÀI"), a short
    letter-digit mix that is no point number ("S3", "4E"); and a one- or two-letter word beside
    such a token ("VI" in "S3 AT VI T")."""
    found = set()
    for i, tok in enumerate(tokens):
        after = text[tok.end:tok.end + 1]
        if tok.kind == MIXED:
            odd = len(tok.text) <= 3 and not _SHORT_CODE.fullmatch(tok.text)
        elif tok.kind == WORD and tok.text not in protected and not is_valid_syllable(tok.text):
            # (small letters name points, "điểm b khoản 2"; capitals may be Roman numerals, "khóa XV";
            # an abbreviation carries no tone or vowel mark, so "NGAÀI" is a misread word)
            odd = tok.text.isupper() and (len(tok.text) <= 2 and after not in (")", ".") and not set(
                tok.text) <= HEADING_ROMAN_DIGITS or has_marks(tok.text.replace("Đ", "D"))
                and not (GARBLED_SPARES_MARK_SLIPS and marks_only(tok.text.lower())))
        else:
            odd = False
        if odd:
            found.add(i)
    misread_caps = [i for i in found if tokens[i].kind == WORD and has_marks(tokens[i].text.replace("Đ", "D"))]
    for i in sorted(found):
        for j in (i - 1, i + 1):
            if 0 <= j < len(tokens) and tokens[j].kind == WORD and len(tokens[j].text) <= 2 and _same_line(
                    text, tokens[min(i, j)], tokens[max(i, j)]):
                found.add(j)
    for i in misread_caps:  # the capitals read with it ("TINH QUẶNG NGAÀI"): the line was read badly
        for step in (-1, 1):
            j = i + step
            while (0 <= j < len(tokens) and abs(j - i) <= 3 and tokens[j].kind == WORD and tokens[j].text.isupper()
                   and _same_line(text, tokens[min(i, j)], tokens[max(i, j)])):
                found.add(j)
                j += step
    return found


SIGN_SUGGESTION_CONFIDENCE = 0.5
# times the corpus writes two syllables as a pair above which a hyphen joining them is a speck
# (loanwords' and joined words' pairs, "ra đa", "vắc xin", "tế xã", stay under 60)
SPECK_HYPHEN_PAIR_COUNT = 200.0
_UNIT_LETTERS = frozenset("mgl")  # metre, gram, litre
COMMON_WORDS = 300  # the most used words are never flagged only for standing beside a flagged one
# Plain OCR text: a lone small letter costing the LM this much (natural log) is a speck's
STRAY_LETTER_LOGP_GAP = 5.0
STRAY_WORD_COUNT = 1000  # a marked lone letter the corpus writes this often is a word ("ở", "ý"), no speck
STRAY_WORD_LOGP_GAP = 10.0
# a known word is doubted when a near reading lifts the LM log-probability of its five-word window
# by this much (nats) over the reading's channel cost; a capitalised word needs more (names, headings)
CONTEXT_DOUBT_GAIN = 6.0  # (3 flagged 15 words of one real directive, 1 rightly: the LM knows laws, not every phrase)
CONTEXT_DOUBT_TITLE_GAIN = 7.0
CONTEXT_EDIT_COST = 4.0  # nats per letter edit (a mark change or a lost mark costs one)
CONTEXT_DOUBT_CONFIDENCE = 0.5
CONTEXT_DOUBTS = True
# the per-document cache in the doubt: a word left as read, that the decoder is sure of, which the page
# reads alike and surely at READ_ELSEWHERE_TIMES places, is this much less doubted
READ_ELSEWHERE_TRUST = 2.0
READ_ELSEWHERE_CONF = 95.0
READ_ELSEWHERE_TIMES = 2
READ_ELSEWHERE_POSTERIOR = 0.99
# ...or reads alike at this many places however surely, when no other reading of it is one the page
# misreads as it (DocumentNoise.tone_swaps, blur's hỏi read as sắc): a blurred page's "điểm" (0: off)
READ_ALIKE_TIMES = 5
SLASH_PARTS = True  # in text read with its marks, a slash between words parts them for the LM (segment.sentences)
SMALL_WORDS_OWN_CACHE = True  # a small-letter word's document cache leaves out capitalised readings (names)
# a person's or a place's name word in its place is not doubted for the LM's surprise alone (plain text)
NAMES_TRUSTED = True
ORDERED_LABELS_TRUSTED = True  # a point's label its list's order confirms ("c)" between "b)" and "d)") is no doubt
NAMES_TRUSTED_CONF = 85.0  # ...nor, with word confidences, when Tesseract read it at least this surely
CAPS_AMID_SMALL = True  # marks added to a short unmarked word in capitals amid small letters are suggested (shapes)
LONE_CAPITAL_FLAGS = True  # False: no flag for a lone capital letter in running text (_lone_capital_doubts)
# English-model text: every word is a fix, and a doubted fix gives back the misread; only a larger
# lift doubts it (3 nats: corr_eng SER 3.65 -> 3.90 %; 6: -> 3.73 %, held-out flags 37 -> 45 %). None: off
CONTEXT_DOUBT_GAIN_ENGLISH: float | None = 6.0
RECIPIENTS_HEADING_GAIN = 5.0  # nats "Nơi nhận" must gain over the line's own first two words
STRAY_LETTER_CONFIDENCE = 0.5
_TEXT_CHUNK_CHARS = re.compile(r"[\w&/.,:;()\-%\u2013\u2014\"'“”‘’]+")


# Signs an English model writes for a Vietnamese vowel it has no letter for ("tru@ng" for
# "trường", "chi?c" for "chức", "x€p" for "xếp", "k¥" for "kỹ"): inside a word they are letters
# to decode (the learned confusions know them), not a break between two words or an e-mail
_VOWEL_SIGNS = "?@€¢¥§£"
_SIGN_WORD = re.compile(f"[^\\W\\d_]+(?:[{_VOWEL_SIGNS}][^\\W\\d_]*)+")


def _sentence_goes_on(text: str, end: int) -> bool:
    """A word follows on the same line (after spaces): the sign before them ended no sentence."""
    rest = text[end:end + 40].lstrip(" \t")
    return bool(rest) and rest[0].isalpha()


def _rejoin_symbol_words(text: str, tokens: list[Token]) -> list[Token]:
    """English-model text: a word cut by such a sign, or kept whole as an e-mail for its "@",
    becomes one word again (a "?" ending a word counts only when a word follows it on its line:
    otherwise it may end a question; an address with a domain stays protected)."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        match = _SIGN_WORD.match(text, tok.start) if tok.kind in (WORD, PROTECTED) else None
        end = match.end() if match else tok.end
        if match and text[end - 1] == "?" and not _sentence_goes_on(text, end):
            end -= 1  # a question mark, unless the sentence goes on after it ("Căn cứ? Luật")
        if tok.kind == PROTECTED:  # only an "@" word with nothing after it: "tru@ng", not "a@b.vn"
            out.append(Token(tok.start, end, tok.text, WORD) if match and end == tok.end else tok)
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and tokens[j].start < end:
            j += 1
        if end <= tok.end or tokens[j - 1].end > end or any(t.kind != WORD for t in tokens[i + 1 : j]):
            out.append(tok)
            i += 1
            continue
        out.append(Token(tok.start, end, text[tok.start:end], WORD))
        i = j
    return out


def _between_small_words(tokens: list[Token], i: int) -> bool:
    """A capital between two small-letter words ("trên địa bàn A kiến"): no heading, name or
    Roman numeral ("Chương I", "khóa X Điều") stands so."""
    return all(tokens[j].kind == WORD and tokens[j].text[:1].islower() for j in (i - 1, i + 1))


def _junk_line_doubts(
    text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
    protected: ProtectedWords, known: dict[str, int],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """Flag every word of a line that is at least half junk (flagged, or shaped like no word: a
    seal's rim, a signature, a table's rules read as letters: "no ME nữ", "ý À GÀ"): its other
    words are read from the same mess and are rarely right either."""
    by_start = {c[0].start: c for c in changes}
    lines: dict[int, list[int]] = {}
    line = prev = 0
    for i, tok in enumerate(tokens):
        line += text.count("\n", prev, tok.start)
        prev = tok.start
        change = by_start.get(tok.start)
        if change is None or change[3] or change[1]:  # a word dropped for sure is no longer there
            lines.setdefault(line, []).append(i)
    out = list(changes)
    for members in lines.values():
        bad = sum(1 for i in members if (tokens[i].start in by_start and by_start[tokens[i].start][3])
                  or (tokens[i].start not in by_start and _junk_shaped(text, tokens[i], protected, known)))
        if bad and 2 * bad >= len(members):
            out += [(tokens[i], tokens[i].text, GARBLED_CONFIDENCE, True, ())
                    for i in members if tokens[i].start not in by_start]
            if JUNK_LINE_GUESSES_SUGGESTED:  # a reading of a word read from the mess is a guess ("Vẻ" -> "Về")
                guesses = {tokens[i].start for i in members if tokens[i].start in by_start}
                out = [(c[0], c[1], c[2], True, c[4]) if c[0].start in guesses and not c[3] else c for c in out]
    return sorted(out, key=lambda change: change[0].start)


JUNK_LINE_GUESSES_SUGGESTED = True


def _doubt_beside_flags(
    text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
    common: frozenset[str], taught: set[int] = frozenset(),
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """Flag a short word (three letters at most) beside a flagged one on its line, unless it is one
    of the most used words: OCR errors come in clusters, and a short uncommon word next to a
    doubtful one is most often a piece of the same misreading ("ý À GÀ" under a signature, "Do lô
    in" in a signing block). The decoder's reading of such a word is then only suggested, but for
    the clerks' decisions (``taught``). Plain OCR text only, where no word confidence singles them
    out."""
    by_start = {c[0].start: c for c in changes}
    spans = sorted((c[0].start, c[0].end) for c in changes)
    flagged = [i for i, tok in enumerate(tokens) if tok.start in by_start and by_start[tok.start][3]]
    doubted: dict[int, tuple[Token, str, float, bool, tuple[str, ...]]] = {}
    for i in flagged:
        for j in (i - 1, i + 1):
            if not 0 <= j < len(tokens) or tokens[j].start in doubted:
                continue
            tok = tokens[j]
            if not (tok.kind in (WORD, MIXED, PROTECTED) and len(tok.text) <= 3 and canonical(tok.text) not in common
                    and _same_line(text, tokens[min(i, j)], tokens[max(i, j)])) or _LUU_BEFORE.search(text, max(tok.start - 12, 0), tok.start):
                continue  # (NĐ 30's archive mark "Lưu: VT" stands beside the drafter's initials)
            if tok.kind == PROTECTED and text[tok.start - 1:tok.start] == "(" and text[tok.end:tok.end + 1] == ")":
                continue  # a recipient's "(b/c)", read whole with its brackets, beside the seal's junk
            change = by_start.get(tok.start)
            if change is None and not _inside_spans(tok, spans):
                doubted[tok.start] = (tok, tok.text, GARBLED_CONFIDENCE, True, ())
            elif (DOUBT_FIXES_BESIDE_FLAGS and change is not None and not change[3] and change[0] == tok
                  and tok.kind == WORD and change[1] and change[1] != tok.text and tok.start not in taught):
                # the decoder's reading of such a word is a guess too ("S Nó CT" read as "No")
                doubted[tok.start] = (tok, change[1], GARBLED_CONFIDENCE, True, (change[1], tok.text))
    return _with_doubts(changes, doubted)


DOUBT_FIXES_BESIDE_FLAGS = True
_LUU_BEFORE = re.compile(r"\bLưu\s*:\s*$")
EVERYDAY_WORDS = True  # see Corrector._everyday_words
EVERYDAY_OVERRULED_COUNT = 100  # corpus count of the decoded pair that overrules a Viet74K pair as read
DICTIONARY_PAIR_GUARD = True  # see Corrector._dictionary_pair_guard
# ...for changes below this posterior: the right ones that break such a pair are sure ("địa bàn tính"
# -> "tỉnh" at 0.97, "dịch vụ viên thông" -> "viễn" at 0.999), the wrong ones were not (0.60-0.71)
DICTIONARY_PAIR_GUARD_BELOW = 0.95


RARE_DICTIONARY_READINGS = True


@functools.lru_cache(maxsize=1)
def _dictionary_syllables() -> frozenset[str]:
    """The syllables of Viet74K's words of two or more syllables, as LM words."""
    return frozenset(canonical(s) for entry in read_viet74k() for s in entry.split() if len(entry.split()) >= 2)


@functools.lru_cache(maxsize=1)
def _dictionary_words() -> frozenset[str]:
    """Viet74K's one-syllable words, as LM words."""
    return frozenset(canonical(entry) for entry in read_viet74k() if len(entry.split()) == 1)


@functools.lru_cache(maxsize=1)
def read_viet74k() -> tuple[str, ...]:
    """The entries of underthesea's Viet74K dictionary (a required package; none without it)."""
    from pipeline.resources import underthesea_file

    path = underthesea_file("corpus", "data", "Viet74K.txt")
    return tuple(path.read_text(encoding="utf-8").splitlines()) if path else ()


SIGNATURE_ZONE_FLAGS = True  # False: leave the recipients' and signer's block to the other rules
# plain text: the words after a recipient's last ";" on its line (shapes._recipient_tail_doubts)
RECIPIENT_TAIL_FLAGS = True


SHAPE_FLAGS = True  # False: no flags for the shapes of _odd_shape_doubts


_SQUARE_UNIT = re.compile(r"(?:\d+(?:[.,]\d+)?)?[kcdh]?m[23]")  # "m2", "km2", "62,9m2"
_DIGIT_INSIDE_SMALL_WORD = re.compile(r"(?<![^\W\d_])[a-zđà-ỹ]+\d[a-zđà-ỹ]+(?![^\W\d_])")


def _inside_spans(tok: Token, spans: list[tuple[int, int]]) -> bool:
    """Whether the token overlaps one of the sorted (start, end) spans."""
    k = bisect_right(spans, (tok.start, float("inf"))) - 1
    return any(0 <= m < len(spans) and spans[m][0] < tok.end and tok.start < spans[m][1] for m in (k, k + 1))


def _junk_shaped(text: str, tok: Token, protected: ProtectedWords, known: dict[str, int]) -> bool:
    """A token no writing of a letter makes: signs no text uses around it ("2ˆ", "«4E"), a word
    that is no syllable, abbreviation or known word ("kmmsaam"), a short odd letter-digit mix."""
    start, end = tok.start, tok.end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    if not _TEXT_CHUNK_CHARS.fullmatch(text[start:end]) or any(
            c.isalpha() and c not in VIET_LETTERS for c in tok.text):
        return True
    if tok.kind == MIXED:
        return len(tok.text) <= 3 and not _SHORT_CODE.fullmatch(tok.text)
    if tok.kind != WORD or tok.text in protected:
        return False
    return not is_valid_syllable(tok.text) and canonical(tok.text) not in known


DATE_REPAIR_CONFIDENCE = 0.97  # separators only: the digits are the reader's
DATE_DOUBT_CONFIDENCE = 0.5


def _broken_dates(
    text: str, changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """Write the separators a numeric date after "ngày" lost ("29 11 2022" -> "29/11/2022"); one
    that makes no valid date is flagged. Either replaces what was decided for its numbers."""
    repairs = []
    for repair in broken_dates(text):
        span = Token(repair.start, repair.end, repair.original, PROTECTED)
        if repair.repaired is None:  # (suggested without the stray first figure that broke it, if any)
            repairs.append((span, numeric_date_suggestion(repair.original) or repair.original, DATE_DOUBT_CONFIDENCE,
                            True, ()))
        else:
            repairs.append((span, repair.repaired, DATE_REPAIR_CONFIDENCE, False, ()))
    return over_spans(changes, repairs)


def _broken_addresses(
    changes: list[tuple[Token, str, float, bool, tuple[str, ...]]], repairs: list[AddressRepair],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """Mend each e-mail address OCR broke ("tonghop(@quangnøai.gov.vn"): one change that replaces
    whatever was decided in its span, applied unless the mended address is still odd (then
    suggested: "vanlinh.pgv.vn")."""
    return over_spans(changes, [(Token(r.start, r.end, r.original, PROTECTED), r.repaired, ADDRESS_REPAIR_CONFIDENCE,
                                  odd_address(r.repaired), ()) for r in repairs])


ODD_PERCENTAGES = True


_NAME_LABELS = frozenset({FAMILY_NAME, MIDDLE_NAME, GIVEN_NAME, PLACE_FIRST, PLACE_NEXT, PEOPLE_NAME})


def _surely_read_names(
    tokens: list[Token], in_names: dict[int, str], confs: list[float | None], marked: bool,
) -> dict[int, str]:
    """Tokens of a person's or a place's name read as a syllable with at least SURE_NAME_CONF, or,
    in plain text read with its marks (no confidences), with SURE_NAMES_TEXT."""
    return {i: label for i, label in in_names.items() if label in _NAME_LABELS
            and (marked and SURE_NAMES_TEXT if confs[i] is None else confs[i] >= SURE_NAME_CONF)
            and tokens[i].kind == WORD and is_valid_syllable(tokens[i].text.lower())}


def _repeated_sure_words(
    tokens: list[Token], confs: list[float | None], known: Mapping[str, int], plain: bool = False,
    swapped_tones: frozenset[int] = frozenset(),
) -> set[int]:
    """Syllables in small letters or opening with a capital (not in capitals, whose marks Tesseract
    drops) read alike with at least OWN_WORD_CONF at OWN_WORD_REPEATS places or more, and never
    below OWN_WORD_FLOOR, that the corpus writes fewer than OWN_WORD_RARE times: the letter's own
    words, which the legal LM knows too little to judge ("heo bệnh" in a letter on swine fever is
    no "theo"; "huyện Krông Yang"). A common word read surely is still doubted: "có gắng" is "cố".
    A name's word counts from OWN_NAME_CONF, unless it carries a tone the page misreads for another
    (``swapped_tones``, read tones of DocumentNoise.tone_swaps): a blurred page reads "Khuổi" as
    "Khuối" at every place, and not so surely."""
    sure: Counter[str] = Counter()
    shaky: set[str] = set()
    for i, (tok, conf) in enumerate(zip(tokens, confs, strict=False)):
        if conf is None and plain:
            # (plain text: repeats alone, small letters, and if OWN_NAMES_TEXT the words of a name of
            # two words or more: a seal's junk repeats lone capitalised pieces, "Si")
            conf = OWN_WORD_CONF if tok.text.islower() or OWN_NAMES_TEXT and tok.text.istitle() and (
                _beside_title_word(tokens, i)) else None
        title = tok.text.istitle() and conf is not None
        if (tok.kind != WORD or conf is None or not (tok.text.islower() or title) or not (
                is_valid_syllable(tok.text.lower()) or title and canonical(tok.text) in known
                or OWN_FOREIGN_NAMES and title and _beside_title_word(tokens, i))):
            continue
        name = title and split_tone(tok.text.lower())[1] not in swapped_tones
        if conf >= (OWN_NAME_CONF if name else OWN_WORD_CONF):
            sure[tok.text] += 1
        elif conf < OWN_WORD_FLOOR:
            shaky.add(tok.text)
    words = {w for w, n in sure.items()
             if n >= (OWN_WORD_REPEATS_TEXT if plain else OWN_WORD_REPEATS) and w not in shaky
             and known.get(canonical(w), 0) < OWN_WORD_RARE}
    return {i for i, tok in enumerate(tokens) if tok.kind == WORD and tok.text in words}


def _repeated_abbreviations(tokens: list[Token], confs: list[float | None], plain: bool = False) -> set[int]:
    """Words in capitals that spell no syllable ("PTDTBT", "TH&THCS"), read alike with at least
    OWN_ABBREVIATION_CONF at OWN_WORD_REPEATS places or more (``plain`` text: written alike at
    OWN_WORD_REPEATS_TEXT places): the letter's own abbreviations, kept and not doubted at any of
    their places (blur loses marks, not a capital's strokes)."""
    shaped = [i for i, tok in enumerate(tokens) if _abbreviation_shape(tok)]
    sure = Counter(tokens[i].text for i in shaped
                   if plain or confs[i] is not None and confs[i] >= OWN_ABBREVIATION_CONF)
    words = {w for w, n in sure.items() if n >= (OWN_WORD_REPEATS_TEXT if plain else OWN_WORD_REPEATS)}
    return {i for i in shaped if tokens[i].text in words}


def _abbreviation_shape(tok: Token) -> bool:
    return (tok.kind == WORD and len(tok.text) >= 3 and tok.text.isupper() and not is_valid_syllable(tok.text.lower())
            and all(ch.isalpha() or ch == "&" for ch in tok.text))


def _beside_title_word(tokens: list[Token], i: int) -> bool:
    """A word in title case stands one space from it on either side (the other words of a name)."""
    return any(0 <= j < len(tokens) and tokens[j].kind == WORD and tokens[j].text.istitle()
               and tokens[max(i, j)].start - tokens[min(i, j)].end == 1 for j in (i - 1, i + 1))


def _rival_is_no_tone_swap(words: Sequence[str], post: list[float] | None, j: int) -> bool:
    """There is no other reading, or the likeliest one does not put another tone in place of the
    one read (the doubt of "heo" is "theo" or "hẻo"; that of "bế lọc" on a blurred page is "bể",
    a hỏi read as a sắc, which blur does however surely the word was read)."""
    if post is None or len(words) < 2:
        return True  # no other reading at all
    rival = max((k for k in range(len(words)) if k != j), key=post.__getitem__)
    return tone_swap(words[j], words[rival]) is None


def _guesses_name(read: str, surface: str, noise: DocumentNoise) -> bool:
    """The change of a name's word is the LM's guess, not a misread OCR is known for: not a tone
    added to a word read without one ("Nguyên" -> "Nguyễn"), not the tone swap the page repeats
    ("Tố" -> "Tổ" on a blurred page), not a word in capitals (whose marks Tesseract drops)."""
    if read.isupper() or surface.lower() == read.lower():
        return False
    (read_bare, read_tone), (meant_bare, meant_tone) = split_tone(read.lower()), split_tone(surface.lower())
    return read_bare != meant_bare or bool(read_tone) and noise.swap_rate((read_tone, meant_tone)) is None


def _swaps_sure_tone(tok: Token, surface: str, conf: float | None, known: bool, noise: DocumentNoise) -> bool:
    """The change puts another tone in place of one Tesseract read surely on a known word ("có sổ
    ký nhận" -> "số"), and the page does not repeat that swap (DocumentNoise.tone_swaps)."""
    if not _surely_read_known(tok, conf, known):
        return False
    pair = tone_swap(tok.text.lower(), surface.lower())
    return pair is not None and not _page_swap(noise, pair)


def _guesses_over_real_word(
    tok: Token, surface: str, posterior: float, conf: float | None, own: str, known: dict[str, int], noise: DocumentNoise,
) -> bool:
    """The change makes a word Tesseract read (with a confidence) that the LM or Viet74K knows into
    another on a guess (posterior below REAL_WORD_APPLY_OCR), and it is not one of the page's tone
    misreads (_page_misreads_as): the legal LM's guesses over everyday words go wrong too often to
    apply unseen ("không có cỏ ăn" -> "có"), so the change is only suggested."""
    return (posterior < REAL_WORD_APPLY_OCR and conf is not None and tok.kind == WORD
            and (own in known or own in _dictionary_words())
            and not _page_misreads_as(noise, surface.lower(), tok.text.lower()))


def _respells_sure_dictionary_word(tok: Token, surface: str, conf: float | None, own: str, known: dict[str, int]) -> bool:
    """The change alters the letters of a word the LM does not know but Viet74K lists, which
    Tesseract read surely ("trổ bông" -> "trà", "lép hạt" -> "lớp"): an everyday word the legal LM
    never saw, not a misread; the change is only suggested."""
    return (conf is not None and conf >= SURE_TONE_CONF and tok.kind == WORD and own not in known
            and own in _dictionary_words() and strip_marks(surface.lower()) != strip_marks(tok.text.lower()))


def _removes_sure_tone(tok: Token, surface: str, conf: float | None, known: bool) -> bool:
    """The change takes off the tone of a known word Tesseract read surely ("Lĩnh" -> "Linh", "đặc
    sản" -> "san"): OCR seldom writes a tone that is not there, but for a speck on the dot of an
    i, which it reads as a hook ("chỉ" for "chi")."""
    if not _surely_read_known(tok, conf, known) or "ỉ" in tok.text.lower():
        return False
    (read, read_tone), (meant, meant_tone) = split_tone(tok.text.lower()), split_tone(surface.lower())
    return bool(read_tone) and not meant_tone and read == meant


def _page_misreads_as(noise: DocumentNoise, meant: str, read: str) -> bool:
    """``read`` is ``meant`` with a tone the page misreads for another (_page_swap)."""
    pair = tone_swap(read, meant)
    return pair is not None and _page_swap(noise, pair)


def _page_swap(noise: DocumentNoise, pair: tuple[int, int]) -> bool:
    """The (read, meant) tone pair is one the page repeats (DocumentNoise.tone_swaps) or blur's
    (BLUR_TONE_SWAPS)."""
    return pair in BLUR_TONE_SWAPS or noise.swap_rate(pair) is not None


def _surely_read_known(tok: Token, conf: float | None, known: bool) -> bool:
    """A known word Tesseract read with at least SURE_TONE_CONF."""
    return conf is not None and conf >= SURE_TONE_CONF and known and tok.kind == WORD


ABBREVIATION_CONF = 85.0
# a capital in mid-sentence read for a small letter of the same shape (see Corrector._case_slip)
# an abbreviation defined where its name is spelled out: "... Quảng Ngãi (QISC)", "(sau đây viết tắt
# là BQL)"; capitals only, Đ the only marked letter (no heading word: "(MỤC)" is a syllable), and
# whole: "(viết tắt là TTA 1XH)" is a misread of one, not its definition
DEFINED_ABBREVIATIONS = True
_DEFINED_ABBREVIATION = re.compile(
    r"(?:\w\s*\(|(?:viết|gọi) tắt là\s+)([A-ZĐ][A-ZĐ&]{1,9})(?=[),;.])")
CASE_SLIP_CONFIDENCE = 0.9  # of a run of such capitals between small-letter words
CASE_SLIP_MIN_COUNT = 100  # a title-case word is judged by the corpus only when it is this common
CASE_SLIP_MAX_CAPITAL_RATE = 0.02  # ... and capitalised mid-sentence at most this often
ROMAN_DIGITS = frozenset("IVXLCDM")
HEADING_ROMAN_DIGITS = frozenset("IVX")  # the numerals a letter's headings and courses use (I to XXXIX)
ODD_CAPITAL_RATE = 0.1  # a title-case word capitalised inside a sentence less often than this is doubted


def _clear_abbreviation(word: str, conf: float | None) -> bool:
    """Capitals that spell no syllable, read with confidence ("PCT", "CVP"): an abbreviation the
    dictionaries may not list, whose letters are only ever suggested to change."""
    return (conf is not None and conf >= ABBREVIATION_CONF and len(word) >= 2 and word.isupper()
            and not is_valid_syllable(word))


def _neighbour_confidence(confs: list[float | None], i: int) -> float | None:
    around = [c for c in (confs[i - 1] if i > 0 else None, confs[i + 1] if i + 1 < len(confs) else None)
              if c is not None]
    return min(around) if around else None


def _junk_letters(text: str, tokens: list[Token]) -> set[int]:
    """Single letters on lines made only of specks ("A A r r « A k . r"): noise, not words.

    A letter followed by ")" or "." is a list marker ("a)", "A.") and stays.
    """
    lines: dict[int, list[int]] = {}
    line = 0
    prev_end = 0
    for i, tok in enumerate(tokens):
        line += text.count("\n", prev_end, tok.start)
        prev_end = tok.start
        if tok.kind != PROTECTED:
            lines.setdefault(line, []).append(i)
    out: set[int] = set()
    for members in lines.values():
        words = [tokens[i] for i in members]
        singles = [i for i in members if len(tokens[i].text) == 1 and tokens[i].text.isalpha()]
        if not singles or any(len(t.text) > 2 for t in words) or len(singles) * 2 < len(words):
            continue
        for i in singles:
            follow = text[tokens[i].end : tokens[i].end + 1]
            if follow not in (")", "."):
                out.add(i)
    return out


def _agreement(
    slots: list[_Slot], posts: list[list[float] | None], key, weight: float
) -> list[tuple[list[int], np.ndarray, np.ndarray]]:
    """(occurrences, their posteriors, weight x log mean posterior) for each token read more than
    once with the same readings; ``key(i)`` names the token at index i."""
    by_token: dict[object, list[int]] = {}
    for i, slot in enumerate(slots):
        if len(slot.words) > 1 and posts[i] is not None:
            by_token.setdefault(key(i), []).append(i)
    groups = []
    for members in by_token.values():
        if len(members) < 2 or len({len(posts[i]) for i in members}) > 1:
            continue
        stacked = np.array([posts[i] for i in members])
        groups.append((members, stacked, weight * np.log(stacked.mean(axis=0) + 0.02)))
    return groups


def _consistency_prior(
    tokens: list[Token], slots: list[_Slot], best: list[int], posts: list[list[float] | None]
) -> tuple[list[_Slot], set[int]]:
    """Add the mean posterior of each reading over all occurrences of the same token.

    Also returns the tokens whose sentence must be decoded again: those not read surely
    (posterior >= SURE_POSTERIOR) or whose reading the prior could overturn. A sentence with
    none of them keeps its first decoding (the prior would not change its path).
    """
    revisit: set[int] = set()
    out = list(slots)
    for members, stacked, prior in _agreement(slots, posts, lambda i: (tokens[i].text, tuple(slots[i].words)),
                                              CONSISTENCY_WEIGHT):
        # revisit a token when the prior could flip its reading, or when it is not sure yet
        chosen = np.array([best[i] for i in members])
        rows = np.arange(len(members))
        logp = np.log(stacked + 1e-12)
        log_odds = logp[rows, chosen][:, None] - logp
        log_odds[rows, chosen] = np.inf  # a reading cannot flip to itself
        could_flip = (log_odds < prior[None, :] - prior[chosen][:, None] + 1.0).any(axis=1)
        unsure = stacked[rows, chosen] < SURE_POSTERIOR
        revisit.update(members[k] for k in np.flatnonzero(could_flip | unsure))
        shared: dict[int, Position] = {}  # occurrences that shared a position still share one
        for i in members:
            s = slots[i]
            key = id(s.position)
            if key not in shared:
                shared[key] = Position(s.position.ids, s.position.emission + prior)
            out[i] = _Slot(s.words, shared[key], s.fixed, s.own, s.confidence)
    return out, revisit


def _line_noise(text: str, tokens: list[Token], noise: DocumentNoise) -> list[DocumentNoise]:
    """The document's noise for each token, with the marks-dropped rate of its own line when
    the line lost more marks than the document did (Tesseract drops every mark of a bold
    capitals line now and then: "TINH QUANG NGAI" in a well-marked letter)."""
    if noise.drop >= 0.5 or LINE_DROP_PRIOR <= 0:
        return [noise] * len(tokens)
    breaks = [m.start() for m in re.finditer("\n", text)]
    line_of = [bisect_right(breaks, tok.start) for tok in tokens]  # line breaks before the token
    unmarked: Counter[int] = Counter()
    counted: Counter[int] = Counter()
    for tok, line in zip(tokens, line_of, strict=True):
        if tok.kind == WORD and len(tok.text) >= 2:
            counted[line] += 1
            unmarked[line] += not has_marks(tok.text)
    by_line: dict[int, DocumentNoise] = {}
    for line, n in counted.items():
        # the share of the line's words without marks, drawn towards the document's rate
        share = (unmarked[line] + LINE_DROP_PRIOR * (1.0 - MARKED_SHARE * (1.0 - noise.drop))) / (n + LINE_DROP_PRIOR)
        drop = min(max(1.0 - (1.0 - share) / MARKED_SHARE, noise.drop), 0.995)
        if drop >= 0.5:  # most of the line lost its marks (15 % of words have none anyway)
            by_line[line] = dataclasses.replace(noise, drop=round(drop, 3))
    return [by_line.get(line, noise) for line in line_of]


def _consistency_local(
    tokens: list[Token], slots: list[_Slot], best: list[int], posts: list[list[float] | None]
) -> tuple[list[int], list[list[float] | None]]:
    """The mean posterior of each reading over all occurrences of the same token, as a prior
    on each occurrence with its neighbours fixed (one step of iterated conditional modes)."""
    best, posts = list(best), list(posts)
    # _agreement's groups (by token text), all groups with the same number of readings in one
    # go: each row's numbers are formed as group by group (reduceat adds a group's rows in
    # order, as mean(axis=0) does), to the last bit
    by_token: dict[str, list[int]] = {}
    for i, slot in enumerate(slots):
        if len(slot.words) > 1 and posts[i] is not None:
            by_token.setdefault(tokens[i].text, []).append(i)
    by_width: dict[int, list[list[int]]] = {}
    for members in by_token.values():
        if len(members) < 2:
            continue
        widths = {len(posts[i]) for i in members}
        if len(widths) == 1:
            by_width.setdefault(widths.pop(), []).append(members)
    for groups in by_width.values():
        rows = [i for members in groups for i in members]
        stacked = np.array([posts[i] for i in rows])
        counts = np.array([len(members) for members in groups])
        mean = np.add.reduceat(stacked, np.cumsum(counts) - counts, axis=0) / counts[:, None]
        prior = LOCAL_CONSISTENCY_WEIGHT * np.log(mean + 0.02)
        scores = np.log(stacked + 1e-12) + np.repeat(prior, counts, axis=0)
        new = np.exp(scores - scores.max(axis=1, keepdims=True))
        new /= new.sum(axis=1, keepdims=True)
        for i, row, j in zip(rows, new.tolist(), new.argmax(axis=1).tolist(), strict=True):
            best[i] = j
            posts[i] = row
    return best, posts


def _capital_logp(lm: NgramLM) -> np.ndarray | None:
    """log P(written with a capital inside a sentence | word), 0 for <unk> (names stay as read)."""
    if lm.cap_counts is None:
        return None
    logp = np.log((lm.cap_counts + 0.5) / (np.maximum(lm.counts, lm.cap_counts) + 1.0))
    logp[lm.unk] = 0.0
    return logp


def _capitalised_inside(groups: list[list[int]], tokens: list[Token]) -> tuple[set[int], set[int]]:
    """Words in title case (not all capitals) that do not open their sentence, or that open it
    followed by another such word (a name: "Trương Văn Lộc" on the signer's line); and, among
    them, those that open a run of such words (where a family name or "Ông"/"Bà" stands)."""
    inside: set[int] = set()
    openers: set[int] = set()
    for group in groups:
        titled = [i >= 0 and tokens[i].kind == WORD and tokens[i].text[:1].isupper() and not tokens[i].text.isupper()
                  for i in group]
        if True not in titled:
            continue  # (most sentences of running text: nothing to look at)
        for k, i in enumerate(group):
            follows = k + 1 < len(group) and titled[k + 1]
            if titled[k] and (k > 0 or follows):
                inside.add(i)
                # a run's first word, or its second after a title ("Ông Võ Thanh Tùng")
                if follows and (k == 0 or not titled[k - 1] or (k == 1 or not titled[k - 2])):
                    openers.add(i)
    return inside, openers


def _marks_only(difference: tuple[float, float, float]) -> tuple[float, float, float, float]:
    """Candidate channel features (dropped, changed, edits, collapsed) of a reading with the same letters."""
    dropped, changed, collapsed = difference
    return dropped, changed, 0.0, collapsed


_PLACE_LABELS = (None, PLACE_FIRST, PLACE_NEXT, PLACE_UNIT)  # (a person's name is not overruled)


def _gazetteer_entry(full: str | None) -> tuple[str, tuple[str, ...]]:
    """A gazetteer entry's kind of unit without marks and its name as canonical syllables ("Xã Ba
    Động" -> ("xa", ("ba", "động"))); an empty name for numbered units ("Phường 1")."""
    match = _GAZETTEER_UNIT.match(full or "")
    if not match:
        return "", ()
    return strip_marks(match.group(1).lower()), tuple(canonical(w) for w in match.group(2).split())


def _pairs_with_neighbours(text: str, tokens: list[Token], i: int, word: str) -> list[tuple[str, str]]:
    """(left, right) of ``word``, standing for token i, with each word neighbour one space apart
    (canonical as read)."""
    pairs = []
    for j in (i - 1, i + 1):
        if 0 <= j < len(tokens) and tokens[j].kind == WORD:
            left, right = (j, i) if j < i else (i, j)
            if text[tokens[left].end:tokens[right].start] == " ":
                other = canonical(tokens[j].text)
                pairs.append((other, word) if j < i else (word, other))
    return pairs


@functools.lru_cache(maxsize=4096)
def _near_abbreviations(word: str, abbreviations: tuple[str, ...]) -> tuple[Candidate, ...]:
    """Abbreviations one letter away from an all-capitals token, as readings (see ABBREVIATION_READINGS)."""
    key = strip_marks(word.lower())
    return tuple(Candidate(a.lower(), 0.0, 0.0, weighted_edit(key, strip_marks(a.lower())), 0.0)
            for a in abbreviations
            if Levenshtein.distance(word, a, score_cutoff=1) <= 1 and strip_marks(a.lower()) != key)


def _is_lexicon_word(word: str) -> bool:
    """LM words that can be proposed as readings: syllables, abbreviations, single letters."""
    return not word.startswith("<") and word != COMMA and any(c.isalpha() for c in word)


def _alts(alternatives: list[str], chosen: str) -> tuple[str, ...]:
    seen = {chosen}
    out = []
    for a in alternatives:
        if a not in seen:
            seen.add(a)
            out.append(a)
    return tuple(out[:5])


def _stops_to_commas(norm: str, periods: list[tuple[int, int, int]]) -> str:
    """The text as the LM should cut it: stray stops read as commas (same length, same offsets)."""
    if not periods:
        return norm
    chars = list(norm)
    for offset, _, _ in periods:
        chars[offset] = ","
    return "".join(chars)


def _without_overlaps(
    changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """The changes in text order, none overlapping another: a rule that judges a span (a glued word
    split, a broken date) and one that judges a token inside it may both speak; the wider, earlier
    one is kept, or the text would be written twice."""
    kept: list[tuple[Token, str, float, bool, tuple[str, ...]]] = []
    for change in sorted(changes, key=lambda c: (c[0].start, -c[0].end)):
        if not kept or change[0].start >= kept[-1][0].end:
            kept.append(change)
    return kept


def _render(
    text: str,
    norm: str,
    to_input: list[int],
    changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> CorrectionResult:
    """Build the output text from the input and the applied changes."""
    pieces: list[str] = []
    result: list[Change] = []
    pos_in = 0
    out_len = 0
    new_change = object.__new__
    for tok, corrected, conf, flagged, alts in changes:
        start, end = to_input[tok.start], to_input[tok.end]
        original = text[start:end]
        pieces.append(text[pos_in:start])
        out_len += start - pos_in
        written = original if flagged else corrected
        pieces.append(written)
        # Change(...) without the frozen dataclass's __init__, which sets each field through
        # object.__setattr__ (three times slower); most confidences round to 1 (round() is slow)
        change = new_change(Change)
        change.__dict__.update(start=start, end=end, out_start=out_len, out_end=out_len + len(written),
                               original=original, corrected=corrected,
                               confidence=1.0 if 0.99996 < conf <= 1.0 else round(conf, 4), flagged=flagged,
                               alternatives=alts)
        result.append(change)
        out_len += len(written)
        pos_in = end
    pieces.append(text[pos_in:])
    return CorrectionResult("".join(pieces), tuple(result))


def _nfc_with_map(text: str) -> tuple[str, list[int]]:
    """NFC text and, for each of its char offsets (and the end), the offset in the input."""
    norm = nfc(text)
    if norm == text:
        return text, list(range(len(text) + 1))
    pieces: list[str] = []
    mapping: list[int] = []
    # a cluster is a base char with its combining marks; NFC never merges across clusters
    for m in re.finditer(r".[\u0300-\u036f]*|[\u0300-\u036f]+", text, flags=re.S):
        cluster = nfc(m.group())
        pieces.append(cluster)
        if cluster == m.group():
            mapping.extend(range(m.start(), m.end()))  # (a mark NFC cannot compose, "\n" + U+0300, keeps its place)
        else:
            mapping.extend([m.start()] * len(cluster))
    mapping.append(len(text))
    return "".join(pieces), mapping


def _majority_style(tokens: list[Token]) -> str:
    votes = Counter(tone_style_of(t.text) for t in tokens if t.kind == WORD and not t.text.isascii() and has_marks(t.text))
    return "old" if votes["old"] > votes["new"] else "new"


def _splits(word: str, piece_ok, most: int, first: str | None = None) -> Iterable[list[str]]:
    """Every way to cut ``word`` into at most ``most`` pieces that ``piece_ok(piece, first)`` accepts."""
    if not word:
        yield []
        return
    if most == 0:
        return
    for cut in range(2, min(len(word), GLUED_LONGEST_SYLLABLE) + 1):
        head = word[:cut]
        if piece_ok(head, first):
            for rest in _splits(word[cut:], piece_ok, most - 1, head if first is None else first):
                if first is not None or rest:  # the word itself is no split: two pieces at least
                    yield [head, *rest]


def _join_glued(
    tokens: list[Token],
    changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
    sure: set[int],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """One change per glued word: its syllables, spaced and as decoded. It is a suggestion when
    two of them are a pair the corpus never saw, or when one of their own readings is."""
    if not any(tok.glued for tok in tokens):
        return changes
    by_token = {id(change[0]): change for change in changes}
    out = [change for change in changes if change[0].glued is None]
    groups: dict[tuple[int, int], list[Token]] = {}
    for tok in tokens:
        if tok.glued is not None:
            groups.setdefault(tok.glued, []).append(tok)
    for (start, end), pieces in groups.items():
        written, confidence, flagged = [], GLUED_CONFIDENCE if start in sure else GLUED_UNSURE_CONFIDENCE, start not in sure
        for piece in pieces:
            change = by_token.get(id(piece))
            if change is not None:
                confidence = min(confidence, change[2])
                flagged = flagged or change[3]
            reading = piece.text if change is None else change[1]
            if reading:
                written.append(reading)
        original = "".join(piece.text for piece in pieces)
        out.append((Token(start, end, original, WORD), " ".join(written), confidence, flagged, ()))
    out.sort(key=lambda change: change[0].start)
    return out


def _point_labels(
    norm: str, changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> tuple[list[tuple[Token, str, float, bool, tuple[str, ...]]], list[tuple[Token, str, float, bool, tuple[str, ...]]]]:
    """Points' labels mended by their list's order (``point_label_fixes``), as changes; they
    replace any change or doubt about the lone letter."""
    labels = point_label_fixes(norm)
    if not labels:
        return changes, []
    mended = {(f.start, f.end) for f in labels}
    changes = [c for c in changes if (c[0].start, c[0].end) not in mended]
    return changes, _applied_fixes(norm, labels, [c[0] for c in changes], kind=WORD)


def _agreed_keeps_trusted(
    tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
    seconds: list[tuple[str, str] | None], known: Mapping[str, int],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """No doubt on a syllable (or a word the LM knows) kept as read, surely, that the second
    recogniser read alike.

    The doubt rules flag such words for low OCR confidence, rare context or their shape; on
    rendered letters 2 % of those flags were on a wrong word (6 of 488 on sets the threshold
    was not chosen on), against 58 % where the two recognisers differ.
    """
    index = {tok.start: i for i, tok in enumerate(tokens)}
    out = []
    for change in changes:
        tok, corrected, confidence, flagged, alts = change
        k = index.get(tok.start)
        if (flagged and corrected == tok.text and confidence >= SECOND_AGREED_KEEP and k is not None
                and tokens[k] is tok and seconds[k] is not None and seconds[k][0] == tok.text.lower()
                and (seconds[k][0] in known or is_valid_syllable(seconds[k][0]))
                and not (SECOND_KEEP_BLUR_DOUBTS and seconds[k][1] == RESTORED and _blur_swap_among(tok.text, alts))):
            continue
        out.append(change)
    return out


def _blur_swap_among(word: str, alternatives: tuple[str, ...]) -> bool:
    """Whether an alternative is ``word`` with blur's swap undone (a sắc read for a hỏi): both
    recognisers lose the same hook on a blurred page."""
    base, tone = split_tone(word.lower())
    return any(split_tone(alt.lower()) == (base, meant) for alt in alternatives
               for read, meant in BLUR_TONE_SWAPS if read == tone)


def _second_readings_by_token(
    tokens: list[Token], spans: Sequence[tuple[int, int, str, str]] | None
) -> list[tuple[str, str] | None]:
    """Each token's (second reading lower-cased, page class), when its word is that one token
    (edge punctuation aside)."""
    if not spans:
        return [None] * len(tokens)
    ordered = sorted(spans)
    owners: dict[int, list[int]] = {}
    for i, k in enumerate(_owning_spans(tokens, ordered)):
        if k is not None:
            owners.setdefault(k, []).append(i)
    out: list[tuple[str, str] | None] = [None] * len(tokens)
    for k, members in owners.items():
        if len(members) == 1 and tokens[members[0]].kind == WORD:
            reading = nfc(_EDGE_PUNCT.sub("", ordered[k][2])).lower()
            if reading:
                out[members[0]] = (reading, ordered[k][3])
    return out


def _confidences_by_token(
    tokens: list[Token], spans: Sequence[tuple[int, int, float]] | None
) -> list[float | None]:
    if not spans:
        return [None] * len(tokens)
    ordered = sorted(spans)
    return [None if k is None else float(ordered[k][2]) for k in _owning_spans(tokens, ordered)]


def _owning_spans(tokens: list[Token], ordered: Sequence[tuple]) -> list[int | None]:
    """For each token, the index of the span of ``ordered`` (sorted (start, end, ...)) holding its
    first character, or None."""
    starts = [span[0] for span in ordered]
    out: list[int | None] = []
    for tok in tokens:
        k = bisect_right(starts, tok.start) - 1
        out.append(k if k >= 0 and ordered[k][1] > tok.start else None)
    return out


def _neighbours(text: str, tokens: list[Token], i: int) -> tuple[str, str]:
    left = right = ""
    if i > 0 and "\n" not in text[tokens[i - 1].end : tokens[i].start]:
        left = tokens[i - 1].text.lower()
    if i + 1 < len(tokens) and "\n" not in text[tokens[i].end : tokens[i + 1].start]:
        right = tokens[i + 1].text.lower()
    return left, right


class _Learned:
    """Decisions of the review app (see docs in correction_api.md)."""

    def __init__(self) -> None:
        self.fixes: dict[tuple[str, str, str], tuple[str, bool]] = {}
        self.hints: dict[str, str] = {}
        self.keep: set[tuple[str, str, str]] = set()
        self.lexicon: list[str] = []

    @classmethod
    def load(cls, folder: Path) -> _Learned:
        self = cls()
        for row in _read_jsonl(folder / "fixes.jsonl"):
            original, corrected = str(row.get("original", "")), str(row.get("corrected", ""))
            if not original or not corrected:
                continue
            strong = bool(row.get("approved")) or int(row.get("decisions", 0) or 0) >= 2
            key = (original, str(row.get("left", "")).lower(), str(row.get("right", "")).lower())
            if strong or key not in self.fixes:
                self.fixes[key] = (corrected, strong)
            self.hints.setdefault(original, corrected)
        for row in _read_jsonl(folder / "keep.jsonl"):
            if bool(row.get("approved")) or int(row.get("decisions", 0) or 0) >= 2:
                self.keep.add((str(row.get("word", "")), str(row.get("left", "")).lower(),
                               str(row.get("right", "")).lower()))
        lex = folder / "lexicon.txt"
        if lex.is_file():
            self.lexicon = [w.strip() for w in lex.read_text(encoding="utf-8").splitlines() if w.strip()]
        return self

    @property
    def active(self) -> bool:
        return bool(self.fixes or self.keep or self.lexicon)

    def decision(self, original: str, left: str, right: str) -> tuple[str, bool] | None:
        hit = self.fixes.get((original, left, right))
        if hit is not None:
            return hit
        hint = self.hints.get(original)
        return (hint, False) if hint is not None else None

    def keeps(self, word: str, left: str, right: str) -> bool:
        return (word, left, right) in self.keep or (self.lexicon and word in self.lexicon)


def _read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict):
            rows.append(row)
    return rows


def _fingerprint(models_dir: Path, learned_dir: Path | None, tone_style: str | None) -> str:
    h = hashlib.sha256(f"tone={tone_style}".encode())
    for folder in (models_dir, learned_dir):
        if folder is None or not Path(folder).is_dir():
            continue
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                h.update(path.name.encode())
                h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:16]


def _load_confusions(models_dir: Path) -> object | None:
    """The learned OCR confusion model, when its table has been built."""
    path = models_dir / "confusions.tsv"
    if not path.is_file():
        return None
    try:
        from .channel import ConfusionModel
    except ImportError:
        return None
    return ConfusionModel.load(path)


def _confusion_candidates(model: object, lexicon: Lexicon):
    """Readings from the learned OCR confusions, scored relative to reading the token as is."""

    def learned(lower: str) -> list[tuple[str, float]]:
        try:
            found = model.candidates(lower)  # type: ignore[attr-defined]
        except Exception:  # a malformed table must not stop correction
            return []
        # (several strings fold to one word, "khU" and "khu": the likeliest speaks for it, or a
        # capital's small score would stand for the token as read)
        scores: dict[str, float] = {}
        for w, lp in found:
            word = canonical(w)
            scores[word] = max(lp, scores.get(word, -math.inf))
        base = scores.get(canonical(lower))
        if base is None:
            return []
        return [(w, lp - base) for w, lp in scores.items() if w in lexicon.count and w != canonical(lower)]

    return learned
