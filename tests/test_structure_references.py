"""Cited documents: parsing, merging mentions, and flagging a mention that disagrees with the others."""

from __future__ import annotations

from pipeline.structure.plaintext import document_from_text
from pipeline.structure.references import extract_references, find_citations, numbers_in


def test_citation_fields():
    (citation,) = find_citations("Căn cứ Chỉ thị số 09/CT-UBND ngày 15 tháng 4 năm 2024 của Ủy ban nhân dân "
                                 "Thành phố về việc tăng cường")
    assert (citation.doc_type, citation.number, citation.date, citation.issuer) == (
        "Chỉ thị", "09/CT-UBND", "2024-04-15", "Ủy ban nhân dân Thành phố")


def test_numeric_date_party_numbers_laws_and_line_breaks():
    text = ("theo Chỉ thị số 22-CT/TU ngày 07/5/2019 của Ban Thường vụ Thành ủy; Nghị định số 09/2017/NĐ-CP "
            "ngày 09 tháng 02 năm 2017 của Chính phủ quy định; Kế hoạch số 186/KH-\nUBND ngày 17/9/2024 của "
            "UBND tỉnh.")
    citations = find_citations(text)
    assert [(c.doc_type, c.number, c.date, c.issuer) for c in citations] == [
        ("Chỉ thị", "22-CT/TU", "2019-05-07", "Ban Thường vụ Thành ủy"),
        ("Nghị định", "09/2017/NĐ-CP", "2017-02-09", "Chính phủ"),
        ("Kế hoạch", "186/KH-UBND", "2024-09-17", "UBND tỉnh"),
    ]


def test_type_carries_over_in_a_list_and_comes_from_the_code():
    citations = find_citations("Công văn số 4643/UBND-KGVX ngày 28/8/2024; số 4975/UBND-KGVX ngày 17/09/2024 "
                               "và số 6138/UBND-KGVX; theo 12/QĐ-UBND")
    assert [(c.doc_type, c.number) for c in citations] == [
        ("Công văn", "4643/UBND-KGVX"), ("Công văn", "4975/UBND-KGVX"), ("Công văn", "6138/UBND-KGVX"),
        ("Quyết định", "12/QĐ-UBND")]


MISREAD = " ".join(
    ["Căn cứ Chỉ thị số 09/CT-UBND ngày 15 tháng 4 năm 2024 của Ủy ban nhân dân Thành phố về tăng cường công tác."]
    + ["Thực hiện Chỉ thị số 09/CT-UBND về tăng cường công tác truyền thông."] * 4
    + ["Tổ chức thực hiện Chỉ thị số 03/CT-UBND về tăng cường công tác truyền thông chính sách."]
    + ["Chỉ thị số 01/CT-UBND ngày 03/01/2024 về việc giải ngân vốn."]
)


def test_merge_and_flag_the_odd_mention():
    doc = document_from_text(MISREAD)
    references, corrections = extract_references(doc)
    assert [r.number for r in references] == ["09/CT-UBND", "01/CT-UBND"]  # 01 differs in date and words
    main = references[0]
    assert (main.doc_type, main.date, main.issuer) == ("Chỉ thị", "2024-04-15", "Ủy ban nhân dân Thành phố")
    assert len(main.mentions) == 6
    flagged = [m for m in main.mentions if m.flagged]
    assert len(flagged) == 1 and flagged[0].suggestion == "09/CT-UBND" and "03/CT-UBND" in flagged[0].text
    assert doc.text[flagged[0].span[0]:flagged[0].span[1]] == flagged[0].text
    (correction,) = corrections
    assert (correction.kind, correction.original, correction.corrected, correction.flagged) == (
        "reference", "03/CT-UBND", "09/CT-UBND", True)
    assert correction.word_ids and doc.text[correction.span[0]:correction.span[1]] == "03/CT-UBND"


