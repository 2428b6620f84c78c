"""Doubt flags of the correction engine: what a clerk is asked to review (skips without the models)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.correction import Corrector
from pipeline.correction import corrector as engine
from pipeline.correction.segment import sentences
from pipeline.correction.tokens import tokenize
from pipeline.correction.viet import strip_marks
from pipeline.resources import models_dir

pytestmark = pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")

SENTENCE = "Ủy ban nhân dân tỉnh chịu trách nhiệm tổ chức thực hiện Nghị định này."


@pytest.fixture(scope="module")
def corrector() -> Corrector:
    return Corrector.load()


def _spans(text: str, conf: float, low: dict[str, float] | None = None) -> list[tuple[int, int, float]]:
    """(start, end, confidence) of every whitespace-separated word, some with their own confidence."""
    spans, pos = [], 0
    for word in text.split():
        start = text.index(word, pos)
        pos = start + len(word)
        spans.append((start, pos, (low or {}).get(word, conf)))
    return spans


def _flagged(result) -> dict[str, str]:
    return {c.original: c.corrected for c in result.changes if c.flagged}


def test_weights_match_features() -> None:
    assert len(engine.DOUBT_WEIGHTS_OCR) == len(engine.DOUBT_FEATURES) == len(engine.DOUBT_WEIGHTS_TEXT)


def test_confident_clean_text_has_no_flags(corrector: Corrector) -> None:
    res = corrector.correct(SENTENCE, token_confidences=_spans(SENTENCE, 96.0))
    assert res.text == SENTENCE
    assert not [c for c in res.changes if c.flagged]


def test_doubted_word_is_flagged_not_changed(corrector: Corrector) -> None:
    res = corrector.correct(SENTENCE, token_confidences=_spans(SENTENCE, 96.0, {"trách": 20.0}))
    assert res.text == SENTENCE  # a flag never changes the text
    flags = {c.original: c for c in res.changes if c.flagged}
    assert "trách" in flags
    assert set(flags) <= {"chịu", "trách", "nhiệm"}  # misreads come in clusters: neighbours may be asked too
    flag = flags["trách"]
    assert flag.corrected == "trách"
    assert SENTENCE[flag.start : flag.end] == "trách"


def test_flags_follow_ocr_confidence(corrector: Corrector) -> None:
    """The lower Tesseract's confidence in an unusual word, the more likely it is flagged."""
    text = "Giao Sở Tài chính chủ trì phối hợp với các đơn vị liên quan."
    high = corrector.correct(text, token_confidences=_spans(text, 95.0))
    low = corrector.correct(text, token_confidences=_spans(text, 95.0, {"phối": 30.0, "hợp": 30.0}))
    assert len(_flagged(low)) > len(_flagged(high))
    assert {"phối", "hợp"} <= set(_flagged(low))


def test_unknown_garbage_is_flagged_without_confidences(corrector: Corrector) -> None:
    res = corrector.correct("Ủy ban nhân dân tỉnh nưữứu trách nhiệm tổ chức thực hiện.")
    assert "nưữứu" in _flagged(res)


def test_lookalike_capital_inside_a_sentence(corrector: Corrector) -> None:
    text = "Danh mục thành phần và yêu cầu Kỹ thuật cơ bản của bảng tin điện tử."
    res = corrector.correct(text, token_confidences=_spans(text, 90.0))
    assert "Kỹ" in _flagged(res)
    assert res.text == text


def test_capitals_the_writer_put_are_not_doubted_as_lookalikes(corrector: Corrector) -> None:
    # the start of an agency's name, a title the corpus capitalises, a heading before its colon
    text = ("V/v báo cáo kết quả\nKính gửi: Ủy ban nhân dân huyện\n"
            "Theo đề nghị của Giám đốc Sở Tài chính, Chủ tịch UBND tỉnh đã chỉ đạo.\n")
    for res in (corrector.correct(text), corrector.correct(text, token_confidences=_spans(text, 90.0))):
        assert not {"Kính", "Sở", "Chủ"} & set(_flagged(res))
        assert res.text == text


def test_a_document_number_split_by_blur_is_flagged(corrector: Corrector) -> None:
    text = "Thực hiện Công văn số 1 56/TNMT-QLĐĐ ngày 08/5/2025 và Quyết định số 45/QĐ-UBND.\nSố: 1 56/UBND-KT\n"
    for res in (corrector.correct(text), corrector.correct(text, token_confidences=_spans(text, 95.0))):
        # flagged where the number starts, with its figures joined as the suggestion
        assert [(c.start, c.corrected) for c in res.changes if c.original.startswith("1 56/") and c.flagged] == [
            (text.index("1 56/T"), "156/TNMT-QLĐĐ"), (text.index("1 56/U"), "156/UBND-KT")]
        assert res.text == text


def test_specks_among_the_recipients_and_signature_are_flagged(corrector: Corrector) -> None:
    text = ("Đề nghị các đơn vị thực hiện./.\nNơi nhận: KT. CHỦ TỊCH\n- Như trên; G PHÓ CHỦ TỊCH\n"
            "- UBND tỉnh (b/c); A ME 2\n- Sở Y tế;\na) Lưu: VT.\nTrần Văn An\n")
    flagged = _flagged(corrector.correct(text))
    assert {"G", "A", "ME"} <= set(flagged)
    assert not {"c", "b", "Y", "a", "An", "VT"} & set(flagged)
    # the heading as blur reads it
    assert "G" in _flagged(corrector.correct(text.replace("Nơi nhận:", "Nơnhậm:")))
    # a heading the seal made unreadable: the block starts after the "./." that closes the body
    assert {"G", "A", "ME"} <= set(_flagged(corrector.correct(text.replace("Nơi nhận:", "Mế thức:"))))
    assert "A" not in _flagged(corrector.correct("Điểm A của khu chợ; B và C.\n"))
    # a lone letter the decoder took a mark off
    assert "A" in _flagged(corrector.correct(text.replace("- Sở Y tế;", "- Sở Y tế; À")))
    # a letter and a figure beside a recipient
    assert "r1" in _flagged(corrector.correct(text.replace("- Sở Y tế;", "- Sở Y tế; r1")))


