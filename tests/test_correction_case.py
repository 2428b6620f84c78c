"""Letter case as OCR reads it (pipeline.correction.case), on the text and its tokens alone."""

from __future__ import annotations

from pipeline.correction.case import (
    _all_lookalike,
    _capital_lost_under_heading,
    _capitals_among_small,
    _capitals_then_small,
    _odd_case,
    _small_letter_among_capitals,
    _styled_capitals,
)
from pipeline.correction.tokens import tokenize


def test_a_small_letter_before_a_capital_is_a_case_slip() -> None:
    assert _odd_case("kỊp") and not _odd_case("VNeID") and not _odd_case("Kịp")


def test_capitals_made_only_of_scaled_up_small_letters() -> None:
    assert _all_lookalike("CƠ") and _all_lookalike("SỞ") and not _all_lookalike("BAN") and not _all_lookalike("C")


def test_a_lookalike_small_letter_opening_the_line_under_a_heading_in_capitals() -> None:
    text = "THÔNG BÁO\nvề việc tham dự hội nghị\n"
    tokens = list(tokenize(text))
    assert _capital_lost_under_heading(text, tokens, 2)
    assert not _capital_lost_under_heading("Hạnh phúc\nvề việc\n", list(tokenize("Hạnh phúc\nvề việc\n")), 2)


def test_an_english_models_capitals_among_small_words_and_a_small_i_among_capitals() -> None:
    text = "Giám đốc SO Nội vụ\n- BO tri dia diem\nCHU NGHiA VIET NAM\n"
    tokens = list(tokenize(text))
    index = {t.text: i for i, t in enumerate(tokens)}
    assert _capitals_among_small(text, tokens, index["SO"]) and _capitals_among_small(text, tokens, index["BO"])
    assert _small_letter_among_capitals(text, tokens, index["NGHiA"])


def test_a_capital_the_document_repeats_mid_sentence_is_its_writers() -> None:
    text = "thực hiện Chương trình số 1; theo Chương trình này; các Chương trình và Kế hoạch"
    assert "Chương" in _styled_capitals(text, list(tokenize(text)))


def test_a_small_letter_after_two_capitals_is_a_case_slip() -> None:
    assert _capitals_then_small("VƯỢt") and _capitals_then_small("ĐƯợc")
    assert not _capitals_then_small("Vượt") and not _capitals_then_small("VƯỢT") and not _capitals_then_small("TTg")

