"""Recipients ('Nơi nhận') and the signing block, laid out or interleaved in plain text."""

from __future__ import annotations

import pytest

from pipeline.structure.closing import drop_trailing_specks, is_name, locate_closing, parse_closing
from pipeline.structure.lines import document_lines
from pipeline.structure.plaintext import document_from_text

INTERLEAVED = """Nay, thông báo kết luận để các cơ quan triển khai thực hiện./.

Nơi nhận: TL. CHỦ TỊCH
- CT, PCT UBND tỉnh;
- Các Sở: Tài chính, Kế hoạch và Đầu tư,
  Tài nguyên và Môi trường, Xây dựng;
- Thanh tra tỉnh;
~ Công ty QISC;
- Lưu: VT, KTTHh5.
KT. CHÁNH VĂN PHÒNG
PHÓ CHÁNH VĂN PHÒNG

(Đã ký)

Nguyễn Phước Bình
"""


def closing_of(text: str):
    lines = document_lines(document_from_text(text))
    return parse_closing(lines[locate_closing(lines):])


def test_interleaved_columns_from_text():
    result = closing_of(INTERLEAVED)
    assert result.recipients == [
        "CT, PCT UBND tỉnh;",
        "Các Sở: Tài chính, Kế hoạch và Đầu tư, Tài nguyên và Môi trường, Xây dựng;",
        "Thanh tra tỉnh;",
        "Công ty QISC;",
        "Lưu: VT, KTTHh5.",
    ]
    assert result.signature.authority == "TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG"
    assert result.signature.title == "PHÓ CHÁNH VĂN PHÒNG"
    assert result.signature.signer == "Nguyễn Phước Bình"


def test_signature_before_recipients_and_acting_title():
    result = closing_of("Trên đây là kế hoạch./.\n\nQ. TRƯỞNG PHÒNG\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\n"
                        "Phạm Minh Đức\n")
    assert result.recipients == ["Như trên;", "Lưu: VT."]
    assert result.signature.authority is None
    assert result.signature.title == "Q. TRƯỞNG PHÒNG"
    assert result.signature.signer == "Phạm Minh Đức"


def test_collective_authority():
    result = closing_of("Nơi nhận:\n- Như trên;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nTrương Văn Lộc\n")
    assert (result.signature.authority, result.signature.title, result.signature.signer) == (
        "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trương Văn Lộc")


def test_signer_without_title_after_closed_list():
    result = closing_of("Nơi nhận:\n- Như trên;\n- Lưu: VT, NV.\nNguyễn Hoàng Phong\n")
    assert result.recipients == ["Như trên;", "Lưu: VT, NV."]
    assert result.signature.signer == "Nguyễn Hoàng Phong"


def test_no_closing_zone():
    result = closing_of("Một văn bản không có nơi nhận và không ký.\n")
    assert result.recipients == [] and result.signature.authority is None and result.signature.signer is None


def test_is_name():
    assert is_name("Phùng Tô Long") and is_name("Lê Thị Thu Hương")
    assert not is_name("Tài nguyên và Môi trường") and not is_name("PHÓ GIÁM ĐỐC") and not is_name("Nội vụ, Tư pháp;")


def test_ocr_slips_in_recipients():
    result = closing_of("Nơi nhận:\n- UBND tỉnh (b/€);\n- Các sở, ban, ngành tỉnh; tC\n- CT; PCT UBND xã;\n"
                        "- - Lưu: VT; ĐC.\n")
    assert result.recipients == ["UBND tỉnh (b/c);", "Các sở, ban, ngành tỉnh;", "CT, PCT UBND xã;", "Lưu: VT, ĐC."]


def test_laid_out_recipients_with_an_unreadable_label():
    from pipeline.model import Word
    from pipeline.structure.lines import make_line

    def line(text: str, kind: str):
        return make_line([Word(id=f"w{i}", text=t) for i, t in enumerate(text.split())], 1, 1, kind)

    lines = [line("Nơi nệm, : - UBND tỉnh (b/c);", "recipients"), line("- Lưu: VT, TNMT.", "recipients"),
             line("KT. CHỦ TỊCH", "signature"), line("PHÓ CHỦ TỊCH š", "signature"),
             line("LAI VẬN ẦN /", "signature"), line("Lê Thị Thu Hương", "signature")]
    result = parse_closing(lines)
    assert result.recipients == ["UBND tỉnh (b/c);", "Lưu: VT, TNMT."]
    assert (result.signature.authority, result.signature.title, result.signature.signer) == (
        "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Thị Thu Hương")


