from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.eval import metrics as m


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- CER ----------------------------------------------------------------------


def test_cer_of_identical_strings_is_zero():
    result = m.cer("Số: 1005/KH-PGDĐT", "Số: 1005/KH-PGDĐT")
    assert result == m.ErrorCounts(0, len("Số: 1005/KH-PGDĐT"))
    assert result.rate == 0.0


def test_cer_nfc_and_nfd_are_equal():
    assert m.cer(nfd("Củ Chi, ngày 11 tháng 6"), "Củ Chi, ngày 11 tháng 6").errors == 0


def test_cer_folds_whitespace_and_page_breaks():
    assert m.cer("Kế  hoạch\n\f\nsố 5", "Kế hoạch số 5").errors == 0


def test_cer_insertion_deletion_substitution():
    assert m.cer("abcd", "abc") == m.ErrorCounts(1, 3)  # one inserted
    assert m.cer("ab", "abc") == m.ErrorCounts(1, 3)  # one deleted
    assert m.cer("tháng", "thắng").errors == 1  # one substituted (NFC: one char)


def test_cer_of_empty_gold_has_no_rate():
    assert m.cer("", "").rate is None
    assert m.cer("abc", "") == m.ErrorCounts(3, 0)


# --- syllable error rate --------------------------------------------------------


def test_ser_one_wrong_syllable_in_four():
    assert m.syllable_error_rate("Ủy ban nhân đân", "Ủy ban nhân dân") == m.ErrorCounts(1, 4)


def test_ser_insertion_and_deletion():
    assert m.syllable_error_rate("Ủy ban ban nhân dân", "Ủy ban nhân dân") == m.ErrorCounts(1, 4)
    assert m.syllable_error_rate("Ủy nhân dân", "Ủy ban nhân dân") == m.ErrorCounts(1, 4)


def test_superscript_digits_compare_as_digits():
    # OCR prints no superscripts: "m2" is the reading of a printed "m²"
    assert m.syllable_error_rate("3.260 m2 đất, 5 m3", "3.260 m² đất, 5 m³") == m.ErrorCounts(0, 5)
    assert m.cer("m2", "m²").errors == 0


def test_ser_punctuation_insensitive_variant():
    pred, gold = "Củ Chi ngày 11", "Củ Chi, ngày 11 -"
    assert m.syllable_error_rate(pred, gold) == m.ErrorCounts(2, 5)
    assert m.syllable_error_rate(pred, gold, punct_insensitive=True) == m.ErrorCounts(0, 4)


def test_strip_punct_keeps_inner_punctuation():
    assert m.strip_punct("(09/CT-UBND);") == "09/CT-UBND"
    assert m.strip_punct("./.") == ""
    assert m.strip_punct("Chi,") == "Chi"


# --- diacritics -----------------------------------------------------------------


def test_has_diacritic():
    assert m.has_diacritic("tháng")
    assert m.has_diacritic(nfd("tháng"))
    assert m.has_diacritic("đi")
    assert m.has_diacritic("Ơn")
    assert not m.has_diacritic("ban")
    assert not m.has_diacritic("2024")


def test_one_wrong_tone_in_ten_marked_syllables_gives_0_9():
    gold = "Phòng Giáo dục và Đào tạo huyện Củ xây dựng"
    assert all(m.has_diacritic(s) for s in gold.split()) and len(gold.split()) == 10
    pred = gold.replace("dục", "dực")
    assert m.diacritic_accuracy(pred, gold) == m.Ratio(9, 10)
    assert m.diacritic_accuracy(pred, gold).value == pytest.approx(0.9)


def test_diacritic_accuracy_counts_only_marked_gold_syllables():
    gold = "Chi thi so 09 của Ủy ban"  # marked: của, Ủy
    pred = "Chi thi so 09 cua Ủy ban"
    assert m.diacritic_accuracy(pred, gold) == m.Ratio(1, 2)


def test_diacritic_accuracy_survives_insertions_and_punctuation():
    gold = "Triển khai thực hiện, tăng cường"
    pred = "Triển xx khai thực hiện tăng cường."
    assert m.diacritic_accuracy(pred, gold) == m.Ratio(5, 5)
    assert m.diacritic_accuracy(nfd(gold), gold) == m.Ratio(5, 5)


def test_english_ocr_loses_all_marks():
    assert m.diacritic_accuracy("Uy ban nhan dan", "Ủy ban nhân dân") == m.Ratio(0, 3)


# --- flags --------------------------------------------------------------------


def test_flag_precision_recall_on_handmade_prediction():
    gold = "Ủy ban nhân dân huyện Củ Chi"
    pred = "Ủy ban nhân đân huyên Củ Chi"  # wrong: đân (12:15), huyên (16:21)
    assert pred[12:15] == "đân" and pred[16:21] == "huyên" and pred[22:24] == "Củ"
    flags = [(12, 15), (22, 24)]  # one on a wrong word, one on the right "Củ"
    result = m.flag_precision_recall(pred, gold, flags)
    assert result == m.PrecisionRecall(1, 2, 1, 2)
    assert result.precision == 0.5 and result.recall == 0.5


def test_one_flag_over_two_wrong_words_and_no_flags():
    gold, pred = "Ủy ban nhân dân", "Ủy bàn nhan dân"
    assert m.flag_precision_recall(pred, gold, [(3, 12)]) == m.PrecisionRecall(1, 1, 2, 2)
    none = m.flag_precision_recall(pred, gold, [])
    assert none.precision is None and none.recall == 0.0


def test_wrong_pred_tokens_include_insertions():
    tokens, wrong = m.wrong_pred_tokens("Ủy ban xx nhân dân", "Ủy ban nhân dân")
    assert [tokens[i].text for i in sorted(wrong)] == ["xx"]


