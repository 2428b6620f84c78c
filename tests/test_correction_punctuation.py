"""Misread punctuation (pipeline.correction.punctuation) and how the corrector mends it."""

from __future__ import annotations

import pytest

from pipeline.correction import Corrector
from pipeline.correction.punctuation import (
    abbreviation_letter_fixes,
    area_unit_marks,
    clause_number_fixes,
    glued_number_fixes,
    half_spaced_dash_fixes,
    joining_hyphens,
    labels_in_order,
    list_dash_fixes,
    point_label_fixes,
    signer_prefix_fixes,
    stray_periods,
)
from pipeline.correction.tokens import tokenize
from pipeline.resources import models_dir


def stops(text: str) -> list[str]:
    tokens = list(tokenize(text))
    return [f"{tokens[b].text}.{tokens[a].text}" for _, b, a in stray_periods(text, tokens)]


def test_a_stop_before_a_small_letter_is_stray() -> None:
    assert stops("nộp phí. lệ phí vào ngân sách. Người nộp\nViệc sử dụng.\ntrong phạm vi") == [
        "phí.lệ", "dụng.trong"]
    # specks read as letters between are passed over
    assert stops("của Thường. š ặ\ntrực Ủy ban; quản lý phí. š\n\n1. Người nộp") == ["Thường.trực"]
    # a stop glued between two syllables is one too; a dotted address or "v.v." is not
    assert stops("cá nhân có liên quan.chịu trách nhiệm; gửi về tonghop@quangngai.gov.vn và v.v.") == [
        "quan.chịu"]


@pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")
def test_a_stop_glued_between_two_words_leaves_them_a_space() -> None:
    res = Corrector.load().correct("các tổ chức, cá nhân có liên quan.chịu trách nhiệm thi hành Thông tư này.")
    assert res.text == "các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Thông tư này."


@pytest.mark.parametrize("text", [
    "các nội dung v.v. và các việc khác",
    "theo quy định tại khoản 1 Điều 5.\nb) Thực hiện",
    "kết quả như sau.\na) Rà soát",
    "ngày ... tháng ... năm",
    "Điều 3. Trách nhiệm thi hành",
    "(đã ký). và",
    "kể từ ngày ký.\n\f\nø\n\nĐiều 3. Chánh Văn phòng",
])
def test_stops_of_running_text_are_kept(text: str) -> None:
    assert stops(text) == []


def test_clause_numbers_after_a_finished_line() -> None:
    text = "Căn cứ Luật Ngân sách;\n1, Người nộp phí\nkhoản 9, 10,\n11, Điều 5 và\n2: Tổ chức thu"
    fixes = clause_number_fixes(text)
    assert [(text[f.start:f.end], f.replacement) for f in fixes] == [(",", ".")]


def test_list_dashes() -> None:
    text = "Nơi nhận:\n~ Như trên;\n~- Lưu: VT.\nkhoảng 5 ~ 6 người"
    assert [text[f.start:f.end] for f in list_dash_fixes(text)] == ["~", "~-"]


def test_numbers_glued_to_the_heading_they_open() -> None:
    text = "I.MỤC ĐÍCH YÊU CẦU\n2.Công tác tuyên truyền\nNhà cấp II.A, mức 1.5 lần\n giá 3.Ba\nIII.Xây dựng"
    assert [text[: f.end].rsplit("\n", 1)[-1].strip() for f in glued_number_fixes(text)] == ["I.", "2.", "III."]
    assert {f.replacement for f in glued_number_fixes(text)} == {". "}


@pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")
def test_the_corrector_spaces_a_glued_heading_number() -> None:
    result = Corrector.load().correct("Kế hoạch như sau:\nI.MỤC ĐÍCH YÊU CẦU\n1.Công tác tuyên truyền\n")
    assert result.text == "Kế hoạch như sau:\nI. MỤC ĐÍCH YÊU CẦU\n1. Công tác tuyên truyền\n"


def test_raised_figures_of_area_units_read_as_signs() -> None:
    text = "giá 800.000 đồng/m? là; diện tích 16m), thiết bị; sàn 62,9mZ. (diện tích 5m) và 7 km) khác; em? ok"
    assert [text[o - 2:o + 1] for o in area_unit_marks(text)] == ["/m?", "6m)", "9mZ", " km)"[1:]]


@pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")
def test_an_area_units_sign_is_flagged_with_the_raised_two_suggested() -> None:
    result = Corrector.load().correct("Bồi thường với giá 800.000 đồng/m? là bất hợp lý.\n")
    assert [(c.original, c.flagged, c.alternatives) for c in result.changes] == [("?", True, ("²",))]