def test_speck_before_the_recipients_label():
    """OCR reads a speck before 'Nơi nhận' (',Nơi nhận:'): the zone and its list are still found."""
    result = closing_of("Trên đây là kế hoạch./.\n\n,Nơi nhận: CHỦ TỊCH\n- Như trên;\n- Lưu: VT.\n\nLê Văn Tám\n")
    assert result.recipients == ["Như trên;", "Lưu: VT."]
    assert (result.signature.title, result.signature.signer) == ("CHỦ TỊCH", "Lê Văn Tám")


def _laid_out(text: str, kinds: list[str]):
    lines = document_lines(document_from_text(text))
    for line, kind in zip(lines, kinds, strict=True):
        line.kind = kind
    return parse_closing(lines)


def test_laid_out_recipient_whose_dash_was_read_as_a_colon():
    result = _laid_out("Nơi nhận:\n: Bộ Tài chính (b/c);\n- Lưu: VT, KT.\nGIÁM ĐỐC\nLê Văn Tám\n",
                       ["recipients"] * 3 + ["signature"] * 2)
    assert result.recipients == ["Bộ Tài chính (b/c);", "Lưu: VT, KT."]


def test_drafter_code_after_a_comma_is_not_an_authority():
    result = closing_of("Nơi nhận:\n- Như trên;\n- Lưu: VT,KT.lvt05\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\nLê Văn Tám\n")
    assert result.recipients == ["Như trên;", "Lưu: VT,KT.lvt05"]
    assert result.signature.authority == "KT. GIÁM ĐỐC"


def test_trailing_stroke_letters_are_trimmed_from_capital_titles():
    from pipeline.structure.text import trim_junk

    assert trim_junk("CHÁNH VĂN PHÒNG x Ầ") == "CHÁNH VĂN PHÒNG"
    assert trim_junk("PHÓ CHỦ TỊCH š") == "PHÓ CHỦ TỊCH"
    assert trim_junk("Trương Văn A") == "Trương Văn A"  # a name may end in one capital letter
    assert trim_junk("SỞ Y TẾ") == "SỞ Y TẾ"


def test_garbled_office_in_a_title_is_written_as_the_known_office_and_reviewed():
    result = closing_of("Nơi nhận:\n- Như trên;\n- Lưu: VT.\nKT. GIÁM ĐOÓC\nPHÓ GIÁM ĐOÓỌC\nLê Văn Tám\n")
    assert (result.signature.authority, result.signature.title) == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    reviews = {(c.original, c.corrected) for c in result.corrections}
    assert reviews == {("KT. GIÁM ĐOÓC", "KT. GIÁM ĐỐC"), ("PHÓ GIÁM ĐOÓỌC", "PHÓ GIÁM ĐỐC")}
    assert all(c.flagged and c.kind == "header_field" and c.word_ids for c in result.corrections)


def test_known_titles_are_left_alone():
    result = closing_of(INTERLEAVED)
    assert result.corrections == []
    from pipeline.structure.titles import normalise_authority, normalise_title

    for title in ("PHÓ CHÁNH VĂN PHÒNG", "Q. TRƯỞNG PHÒNG", "TRƯỞNG PHÒNG NỘI VỤ", "CHỦ TỊCH", "THỨ TRƯỞNG"):
        assert normalise_title(title) == title
    assert normalise_authority("TM. ỦY BAN NHÂN DÂN") == "TM. ỦY BAN NHÂN DÂN"


def test_title_normalisation_odd_forms():
    from pipeline.structure.titles import normalise_authority, normalise_title

    assert normalise_title("Q.TRUỞNG PHÒNG") == "Q. TRƯỞNG PHÒNG"  # glued acting mark, hook on the wrong vowel
    assert normalise_title("PHÓ CHỦ TICH") == "PHÓ CHỦ TỊCH"
    assert normalise_title("GIÁM ĐÓC SỞ") == "GIÁM ĐỐC SỞ"  # the unit after the office is kept
    assert normalise_title("THU TRUONG") == "THU TRUONG"  # THỨ or THỦ TRƯỞNG: equally close, not guessed
    assert normalise_title("ỦY BAN NHÂN DÂN") == "ỦY BAN NHÂN DÂN"  # no office: unchanged
    assert normalise_title("Phó giám đốc") == "Phó giám đốc"  # only titles in capitals
    assert normalise_authority("TL. CHU TICH") == "TL. CHỦ TỊCH"
    # a blurred stop fused into a letter, or lost, before the body or office
    from pipeline.structure.closing import AUTHORITY

    for read, meant in (("TMLÚY BAN NHÂN DÂN", "TM. ỦY BAN NHÂN DÂN"), ("KTL CHỦ TỊCH", "KT. CHỦ TỊCH"),
                        ("TM ỦY BAN NHÂN DÂN", "TM. ỦY BAN NHÂN DÂN")):
        assert AUTHORITY.match(read) and normalise_authority(read) == meant
    assert not any(AUTHORITY.match(text) for text in ("TLIÊN", "TMBAN", "TL đồng chí"))


