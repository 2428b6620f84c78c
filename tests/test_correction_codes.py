"""Numbers and codes as OCR reads them (pipeline/correction/codes.py), on the text and its tokens alone."""

from __future__ import annotations

from pipeline.correction.codes import (
    archive_mark,
    broken_numbers,
    cited_year_doubts,
    clause_sequence_doubts,
    dot_decimals,
    glued_year_suggestion,
    legislature_suggestion,
    lookalike_digits,
    odd_code,
    odd_date_part,
    odd_share,
    odd_year,
    split_document_number,
)
from pipeline.correction.tokens import ProtectedWords, tokenize
from pipeline.resources import dictionaries_dir


def _index(tokens, text):
    return next(i for i, tok in enumerate(tokens) if tok.text == text)


def test_a_codes_lost_stop_and_a_laws_legislature_are_suggested():
    assert glued_year_suggestion("167/2025NĐ-CP") == "167/2025/NĐ-CP"
    assert glued_year_suggestion("167/2025/NĐ-CP") is None
    assert legislature_suggestion("31/2024/QH13") == "31/2024/QH15"
    assert legislature_suggestion("31/2024/QH15") is None
    assert legislature_suggestion("45/2021/QH14") is None  # an election year belongs to both


def test_odd_codes():
    pieces, known, protected = {"NĐ", "CP", "UBND", "KH", "TTg"}, {"tt"}, {"GD&ĐT"}
    for code in ("536/TTI-CP", "NĐ:CP", "0/2i3i0", "167/2025NĐ-CP", "06/3021/NĐ-CP", "26GM-UBND"):
        assert odd_code(code, pieces, known, protected), code
    for code in ("12/KH-UBND", "09/2017/NĐ-CP", "PTHa", "GD&ĐT", "abc@quangngai.gov.vn", "www.chinhphu.vn", "2024"):
        assert not odd_code(code, pieces, known, protected), code


def test_a_year_no_letter_writes_and_a_share_with_a_leading_zero():
    text = "năm 23024, năm 2024, năm 1850 và 5 năm 10 lần; 00% và 0% và 05%; ngày 13 tháng 11 năm\n20086"
    tokens = list(tokenize(text))
    assert [tok.text for i, tok in enumerate(tokens) if odd_year(text, tokens, i)] == ["23024", "1850", "20086"]
    assert [tok.text for tok in tokens if odd_share(text, tok)] == ["00", "05"]


def test_a_written_dates_day_or_month_that_no_calendar_has_is_odd():
    text = "ngày 21 tháng 0 năm 2024, ngày 32 tháng 5 năm 2024, ngày 12 tháng 12 năm 2024, trong 18 tháng năm 2024"
    tokens = list(tokenize(text))
    assert [tok.text for i, tok in enumerate(tokens) if odd_date_part(text, tokens, i)] == ["0", "32"]


def test_a_span_of_years_closed_by_five_figures_is_odd():
    text = "giai đoạn 2022 - 20257; giai đoạn 2021 - 2025, từ 2024 - 3000 và 2024 - 12 lần, 5 - 12345"
    tokens = list(tokenize(text))
    assert [tok.text for i, tok in enumerate(tokens) if odd_year(text, tokens, i)] == ["20257", "3000"]


def test_a_decimal_read_with_a_dot():
    text = "Tỷ lệ 22,72 4,29 30.05 1,76\n1.2. Nội dung\n89.4%\n2.350\n"
    tokens = list(tokenize(text))
    assert sorted(tokens[i].text for i in dot_decimals(text, tokens)) == ["30.05", "89.4"]


def test_a_decimal_read_with_a_dot_among_a_tables_cells_read_one_per_line():
    text = "6 TH Sà Phìn\n4\n8.14\n7 TH Bản Mế\n3\n7,96\n8 TH Nậm Cươm\n3\n7,88\n"
    tokens = list(tokenize(text))
    assert [tokens[i].text for i in dot_decimals(text, tokens)] == ["8.14"]
    alone = "Mục 1\n1.2\nNội dung\n4,5\n"  # (one decimal cell near: no column of them)
    assert dot_decimals(alone, list(tokenize(alone))) == set()


