"""Roles of sections (fuzzy headings), legal bases and responsible units."""

from __future__ import annotations

import pytest

from pipeline.structure.document import structure_document
from pipeline.structure.plaintext import document_from_text
from pipeline.structure.roles import match_role, unit_name


@pytest.mark.parametrize(("title", "role"), [
    ("MỤC ĐÍCH, YÊU CẦU", "goals"),
    ("MUC PICH, YEU CAU", "goals"),  # OCR with an English model
    ("YÊU CẦU", "requirements"),
    ("NỘI DUNG", "content"),
    ("NỘI DUNG THỰC HIỆN", "content"),
    ("NHIỆM VỤ, GIẢI PHÁP", "tasks"),
    ("NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU", "tasks"),
    ("PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM", "tasks"),
    ("PHƯƠNG THỨC TRUYỀN THÔNG", "methods"),
    ("KINH PHÍ THỰC HIỆN", "funding"),
    ("TỔ CHỨC THỰC HIỆN", "organisation"),
    ("TO CHUC THUC HIEN", "organisation"),
    ("Phân công nhiệm vụ", "organisation"),
    ("Đánh giá chung", "content"),
    ("TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "other"),
    (None, "other"),
])
def test_match_role(title, role):
    assert match_role(title)[0] == role


PREAMBLE = """Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Luật sửa đổi, bổ sung một số điều số 47/2019/QH14 ngày 22 tháng 11 năm 2019;
Căn cứ Chỉ thị số 09/CT-UBND ngày 15 tháng 4 năm 2024 của Ủy ban nhân dân tỉnh;
Thực hiện Kế hoạch số 12/KH-UBND ngày 15 tháng 3 năm 2025 của Ủy ban nhân dân huyện;
Theo đề nghị của Trưởng phòng Nội vụ tại Tờ trình số 18/TTr-NV.
QUYẾT ĐỊNH:
Điều 1. Thành lập Tổ công tác rà soát, xử lý vi phạm pháp luật về đất đai trên địa bàn huyện gồm các ông, bà.
Điều 2. Nhiệm vụ của Tổ công tác:
1. Tổ chức rà soát, lập danh sách.
Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng chịu trách nhiệm thi hành./.
"""


def test_legal_bases_and_decision_articles():
    doc = document_from_text(PREAMBLE)
    structure_document(doc)
    assert [b.references for b in doc.legal_bases] == [["47/2019/QH14"], ["09/CT-UBND"], ["12/KH-UBND"]]
    assert doc.legal_bases[0].text.startswith("Căn cứ Luật Tổ chức") and "47/2019/QH14" in doc.legal_bases[0].text
    assert [(s.number, s.role) for s in doc.sections] == [
        (None, "legal_basis"), (None, "preamble"), ("Điều 1", "content"), ("Điều 2", "tasks"),
        ("Điều 3", "organisation")]


def test_lone_carrying_out_paragraph_is_preamble():
    doc = document_from_text("Thực hiện Kế hoạch số 12/KH-UBND ngày 15 tháng 3 năm 2025 của Ủy ban nhân dân "
                             "huyện, Ủy ban nhân dân xã báo cáo như sau:\nI. KẾT QUẢ THỰC HIỆN\nĐã làm xong.\n")
    structure_document(doc)
    assert doc.legal_bases == []
    assert [(s.number, s.role) for s in doc.sections] == [(None, "preamble"), ("I", "content")]


def test_untitled_orders_are_tasks():
    doc = document_from_text("Năm 2024 có nhiều thiên tai.\n"
                             "1. Giám đốc Sở Xây dựng: Chủ trì rà soát hệ thống biển báo.\n"
                             "2. Thời gian: Vào lúc 08 giờ 00 phút, ngày 09/11/2024.\n")
    structure_document(doc)
    assert [(s.number, s.title, s.role) for s in doc.sections] == [
        (None, None, "preamble"), ("1", None, "tasks"), ("2", None, "other")]


def test_responsible_units_under_organisation():
    doc = document_from_text("IV. TỔ CHỨC THỰC HIỆN\n1. Phòng Giáo dục và Đào tạo huyện\n"
                             "- Triển khai kế hoạch.\n- Theo dõi, đôn đốc.\n"
                             "2. Giao Sở Tài chính chủ trì, bố trí kinh phí.\n")
    structure_document(doc)
    assert [(u.unit, u.duties) for u in doc.responsible_units] == [
        ("Phòng Giáo dục và Đào tạo huyện", ["Triển khai kế hoạch", "Theo dõi, đôn đốc"]),
        ("Sở Tài chính", ["Giao Sở Tài chính chủ trì, bố trí kinh phí."]),
    ]


def test_unit_name():
    assert unit_name("Giao Sở Nội vụ tiếp thu các ý kiến") == "Sở Nội vụ"
    assert unit_name("UBND các huyện, thị xã, thành phố chịu trách nhiệm:") == "UBND các huyện, thị xã, thành phố"
    assert unit_name("Tăng cường công tác tuyên truyền") is None