def test_shapes_running_text_does_not_take_are_flagged(corrector: Corrector) -> None:
    text = ("Người nộp ph, lệ phí theo thủ tục hành chính 3 Cơ quan thu phí thực hiện 02 Chương trình.\n"
            "Mưa 5 mm trên 300 người/km và khoản 3, 4 và 9 Điều 4 của Luật này.\n")
    flagged = _flagged(corrector.correct(text))
    assert {"ph", "3"} <= set(flagged)
    assert not {"02", "mm", "km", "9", "4"} & set(flagged)
    # a date's day or month that is no day or month number
    dates = "Quảng Ngãi, ngày tháng II năm 2024; ngày 15 tháng 1] năm 2024; 6 tháng đầu năm 2025, ngày 31 tháng 12 năm\n"
    assert [c.original for c in corrector.correct(dates).changes if c.flagged] == ["II", "1"]
    # a marked word with a digit inside it; not a code ("10a")
    flagged = _flagged(corrector.correct("Giao cho các đơn vị Ig8ày thực hiện theo khoản 10a Điều 5.\n"))
    assert "Ig8ày" in flagged and "10a" not in flagged


def test_a_reading_on_a_line_of_junk_is_only_suggested(corrector: Corrector) -> None:
    text = "Đề nghị các đơn vị thực hiện./.\nNơi nhận:\n- Lưu: VTF, NV. X.} ¿ Vẻ sŠ ⁄\nNguyễn Hoàng Phong\n"
    res = corrector.correct(text)
    assert "Vẻ" in _flagged(res) and "Vẻ" in res.text


def test_odd_codes_are_flagged(corrector: Corrector) -> None:
    text = "Căn cứ Thông tư số 536/TTI-CP và Quyết định số 123/TB-UBND của tỉnh."
    res = corrector.correct(text, token_confidences=_spans(text, 92.0))
    flagged = _flagged(res)
    assert "536/TTI-CP" in flagged
    assert "123/TB-UBND" not in flagged
    assert res.text == text
    assert "536/TTI-CP" in _flagged(corrector.correct(text))  # without confidences too
    assert "0/2i3i0" in _flagged(corrector.correct("Văn phòng Chính phủ 0/2i3i0 Ban Chỉ đạo"))
    # a year glued to the type (the stop suggested), or one no document bears
    res = corrector.correct("theo Nghị định số 167/2025NĐ-CP và Nghị định số 06/3021/NĐ-CP của Chính phủ.")
    assert {(c.original, c.corrected) for c in res.changes if c.flagged} == {
        ("167/2025NĐ-CP", "167/2025/NĐ-CP"), ("06/3021/NĐ-CP", "06/3021/NĐ-CP")}
    # a lone "L" is no heading's numeral (those are I, V and X)
    assert "L" in _flagged(corrector.correct("Kết quả cụ thể như sau L 1 Xiyaagrh no ME\nII. NHIỆM VỤ\n"))


def test_dot_decimal_on_a_comma_decimal_line(corrector: Corrector) -> None:
    text = "Tỷ lệ phần trăm (%) 100 22,72 4,29 30.05 1,76\n1.2. Nội dung"
    res = corrector.correct(text, token_confidences=_spans(text, 95.0))
    flagged = _flagged(res)
    assert flagged.get("30.05") == "30,05"
    assert "1.2" not in flagged  # a section number at the start of a line
    assert res.text == text


def test_a_share_with_a_dot_a_year_no_letter_writes_and_a_number_glued_to_its_type(corrector: Corrector) -> None:
    text = "Tái đàn gia cầm\n2.350\n2.100\n89.4%\nTổng kết năm 23024 và năm 2024, năm 1995.\nSố: 26GM-UBND\n"
    res = corrector.correct(text, token_confidences=_spans(text, 95.0))
    flagged = _flagged(res)
    assert flagged.get("89.4") == "89,4"  # a share groups no thousands, though alone on its line
    assert "23024" in flagged and "26GM-UBND" in flagged
    share = "- 00% hồ sơ được tiếp nhận, 5% còn lại, 100% đã xử lý.\n"
    assert [c.original for c in corrector.correct(share, token_confidences=_spans(share, 95.0)).changes
            if c.flagged] == ["00"]  # a lost "1"
    assert not {"2.350", "2.100", "2024", "1995"} & set(flagged)
    assert res.text == text


def test_flag_share_on_gold_text_is_small(corrector: Corrector) -> None:
    text = " ".join([SENTENCE] * 5)
    res = corrector.correct(text, token_confidences=_spans(text, 93.0))
    words = len(text.split())
    assert sum(c.flagged for c in res.changes) <= 0.05 * words


def test_capitals_the_writer_repeats_are_style(corrector: Corrector) -> None:
    once = "Các sở triển khai Chương trình này."
    many = "Các sở triển khai Chương trình này, báo cáo Chương trình và Chương trình khác."
    assert "Chương" in _flagged(corrector.correct(once, token_confidences=_spans(once, 95.0)))
    assert "Chương" not in _flagged(corrector.correct(many, token_confidences=_spans(many, 95.0)))


def test_confident_abbreviations_are_only_suggested_changes(corrector: Corrector) -> None:
    text = "KT. CHỦ TỊCH\nPCT\nNguyễn Văn An"
    res = corrector.correct(text, token_confidences=_spans(text, 93.0))
    assert "PCT" in res.text
    assert all(c.flagged for c in res.changes if c.original == "PCT")


def test_small_letter_before_a_capital_is_flagged(corrector: Corrector) -> None:
    text = "Các đơn vị triển khai kỊp thời nhiệm vụ được giao."
    res = corrector.correct(text, token_confidences=_spans(text, 90.0))
    assert "kỊp" in _flagged(res) or any(c.original == "kỊp" for c in res.changes)


def test_plain_ocr_text_flags_the_marks_of_a_signature(corrector: Corrector) -> None:
    text = "- UBND tỉnh (b/c);\nS3 AT VI T\n- Lưu: VT, TNMT.\nTheo điểm b khoản 2 Điều 5, Quốc hội khóa XV.\n"
    result = corrector.correct(text)
    flagged = {c.original for c in result.changes if c.flagged}
    assert {"S3", "AT", "VI", "T"} <= flagged
    tokens = list(tokenize(text, corrector.protected))
    garbled = {tokens[i].text for i in engine._garbled(text, tokens, corrector.protected)}
    assert garbled == {"S3", "AT", "VI", "T"}