def test_lookalike_digits_inside_a_word_but_not_a_code():
    assert lookalike_digits("s6") and lookalike_digits("d6i")
    assert not lookalike_digits("QH15") and not lookalike_digits("10a") and not lookalike_digits("2024")


def test_a_document_numbers_parted_figures_and_lost_hyphen():
    text = "Căn cứ Quyết định số 2 269/QĐ-TTg và Quyết định số 45/QĐ UBND của tỉnh.\n"
    tokens = list(tokenize(text, ProtectedWords.load(dictionaries_dir())))
    assert split_document_number(text, tokens, _index(tokens, "2"))
    joined = {(c[0].text, c[1]) for c in broken_numbers(text, tokens, [])}
    assert joined == {("2 269/QĐ-TTg", "2269/QĐ-TTg"), ("45/QĐ UBND", "45/QĐ-UBND")}


def test_the_archive_mark_after_luu():
    text = "Nơi nhận:\n- Như trên;\n- Lưu: VI, NV.\n"
    tokens = list(tokenize(text))
    assert [(c[0].text, c[1]) for c in archive_mark(text, tokens, [])] == [("VI", "VT")]


def test_a_cited_documents_number_and_date_bear_the_same_year():
    text = ("Căn cứ Luật số 35/2023/QH15 ngày 27 tháng 11 năm\n2025; Nghị định số 117/2007/NĐ-CP ngày\n"
            "11/7/2007; Quyết định số 12/2024/QĐ-UBND ngày 5/3/2025 của tỉnh.\n")
    tokens = list(tokenize(text, ProtectedWords.load(dictionaries_dir())))
    doubted = [(c[0].text, c[1], c[3]) for c in cited_year_doubts(text, tokens, [])]
    assert doubted == [("35/2023/QH15", "35/2025/QH15", True), ("2025", "2023", True),
                       ("12/2024/QĐ-UBND", "12/2025/QĐ-UBND", True), ("5/3/2025", "5/3/2024", True)]


def test_a_clause_number_that_breaks_its_lists_count_is_flagged():
    text = "1. Mục đích\nx.\n2. Yêu cầu\nx.\n5. Thời gian\nx.\n4. Kinh phí\nII. TỔ CHỨC\n1. Lại\n2. Hai\n3) Ba\n9) Chín\n"
    tokens = list(tokenize(text))
    doubted = [(c[0].text, c[1], c[3]) for c in clause_sequence_doubts(text, tokens, [])]
    assert doubted == [("5", "3", True)]  # (a list restarting keeps its count; "3)" and "9)" have none after)
    text = "Điều 1. Phê duyệt\nx.\nĐiều 7. Giao\nx.\nĐiều 3. Hiệu lực\n"
    assert [(c[0].text, c[1]) for c in clause_sequence_doubts(text, list(tokenize(text)), [])] == [("7", "2")]


def test_a_numeric_date_no_calendar_has_is_flagged_with_its_stray_figure_dropped():
    from pipeline.correction.codes import numeric_date_suggestion, odd_numeric_date

    assert odd_numeric_date("122/11/2024") and odd_numeric_date("15/13/2024") and odd_numeric_date("0/5/2024")
    assert not odd_numeric_date("31/12/2024") and not odd_numeric_date("12/2024/QĐ")
    assert numeric_date_suggestion("122/11/2024") == "22/11/2024"
    assert numeric_date_suggestion("15/111/2024") == "15/11/2024"
    assert numeric_date_suggestion("15/113/2024") is None  # "13" is no month either
    assert numeric_date_suggestion("45/11/2024") is None  # no stray figure to drop
    assert numeric_date_suggestion("22/11/2024") is None
