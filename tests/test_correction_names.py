"""Labels for the words of names (pipeline/correction/names.py), on the text and its tokens alone."""

from __future__ import annotations

import re

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
    ia_name_doubts,
    name_agreement_doubts,
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
    family = frozenset({"luong", "lo"})  # a teacher's title: "Cô Lường Thị Ngọc", "Thầy Lò Văn Ín"
    assert _labels("- Cô Lường Thị Ngọc, Trường Tiểu học Bản Mế.\n", names) == {
        "Cô": TITLE, "Lường": FAMILY_NAME, "Thị": MIDDLE_NAME, "Ngọc": GIVEN_NAME}
    assert _labels("- Thầy Lò Văn Ín, Trường Tiểu học.\n", names)["Ín"] == GIVEN_NAME


def test_a_peoples_name_after_dan_toc_or_tieng():
    from pipeline.correction.names import PEOPLE_NAME, _people_names

    assert _labels("học sinh dân tộc Dao, đồng bào Ê Đê và tiếng Khmer.\n", _people_names) == {
        "Dao": PEOPLE_NAME, "Ê": PEOPLE_NAME, "Đê": PEOPLE_NAME, "Khmer": PEOPLE_NAME}
    assert _labels("các dân tộc thiểu số; tiếng\nViệt\n", _people_names) == {}


def test_a_year_of_the_cycle_and_the_unit_closing_an_agencys_name():
    assert _labels("Tết Nguyên đán Nhâm\nDần năm 2022.\n", _year_names) == {"Nhâm": YEAR_NAME, "Dần": YEAR_NAME}
    assert _labels("- Chi cục Kiểm lâm tính;\n- Hội LHPN tính;\n", _agency_unit_slots) == {"tính": PLACE_UNIT}
    assert _labels("Theo cách tính thuế như sau.\n", _agency_unit_slots) == {}


def test_a_name_read_alike_twice_is_changed_at_neither_alone():
    text = "TỈNH LAM THỦY\nLam Thủy, ngày 18 tháng 3 năm 2025\nhuyện Bình Sơn, Bình Sơn\n"
    tokens = list(tokenize(text))
    at = {tok.start: tok for tok in tokens}
    header, date_line = tokens[1], tokens[3]  # "LAM", "Lam"
    changes = [(date_line, "Lâm", 0.98, False, ("Làm",))]
    doubted = {c[0].start: c for c in name_agreement_doubts(text, tokens, changes)}
    # the change becomes a suggestion, and the other reading of the name is flagged with it
    assert doubted[date_line.start][1:4] == ("Lâm", 0.98, True)
    assert doubted[header.start][1] == "LAM" and doubted[header.start][3] is True
    assert doubted[header.start][4] == ("LÂM",)
    assert set(doubted) == {date_line.start, header.start} and all(s in at for s in doubted)


def test_names_read_differently_or_changed_alike_are_left_to_the_decoder():
    text = "Xã Tân Lộc\nxã Tân Lộc\n"
    tokens = list(tokenize(text))
    both = [(tokens[1], "Tấn", 0.99, False, ()), (tokens[4], "Tấn", 0.99, False, ())]
    assert name_agreement_doubts(text, tokens, both) == both  # changed alike at both places
    text = "xã Tân Lộc và Tân Lốc\n"
    tokens = list(tokenize(text))
    one = [(tokens[5], "Lộc", 0.99, False, ())]  # "Tân Lốc" is read otherwise than "Tân Lộc"
    assert name_agreement_doubts(text, tokens, one) == one


def test_a_name_spelled_once_otherwise_than_the_letter_spells_it_is_flagged():
    text = "chợ Vân Khê; chợ Vân Khê mở cửa; Ban quản lý chợ Văn Khê;\nVĂN KHÊ\n"
    tokens = list(tokenize(text))
    doubted = [(c[0].text, c[1], c[3]) for c in name_agreement_doubts(text, tokens, [])]
    assert doubted == [("Văn", "Vân", True)]  # (capitals are no spelling: "VĂN KHÊ")


def test_a_name_wrapped_onto_the_next_line_is_the_same_name():
    text = "huyện Đông Lâm; UBND huyện Đông Lâm quyết định; xã Hưng Thạch Đông, huyện Đồng\nLâm, với\n"
    tokens = list(tokenize(text))
    doubted = [(c[0].text, c[1], c[3]) for c in name_agreement_doubts(text, tokens, [])]
    assert doubted == [("Đồng", "Đông", True)]


def test_la_opening_a_gia_rai_place_name_is_flagged_as_ia():
    text = "Xã la Rơ Mai có 4.126,5 ha. Các xã: la Tơi, Ia Púch; plei la Krêl, 100 đô la Mỹ và ông la Văn\n"
    tokens = list(tokenize(text))
    doubted = [(c[0].start, c[1], c[3]) for c in ia_name_doubts(text, tokens, [])]
    starts = [m.start() for m in re.finditer(r"\bla\b", text)]
    assert doubted == [(starts[0], "Ia", True), (starts[1], "Ia", True), (starts[2], "Ia", True)]