def test_a_title_whose_capitals_only_misread_a_mark_is_mended_not_taken_for_junk(corrector: Corrector) -> None:
    text = "Quảng Ngãi, ngày 05 tháng 02 năm 2025\nQUYÉT ĐỊNH\nVề việc công nhận xã đạt chuẩn.\n"
    result = corrector.correct(text)
    assert "QUYẾT ĐỊNH" in result.text and not _flagged(result)
    # a header line read badly stays flagged, the word whose marks alone slipped with it
    header = corrector.correct("UBND TINH QUẶNG NGAÀI\n")
    assert {"TINH", "QUẶNG", "NGAÀI"} <= set(_flagged(header))


def test_garbled_tokens_are_judged_by_shape_only_without_confidences(corrector: Corrector) -> None:
    text = "S3 AT VI T"
    spans = [(0, 2, 96.0), (3, 5, 96.0), (6, 8, 96.0), (9, 10, 96.0)]
    with_confidences = corrector.correct(text, token_confidences=spans)
    assert len([c for c in with_confidences.changes if c.flagged]) < 4


def test_a_capital_inside_a_syllable_is_lowered(corrector: Corrector) -> None:
    result = corrector.correct("Các cơ quan bảo đảm kỊp thời, mục tiêu quốc gIa; ứng dụng VNeID.")
    assert result.text == "Các cơ quan bảo đảm kịp thời, mục tiêu quốc gia; ứng dụng VNeID."


def test_a_document_number_that_lost_its_hyphen_is_suggested_whole(corrector: Corrector) -> None:
    text = "Căn cứ Quyết định số 2269/QĐ TTg ngày 31/12/2021 và số 2269/QĐ- -TTg; Kế hoạch 12/KH Ủy ban"
    result = corrector.correct(text)
    assert result.text == text  # codes are never changed, only suggested
    suggested = {(c.original, c.corrected) for c in result.changes if c.flagged}
    assert {("2269/QĐ TTg", "2269/QĐ-TTg"), ("2269/QĐ- -TTg", "2269/QĐ-TTg")} <= suggested
    assert not any(c.original.startswith("12/KH") for c in result.changes)


def test_capitals_with_marks_that_make_no_syllable_are_only_suggested(corrector: Corrector) -> None:
    result = corrector.correct("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTINH QUẶNG NGAÀI Độc lập - Tự do - Hạnh phúc\n")
    [change] = [c for c in result.changes if c.original == "NGAÀI"]
    assert change.flagged and "NGAÀI" in result.text
    # the capitals read with it are doubted too: that line was read badly
    assert any(c.original == "TINH" and c.flagged for c in result.changes)
    assert not any(c.original in ("CỘNG", "HÒA", "lập", "Hạnh") and c.flagged for c in result.changes)


def test_a_lone_letter_the_sentence_reads_better_without_is_flagged_for_deletion(corrector: Corrector) -> None:
    text = "Nghị định quy định về việc quản lý, sử y dụng phương tiện theo điểm e khoản 1 Điều 5.\n"
    result = corrector.correct(text)
    assert result.text == text  # only suggested
    [stray] = [c for c in result.changes if c.original == "y"]
    assert stray.flagged and stray.corrected == ""
    assert not any(c.original == "e" for c in result.changes)  # "điểm e" names a point


def test_every_word_of_a_line_that_is_mostly_junk_is_flagged(corrector: Corrector) -> None:
    text = "Tổng số vụ vi phạm được phát hiện trong năm.\nXiyaagrhsdfsipn no ME nữ\nCác phòng ban thực hiện.\n"
    result = corrector.correct(text)
    flagged = {c.original for c in result.changes if c.flagged}
    assert {"no", "ME", "nữ"} <= flagged
    assert not flagged & {"Tổng", "số", "Các", "phòng", "thực", "hiện"}



def test_english_model_signs_inside_a_word_are_decoded_as_its_vowel(corrector: Corrector) -> None:
    text = ("Kinh gii: Cac co quan, don vi. Viéc x€p loai cén bé, céng chi?c theo hu@ng dan "
            "cua S@ Néi vu; lién hé abc@gmail.com.\n")
    tokens = engine._rejoin_symbol_words(text, list(tokenize(text, corrector.protected)))
    words = {t.text: t.kind for t in tokens}
    assert words["x€p"] == words["chi?c"] == words["hu@ng"] == words["S@"] == "word"
    assert words["abc@gmail.com"] != "word"  # an address keeps its "@"
    question = "Can cir? Luat dat dai, co dung khong?\n"
    joined = [t.text for t in engine._rejoin_symbol_words(question, list(tokenize(question, corrector.protected)))]
    assert "cir?" in joined and "khong" in joined  # a "?" ends a question only where no word follows
    result = corrector.correct(text)
    assert "xếp" in result.text and "abc@gmail.com" in result.text


def test_english_model_text_is_read_with_what_that_model_writes(corrector: Corrector) -> None:
    # an English model writes "về" as "vé" and "và" as "va", "Số" as "S6": the readings follow
    text = ("Ke hoach cua Uy ban nhan dan tinh vé tang cudng céng tac quan ly nha nuéc vé dat dai "
            "va bao vé méi trudng trén dia ban.\nS6: 12/KH-UBND\n")
    result = corrector.correct(text)
    assert "tỉnh về tăng cường" in result.text and "nước về đất đai và bảo vệ môi trường" in result.text
    [number_label] = [c for c in result.changes if c.original == "S6"]
    assert number_label.corrected == "Số" or (number_label.flagged and number_label.alternatives[0] == "Số")


def test_a_short_uncommon_word_beside_a_flagged_one_is_flagged_too(corrector: Corrector) -> None:
    text = "Các phòng ban thực hiện nghiêm túc.\n- Lưu: VT, ĐC ý À “GÀ S3\n"
    tokens = list(tokenize(text, corrector.protected))
    doubt = (tokens[5], tokens[5].text, 0.5, True, ())  # "nghiêm": "hiện" is too long, "túc" is not
    beside = engine._doubt_beside_flags(text, tokens, [doubt], corrector._common_words)
    assert [(c[0].text, c[3]) for c in beside] == [("nghiêm", True), ("túc", True)]
    common = (tokens[1], tokens[1].text, 0.5, True, ())  # "phòng": "Các" and "ban" are common words
    assert engine._doubt_beside_flags(text, tokens, [common], corrector._common_words) == [common]
    result = corrector.correct(text)
    doubted = {c.original for c in result.changes if c.flagged}
    assert "S3" in doubted and "GÀ" in doubted  # the signature's scribble, and the piece beside it
    assert not doubted & {"Các", "phòng", "ban", "thực", "hiện"}


