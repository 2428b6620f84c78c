"""Tone evidence from a second recogniser (pipeline.correction.second) and its use in the corrector."""

from __future__ import annotations

from collections import Counter

import pytest

from pipeline.correction import Corrector
from pipeline.correction.second import (
    PLAIN,
    RESTORED,
    TONES_PATH,
    ToneEvidence,
    page_class,
    tone_and_base,
    weigh_second_reading,
)

SAC, HOI = 2, 3


def test_tone_and_base():
    assert tone_and_base("Tổ") == (HOI, "tô")
    assert tone_and_base("tố") == (SAC, "tô")
    assert tone_and_base("kiểm") == (HOI, "kiêm")
    assert tone_and_base("ban") == (0, "ban")


def test_page_class_follows_upscaling():
    assert page_class(2.0) == RESTORED
    assert page_class(1.0) == page_class(None) == PLAIN


@pytest.fixture(scope="module")
def toy() -> ToneEvidence:
    # restored pages: Tesseract's sắc is a hỏi half the time AsterNet reads a hỏi there
    return ToneEvidence(Counter({
        (RESTORED, SAC, SAC, SAC): 900, (RESTORED, SAC, SAC, HOI): 30,
        (RESTORED, SAC, HOI, SAC): 20, (RESTORED, SAC, HOI, HOI): 40,
    }))


def test_the_reading_as_read_is_the_zero_point(toy):
    assert toy.log_ratio(RESTORED, SAC, HOI, SAC) == 0.0
    assert toy.log_ratio(RESTORED, SAC, HOI, HOI) > 2.0  # a hỏi seen by the second reader backs hỏi
    assert toy.log_ratio(RESTORED, SAC, SAC, HOI) < -0.5  # agreement backs the sắc
    assert toy.log_ratio(PLAIN, SAC, HOI, HOI) == pytest.approx(0.0)  # no counts: no evidence


def test_weighing_touches_only_candidates_of_the_same_letters(toy):
    words, emissions = ["tố", "tổ", "tô", "tờ", "từ"], [0.0] * 5
    weigh_second_reading("tổ", "tố", RESTORED, words, emissions, toy, 1.0, 2.0)
    assert emissions[0] == 0.0 and emissions[1] > 2.0
    assert emissions[4] == 0.0  # other letters: untouched
    words, emissions = ["lưng", "lơng", "lùng"], [0.0] * 3
    weigh_second_reading("lơng", "lưng", RESTORED, words, emissions, toy, 1.0, 2.0)
    assert emissions == [0.0, 2.0, 0.0]  # other letters named by the second reader: a fixed bonus


def test_the_committed_table_loads():
    tones = ToneEvidence.load(TONES_PATH)
    assert tones.log_ratio(RESTORED, SAC, HOI, HOI) > 1.0


@pytest.fixture(scope="module")
def corrector() -> Corrector:
    return Corrector.load()


def _spans(text: str, confidence: float = 92.0) -> list[tuple[int, int, float]]:
    out, start = [], 0
    for word in text.split(" "):
        out.append((start, start + len(word), confidence))
        start += len(word) + 1
    return out


def test_a_second_reading_backs_a_tone_on_a_restored_page(corrector):
    text = "Thành lập Tố kiểm tra liên ngành của xã"
    spans = _spans(text)
    seconds = [(s, e, word, RESTORED) for (s, e, _c), word in zip(spans, text.replace("Tố", "Tổ").split(" "),
                                                                     strict=True)]
    result = corrector.correct(text, token_confidences=spans, token_second_readings=seconds)
    assert "Tổ kiểm tra" in result.text


def test_a_word_both_read_alike_and_kept_surely_is_not_doubted(corrector):
    text = "Ủy ban nhân dân xã tổ chức hội nghị triển khai kế hoạch"
    spans = _spans(text, 30.0)  # low OCR confidence everywhere
    alone = corrector.correct(text, token_confidences=spans)
    seconds = [(s, e, text[s:e], PLAIN) for s, e, _c in spans]
    both = corrector.correct(text, token_confidences=spans, token_second_readings=seconds)
    assert both.text == alone.text == text
    kept_flags = [c for c in both.changes if c.flagged and c.corrected == c.original]
    assert len(kept_flags) <= len([c for c in alone.changes if c.flagged and c.corrected == c.original])
    assert all(c.confidence < 0.9 for c in kept_flags)
