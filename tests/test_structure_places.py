"""Unit names of the header against the gazetteer: slips repaired, clean readings never rewritten."""

from __future__ import annotations

import pytest

from pipeline.structure.places import gazetteer, repair_agency, repair_place, unit_in_agency

pytestmark = pytest.mark.skipif(not gazetteer(), reason="underthesea's address data is not installed")


def test_unit_in_agency():
    found = unit_in_agency("UBND HUYEN CU CHỮ")
    assert (found.unit, found.name) == ("huyen", "CU CHỮ")
    assert unit_in_agency("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO") is None
    assert unit_in_agency("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI") is None


def test_a_slip_with_a_doubtful_word_or_a_corroborating_place_is_repaired():
    assert repair_agency("UBND HUYEN CU CHỮ", {"CU"}, None) == ("UBND HUYỆN CỦ CHI", "Củ Chi")
    assert repair_agency("UBND HUYEN CU CHỮ", set(), "Số: 1005 /KH-PGDDT C1 Chỉ,")[0] == "UBND HUYỆN CỦ CHI"
    assert repair_agency("UBND HUYEN CU CHI", set(), None)[0] == "UBND HUYỆN CỦ CHI"  # no marks at all
    assert repair_agency("ỦY BAN NHÂN DÂN TỈNH QUANG NGAI", set(), None)[0] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"


def test_a_marked_reading_without_doubt_stays():
    assert repair_agency("UBND HUYEN CU CHỮ", set(), None)[0] == "UBND HUYEN CU CHỮ"


@pytest.mark.parametrize("agency", [
    "ỦY BAN NHÂN DÂN TỈNH HÒA LÂM", "UBND TỈNH HÒA LÂM", "UBND HUYỆN AN PHÚ ĐÔNG", "ỦY BAN NHÂN DÂN HUYỆN AN PHÚ ĐÔNG",
    "ỦY BAN NHÂN DÂN XÃ TÂN HIỆP", "UBND HUYEN AN PHU DONG", "UBND TINH HOA LAM",
])
def test_fictional_and_clean_names_are_never_rewritten(agency):
    assert repair_agency(agency, set(agency.split()), "Hòa Lâm,")[0] == agency


def test_place_before_the_date():
    assert repair_place("Số: 1005 /KH-PGDDT C1 Chỉ,", "Củ Chi") == "Củ Chi"
    assert repair_place("Cu Chi", "Củ Chi") == "Củ Chi"
    assert repair_place("Củ Chi", "Củ Chi") is None
    assert repair_place("Hoà Lâm", "Hòa Lâm") is None  # another tone style, not a slip
    assert repair_place("Quảng Ngãi", "Hòa Lâm") is None


def test_the_unit_word_read_with_wrong_marks_is_written_as_the_unit():
    assert repair_agency("UBND TÍNH HÒA LÂM", set(), None)[0] == "UBND TỈNH HÒA LÂM"
    assert repair_agency("UBND TĨNH QUẢNG NGÃI", set(), None) == ("UBND TỈNH QUẢNG NGÃI", "Quảng Ngãi")
    assert repair_agency("UBND XÃ TỊNH KỲ", set(), None)[0] == "UBND XÃ TỊNH KỲ"  # Tịnh is the name
