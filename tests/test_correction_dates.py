"""Numeric dates whose separators OCR lost (pipeline/correction/dates.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.correction.dates import broken_dates, document_separator


@pytest.mark.parametrize(("text", "repaired"), [
    ("ngày 29 11 2022 của Thủ tướng", "29/11/2022"),  # every "/" faded
    ("Ngày 12 11 2024, tại trụ sở", "12/11/2024"),
    ("ngày 01/1 1/2024 của", "01/11/2024"),  # a blurred pair came apart
    ("ngày 13/ 12/2021 và", "13/12/2021"),
    ("ngay 5 3 2020", "5/3/2020"),  # the day word lost its mark too
    ("ngày 17.9 2024 của, ngày 29/11/2022", "17/9/2024"),  # the document's own dates say "/"
    ("ngày 13 12 2021 và ngày 1.2.2020", "13.12.2021"),
])
def test_a_broken_date_gets_its_separators(text: str, repaired: str) -> None:
    [repair] = broken_dates(text)
    assert repair.repaired == repaired
    assert text[repair.start:repair.end] == repair.original


def test_a_broken_date_that_is_no_date_is_left_for_review() -> None:
    [repair] = broken_dates("Chỉ thị số 03/CT-UBND ngày 23/01 3023 về việc")
    assert repair.original == "23/01 3023" and repair.repaired is None
    [repair] = broken_dates("ngày 32 11 2022")
    assert repair.repaired is None
    # garbled past repair: a look-alike for a digit, a year of five digits or out of range
    for text, garbled in [("Ngày 03 01 23035, Phó", "03 01 23035"), ("ngày 3]: I2 2021 của", "3]: I2 2021"),
                          ("ngày 2N 3024; số", "2N 3024"), ("trước ngày (008/02/2025.", "(008/02/2025"),
                          ("ngày 3 lý 2/2021 của", "3 lý 2/2021")]:
        [repair] = broken_dates(text)
        assert (repair.original, repair.repaired) == (garbled, None)


@pytest.mark.parametrize("text", [
    "ngày 29/11/2022", "ngày 29.11.2022", "ngày 15 tháng 3 năm 2024",
    "ngày 29 11\n2022",  # never across a line break
    "ngày 12/3/2024 12/3/2024", "từ ngày 1 đến 15 2024", "số 29 11 2022",
    "ngày 10, 11/12/2024", "ngày ký 12/3/2024", "ngày 1 tháng 5 năm 2024", "ngày (08/02/2025)", "ngày 1 và 2/3/2024",
])
def test_well_formed_dates_and_other_numbers_are_left(text: str) -> None:
    assert broken_dates(text) == []


def test_document_separator() -> None:
    assert document_separator("ngày 1.2.2020 và 3.4.2021, ngày 5/6/2022") == "."
    assert document_separator("không có ngày") is None


@given(st.text(alphabet="ngàyNGÀY 0123456789/.-\n", max_size=40))
def test_only_separators_ever_change(text: str) -> None:
    for repair in broken_dates(text):
        assert text[repair.start:repair.end] == repair.original
        if repair.repaired is not None:
            assert re.sub(r"\D", "", repair.repaired) == re.sub(r"\D", "", repair.original)
            assert "\n" not in repair.original


def test_a_month_and_year_fused_after_thang_get_their_separator():
    repairs = broken_dates("Tháng 52023 Đạt; tháng 122024; tháng 132024; tháng 5 2023; tháng 12024 5")
    assert [(r.original, r.repaired) for r in repairs] == [("52023", "5/2023"), ("122024", "12/2024")]
    assert [r.repaired for r in broken_dates("ngày 02.3.2024 và tháng 52023")] == ["5.2023"]  # the letter's own


def test_a_date_in_figures_that_lost_its_second_separator_gets_it_back_anywhere():
    from pipeline.correction.dates import broken_dates

    repairs = broken_dates("1 | 22/112024 | Trường THPT\n2 | 10-122024 | Sân vận động")
    assert [(r.original, r.repaired) for r in repairs] == [("22/112024", "22/11/2024"), ("10-122024", "10-12-2024")]
    assert broken_dates("mã hồ sơ 45/132024 và 12/345678; số 15/2024/QĐ-UBND") == []