def test_the_decoders_reading_of_a_short_word_beside_a_flagged_one_is_only_suggested(corrector: Corrector) -> None:
    text = "Các phòng ban thực hiện nghiêm túc.\n- Như trên; Á Ố\n"
    tokens = list(tokenize(text, corrector.protected))
    a, o = tokens[-2], tokens[-1]  # "Á" read as "A" by the decoder, beside the flagged "Ố"
    fix, doubt = (a, "A", 0.9, False, ()), (o, o.text, 0.5, True, ())
    beside = engine._doubt_beside_flags(text, tokens, [fix, doubt], corrector._common_words)
    assert [(c[0].text, c[1], c[3], c[4]) for c in beside] == [("Á", "A", True, ("A", "Á")), ("Ố", "Ố", True, ())]
    # a clerks' decision is never doubted again
    taught = engine._doubt_beside_flags(text, tokens, [fix, doubt], corrector._common_words, {a.start})
    assert taught[0] == fix


def test_a_word_its_neighbours_reject_for_a_near_one_is_flagged_once(corrector: Corrector) -> None:
    # "Trưởng" is a word, but "của Trưởng ương và" reads as "Trung ương": suggested, not applied;
    # "ương" is judged beside the suggestion, so the one misread gets one flag
    text = "Các sở, ngành thực hiện theo hướng dẫn của Trưởng ương và của tỉnh để tham mưu."
    result = corrector.correct(text)
    assert result.text == text
    assert _flagged(result) == {"Trưởng": "Trung"}


def test_context_doubts_leave_clean_text_and_capitalised_words_alone(corrector: Corrector) -> None:
    for text in ("Các sở, ngành thực hiện theo hướng dẫn của Trung ương và của tỉnh để tham mưu.",
                 "Điều 5. Chánh Văn phòng Ủy ban nhân dân tỉnh chịu trách nhiệm thi hành Quyết định này."):
        assert _flagged(corrector.correct(text)) == {}


def test_context_doubts_are_off_for_text_without_marks(corrector: Corrector) -> None:
    # de-accented text: the decoder restores each word in context; a letter edit is no reading there
    text = "cac so, nganh thuc hien theo huong dan cua truong uong va cua tinh"
    result = corrector.correct(text)
    assert not [c for c in result.changes if strip_marks(c.corrected.lower()) != strip_marks(c.original.lower())]


@pytest.mark.parametrize(("heading", "flagged"), [("Áo nhận:", True), ("Ghi nhận:", False), ("Xác nhận:", False),
                                                  ("Nơi nhận:", False)])
def test_a_misread_recipients_heading_is_flagged_with_noi(corrector: Corrector, heading: str, flagged: bool) -> None:
    text = f"Các cơ quan, đơn vị tổ chức thực hiện nghiêm túc nội dung trên./.\n{heading}\n- Như trên;\n- Lưu: VT.\n"
    result = corrector.correct(text)
    assert result.text == text
    assert (_flagged(result).get(heading.split()[0]) == "Nơi") is flagged


def test_english_model_fixes_the_context_rejects_are_only_suggested(
        corrector: Corrector, monkeypatch: pytest.MonkeyPatch) -> None:
    text = ("Ke hoach cua Uy ban nhan dan tinh vé tang cudng céng tac quan ly nha nuéc vé quy hoach dé thi "
            "va bao vé méi trudng trén dia ban.\n")
    monkeypatch.setattr(engine, "CONTEXT_DOUBT_GAIN_ENGLISH", None)  # off
    applied = {c.original: c.corrected for c in corrector.correct(text).changes if not c.flagged}
    assert applied["dé"] == "đô"  # "quy hoạch đô thị": the English model writes "dé" for "đô"
    monkeypatch.setattr(engine, "CONTEXT_DOUBT_GAIN_ENGLISH", -100.0)  # doubt every fix that has a near reading
    result = corrector.correct(text)
    [doubted] = [c for c in result.changes if c.original == "dé"]
    assert doubted.flagged and "đô" in doubted.alternatives and result.text.count(" dé ") == 1


def test_window_lifts_match_a_slow_reference(corrector: Corrector) -> None:
    # the batched LM call (full windows) and the one-by-one path (the text's ends) against
    # _window_logprob applied to every reading in turn
    words = ["các", "sở", "ngành", "thực", "hiện", "theo", "hướng", "dẫn", "của", "trưởng", "ương", "và", "của", "tỉnh"]
    symbols = np.array([corrector.lm.id_of(w) for w in words], dtype=np.int64)
    judged = []
    for i, word in enumerate(words):
        readings, ids, costs = corrector._near_readings(word)
        if readings:
            judged.append((i, readings, ids, costs))
    lifts = corrector._window_lifts(symbols, [(i, ids, costs) for i, _, ids, costs in judged])
    for (i, readings, _, costs), lift in zip(judged, lifts, strict=True):
        lo, hi = max(0, i - 2), min(len(words), i + 3)
        kept = corrector._window_logprob(words[lo:hi])
        slow = [corrector._window_logprob(words[lo:i] + [r] + words[i + 1:hi]) - kept - cost
                for r, cost in zip(readings, costs, strict=True)]
        assert np.allclose(lift, slow, atol=1e-4)


def test_a_signature_read_as_a_lone_figure_is_flagged_with_word_confidences_too(corrector: Corrector) -> None:
    text = ("Các cơ quan, đơn vị tổ chức thực hiện nghiêm túc nội dung trên./.\nNơi nhận:\n- Như trên;\n"
            "- VPUB: CVP, PCVP, NC, KGVX;\n- Lưu: VT, NC.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n3\nTrần Văn Bình\n")
    result = corrector.correct(text, token_confidences=_spans(text, 96.0))
    flagged = {c.original for c in result.changes if c.flagged}
    assert "3" in flagged
    assert not flagged & {"NC", "KGVX", "VT", "CVP", "PCVP"}  # the office's divisions are known abbreviations


def test_a_lone_letter_that_is_a_common_word_is_not_taken_for_a_speck(corrector: Corrector) -> None:
    for text in ("Nhận thức về công tác thi hành án hành chính ở một số cơ quan, đơn vị còn hạn chế.\n",
                 "Nhiều thế hệ sinh sống trên một thửa đất ở bị thu hồi.\n"):
        assert _flagged(corrector.correct(text)) == {}
    # ...but one its sentence cannot read at all is flagged for deletion
    doubted = _flagged(corrector.correct("Khu vực nông thôn được xác ý định như sau.\n"))
    assert list(doubted) == ["ý"]


