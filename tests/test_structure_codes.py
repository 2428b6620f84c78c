"""Codes inside document numbers put back in their official spelling when OCR slipped on them."""

from __future__ import annotations

import pytest

from pipeline.structure.codes import (
    agency_initials,
    normalise_number,
    official_type_code,
    restore_abbreviations,
)


@pytest.mark.parametrize(("number", "doc_type", "expected"), [
    ("09/2017/NB-CP", "Nghị định", "09/2017/NĐ-CP"),  # Đ read as B, the type name says NĐ
    ("407/QD-TTg", "Quyết định", "407/QĐ-TTg"),  # the bar of Đ lost
    ("407/QD-TTg", None, "407/QĐ-TTg"),  # only one code folds to QD
    ("09/C1-UBND", "Chỉ thị", "09/CT-UBND"),
    ("12/HD-UBND", "Hợp đồng", "12/HĐ-UBND"),
    ("12/HD-UBND", None, "12/HD-UBND"),  # HD (hướng dẫn) and HĐ (hợp đồng): left as read
    ("12/DA-UBND", None, "12/DA-UBND"),  # DA (dự án) and ĐA (đề án)
    ("12/TB-UBND", "Kế hoạch", "12/TB-UBND"),  # a known code is never rewritten to another one
    ("22-CT/TU", "Chỉ thị", "22-CT/TU"),
    ("575/UBND-KTTH", None, "575/UBND-KTTH"),
    ("575/PGDDT-TCCB", None, "575/PGDĐT-TCCB"),  # công văn: the issuer code stands first
    ("5/2019/TT-BGDDT", "Thông tư", "5/2019/TT-BGDĐT"),
    ("09/CT-UBND", "Chỉ thị", "09/CT-UBND"),
])
def test_normalise_number(number, doc_type, expected):
    assert normalise_number(number, doc_type) == expected


def test_issuer_code_from_the_agency_initials():
    agencies = ("UBND HUYỆN CỦ CHI", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO")
    assert normalise_number("1005/KH-PGDDT", "Kế hoạch", agencies) == "1005/KH-PGDĐT"
    assert normalise_number("12/KH-SVHTTDL", None, ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH",)) == "12/KH-SVHTTDL"
    assert normalise_number("7/BC-DTN", None, ("ĐOÀN THANH NIÊN",)) == "7/BC-ĐTN"


def test_agency_initials():
    assert agency_initials("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO") == "PGDĐT"
    assert agency_initials("ỦY BAN NHÂN DÂN") == "UBND"
    assert agency_initials("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI") == "SLĐTBXH"


def test_type_code_slips_need_the_first_letter_and_an_unknown_code():
    assert official_type_code("NB", "Nghị định") == "NĐ"
    assert official_type_code("BD", "Nghị định") is None
    assert official_type_code("KH", "Kế hoạch") is None


def test_abbreviations_without_their_d():
    assert restore_abbreviations("BLD, CV Phòng GD&DT huyện;") == [("BLD", "BLĐ"), ("GD&DT", "GD&ĐT")]
    assert restore_abbreviations("TT. HDND huyện") == [("HDND", "HĐND")]
    assert restore_abbreviations("Lưu: VT, BLĐ, GD&ĐT, KTTH, DD&CN.") == []
