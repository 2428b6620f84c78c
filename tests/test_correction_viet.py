from __future__ import annotations

import pytest

from pipeline.correction.viet import (
    apply_case,
    is_valid_syllable,
    place_tone,
    split_tone,
    strip_marks,
    tone_style_of,
)


@pytest.mark.parametrize(
    ("word", "new", "old"),
    [("hoà", "hòa", "hoà"), ("thủy", "thủy", "thuỷ"), ("Ủy", "Ủy", "Uỷ"), ("khoẻ", "khỏe", "khoẻ"),
     ("hoàn", "hoàn", "hoàn"), ("quả", "quả", "quả"), ("người", "người", "người"), ("HOÀ", "HÒA", "HOÀ")],
)
def test_tone_placement_styles(word: str, new: str, old: str) -> None:
    assert place_tone(word, "old") == old
    assert place_tone(word, "new") == new


def test_tone_style_detection() -> None:
    assert tone_style_of("hòa") == "new"
    assert tone_style_of("hoà") == "old"
    assert tone_style_of("hoàn") is None
    assert tone_style_of("quả") is None


def test_strip_and_split() -> None:
    assert strip_marks("Đảng Cộng sản Việt Nam") == "Dang Cong san Viet Nam"
    assert split_tone("việt") == ("viêt", 5)


@pytest.mark.parametrize("word", ["nghiêng", "Nguyễn", "học", "quyết", "gìn", "ĐẦU", "khuya", "oan"])
def test_valid_syllables(word: str) -> None:
    assert is_valid_syllable(word)


@pytest.mark.parametrize("word", ["hoc", "qwe", "UBND", "hién", "xyz", "", "a1"])
def test_invalid_syllables(word: str) -> None:
    assert not is_valid_syllable(word)


def test_apply_case() -> None:
    assert apply_case("HUYEN", "huyện") == "HUYỆN"
    assert apply_case("Thanh", "thành") == "Thành"
    assert apply_case("thanh", "thành") == "thành"