# --- reading order forgiven -----------------------------------------------------


HEADER_GOLD = "UBND HUYỆN AN PHÚ ĐÔNG PHÒNG TÀI NGUYÊN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do"
# the header's two columns read across: the right column's first line came first
HEADER_READ = "UBND HUYỆN AN PHÚ ĐÔNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM PHÒNG TÀI NGUYÊN Độc lập - Tự do"


def test_a_moved_block_costs_one_error():
    strict = m.syllable_error_rate(HEADER_READ, HEADER_GOLD)
    moved = m.syllable_error_rate(HEADER_READ, HEADER_GOLD, moves=True)
    assert strict.errors == 6 and moved == m.ErrorCounts(1, strict.total)


def test_words_read_right_in_another_order_are_not_wrong():
    _, wrong = m.wrong_pred_tokens(HEADER_READ, HEADER_GOLD)
    assert wrong == set()
    _, wrong_strict = m.wrong_pred_tokens(HEADER_READ, HEADER_GOLD, moves=False)
    assert len(wrong_strict) == 3
    pred = HEADER_READ.replace("TÀI", "TẢI")
    tokens, wrong = m.wrong_pred_tokens(pred, HEADER_GOLD)
    assert [tokens[i].text for i in wrong] == ["TẢI"]


def test_a_single_word_elsewhere_is_not_moved():
    assert m.align_with_moves(["b", "a", "c"], ["a", "b", "c"]).moves == 0


WORDS = ("ủy", "ban", "nhân", "dân", "huyện", "xã", "số", "12", "-", ";")


@given(st.lists(st.sampled_from(WORDS), max_size=30), st.lists(st.sampled_from(WORDS), max_size=30))
@settings(max_examples=200, deadline=None)
def test_moves_never_cost_more_than_plain_edits(pred, gold):
    aligned = m.align_with_moves(pred, gold)
    plain = m.syllable_error_rate(" ".join(pred), " ".join(gold)).errors
    assert aligned.errors <= plain
    assert all(pred[p] == gold[g] for p, g in aligned.pairs)
    assert len({p for p, _ in aligned.pairs}) == len({g for _, g in aligned.pairs}) == len(aligned.pairs)


# --- structure ----------------------------------------------------------------


def test_header_field_matches_fold_and_skip_empty_fields():
    gold = {"number": "1005/KH-PGDĐT", "place": "Củ Chi", "date": "2024-06-11",
            "addressees": ["Hiệu trưởng"], "secrecy": None}
    pred = {"number": "1005/KH-PGDĐT", "place": nfd("Củ  Chi"), "date": "2024-06-12",
            "addressees": ["Hiệu trưởng"], "urgency": "KHẨN"}
    assert m.header_field_matches(pred, gold) == {
        "number": True, "place": True, "date": False, "addressees": True, "urgency": False,
    }


def test_header_lists_compare_in_order():
    gold = {"addressees": ["A", "B"]}
    assert m.header_field_matches({"addressees": ["B", "A"]}, gold) == {"addressees": False}


def test_references_found_by_number():
    gold = [{"number": "09/CT-UBND"}, {"number": "4660/KH-UBND"}, {"number": None}]
    pred = [{"number": "09/CT – UBND"}, {"number": "09/CT-UBND"}, {"number": "07/CT-TTg"}]
    assert m.references_found(pred, gold) == m.PrecisionRecall(1, 2, 1, 2)


def test_sections_match_title_and_role():
    gold = [{"title": "MỤC ĐÍCH, YÊU CẦU", "role": "goals"}, {"title": "NỘI DUNG", "role": "content"},
            {"title": "TỔ CHỨC THỰC HIỆN", "role": "organisation"}]
    pred = [{"title": "Mục đích,  yêu cầu", "role": "goals"}, {"title": "NỘI DUNG", "role": "tasks"}]
    result = m.sections_found(pred, gold)
    assert result == m.PrecisionRecall(1, 2, 1, 3)


def test_recipients_exact_and_items():
    gold = ["Như trên;", "Lưu: VT."]
    assert m.recipients_match(["Như  trên;", "Lưu: VT."], gold) == (True, m.PrecisionRecall(2, 2, 2, 2))
    exact, pr = m.recipients_match(["Lưu: VT.", "Như trên;", "UBND huyện;"], gold)
    assert not exact and pr == m.PrecisionRecall(2, 3, 2, 2)


def test_signature_fields():
    gold = {"authority": "KT. TRƯỞNG PHÒNG", "title": "PHÓ TRƯỞNG PHÒNG", "signer": "Nguyễn Văn A"}
    pred = {"authority": "KT. TRƯỞNG PHÒNG", "title": "PHÓ TRƯỞNG PHÒNG", "signer": None}
    assert m.signature_field_matches(pred, gold) == {"authority": True, "title": True, "signer": False}


def test_counts_add_up_as_micro_averages():
    total = m.ErrorCounts(1, 10) + m.ErrorCounts(9, 90)
    assert total.rate == pytest.approx(0.1)
    assert (m.Ratio(1, 1) + m.Ratio(0, 3)).value == pytest.approx(0.25)
    pr = m.PrecisionRecall(1, 2, 1, 4) + m.PrecisionRecall(1, 2, 3, 4)
    assert (pr.precision, pr.recall) == (0.5, 0.5)


def test_moves_can_pair_substituted_tokens_too():
    pred, gold = ["Tố", "kiểm", "tra", "xã"], ["Tổ", "kiểm", "tra", "xã"]
    assert (0, 0) not in m.align_with_moves(pred, gold).pairs
    assert (0, 0) in m.align_with_moves(pred, gold, substitutions=True).pairs