def test_specks_read_over_the_signers_name_are_left_out():
    from pipeline.model import Word
    from pipeline.structure.lines import make_line

    def word(text, box, n):
        return Word(id=f"p1-b2-l3-w{n}", text=text, confidence=90.0, bbox=box)

    title = make_line([word("CHỦ", (1700, 2500, 1800, 2540), 1), word("TỊCH", (1810, 2500, 1920, 2540), 2)], 1, 2,
                      "signature")
    name = make_line([word("Đặng", (1707, 2704, 1838, 2755), 1), word("Văn", (1856, 2703, 1955, 2743), 2),
                      word("Minh", (1973, 2702, 2105, 2742), 3), word("Ẻ", (1757, 2745, 1766, 2754), 4)], 1, 2,
                     "signature")
    result = parse_closing([title, name])
    assert (result.signature.title, result.signature.signer) == ("CHỦ TỊCH", "Đặng Văn Minh")
    # a short word of full height beside the others is a word, not a speck
    alone = make_line([word("Lê", (1707, 2704, 1780, 2745), 1), word("Văn", (1800, 2704, 1900, 2745), 2),
                       word("A", (1920, 2704, 1950, 2745), 3)], 1, 2, "signature")
    assert parse_closing([title, alone]).signature.signer == "Lê Văn A"


def test_seal_specks_after_a_recipient_are_dropped_and_abbreviations_get_their_d():
    result = closing_of("Trên đây là kế hoạch./.\n\nNơi nhận: Q. TRƯỞNG PHÒNG\n- BLD, CV Phòng GD&DT huyện; A Số\n"
                        "- Các cơ sở giáo dục trên địa bàn huyện; / A\n- Lưu: VT, NHNgọc. a fof opht\n")
    assert result.recipients == ["BLĐ, CV Phòng GD&ĐT huyện;", "Các cơ sở giáo dục trên địa bàn huyện;",
                                 "Lưu: VT, NHNgọc."]
    assert result.signature.title == "Q. TRƯỞNG PHÒNG"
    assert [(c.original, c.corrected, c.flagged) for c in result.corrections] == [
        ("BLD", "BLĐ", True), ("GD&DT", "GD&ĐT", True)]


@pytest.mark.parametrize(("text", "expected"), [
    ("- Lưu: VT. ĐC", "- Lưu: VT. ĐC"),  # an abbreviation
    ("- UBND huyện; (b/c)", "- UBND huyện; (b/c)"),
    ("- UBND tỉnh; Sở Y tế", "- UBND tỉnh; Sở Y tế"),  # two words
    ("- UBND tỉnh; Sở Nội vụ;", "- UBND tỉnh; Sở Nội vụ;"),  # closed like an item
    ("- Sở Tài chính; Sở Xây dựng", "- Sở Tài chính; Sở Xây dựng"),
    ("- Lưu: VT, KTN. 02b", "- Lưu: VT, KTN. 02b"),  # digits: copies or a code
    ("- Như trên; ~ x", "- Như trên;"),
    ("- Lưu: VT, NV. a fof opht", "- Lưu: VT, NV."),
])
def test_drop_trailing_specks(text, expected):
    assert drop_trailing_specks(text) == expected


def test_blurred_signing_lines_with_specks_and_misread_marks():
    """What a blurred 150 dpi page gives: specks before the lines, 'TM„' for 'TM.', 'Q-' for 'Q.'."""
    result = _laid_out("Nơi nhận:\n- Lưu: VT.\nTM„ỦY BAN NHÂN DÂN\n..PHÓ CHỦ TỊCH\n_ Lê Thị Thu Hương\n",
                       ["recipients"] * 2 + ["signature"] * 3)
    assert (result.signature.authority, result.signature.title, result.signature.signer) == (
        "TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH", "Lê Thị Thu Hương")
    result = _laid_out("Nơi nhận:\n- Lưu: VT.\n~_Q- TRƯỚNG PHÒNG\nPhạm Minh Đức\n", ["recipients"] * 2 + ["signature"] * 2)
    assert (result.signature.title, result.signature.signer) == ("Q. TRƯỞNG PHÒNG", "Phạm Minh Đức")