@pytest.mark.parametrize("text", [
    "Qua xem xét nội dung đơn ngày 10/12/2024 của bà Huỳnh Thị Gái, ông Trần Ngọc Vinh về việc bồi thường.\n",
    "Chủ tịch UBND huyện Mộ Đức, Chủ tịch UBND thị trấn Mộ Đức chịu trách nhiệm thi hành Quyết định này.\n",
    "Thực hiện Chỉ thị số 11/CT-TTg ngày 15 tháng 5 năm 2021 của Thủ tướng Chính phủ.\n",
    "Các sở, ngành phối hợp giải quyết TTHC, PAKN của người dân; bảo đảm TTATXH trên địa bàn.\n",
    "Bảo đảm cho Nhân dân đón Tết Nguyên đán Nhâm Dần năm 2022 an toàn, tiết kiệm.\n",
    "Xét đề nghị của Ban Quản lý dự án Đầu tư xây dựng huyện\nMộ Đức tại Đơn xin chuyển mục đích.\n",
    "Phối hợp với các Chi cục Thuế và Ủy ban Kiểm tra Tỉnh ủy; họp tại Hội trường Khách sạn Mường Thanh.\n",
    "Thủ trưởng các Sở, ban, ngành của tỉnh thực hiện Chỉ thị, định kỳ báo cáo theo Kế hoạch của tỉnh.\n",
    "Thực hiện Công điện số 131/CĐ-TTg ngày 15/10/2024 của Thủ tướng Chính phủ.\n",
    # an abbreviation the letter defines, used after; the words of a company's name
    "Công ty TNHH MTV Đầu tư, Xây dựng và Kinh doanh dịch vụ Quảng Ngãi (QISC) trong thời gian qua.\n"
    "Tập thể lãnh đạo QISC đã báo cáo.\n- Công ty QISC;\n",
])
def test_names_places_documents_and_office_abbreviations_are_not_doubted(corrector: Corrector, text: str) -> None:
    # plain text of real letters: a given name the corpus never wrote ("Gái"), a listed district
    # ("Mộ Đức"), a named document's kind ("Chỉ thị số"), the abbreviations of administrative work,
    # a year of the sexagenary cycle ("Nhâm Dần")
    assert _flagged(corrector.correct(text)) == {}


def test_an_abbreviation_misread_where_it_is_defined_stays_doubted(corrector: Corrector) -> None:
    text = "Bảo đảm trật tự, an toàn xã hội (viết tắt là TTA 1XH) giai đoạn 2021 - 2025.\n"
    assert "TTA" in _flagged(corrector.correct(text))


def test_a_lookalike_capital_after_and_in_running_text_is_still_doubted(corrector: Corrector) -> None:
    assert "Kiểm" in _flagged(corrector.correct("Các đơn vị thực hiện và Kiểm tra việc này.\n"))


def test_a_name_read_surely_is_not_doubted_with_word_confidences(corrector: Corrector) -> None:
    text = "Qua xem xét nội dung đơn ngày 10/12/2024 của bà Huỳnh Thị Gái, ông Trần Ngọc Vinh về việc bồi thường.\n"
    assert not {"Gái", "bà", "ông"} & set(_flagged(corrector.correct(text, token_confidences=_spans(text, 92.0))))
    doubted = _flagged(corrector.correct(text, token_confidences=_spans(text, 92.0, {"Gái,": 40.0})))
    assert "Gái" in doubted  # read unsurely, it is still a word to check


def test_a_lone_capital_letter_in_running_text_is_flagged(corrector: Corrector) -> None:
    text = "Đại biểu các sở, ngành trên địa bàn; A kiến tham gia thảo luận của các đại biểu.\n"
    assert "A" in _flagged(corrector.correct(text, token_confidences=_spans(text, 95.0)))
    for fine in ("Sở Y tế chủ trì, phối hợp với các sở, ngành.\n", "Các nội dung tại Phụ lục I kèm theo.\n",
                 "Xây dựng nhà ở tại khu A thuộc dự án.\n"):
        assert not _flagged(corrector.correct(fine, token_confidences=_spans(fine, 95.0)))


def test_the_unit_closing_an_agencys_name_is_read_as_it_stands(corrector: Corrector) -> None:
    text = "Cục Thuế tỉnh, các sở, ban, ngành tỉnh và Cổng TTĐT tỉnh phối hợp; cách tính tỉnh lộ.\n"
    tokens = list(tokenize(text, corrector.protected))
    trusted = {tokens[i].text + "@" + tokens[i - 1].text for i in corrector._listed_name_words(text, tokens, {})}
    assert trusted == {"tỉnh@Thuế", "tỉnh@ngành", "tỉnh@TTĐT"}  # not "tỉnh" after "tính"
    # an agency's name opened by its head, a few small words back on its line
    text = ("Văn phòng Đăng ký đất đai tỉnh, Ban Tiếp công dân tỉnh, Sở Dân tộc - Tôn giáo tỉnh thực hiện;"
            " Sở chủ trì, phối hợp với tỉnh.\n")
    tokens = list(tokenize(text, corrector.protected))
    trusted = [tokens[i - 1].text for i in sorted(corrector._listed_name_words(text, tokens, {}))]
    assert trusted == ["đai", "dân", "giáo"]  # not after "phối hợp với": a comma closes "Sở chủ trì"


def test_a_peoples_name_is_read_as_it_stands_though_no_syllable(corrector: Corrector) -> None:
    from pipeline.correction.names import _people_names

    text = "Tuyên truyền cho đồng bào Khmer và dân tộc Xtiêng bằng tiếng Việt.\n"
    tokens = list(tokenize(text, corrector.protected))
    trusted = [tokens[i].text for i in sorted(corrector._listed_name_words(text, tokens, _people_names(text, tokens)))]
    assert trusted == ["Khmer", "Xtiêng", "Việt"]


def test_two_syllables_of_a_dictionary_word_vouch_for_each_other(corrector: Corrector) -> None:
    text = "Định kỳ 6 tháng, hàng năm hoặc đột xuất, báo cáo kết quả; tuyệt đối không chủ quan, lơ là.\n"
    tokens = list(tokenize(text, corrector.protected))
    paired = {t.text for i, t in enumerate(tokens) if corrector._in_dictionary_pair(text, tokens, i, t.text.lower())}
    assert {"hàng", "năm", "đột", "xuất", "lơ", "là", "báo", "cáo"} <= paired
    assert "tháng" not in paired  # "tháng, hàng": a comma between


