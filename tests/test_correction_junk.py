"""Specks, stray colons and page numbers in plain OCR text (pipeline.correction.junk)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.correction import Corrector
from pipeline.correction.junk import page_numbers, speck_spans
from pipeline.correction.tokens import ProtectedWords
from pipeline.resources import models_dir

PROTECTED = ProtectedWords.from_words(["UBND", "VT", "PCT", "TNMT", "QLĐĐ"], [])


def dropped(text: str) -> list[str]:
    return [text[s.start:s.end] for s in speck_spans(text, PROTECTED)]


def test_a_line_of_specks_is_dropped_whole() -> None:
    text = "- Lưu: VT, TNMT.\n=. ⁄°\n«>Z ` 4# ⁄\n"
    assert dropped(text) == ["=. ⁄°", "«>Z ` 4# ⁄"]


def test_specks_after_the_words_of_a_line_are_dropped_with_their_space() -> None:
    text = "Nơi nhận: >w\n- Như trên; '-G) «4.\n- PCT UBND huyện (b/c); #- X\n"
    assert dropped(text) == [" >w", " «4.", " #- X"]


def test_stray_colons_go_at_a_line_end_and_before_a_small_letter() -> None:
    text = "về phân loại đô thị, : :\nbao gồm các công trình : hạ tầng kỹ thuật\n"
    assert dropped(text) == [" : :", " :"]


def test_a_page_number_opens_a_page() -> None:
    text = "trang một\n\f2\n\na) Rà soát\f\n- 3 -\nb) Kiểm tra\f7\n"
    assert [(text[s.start:s.end], s.doubtful) for s in page_numbers(text)] == [
        ("2", False), ("- 3 -", False), ("7", True)]


def test_a_page_number_with_a_speck_read_as_a_figure_opens_a_page() -> None:
    text = "trước ngày 11/7/2025\f\n22\nđến ngày 15/7/2025.\f82\nTrực 24/24 giờ\f\n5\nBảng 5\n"
    # pages 2 and 3 ("22", "82" hold their number); page 4 does not open with 4: "82" and "5" are
    # only doubted (a misread number, or a table's row number carried over)
    assert [(text[s.start:s.end], s.doubtful) for s in page_numbers(text)] == [
        ("22", False), ("82", True), ("5", True)]
    other = text.replace("\f82", "\f83")
    assert [(other[s.start:s.end], s.doubtful) for s in page_numbers(other)] == [
        ("22", False), ("83", False), ("5", True)]


def test_a_short_figure_with_specks_atop_a_page_is_a_doubtful_page_number() -> None:
    text = "trang một\f\n3)\ntrẻ em\f“2\nBảng\f\n4. Tổ chức thực hiện\n"
    assert [(text[s.start:s.end], s.doubtful) for s in page_numbers(text)] == [("3)", True), ("“2", True)]


@pytest.mark.parametrize("line", [
    "Kính gửi: Ủy ban nhân dân các xã, thị trấn.",
    "- Lưu: VT, QLĐĐ.",
    "Nhiệt độ trung bình 25 °C; độ ẩm 80%.",
    "STT | Nội dung | Chỉ tiêu",
    "Sở GD&ĐT; Email: vanthu@hoalam.gov.vn",
    "b)",
    "Trần Thị B",
    "Điều 1 .",
    "…………………… ngày ... tháng ... năm ...",
    "“Điều 5. Sửa đổi khoản 2”.",
])
def test_running_text_has_no_specks(line: str) -> None:
    assert dropped(line + "\n") == [] or line.startswith("STT")


@pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")
def test_the_corrector_drops_specks_and_keeps_the_lines() -> None:
    corrector = Corrector.load()
    text = "Nơi nhận: >w\n- Như trên;\n' $/\\ s ⁄\n- Lưu: VT, QLĐĐ.\n"
    result = corrector.correct(text)
    assert result.text == "Nơi nhận:\n- Như trên;\n\n- Lưu: VT, QLĐĐ.\n"
    assert [(c.original, c.corrected, c.flagged) for c in result.changes] == [
        (" >w", "", False), ("' $/\\ s ⁄", "", False)]


@pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")
def test_english_model_symbols_are_letters_not_specks() -> None:
    # an English model writes "@" for "ậ": its text keeps every symbol for the decoder
    text = "Noi nh@n:\n- Nhu trén;\n- Luu: VT, TNMT.\nCéng hoa xa hdi chu nghia Viét Nam\n"
    result = Corrector.load().correct(text)
    assert all(c.corrected != "" or c.original.strip() == "" for c in result.changes)


_CODE = st.from_regex(r"\d{1,4}/(20\d\d/)?(KH|QĐ|UBND)-(CP|UBND|TTg)|\d{1,2}/\d{1,2}/20\d\d|UBND|HĐND", fullmatch=True)
_SPECK = st.sampled_from(["«", "»", "=", "|", "~", "`", "$", "⁄", "›", "#"])


@pytest.fixture(scope="module")
def corrector() -> Corrector:
    return Corrector.load()


@pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")
@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_CODE, _SPECK, st.sampled_from(["ban", "nhân", "dân", "-", ";", "\n"])), max_size=10))
def test_codes_among_specks_are_never_dropped(corrector: Corrector, words: list[str]) -> None:
    text = " ".join(words)
    result = corrector.correct(text)
    for code in (w for w in words if re.search(r"\d{2,}|/|UBND|HĐND", w)):
        assert code in result.text
    assert result.text.count("\n") == text.count("\n")


@pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")
def test_english_model_text_loses_its_page_numbers_but_keeps_its_symbols(corrector: Corrector) -> None:
    text = ("Noi nh@n:\n- Nhu trén;\f2\nCéng hoa xa hdi chu nghia Viét Nam «\n"
            "Uy ban nhan dan huyén vé viéc trién khai, théng 5 nim 2025\n")
    result = corrector.correct(text)
    dropped = [c.original for c in result.changes if c.corrected == "" and not c.flagged]
    assert dropped == ["2"]


def test_an_address_with_a_speck_in_it_is_kept() -> None:
    text = "thư điện tử\nbqlchovankhe(@lacgiang.gov.vn.\nxem tại www,soyte.gov.vn«\n"
    assert dropped(text) == []


@pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")
def test_a_broken_address_is_kept(corrector: Corrector) -> None:
    result = corrector.correct("Ban Quản lý chợ, thư điện tử\nbqlchovankhe(@lacgiang.gov.vn.\n")
    assert result.text.endswith("bqlchovankhe@lacgiang.gov.vn.\n")  # (mended: correction/addresses.py)


def test_a_tables_vertical_rule_between_cells_is_dropped() -> None:
    text = "Diện tích rừng (ha) | Đường băng cản lửa (km) || Tổ xung kích\n1 | Xã Thạch Bình\nSố: | 4/UBND-VP\n"
    assert dropped(text) == [" |", " ||", " |"]  # (after a label it may be a handwritten 1)
