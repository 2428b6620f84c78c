"""Labels for the words of names (pipeline/correction/names.py), on the text and its tokens alone."""

from __future__ import annotations

from pipeline.correction.names import (
    FAMILY_NAME,
    GIVEN_NAME,
    MIDDLE_NAME,
    PLACE_UNIT,
    TITLE,
    YEAR_NAME,
    _agency_unit_slots,
    _inside_names,
    _year_names,
)
from pipeline.correction.segment import sentences
from pipeline.correction.tokens import tokenize


def _labels(text, found):
    tokens = list(tokenize(text))
    return {tokens[i].text: label for i, label in found(text, tokens).items()}


def test_a_persons_name_after_a_title_small_or_capitalised():
    family = frozenset({"nguyen", "tran", "phan", "le"})

    def names(text, tokens):
        return _inside_names(text, sentences(text, tokens), tokens, family)

    for title in ("Ông", "ông"):  # (a small title, before a whole name of three words or more)
        assert _labels(f"Đề nghị {title} Trần Văn Hùng chủ trì.\n", names) == {
            title: TITLE, "Trần": FAMILY_NAME, "Văn": MIDDLE_NAME, "Hùng": GIVEN_NAME}
    assert _labels("đề nghị liên hệ ba Phan Thị Thanh Nhàn, chuyên viên.\n", names)["ba"] == TITLE
    assert "Ba" not in _labels("huyện Ba Tơ và Sơn Tịnh.\n", names)


def test_a_year_of_the_cycle_and_the_unit_closing_an_agencys_name():
    assert _labels("Tết Nguyên đán Nhâm\nDần năm 2022.\n", _year_names) == {"Nhâm": YEAR_NAME, "Dần": YEAR_NAME}
    assert _labels("- Chi cục Kiểm lâm tính;\n- Hội LHPN tính;\n", _agency_unit_slots) == {"tính": PLACE_UNIT}
    assert _labels("Theo cách tính thuế như sau.\n", _agency_unit_slots) == {}