def test_a_years_stem_whose_branch_was_misread_and_the_lunar_months_are_names(corrector: Corrector) -> None:
    text = "Bảo đảm đón Tết Nguyên đán Nhâm\nDàn an toàn (nhằm ngày 03, tháng Giêng năm Nhâm Dân); Nhâm đi.\n"
    tokens = list(tokenize(text, corrector.protected))
    trusted = [tokens[i].text for i in sorted(corrector._listed_name_words(text, tokens, {})) if tokens[i].text[0].isupper()]
    assert trusted == ["Nhâm", "Giêng", "Nhâm"]  # not the last "Nhâm", which no year's word precedes


def test_a_dates_words_beside_its_numbers_are_read_as_they_stand(corrector: Corrector) -> None:
    text = "Quảng Ngãi, ngày |2 tháng 3 năm 2018\nCác ngày nghỉ trong tháng.\n"
    tokens = list(tokenize(text, corrector.protected))
    trusted = [tokens[i].text for i in sorted(corrector._listed_name_words(text, tokens, {}))]
    assert trusted == ["ngày", "tháng", "năm"]  # the second line's "ngày" and "tháng" stand among words


def test_a_known_word_read_as_another_is_changed_only_when_the_decoder_is_sure(corrector: Corrector) -> None:
    # plain text: "Tố" (a word) for "Tổ": applied only when the decoder is sure (the letters' text
    # taught the LM "Tổ công tác"); "Tố" read as a name before a name stays
    result = corrector.correct("Cán bộ địa chính phối hợp với Tố công tác của huyện trong quá trình kiểm tra.\n")
    assert [(c.original, c.corrected) for c in result.changes] == [("Tố", "Tổ")]
    assert all(c.flagged or c.confidence >= 0.9 for c in result.changes)
    assert not corrector.correct("Ông Lê Tố Hữu dự họp.\n").changes


def test_everyday_words_the_legal_corpus_lacks_are_read_from_the_dictionary(corrector: Corrector) -> None:
    # "băn khoăn", "chây ì", "bụi rậm": syllables the LM never saw, spelling a Viet74K word as read
    text = ("Giải đáp kịp thời những băn khoăn, thắc mắc của người dân; phát quang bụi rậm; "
            "xử lý người cố tình chây ì, không chấp hành.\n")
    result = corrector.correct(text)
    assert result.text == text and not result.changes
    # "có gắng": "cố gắng" is a word: "có" is doubted, "cố" its first reading
    result = corrector.correct("Các cơ quan, đơn vị đã nỗ lực, có gắng trong quá trình triển khai.\n")
    (doubt,) = [c for c in result.changes if c.original == "có"]
    assert doubt.flagged and "cố" in (doubt.corrected, *doubt.alternatives[:1])
    assert "có gắng" in result.text


def test_a_doubtful_change_that_breaks_a_dictionary_word_as_read_is_only_suggested(corrector: Corrector) -> None:
    text = "Nhân dân đón Tết đầm ấm, an toàn.\n"
    tokens = list(tokenize(text, corrector.protected))
    warm = next(t for t in tokens if t.text == "đầm")
    guarded = corrector._dictionary_pair_guard(text, tokens, [(warm, "đảm", 0.7, False, ())], set())
    assert guarded == [(warm, "đảm", 0.7, True, ("đảm", "đầm"))]
    # a sure change stays applied, and so does a clerks' decision
    assert corrector._dictionary_pair_guard(text, tokens, [(warm, "đảm", 0.97, False, ())], set())[0][3] is False
    assert corrector._dictionary_pair_guard(text, tokens, [(warm, "đảm", 0.7, False, ())], {warm.start})[0][3] is False
    # "đầu có" is a neighbouring pair inside a longer entry, no two-syllable word: "đầu cơ" still guards
    text = "Xử lý hành vi đầu cơ tích trữ hàng hóa.\n"
    tokens = list(tokenize(text, corrector.protected))
    hoard = next(t for t in tokens if t.text == "cơ")
    assert corrector._dictionary_pair_guard(text, tokens, [(hoard, "có", 0.57, False, ())], set())[0][3] is True


def test_a_points_label_its_lists_order_confirms_is_not_flagged(corrector: Corrector) -> None:
    text = "1. Các sở:\na) Triển khai kế hoạch;\nb) Báo cáo kết quả;\nc) Kiểm tra, giám sát.\n"
    spans = _spans(text, 95.0, {"b)": 30.0, "c)": 30.0})  # Tesseract doubted the labels
    assert not {"b", "c"} & set(_flagged(corrector.correct(text, token_confidences=spans)))


def test_capitals_of_a_listed_agencys_name_and_a_named_conclusion_are_the_writers(corrector: Corrector) -> None:
    text = ("Giao các sở: Xây dựng, Lao động - Thương binh và Xã hội, Nội vụ phối hợp; thực hiện Kết\n"
            "luận số 184/KL-TTr ngày 06/9/2024.\n")
    assert not _flagged(corrector.correct(text))
    assert _flagged(corrector.correct("Đây là vấn đề Xã hội quan tâm.\n")) == {"Xã": "xã"}


def test_the_archive_mark_and_the_departments_before_their_list_are_not_flagged(corrector: Corrector) -> None:
    text = ("Giám đốc các Sở: Nội vụ, Tư pháp chịu trách nhiệm thi hành.\nNơi nhận:\n- Như trên;\n"
            "- Lưu: VT, KGVXth96.\n")
    flagged = _flagged(corrector.correct(text))
    assert "VT" not in flagged and "Sở" not in flagged


def test_a_small_title_before_a_whole_name_reads_as_the_title(corrector: Corrector) -> None:
    text = "Nếu có vướng mắc, đề nghị liên hệ ba Phan Thị Thanh Nhàn, chuyên viên.\n"
    (change,) = [c for c in corrector.correct(text, token_confidences=_spans(text, 93.0)).changes if c.original == "ba"]
    assert change.corrected == "bà"
    assert corrector.correct("Có ba Phó Chủ tịch tham dự.\n").text == "Có ba Phó Chủ tịch tham dự.\n"


def test_a_share_above_a_hundred_percent_is_doubted(corrector: Corrector) -> None:
    text = "Tỷ lệ hồ sơ đúng hạn\n98%\n986% | Đạt\nĐạt 120% kế hoạch; 12,5% và 100%.\n"
    for res in (corrector.correct(text), corrector.correct(text, token_confidences=_spans(text, 95.0))):
        assert [(c.original, c.corrected) for c in res.changes if c.original.isdigit() and c.flagged] == [
            ("986", "98,6"), ("120", "120")]
        assert res.text == text.replace(" |", "")  # (the table's rule goes)


