"""E-mail addresses OCR broke (pipeline.correction.addresses) and how the corrector mends them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.correction import Corrector
from pipeline.correction.addresses import broken_addresses, odd_address
from pipeline.resources import models_dir


def repaired(text: str) -> list[tuple[str, str]]:
    return [(r.original, r.repaired) for r in broken_addresses(text)]


def test_brackets_quotes_and_a_g_read_as_o_slash_are_undone() -> None:
    assert repaired("thư điện tử tonghop(@quangnøai.gov.vn để") == [
        ("tonghop(@quangnøai.gov.vn", "tonghop@quangngai.gov.vn")]
    assert repaired("(e-mail: nhanptt.pød@dongphong.edu.vn)./.") == [
        ("nhanptt.pød@dongphong.edu.vn", "nhanptt.pgd@dongphong.edu.vn")]
    assert repaired("nghiepvuy.syt@'lamthuy.gov.vn.") == [
        ("nghiepvuy.syt@'lamthuy.gov.vn", "nghiepvuy.syt@lamthuy.gov.vn")]


def test_a_public_suffix_one_edit_off_is_mended() -> None:
    assert repaired("bqlchovankhe@)lacgiang.gøov.vn.") == [
        ("bqlchovankhe@)lacgiang.gøov.vn", "bqlchovankhe@lacgiang.gov.vn")]


def test_valid_addresses_and_words_with_an_at_sign_are_left() -> None:
    assert repaired("a@b.gov.vn; vanthu@quangngai.gov.vn.") == []
    assert repaired("Nơi nh@n: tru@ng học; S@ x; bqlcho(lacglang.øov.vn") == []


@given(st.text(alphabet="ab@.(ø)' \n", max_size=40))
def test_repairs_are_valid_addresses_inside_the_text(text: str) -> None:
    for r in broken_addresses(text):
        assert text[r.start:r.end] == r.original and "@" in r.repaired and "(" not in r.repaired


@pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")
def test_the_corrector_mends_a_broken_address_as_one_applied_change() -> None:
    text = "Mọi thắc mắc liên hệ Ban Quản lý chợ, thư điện tử\nbqlchovankhe(@lacgiang.gøov.vn.\n"
    result = Corrector.load().correct(text)
    assert result.text == "Mọi thắc mắc liên hệ Ban Quản lý chợ, thư điện tử\nbqlchovankhe@lacgiang.gov.vn.\n"
    assert [(c.original, c.corrected, c.flagged) for c in result.changes if "@" in c.original] == [
        ("bqlchovankhe(@lacgiang.gøov.vn", "bqlchovankhe@lacgiang.gov.vn", False)]


def test_an_address_with_a_suffix_no_address_has_is_odd() -> None:
    assert odd_address("nghiepvuy.syt@lamgiang.gov.vít")  # blur on "vn."
    assert odd_address("vpubnd@vanlinh.pgv.vn")  # "gov" two letters off
    assert odd_address("Idtbxh.tanlocthuong@bachlinh.gov.vn")  # a capital I among small letters: an l
    assert not odd_address("INFO@ABC.VN") and not odd_address("Nguyen.Van@abc.vn")  # (written in capitals)
    for address in ("ttyt@soyte.gov.vn", "abc@gmail.com", "hieutruong@thpt.edu.vn", "info@mail.cty.vn",
                    "lienhe@congty.com.vn", "no-address", "x@y"):
        assert not odd_address(address), address


def test_a_crossed_letter_is_read_as_the_g_or_the_o_that_makes_an_address():
    mended = {r.original: r.repaired for r in broken_addresses(
        "gửi tonghop(@quangnøai.gov.vn và vpubnd(@vanlinh.pøv.vn, x(@abc.pqv.vn")}
    assert mended == {"tonghop(@quangnøai.gov.vn": "tonghop@quangngai.gov.vn",
                      "vpubnd(@vanlinh.pøv.vn": "vpubnd@vanlinh.gov.vn",
                      "x(@abc.pqv.vn": "x@abc.pqv.vn"}  # (still odd: the corrector only suggests it)
