"""Header field parsers: agencies, number, place and date, type, subject, addressees, marks."""

from __future__ import annotations

import pytest

from pipeline.model import Word
from pipeline.structure.header import group_agencies, parse_header, split_columns
from pipeline.structure.lines import document_lines, make_line
from pipeline.structure.patterns import clean_number, find_date, number_type_code
from pipeline.structure.plaintext import document_from_text
from pipeline.structure.text import fold


def line_of(text: str):
    tokens = text.split()
    return make_line([Word(id=f"w{i}", text=token) for i, token in enumerate(tokens)], 1, 1)


def header_of(text: str):
    return parse_header(document_lines(document_from_text(text))).header


@pytest.mark.parametrize(("raw", "expected"), [
    ("575 /UBND-KTTH", "575/UBND-KTTH"),
    ("1005/KH - PGDĐT", "1005/KH-PGDĐT"),
    ("I005/KH-PGDĐT", "1005/KH-PGDĐT"),
    ("O9/CT–UBND", "09/CT-UBND"),
    ("09/2017/NĐ-CP", "09/2017/NĐ-CP"),
    ("/TB-UBND", "/TB-UBND"),
    ("12/QĐÐ-UBND", "12/QĐ-UBND"),
    ("12/QÐ-UBND", "12/QĐ-UBND"),
])
def test_clean_number(raw, expected):
    assert clean_number(raw) == expected


@pytest.mark.parametrize(("number", "code"), [
    ("1005/KH-PGDĐT", "KH"), ("09/2017/NĐ-CP", "NĐ"), ("22-CT/TU", "CT"), ("575/UBND-KTTH", None),
    ("12/QD-UBND", "QĐ"), ("15/GT-UBND", "GT"), ("18/TTr-NV", "TTr"), ("3/QyĐ-UBND", "QyĐ"),
])
def test_number_type_code(number, code):
    assert number_type_code(number) == code


@pytest.mark.parametrize(("text", "iso"), [
    ("Củ Chi, ngày 11 tháng 6 năm 2024", "2024-06-11"),
    ("Hà Nội, ngày 15/4/2024", "2024-04-15"),
    ("Quảng Ngãi, ngày      tháng 01 năm 2025", "2025-01"),
    ("Quảng Ngãi, ngày      tháng      năm 2025", "2025"),
    ("Cu Chi, ngay 11 théng 6 nim 2024", "2024-06-11"),
    ("ngày 09 thắng 02 năm 2017", "2017-02-09"),
])
def test_find_date(text, iso):
    match = find_date(fold(text))
    assert match is not None and match.iso == iso


def test_invalid_date_has_no_iso():
    assert find_date(fold("ngày 32 tháng 13 năm 2024")).iso is None


