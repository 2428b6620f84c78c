"""Body numbering: markers with OCR slips, the tree, closing and documents without structure."""

from __future__ import annotations

import pytest

from pipeline.structure.body import build_tree, parse_marker
from pipeline.structure.document import structure_document
from pipeline.structure.lines import document_lines
from pipeline.structure.plaintext import document_from_text


@pytest.mark.parametrize(("text", "style", "label"), [
    ("PHẦN I. NHỮNG QUY ĐỊNH CHUNG", "part", "PHẦN I"),
    ("Chương II", "chapter", "Chương II"),
    ("Mục 1. Quy định chung", "muc", "Mục 1"),
    ("Điều 3. Hiệu lực thi hành", "article", "Điều 3"),
    ("Điều l. Phạm vi", "article", "Điều 1"),
    ("I. MỤC ĐÍCH, YÊU CẦU", "roman", "I"),
    ("II1. TỔ CHỨC THỰC HIỆN", "roman", "III"),
    ("Il. NỘI DUNG", "roman", "II"),
    ("II TỒN TẠI, HẠN CHẾ", "roman", "II"),
    ("IV. KINH PHÍ", "roman", "IV"),
    ("1. Mục đích", "arabic", "1"),
    ("l. Mục đích", "arabic", "1"),
    ("2.1. Công tác tuyên truyền", "arabic", "2.1"),
    ("a) Rà soát toàn bộ", "letter", "a"),
    ("đ) Kiểm tra", "letter", "đ"),
    ("- Triển khai thực hiện", "dash", "-"),
    ("+ Các trường", "plus", "+"),
])
def test_markers(text, style, label):
    marker = parse_marker(text)
    assert marker is not None and (marker.style, marker.label) == (style, label)


@pytest.mark.parametrize("text", [
    "Mục đích của kế hoạch là", "2025 là năm bản lề", "09/CT-UBND ngày 15", "Năm 2024, trên địa bàn",
    "III", "Ủy ban nhân dân",
])
def test_not_markers(text):
    assert parse_marker(text) is None


def test_wrapped_hyphen_is_not_a_bullet():
    assert parse_marker("- xã hội vùng đồng bào", previous="phát triển kinh tế") is None
    assert parse_marker("– Xã hội, Ban Dân tộc", previous="lãnh đạo Ban Văn hóa", wrapped=True) is None
    assert parse_marker("- Nâng cao nhận thức", previous="1. Mục đích") is not None


BODY = """I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Triển khai thực hiện các nội dung.
- Nâng cao nhận thức.
2. Yêu cầu
- Bảo đảm tiến độ.
II. NỘI DUNG
1. Công tác tuyên truyền
a) Rà soát.
b) Kiểm tra.
II. TỔ CHỨC THỰC HIỆN
1. Phòng Tài nguyên và Môi trường
- Chủ trì, theo dõi.
Trên đây là Kế hoạch của Ủy ban nhân dân huyện./.
"""


def test_tree_nesting_renumbering_and_closing():
    roots, preamble, closing = build_tree(document_lines(document_from_text(BODY)))
    assert preamble == []
    assert [(n.marker.label, n.title) for n in roots] == [
        ("I", "MỤC ĐÍCH, YÊU CẦU"), ("II", "NỘI DUNG"), ("III", "TỔ CHỨC THỰC HIỆN")]  # II, II → III
    first = roots[0]
    assert [(c.marker.label, c.title) for c in first.children] == [("1", "Mục đích"), ("2", "Yêu cầu")]
    assert [c.marker.label for c in first.children[0].children] == ["-", "-"]
    assert [c.marker.label for c in roots[1].children[0].children] == ["a", "b"]
    assert [line.text for line in closing] == ["Trên đây là Kế hoạch của Ủy ban nhân dân huyện./."]


def test_sections_carry_spans_and_text_from_the_document():
    doc = document_from_text("KẾ HOẠCH\nThử nghiệm\n\n" + BODY)
    structure_document(doc)
    top = doc.sections
    assert [s.role for s in top] == ["goals", "content", "organisation", "closing"]
    goals = top[0]
    assert goals.text.startswith("I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích")
    assert doc.text[goals.span[0]:goals.span[1]] == goals.text
    assert goals.children[1].role == "requirements"


def test_no_structure_goes_to_one_section():
    doc = document_from_text("Chúng tôi xin thông báo một việc.\nKhông có số, không có đề mục gì.\n")
    structure_document(doc)
    assert len(doc.sections) == 1 and doc.sections[0].role == "other"
    assert doc.sections[0].text == doc.text
    assert doc.header.number is None and doc.recipients == [] and doc.signature.authority is None


@pytest.mark.parametrize("text", ["", "\f\f", "1.\n-\n+\nI.", "Nơi nhận:", "KT. GIÁM ĐỐC", "Số:", "Kính gửi:"])
def test_odd_inputs_do_not_crash(text):
    doc = document_from_text(text)
    structure_document(doc)


SLIPPED = """1. Sở Công Thương chủ trì theo dõi.
2. Sở Tài chính bố trí kinh phí.
3. Sở Y tế chuẩn bị lực lượng.
4. Giám đốc Đài Phát thanh và Truyền hình tỉnh: tăng thời lượng thông tin.
5, Chủ tịch Ủy ban nhân dân các huyện, thị xã, thành phố:
- Kiện toàn Ban Chỉ huy phòng, chống thiên tai.
6: Các đơn vị khác phối hợp thực hiện.
"""


def test_number_whose_dot_was_read_as_a_comma_continues_the_sequence():
    roots, _, _ = build_tree(document_lines(document_from_text(SLIPPED)))
    assert [n.marker.label for n in roots] == ["1", "2", "3", "4", "5", "6"]
    assert [c.marker.label for c in roots[4].children] == ["-"]


@pytest.mark.parametrize("text", [
    "1. Sở Công Thương chủ trì.\n3, Sở Tài chính bố trí.\n",  # out of sequence
    "1. Sở Công Thương chủ trì.\n2, các sở phối hợp.\n",  # no capital after the number
    "1. Sở Công Thương chủ trì theo dõi việc này và các việc khác có liên quan đến\n2, Sở Tài chính.\n",  # wrap
])
def test_comma_after_a_number_out_of_sequence_is_text(text):
    roots, _, _ = build_tree(document_lines(document_from_text(text)))
    assert [n.marker.label for n in roots] == ["1"]
