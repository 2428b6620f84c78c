"""The plain-text shape doubts (pipeline/correction/shapes.py), on the text and its tokens alone."""

from __future__ import annotations

from pipeline.correction.shapes import (
    _lone_between_blank_lines,
    _odd_percentages,
    _opens_line,
    _recipient_tail_doubts,
    _same_line,
    _signature_zone_start,
    deputy_signer_doubts,
    glued_code_doubts,
    land_code_doubts,
    unit_superscript_doubts,
)
from pipeline.correction.tokens import tokenize


def test_the_signers_block_starts_at_its_heading_or_after_the_body():
    body = "Đề nghị các đơn vị thực hiện./.\n"
    assert _signature_zone_start(body + "Nơi nhận:\n- Như trên;\n") == len(body) + len("Nơi nhận")
    assert _signature_zone_start(body + "Nơnhậm Z7\n- Như trên;\n") == len(body) + len("Nơnhậm")
    assert _signature_zone_start(body + "Mế thức:\n- Như trên;\n") == len(body) - 1
    assert _signature_zone_start("Văn bản chưa hết.\n") is None


def test_words_after_a_recipients_last_semicolon_are_flagged_but_titles_and_names():
    text = ("Đề nghị các đơn vị thực hiện./.\n\nNơi nhận: 4451 mịch\n- Như trên; KT. GIÁM ĐỐC\n"
            "- Sở Nội vụ tỉnh Hòa Sơn (để b/c); ấy:\n- TT Tỉnh ủy; TT HĐND tỉnh;\n- Các thôn; - men\n"
            "- Lưu: VT; Lê Thị Hoa\n")
    tokens = list(tokenize(text))
    doubted = _recipient_tail_doubts(text, tokens, [])
    assert [(c[0].text, c[1], c[3]) for c in doubted] == [
        ("4451", "4451", True), ("mịch", "mịch", True), ("ấy", "ấy", True), ("men", "men", True)]


def test_a_speck_deleted_in_a_recipients_tail_stays_deleted():
    text = "Nơi nhận:\n- Như trên; cˆ Ñ\n"
    tokens = list(tokenize(text))
    deleted = [(tok, "", 0.9, False, ()) for tok in tokens if tok.text == "Ñ"]
    doubted = _recipient_tail_doubts(text, tokens, deleted)
    assert [(c[0].text, c[1], c[3]) for c in doubted] == [("cˆ", "cˆ", True), ("Ñ", "", False)]


def test_a_short_word_alone_between_blank_lines():
    text = "trong đó:\n\nna\n\n- Ngân sách.\nCác xã và\nxã\n"
    tokens = list(tokenize(text))
    assert [t.text for t in tokens if _lone_between_blank_lines(text, t)] == ["na"]


def test_shares_above_a_hundred_percent():
    text = "98%\n986% Đạt; 120% kế hoạch; 12,5% và 100%.\n"
    tokens = list(tokenize(text))
    doubts = _odd_percentages(text, tokens, [])
    assert [(tok.text, suggestion, flagged) for tok, suggestion, _, flagged, _ in doubts] == [
        ("986", "98,6", True), ("120", "120", True)]


def test_positions_on_lines():
    text = "một hai\nba"
    tokens = list(tokenize(text))
    assert _same_line(text, tokens[0], tokens[1]) and not _same_line(text, tokens[1], tokens[2])
    assert [_opens_line(text, tokens, i) for i in range(3)] == [True, False, True]


def test_a_code_or_amount_glued_to_a_word_is_flagged_as_read() -> None:
    text = "chiều 16/3/202Bình Ngọc Trì P8.000.000; số 45/QĐ-UBND, GD&ĐT, QL1A, ĐT.295, 62 m2, 16/3/2025"
    doubted = glued_code_doubts(list(tokenize(text)), [])
    assert [(c[0].text, c[1], c[3]) for c in doubted] == [("16/3/202Bình", "16/3/202Bình", True),
                                                          ("P8.000.000", "P8.000.000", True)]


def test_what_stands_for_kt_over_a_deputys_title_is_flagged():
    def doubted(text):
        tokens = list(tokenize(text))
        return [(c[0].text, c[1], c[3]) for c in deputy_signer_doubts(text, tokens, [])]

    assert doubted("TM. ỦY BAN NHÂN DÂN\n11. CHU TỊCH\nPHO CHU TỊCH\nLâm Văn Trọng\n") == [("11", "KT", True)]
    assert doubted("K1. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n") == [("K1", "KT", True)]
    for kept in ("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n", "KT, CHỦ TỊCH\nPHÓ CHỦ TỊCH\n",  # (its stop: punctuation.py)
                 "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n", "1. Giám đốc\nPhó Giám đốc\n",
                 "11. CHỦ TỊCH\nPHÓ GIÁM ĐỐC\n"):
        assert doubted(kept) == [], kept


def test_a_metres_raised_figure_read_as_a_sign_is_flagged():
    text = "giá 160.000 đồng/m”; cây lâu năm 951,7 m¿. Diện tích (m*) và 5 m2, 7 m. Ông m\" nói: 'm' là"
    doubts = unit_superscript_doubts(text, [])
    assert [(c[0].text, c[1], c[3]) for c in doubts] == [("m”", "m²", True), ("m¿", "m²", True), ("m*", "m²", True)]
    assert doubts[0][4][:2] == ("m²", "m³")


def test_a_land_use_code_read_with_marks_is_flagged_on_a_page_of_codes():
    text = "ONT: đất ở tại nông thôn; LÚC: đất trồng lúa; CLN: đất trồng cây lâu năm.\n134 LÚC 1.024,7\n"
    tokens = list(tokenize(text))
    assert [(c[0].text, c[1], c[3]) for c in land_code_doubts(tokens, [])] == [("LÚC", "LUC", True)] * 2
    alone = "THỜI GIAN: LÚC 8 GIỜ, tại ONT\n"  # (one code only: no page of codes)
    assert land_code_doubts(list(tokenize(alone)), []) == []


def test_marks_on_a_short_capital_word_amid_small_letters_are_only_suggested():
    from pipeline.correction import Corrector

    corrector = Corrector.load()
    result = corrector.correct("chỉ số côn trùng vượt xa ngưỡng nguy cơ (BI từ 20 trở lên). Xét nghiệm")
    assert "(BI từ" in result.text
    assert any(c.original == "BI" and c.flagged for c in result.changes)
    # a heading in capitals is no abbreviation: its marks are restored
    assert corrector.correct("UY BAN NHAN DAN HUYEN YEN THACH").text == "ỦY BAN NHÂN DÂN HUYỆN YÊN THẠCH"