def test_split_mixed_header_line_on_motto():
    pieces = split_columns(line_of("UBND HUYỆN CỦ CHI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
    assert [p.text for p in pieces] == ["UBND HUYỆN CỦ CHI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]


def test_split_number_and_date_line():
    pieces = split_columns(line_of("Số: 1005 /KH-PGDĐT Củ Chi, ngày 11 tháng 6 năm 2024"))
    assert [p.text for p in pieces] == ["Số: 1005 /KH-PGDĐT", "Củ Chi, ngày 11 tháng 6 năm 2024"]


def test_date_inside_sentence_is_not_cut():
    assert len(split_columns(line_of("theo Kế hoạch số 41/KH-UBND ngày 14 tháng 02 năm 2025"))) == 1


def test_agency_over_two_lines_is_one_agency():
    assert group_agencies(["ỦY BAN NHÂN DÂN", "HUYỆN BÌNH CHÁNH"]) == ["ỦY BAN NHÂN DÂN HUYỆN BÌNH CHÁNH"]
    assert group_agencies(["UBND HUYỆN CỦ CHI", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"]) == [
        "UBND HUYỆN CỦ CHI", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"]
    assert group_agencies(["UBND HUYỆN AN PHÚ ĐÔNG", "PHÒNG TÀI NGUYÊN", "VÀ MÔI TRƯỜNG"]) == [
        "UBND HUYỆN AN PHÚ ĐÔNG", "PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG"]


PLAN = """UBND HUYỆN CỦ CHI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
PHÒNG GIÁO DỤC VÀ ĐÀO TẠO Độc lập - Tự do - Hạnh phúc
Số: 1005 /KH-PGDĐT Củ Chi, ngày 11 tháng 6 năm 2024

KẾ HOẠCH
Triển khai thực hiện Chỉ thị số 09/CT-UBND ngày 15 tháng 4 năm 2024

Căn cứ Chỉ thị số 09/CT-UBND ngày 15 tháng 4 năm 2024 của Ủy ban nhân dân Thành phố;
"""


def test_mixed_columns_from_a_text_file():
    header = header_of(PLAN)
    assert header.parent_agency == "UBND HUYỆN CỦ CHI"
    assert header.issuing_agency == "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"
    assert header.number == "1005/KH-PGDĐT"
    assert header.doc_type_code == "KH"
    assert header.place == "Củ Chi"
    assert header.date == "2024-06-11"
    assert header.date_text == "Củ Chi, ngày 11 tháng 6 năm 2024"
    assert header.doc_type == "Kế hoạch"
    assert header.subject == "Triển khai thực hiện Chỉ thị số 09/CT-UBND ngày 15 tháng 4 năm 2024"
    assert header.secrecy is None and header.urgency is None


LETTER = """ỦY BAN NHÂN DÂN
HUYỆN BÌNH CHÁNH
Số: 575 /UBND-KTTH
V/v góp ý dự thảo quy chế
phối hợp
MẬT
HỎA TỐC

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Bình Chánh, ngày 15/4/2024

Kính gửi:
- Phòng Tư pháp huyện;
- Ủy ban nhân dân các xã,
thị trấn.

Theo đề nghị của Phòng Tư pháp, Ủy ban nhân dân huyện có ý kiến như sau./.
"""


def test_cong_van_with_vv_dash_addressees_and_marks():
    header = header_of(LETTER)
    assert header.parent_agency is None
    assert header.issuing_agency == "ỦY BAN NHÂN DÂN HUYỆN BÌNH CHÁNH"
    assert header.number == "575/UBND-KTTH"
    assert header.doc_type_code is None
    assert header.doc_type == "Công văn"
    assert header.subject == "góp ý dự thảo quy chế phối hợp"
    assert header.date == "2024-04-15"
    assert header.addressees == ["Phòng Tư pháp huyện", "Ủy ban nhân dân các xã, thị trấn"]
    assert header.secrecy == "Mật"
    assert header.urgency == "Hỏa tốc"


def test_one_line_addressee_and_type_from_code():
    header = header_of("SỞ NỘI VỤ\nSố: 12/TB-SNV\nHà Nội, ngày 02 tháng 3 năm 2025\n\n"
                       "Kính gửi: Các phòng thuộc Sở.\n\nSở Nội vụ thông báo như sau./.\n")
    assert header.doc_type == "Thông báo"  # no type line: the code says it
    assert header.addressees == ["Các phòng thuộc Sở"]
    assert header.issuing_agency == "SỞ NỘI VỤ"


def test_missing_fields_are_null():
    header = header_of("Một đoạn văn bản không có phần đầu nào cả.\n")
    assert header.number is None and header.date is None and header.doc_type is None
    assert header.issuing_agency is None and header.addressees == []


def test_low_confidence_number_is_flagged_with_a_review_item():
    doc = document_from_text(PLAN)
    for index, word in enumerate(doc.words()):
        word.bbox = (index * 60, 0, index * 60 + 50, 30)  # one row, so each word has its own box
        word.confidence = 35.0 if word.text in ("1005", "/KH-PGDĐT") else 95.0
    number_words = [w for w in doc.words() if w.text in ("1005", "/KH-PGDĐT")]
    result = parse_header(document_lines(doc))
    evidence = result.header.evidence["number"]
    assert evidence.flagged and evidence.page == 1
    assert evidence.bbox == (number_words[0].bbox[0], 0, number_words[1].bbox[2], 30)
    assert not result.header.evidence["date"].flagged
    (item,) = [c for c in result.corrections if c.original == "1005/KH-PGDĐT"]
    assert item.kind == "header_field" and item.flagged and item.corrected == item.original
    assert item.word_ids == [w.id for w in number_words]
    assert doc.text[item.span[0]:item.span[1]] == "1005 /KH-PGDĐT"


@pytest.mark.parametrize(("line", "number"), [
    ("Số: 4ˆ /TTr -UBND", "4/TTr-UBND"),
    ("Số:⁄46 /CT-UBND", "46/CT-UBND"),
    ("Số: | 4/UBND-KTTH", "4/UBND-KTTH"),
    ("Số:4@` /TB-UBND", "4/TB-UBND"),
    ("Số:          /UBND-KGVX", "/UBND-KGVX"),
    ("Số: 12", "12"),
])
def test_handwritten_numbers_with_ocr_marks(line, number):
    assert header_of(line + "\n").number == number


@pytest.mark.parametrize(("text", "iso"), [
    ("Quảng Ngãi, ngày 0† tháng 02 năm 2025", "2025-02"),
    ("Quảng Ngãi, ngày Ở†tháng 02 năm 2025", "2025-02"),
    ("Quảng Ngãi, ngày A4‡ tháng 12 năm 2021", "2021-12"),
    ("Quảng Ngãi, ngày .... tháng .... năm 2021", "2021"),
])
def test_unreadable_day_keeps_month_and_year(text, iso):
    assert find_date(fold(text)).iso == iso


def test_handwritten_marks_flag_number_and_date():
    result = parse_header(document_lines(document_from_text(
        "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố:4@` /TB-UBND\nQuảng Ngãi, ngày 0† tháng 01 năm 2025\n")))
    header = result.header
    assert (header.number, header.date) == ("4/TB-UBND", "2025-01")
    assert header.evidence["number"].flagged and header.evidence["date"].flagged
    assert {c.original for c in result.corrections} == {"4/TB-UBND", "2025-01"}


@pytest.mark.parametrize(("text", "iso"), [
    ("Hòa Lâm, ngày07 tháng 3 năm 2023", "2023-03-07"),
    ("Hòa Lâm, ngày8? tháng 3 năm 2023", "2023-03"),
    ("ngày15/4/2024", "2024-04-15"),
])
def test_day_written_against_the_word_ngay(text, iso):
    """A handwritten day touching 'ngày' still gives the date (or month and year when unreadable)."""
    assert find_date(fold(text)).iso == iso


def test_glued_day_keeps_place_and_date_in_header():
    header = header_of("SỞ NỘI VỤ\nSố: 12/TB-SNV\nHòa Lâm, ngày8? tháng 3 năm 2023\n\nTHÔNG BÁO\nVề việc họp\n")
    assert (header.place, header.date) == ("Hòa Lâm", "2023-03")


@pytest.mark.parametrize("speck", [",", "| ", "'", "."])
def test_specks_before_the_subject_are_dropped(speck):
    header = header_of(f"SỞ NỘI VỤ\nSố: 12/KH-SNV\n\nKẾ HOẠCH\n{speck}Về việc tổ chức hội nghị\n\nI. MỤC ĐÍCH\n")
    assert header.subject == "Về việc tổ chức hội nghị"


def test_address_in_brackets_belongs_to_the_addressee():
    header = header_of("SỞ NỘI VỤ\nSố: 12/TB-SNV\n\nTHÔNG BÁO\nVề việc trả lời đơn\n\n"
                       "Kính gửi: Ông Lê Văn Ba\n(Địa chỉ: thôn Một, xã Hai,\nhuyện Ba, tỉnh Bốn)\n\n"
                       "Sở Nội vụ nhận được đơn của ông.\n")
    assert header.addressees == ["Ông Lê Văn Ba (Địa chỉ: thôn Một, xã Hai, huyện Ba, tỉnh Bốn)"]


def test_bracket_line_after_a_closed_addressee_list_is_not_taken():
    header = header_of("SỞ NỘI VỤ\nSố: 12/TB-SNV\n\nKính gửi:\n- Phòng A;\n- Phòng B.\n(Kèm theo danh sách)\n")
    assert header.addressees == ["Phòng A", "Phòng B"]


def test_one_unsure_word_flags_the_date_even_when_the_line_reads_well():
    """A handwritten day read as one low-confidence word ('ngày 3' for 23) flags the date for review."""
    doc = document_from_text("SỞ NỘI VỤ\nSố: 12/TB-SNV\nHòa Lâm, ngày 3 tháng 3 năm 2023\n")
    words = list(doc.words())
    for index, word in enumerate(words):
        word.bbox = (index * 60, 0, index * 60 + 50, 30)
        word.confidence = 5.0 if word.text == "3" and words[index - 1].text == "ngày" else 96.0
    header = parse_header(document_lines(doc)).header
    assert header.date == "2023-03-03" and header.evidence["date"].flagged
    assert not header.evidence["number"].flagged


def test_number_without_digits_is_flagged():
    """A handwritten number OCR could not read at all leaves '/CT-UBND': kept, and flagged for review."""
    header = header_of("ỦY BAN NHÂN DÂN\nTỈNH HÒA LÂM\nSố: ý# /CT-UBND\nHòa Lâm, ngày 12 tháng 3 năm 2018\n")
    assert header.number == "/CT-UBND" and header.evidence["number"].flagged
    assert not header_of("SỞ NỘI VỤ\nSố: 12/TB-SNV\n").evidence["number"].flagged


def _ocr_lines(rows: list[list[tuple[str, float]]]):
    """Lines of one block whose words carry OCR confidences."""
    from pipeline.structure.lines import make_line as build

    lines = []
    for n, row in enumerate(rows):
        words = [Word(id=f"p1-b1-l{n}-w{i}", text=t, confidence=c) for i, (t, c) in enumerate(row)]
        line = build(words, 1, 1)
        line.index = n
        lines.append(line)
    return lines


def _words(text: str, confidence: float = 96.0) -> list[tuple[str, float]]:
    return [(token, confidence) for token in text.split()]


HEAD = [_words("UBND HUYỆN AN PHÚ ĐÔNG"), _words("PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG"), _words("Số: 156/TNMT-QLĐĐ")]


def test_subject_line_end_mark_read_from_a_speck_is_dropped():
    lines = _ocr_lines([*HEAD, _words("V/v đôn đốc báo cáo kết quả rà soát đất") + [("công,", 81.5)],
                        _words("trên địa bàn các xã, thị trấn"), _words("Kính gửi: Ủy ban nhân dân các xã.")])
    assert parse_header(lines).header.subject == "đôn đốc báo cáo kết quả rà soát đất công trên địa bàn các xã, thị trấn"


def test_subject_line_end_comma_read_surely_is_kept():
    lines = _ocr_lines([*HEAD, _words("V/v hướng dẫn đánh giá, xếp loại chất lượng cán bộ,") ,
                        _words("công chức, viên chức năm 2025"), _words("Kính gửi: Các phòng, ban.")])
    assert parse_header(lines).header.subject == "hướng dẫn đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức năm 2025"


@pytest.mark.parametrize(("last_line", "subject"), [
    ("thị trấn,", "đôn đốc rà soát đất công trên địa bàn các xã, thị trấn"),
    ("thị trấn ;", "đôn đốc rà soát đất công trên địa bàn các xã, thị trấn"),
    ("thị trấn -", "đôn đốc rà soát đất công trên địa bàn các xã, thị trấn"),
    ("thị trấn.", "đôn đốc rà soát đất công trên địa bàn các xã, thị trấn"),
    ("thị trấn./.", "đôn đốc rà soát đất công trên địa bàn các xã, thị trấn"),
    ("thuộc TP.", "đôn đốc rà soát đất công trên địa bàn các xã, thuộc TP."),
    ("thị trấn]", "đôn đốc rà soát đất công trên địa bàn các xã, thị trấn"),
    ("thị trấn (đợt 2)", "đôn đốc rà soát đất công trên địa bàn các xã, thị trấn (đợt 2)"),
])
def test_subject_never_ends_with_a_stray_mark(last_line, subject):
    text = ("UBND HUYỆN AN PHÚ ĐÔNG\nSố: 156/UBND-TNMT\nV/v đôn đốc rà soát đất công\ntrên địa bàn các xã, "
            f"{last_line}\n\nKính gửi: Ủy ban nhân dân các xã.\n")
    assert header_of(text).subject == subject


SLIPPED_HEADER = """UBND HUYEN CU CHỮ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM

PHÒNG GIÁO DỤC VÀ ĐÀO TẠO Độc lập - Tự do - Hạnh phúc
Số: 1005 /KH-PGDDT C1 Chỉ, ngày 11 tháng 6 năm 2024
KẾ HOẠCH

Triển khai thực hiện Chỉ thị số 09/CT-UBND

Căn cứ Chỉ thị số 09/CT-UBND ngày 15 tháng 4 năm 2024;
"""


def test_slips_in_the_agency_number_and_place_are_repaired_and_reviewed():
    doc = document_from_text(SLIPPED_HEADER)
    lines = document_lines(doc)
    doubtful = frozenset(w.id for line in lines for w in line.words if w.text == "CU")  # as the corrector flags
    result = parse_header(lines, doubtful)
    header = result.header
    assert (header.parent_agency, header.issuing_agency) == ("UBND HUYỆN CỦ CHI", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO")
    assert (header.number, header.place, header.date_text) == (
        "1005/KH-PGDĐT", "Củ Chi", "Củ Chi, ngày 11 tháng 6 năm 2024")
    reviews = {(c.original, c.corrected) for c in result.corrections if c.flagged and c.kind == "header_field"}
    assert reviews == {("UBND HUYEN CU CHỮ", "UBND HUYỆN CỦ CHI"), ("C1 Chỉ", "Củ Chi"),
                       ("1005/KH-PGDDT", "1005/KH-PGDĐT")}
    assert all(doc.text[c.span[0]:c.span[1]].replace(" ", "").rstrip(",") == c.original.replace(" ", "")
               for c in result.corrections)


def test_clean_fictional_places_are_kept():
    header = header_of("UBND HUYỆN AN PHÚ ĐÔNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                       "PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG Độc lập - Tự do - Hạnh phúc\n"
                       "Số: 156/TNMT-QLĐĐ An Phú Đông, ngày 3 tháng 2 năm 2025\n"
                       "V/v rà soát đất công\n")
    assert (header.parent_agency, header.place, header.number) == ("UBND HUYỆN AN PHÚ ĐÔNG", "An Phú Đông",
                                                                   "156/TNMT-QLĐĐ")