def test_a_figure_between_small_letters_is_doubted_however_sure_the_decoder(corrector: Corrector) -> None:
    text = "Tổ chức triển khai thực hiện nhiệm vụ được qu7n cho đơn vị.\n"
    for res in (corrector.correct(text), corrector.correct(text, token_confidences=_spans(text, 96.0))):
        assert "qu7n" in _flagged(res)
    assert not _flagged(corrector.correct("Diện tích 62 m2.\n", token_confidences=_spans("Diện tích 62 m2.\n", 96.0)))


def test_a_short_word_alone_between_blank_lines_is_flagged(corrector: Corrector) -> None:
    text = "Tổng kinh phí 1.110 triệu đồng), trong đó:\n\fna\n\n- Ngân sách huyện hỗ trợ.\nCác xã, phường và\nxã\n"
    assert set(_flagged(corrector.correct(text))) == {"na"}


PIG_LETTER = ("Các hộ không bán chạy heo bệnh cho thương lái. Tiêu hủy heo bệnh chậm nhất 48 giờ.\n"
              "Không vận chuyển heo bệnh ra khỏi vùng dịch; rắc vôi bột quanh chuồng heo.")


def test_a_word_the_page_reads_surely_again_and_again_is_its_own(corrector: Corrector) -> None:
    """"heo" read at 97 four times is the letter's word: neither made "theo" nor flagged."""
    res = corrector.correct(PIG_LETTER, token_confidences=_spans(PIG_LETTER, 97.0))
    assert res.text.count("heo bệnh") == 3 and "theo" not in res.text
    assert "heo" not in _flagged(res)


def test_repeated_sure_words_need_every_reading_sure_enough() -> None:
    tokens = list(tokenize(PIG_LETTER, engine.ProtectedWords.from_words((), ())))
    confs = [97.0] * len(tokens)
    heo = [i for i, t in enumerate(tokens) if t.text == "heo"]
    assert set(heo) <= engine._repeated_sure_words(tokens, confs, {})
    confs[heo[0]] = 40.0  # once read shakily: the page is not sure of it
    assert not set(heo) & engine._repeated_sure_words(tokens, confs, {})


def test_a_foreign_names_word_read_alike_surely_is_the_letters_own() -> None:
    """"Sôt" is no Vietnamese syllable, but "đập Ea Sôt" read alike at three places is a name of
    the Ê Đê language, not "Số"."""
    text = "nạo vét đập Ea Sôt bị bồi lắng; đập Ea Sôt, kênh N2; đập Ea Sôt; Sôt\n"
    tokens = list(tokenize(text, engine.ProtectedWords.from_words((), ())))
    confs = [92.0] * len(tokens)
    own = engine._repeated_sure_words(tokens, confs, {})
    assert {tokens[i].text for i in own} == {"Ea", "Sôt"} and sum(tokens[i].text == "Sôt" for i in own) == 4
    assert not engine._repeated_sure_words(tokens, [80.0] * len(tokens), {})  # (not read surely enough)


def test_a_foreign_names_word_the_page_repeats_is_not_flagged(corrector: Corrector) -> None:
    """"Mrông" spells no syllable the LM knows; "xã Ea Mrông" written alike four times is the
    letter's own name, with word confidences and in plain text."""
    text = ("Ủy ban nhân dân xã Ea Mrông báo cáo. Xã Ea Mrông có 2.486 hộ. Trường Tiểu học Ea Mrông 2 "
            "còn 04 phòng học tạm. Ủy ban nhân dân xã Ea Mrông kính báo cáo.\n")
    for confidences in (_spans(text, 92.0), None):
        res = corrector.correct(text, token_confidences=confidences)
        assert res.text.count("Ea Mrông") == 4
        assert not {c.original for c in res.changes if c.flagged} & {"Ea", "Mrông"}


def test_a_word_read_and_kept_surely_is_not_doubted_for_a_blotted_neighbour(corrector: Corrector) -> None:
    """"Quyết định số" read at 93 and kept surely stays unflagged beside a number read at 5 (which
    is flagged itself)."""
    text = "Căn cứ Quyết định số 263/QĐ-TTg ngày 22 tháng 02 năm 2022 của Thủ tướng Chính phủ.\n"
    confidences = [(a, b, 5.0 if text[a:b] == "263/QĐ-TTg" else conf) for a, b, conf in _spans(text, 93.0)]
    flagged = _flagged(corrector.correct(text, token_confidences=confidences))
    assert "263/QĐ-TTg" in flagged and "số" not in flagged


def test_only_another_tone_keeps_the_doubt_of_a_repeated_sure_word() -> None:
    assert engine._rival_is_no_tone_swap(["heo", "theo"], [0.4, 0.6], 0)
    assert engine._rival_is_no_tone_swap(["heo", "hẻo"], [0.4, 0.6], 0)
    assert not engine._rival_is_no_tone_swap(["bế", "bể"], [0.4, 0.6], 0)  # blur's misread: still doubted
    assert engine._rival_is_no_tone_swap(["yang"], [1.0], 0)


def test_units_of_measure_are_not_flagged(corrector: Corrector) -> None:
    text = "Tuyến đường dài 9,75 km, tiêu hủy 41.275 kg heo hơi."
    res = corrector.correct(text, token_confidences=_spans(text, 96.0))
    assert res.text == text
    assert not {"km", "kg", "km,"} & set(_flagged(res))


def test_a_common_word_read_surely_again_and_again_is_still_judged() -> None:
    tokens = list(tokenize(PIG_LETTER, engine.ProtectedWords.from_words((), ())))
    heo = {i for i, t in enumerate(tokens) if t.text == "heo"}
    assert not heo & engine._repeated_sure_words(tokens, [97.0] * len(tokens), {"heo": engine.OWN_WORD_RARE})


HIGHLAND_LETTER = ("Đoàn kiểm tra làm việc tại huyện Krông Yang và xã Ea Lang. Huyện Krông Yang báo cáo "
                   "tiến độ; xã Ea Lang nêu khó khăn. UBND huyện Krông Yang và xã Ea Lang thống nhất.")