def test_misread_symbol_is_flagged_too():
    text = " ".join(["Chỉ thị số 09/CT-UBND ngày 15/4/2024 của UBND tỉnh."] * 2
                    + ["Chỉ thị số 09/C1-UBND ngày 15/4/2024 của UBND tỉnh."])
    references, corrections = extract_references(document_from_text(text))
    assert [r.number for r in references] == ["09/CT-UBND"]
    assert [(c.original, c.corrected) for c in corrections] == [("09/C1-UBND", "09/CT-UBND")]


def test_own_number_is_not_a_reference():
    doc = document_from_text("Số: 12/KH-UBND\nKế hoạch số 12/KH-UBND này; Quyết định số 45/QĐ-UBND.")
    references, _ = extract_references(doc, {"12/KH-UBND"})
    assert [r.number for r in references] == ["45/QĐ-UBND"]


def test_numbers_in():
    assert numbers_in("Căn cứ Luật Đất đai số 31/2024/QH15 và 09/CT-UBND, 31/2024/QH15") == [
        "31/2024/QH15", "09/CT-UBND"]


def test_eth_read_for_d_with_stroke_in_a_cited_number():
    """OCR's 'Ð' (eth, not a Vietnamese letter) or a doubled 'ĐÐ' in a symbol is read as 'Đ'."""
    (citation,) = find_citations("theo Quyết định số 45/QĐÐ-UBND ngày 24 tháng 3 năm 2025 của Ủy ban")
    assert citation.number == "45/QĐ-UBND"
    assert numbers_in("Căn cứ Quyết định số 7/QÐ-UBND;") == ["7/QĐ-UBND"]


def test_em_dash_in_a_cited_number():
    (citation,) = find_citations("Thực hiện Kế hoạch Số 4660/KH—UBND ngày 31 tháng 5 năm 2024 của Ủy ban nhân dân huyện")
    assert (citation.number, citation.date) == ("4660/KH-UBND", "2024-05-31")


def test_type_codes_put_in_their_official_spelling_and_reviewed():
    doc = document_from_text("theo Nghị định số 09/2017/NB-CP ngày 09 tháng 02 năm 2017 của Chính phủ và "
                             "Quyết định số 407/QD-TTg ngày 30/3/2022 của Thủ tướng Chính phủ.")
    references, corrections = extract_references(doc)
    assert [r.number for r in references] == ["09/2017/NĐ-CP", "407/QĐ-TTg"]
    assert [m.text for r in references for m in r.mentions] == ["Nghị định số 09/2017/NB-CP",
                                                                "Quyết định số 407/QD-TTg"]
    assert [(c.kind, c.original, c.corrected, c.flagged) for c in corrections] == [
        ("reference", "09/2017/NB-CP", "09/2017/NĐ-CP", True), ("reference", "407/QD-TTg", "407/QĐ-TTg", True)]
    assert all(doc.text[c.span[0]:c.span[1]] == c.original for c in corrections)


def test_a_truncated_mention_joins_the_full_number():
    doc = document_from_text("Triển khai Chỉ thị số 09/CT UBND ngày 15 tháng 4 năm 2024 của Ủy ban nhân dân "
                             "Thành phố.\n\nCăn cứ Chỉ thị số 09/CT-UBND ngày 15 tháng 4 năm 2024 của Ủy ban nhân dân "
                             "Thành phố; Kế hoạch số 12/KH ngày 3/1/2024.")
    references, corrections = extract_references(doc)
    assert [(r.number, len(r.mentions)) for r in references] == [("09/CT-UBND", 2), ("12/KH", 1)]
    truncated = references[0].mentions[0]
    assert truncated.flagged and truncated.suggestion == "09/CT-UBND" and truncated.text == "Chỉ thị số 09/CT"
    (correction,) = corrections
    assert (correction.original, correction.corrected) == ("09/CT", "09/CT-UBND")


def test_a_truncated_mention_with_two_possible_numbers_stays():
    doc = document_from_text("Chỉ thị số 09/CT; Chỉ thị số 09/CT-UBND; Chỉ thị số 09/CT-TTg.")
    references, _ = extract_references(doc)
    assert [r.number for r in references] == ["09/CT", "09/CT-UBND", "09/CT-TTg"]