def test_point_labels_that_break_their_lists_order() -> None:
    text = ("1. Sở:\na) Ban hành\nb) Cung cấp\ne) Bảo đảm\n—_ đ) Chuẩn bị\ne) Tổ chức\n2. Công an:\n"
            "a) x\nb) y\nc) z\nd) w\nd) q\ne) r\na) k\ne) m\n")
    assert [(text[f.start - 3:f.start], f.replacement) for f in point_label_fixes(text)] == [
        ("ấp\n", "c"), ("—_ ", "d"), (" w\n", "đ")]


@pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")
def test_the_corrector_mends_a_point_label_from_its_lists_order() -> None:
    text = "1. Sở Giáo dục:\na) Ban hành văn bản;\nb) Cung cấp thông tin;\ne) Bảo đảm an toàn;\nđ) Chuẩn bị;\ne) Tổ chức;\n"
    assert Corrector.load().correct(text).text == (
        "1. Sở Giáo dục:\na) Ban hành văn bản;\nb) Cung cấp thông tin;\nc) Bảo đảm an toàn;\nd) Chuẩn bị;\ne) Tổ chức;\n")


@pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")
def test_point_labels_are_mended_in_english_model_text_too() -> None:
    # an English model cannot write "đ": the second "d)" before "e)" is "đ)"
    text = ("Cac truong hop sau day:\nd) Luat sua déi, bd sung mét s6 diéu cua luat;\n"
            "d) Luat sua déi, bé sung mét sé diéu cua bé luat;\ne) Nghi quyét thi diém cua Quéc hdi.\n")
    lines = Corrector.load().correct(text).text.splitlines()
    assert [line[:2] for line in lines[1:]] == ["d)", "đ)", "e)"]


def test_hyphens_joining_two_small_syllables() -> None:
    text = "cơ quan trực thuộc phê-duyệt dự toán; Bà Rịa-Vũng Tàu, 2020-2025, mô-đun, kinh tế - xã hội"
    assert [(left, right) for _, left, right in joining_hyphens(text)] == [("phê", "duyệt"), ("mô", "đun")]
    capitals = "TM. ỦY-BAN NHÂN DÂN; UBND-VP; Bà Rịa-Vũng Tàu"
    assert [(left, right) for _, left, right in joining_hyphens(capitals, capitals=True)] == [("ủy", "ban")]


@pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")
def test_the_corrector_chooses_a_comma_or_nothing() -> None:
    corrector = Corrector.load()
    text = "Tổ chức thu nộp phí. lệ phí vào ngân sách nhà nước.\nViệc sử dụng. trong phạm vi cho phép.\n"
    result = corrector.correct(text)
    assert result.text == "Tổ chức thu nộp phí, lệ phí vào ngân sách nhà nước.\nViệc sử dụng trong phạm vi cho phép.\n"
    assert [(c.original, c.corrected, c.flagged) for c in result.changes] == [(".", ",", False), (".", "", False)]


@pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")
def test_a_stop_glued_to_a_changed_word_joins_its_change() -> None:
    result = Corrector.load().correct("Đơn vị thu nộp phi. lệ phí vào ngân sách nhà nước theo quy định.\n")
    assert "nộp phí, lệ phí" in result.text
    assert any(c.original == "phi." and c.corrected == "phí," for c in result.changes)


@pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")
def test_a_dash_fix_inside_a_dropped_speck_line_is_not_made_twice() -> None:
    text = "~ công ~ \f"
    result = Corrector.load().correct(text)
    for change in result.changes:
        assert text[change.start:change.end] == change.original
        assert result.text[change.out_start:change.out_end] == (change.original if change.flagged else change.corrected)


def test_point_labels_read_as_glyphs_are_mended_from_their_lists_order() -> None:
    text = ("a) Ban hành\nb) Cung cấp\n©) Bảo đảm\nd) Chuẩn bị\nh) x\nì) Pháp lệnh\nX) Pháp lệnh\nÙ) Nghị quyết\n"
            "a) Điều\nk) y\n|) z\nm) w\nq) Giấy phép\nB) GIẤY PHÉP\nn) Thông tin\n0) Khoản\nX) Một\n")
    assert [(text[f.start - 3:f.start], f.replacement) for f in point_label_fixes(text)] == [
        ("ấp\n", "c"), (" x\n", "i"), (" y\n", "l"), (" w\n", "a"), ("in\n", "o")]


@pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")
def test_a_speck_hyphen_between_a_frequent_pair_is_a_space_and_a_loanwords_is_flagged() -> None:
    corrector = Corrector.load()
    speck = corrector.correct("Dự toán được cơ quan trực thuộc phê-duyệt theo quy định.\n")
    assert speck.text == "Dự toán được cơ quan trực thuộc phê duyệt theo quy định.\n"
    # in capitals, and judged on the words as the decoder mends them
    assert corrector.correct("Nơi nhận: TM. ỦY-BẠN NHÂN DÂN\n").text == "Nơi nhận: TM. ỦY BAN NHÂN DÂN\n"
    kept = corrector.correct("Phát triển kinh tế-xã hội và hệ thống ra-đa.\n")
    assert kept.text == "Phát triển kinh tế-xã hội và hệ thống ra-đa.\n"
    assert [(c.original, c.flagged, c.alternatives) for c in kept.changes] == [("-", True, (" ",))] * 2


def test_labels_their_lists_order_confirms() -> None:
    text = "a) Một;\nb) Hai;\nc) Ba;\nq) Bốn;\n\nx) Lẻ;\n©) Năm;\nd) Sáu;\n"
    confirmed = {text[k] for k in labels_in_order(text)}
    # "a" "b" "c" follow each other; "q" and "x" follow nothing; "©" is a glyph (mended elsewhere),
    # yet "d" goes on from it
    assert confirmed == {"a", "b", "c", "d"}


def test_a_dash_spaced_on_one_side_between_names_is_spaced_on_both() -> None:
    text = "Sở Lao động- Thương binh và Xã hội; Độc lập -Tự do; số 17/NQ- CP; kinh tế- xã hội"
    fixed = text
    for fix in sorted(half_spaced_dash_fixes(text), key=lambda f: -f.start):
        fixed = fixed[:fix.start] + fix.replacement + fixed[fix.end:]
    # (a code's dash has capitals on both sides; before a small letter it may be a joined word's)
    assert fixed == "Sở Lao động - Thương binh và Xã hội; Độc lập - Tự do; số 17/NQ- CP; kinh tế- xã hội"


def test_a_capital_label_in_a_list_of_small_ones_is_lowered() -> None:
    fixes = point_label_fixes("a) Một\nb) Hai\nC) Ba\nd) Bốn\n")
    assert [(f.start, f.replacement) for f in fixes] == [(14, "c")]
    # a heading's line in capitals keeps its capital label; so does a list in capitals
    assert point_label_fixes("a) Một\nb) Hai\nC) BA\nd) Bốn\n") == []
    assert point_label_fixes("A) Một\nB) Hai\nC) Ba\n") == []


@pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")
def test_a_symbol_read_for_the_c_of_an_abbreviation_is_mended() -> None:
    assert [(f.start, f.replacement) for f in abbreviation_letter_fixes("huyện (b/€); (đ/©); (b/c); (x/€)")] == [
        (9, "c"), (16, "c")]
    assert [(f.start, f.end, f.replacement) for f in abbreviation_letter_fixes("(b€); (bíc); (bc); (b/c); (b/C)")] == [
        (1, 3, "b/c"), (7, 10, "b/c"), (29, 30, "c")]  # ("(bc)" may be as written)
    result = Corrector.load().correct("Nơi nhận:\n- UBND tỉnh (b/€);\n- UBND huyện (b/©);\n- Sở Y tế (b€);\n- Lưu: VT.\n")
    assert result.text == "Nơi nhận:\n- UBND tỉnh (b/c);\n- UBND huyện (b/c);\n- Sở Y tế (b/c);\n- Lưu: VT.\n"
    assert not any(c.flagged for c in result.changes)


def test_the_stop_after_a_signers_authority() -> None:
    text = "in KT, CHÁNH VĂN PHÒNG\nKT: CHỦ TỊCH\nTM, ỦY BAN NHÂN DÂN\nphòng KT, Hạ tầng\nKT, Ban\nTL. GIÁM ĐỐC\n"
    assert [(text[f.start - 2:f.start], f.replacement) for f in signer_prefix_fixes(text)] == [
        ("KT", "."), ("KT", "."), ("TM", ".")]


def test_the_space_after_a_signers_authority_glued_to_the_title() -> None:
    text = "TM.ỦY BAN NHÂN DÂN\nKT.CHỦ TỊCH\nTL.Giám đốc\nTM.Ủy ban\nHTTM.ỦY\n"
    assert [(text[f.start - 2:f.start], f.replacement) for f in signer_prefix_fixes(text)] == [
        ("TM", ". "), ("KT", ". ")]