def test_a_name_the_page_reads_alike_and_fairly_surely_is_its_own() -> None:
    """Tesseract is less sure of minority names ("Krông", "Ea") however clear the print: a name's
    word counts from OWN_NAME_CONF, and may be no Vietnamese syllable if the corpus writes it."""
    tokens = list(tokenize(HIGHLAND_LETTER, engine.ProtectedWords.from_words((), ())))
    known = {"krông": 8, "yang": 3, "ea": 30}
    own = {tokens[i].text for i in engine._repeated_sure_words(tokens, [91.0] * len(tokens), known)}
    assert {"Krông", "Yang", "Ea"} <= own
    assert "tiến" not in own  # small letters still need OWN_WORD_CONF


def test_a_name_with_the_tone_the_page_misreads_needs_the_full_confidence() -> None:
    text = "bản Khuối Lừ, bản Khuối Lừ và bản Khuối Lừ"
    tokens = list(tokenize(text, engine.ProtectedWords.from_words((), ())))
    sac = engine.split_tone("á")[1]
    assert "Khuối" in {tokens[i].text for i in engine._repeated_sure_words(tokens, [91.0] * len(tokens), {})}
    blurred = engine._repeated_sure_words(tokens, [91.0] * len(tokens), {}, swapped_tones=frozenset({sac}))
    assert "Khuối" not in {tokens[i].text for i in blurred}


def test_a_word_the_page_reads_surely_elsewhere_is_less_in_doubt_where_it_is_blotted(corrector: Corrector) -> None:
    text = ("Thí sinh có mặt tại điểm thi lúc 7 giờ. Mỗi điểm thi có một tổ y tế; "
            "danh sách điểm thi niêm yết tại trường.\n")
    spans = _spans(text, 96.0)
    third = text.rindex("điểm")
    blotted = [(s, e, 62.0 if s == third else c) for s, e, c in spans]
    assert "điểm" not in _flagged(corrector.correct(text, token_confidences=blotted))
    alone = "Thí sinh có mặt tại điểm thi lúc 7 giờ.\n"
    assert "điểm" in _flagged(corrector.correct(alone, token_confidences=[
        (s, e, 62.0 if alone[s:e] == "điểm" else c) for s, e, c in _spans(alone, 96.0)]))


def test_a_slash_parts_two_words_for_the_lm(corrector: Corrector) -> None:
    """"đồng/hộ" is no "đồng hồ" (a clock): the LM reads the words on either side apart."""
    text = "Hỗ trợ 40.000.000 đồng/hộ; sửa nhà 20.000.000 đồng/hộ.\n"
    assert corrector.correct(text, token_confidences=_spans(text, 96.5)).text == text
    tokens = list(tokenize("đồng/hộ và", engine.ProtectedWords.from_words((), ())))
    assert sentences("đồng/hộ và", tokens, slash_parts=True) == [[0, -1, 1, 2]]
    assert sentences("đồng/hộ và", tokens) == [[0, 1, 2]]


def test_a_word_in_mixed_case_inside_running_text_is_written_small(corrector: Corrector) -> None:
    text = "phun khử trùng 01 lần/tuần tại các khu\nvực CÒNn lại;\n"
    assert "vực còn lại" in corrector.correct(text, token_confidences=_spans(text, 90.0)).text


def test_a_names_word_backs_no_small_word_in_the_document_cache(corrector: Corrector) -> None:
    text = "Hộ ở bản Phiêng Hồ được 40.000.000 đồng/hộ; bản Phiêng Hồ có 12 hộ; HỒ CHỨA NƯỚC"
    tokens = list(tokenize(text, corrector.protected))
    confs = [96.0] * len(tokens)
    assert corrector._document_cache(tokens, confs)["hồ"] == 3
    assert corrector._document_cache(tokens, confs, small_only=True)["hồ"] == 1  # (the heading's capitals count)


def test_in_plain_text_a_name_of_two_words_written_alike_four_times_is_its_own() -> None:
    text = " ".join(["buôn Tơ Lui và Si"] * 4)
    tokens = list(tokenize(text, engine.ProtectedWords.from_words((), ())))
    own = {tokens[i].text for i in engine._repeated_sure_words(tokens, [None] * len(tokens), {}, plain=True)}
    assert {"Tơ", "Lui"} <= own
    assert "Si" not in own  # (a lone capitalised piece: a seal's junk repeats them)


def test_a_recipients_abbreviation_in_brackets_is_not_doubted_beside_junk(corrector: Corrector) -> None:
    text = "Nơi nhận:\n- UBND huyện (b/c); le -\n- Lưu: VT.\n"
    res = corrector.correct(text)
    assert "(b/c)" in res.text and "b/c" not in _flagged(res)


def test_a_years_branch_is_the_one_its_stem_pairs_with(corrector: Corrector) -> None:
    """"Ất" pairs with "Tỵ", never "Tý": the legal LM knows no "tỵ" and read "Ất Ty" as "Ất Tỷ"."""
    from pipeline.correction.names import year_branch_fixes
    text = "quà Tết Nguyên đán Ất Ty năm 2025; Xuân Giáp Thin; Tết Canh TY; ông Tân Mao"
    tokens = list(tokenize(text, corrector.protected))
    assert sorted(year_branch_fixes(text, tokens).values()) == ["Thìn", "TÝ", "Tỵ"]  # (no year stands by "Tân Mao")
    assert "Ất Tỵ năm 2025" in corrector.correct("Về việc chi trả quà Tết Nguyên đán Ất Ty năm 2025.\n").text


def test_a_peoples_name_after_dong_bao_or_tieng_keeps_its_capital(corrector: Corrector) -> None:
    text = "Tuyên truyền bằng tiếng Việt, tiếng Khmer và tiếng\nChăm tại thôn của đồng bào Chăm.\n"
    res = corrector.correct(text, token_confidences=_spans(text, 96.5))
    assert res.text == text


def test_a_known_word_read_surely_is_made_another_only_when_the_decoder_is_very_sure(corrector: Corrector) -> None:
    """"nhận thay" (receive on another's behalf) read at 96.5 on a clean page: the legal LM would
    rather read "nhận thấy" (0.96), which is only suggested."""
    text = "Người có công không trực tiếp đến nhận được chi trả tận nhà; trường hợp nhận thay phải có giấy ủy quyền.\n"
    res = corrector.correct(text, token_confidences=_spans(text, 96.5))
    assert "nhận thay phải" in res.text
    [change] = [c for c in res.changes if c.original == "thay"]
    assert change.flagged and change.corrected == "thấy"
