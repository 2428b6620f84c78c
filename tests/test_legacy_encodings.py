from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.legacy_encodings import (
    decode_tcvn3,
    decode_text_file,
    decode_vni,
    detect_legacy_encoding,
    encode_tcvn3,
    encode_vni,
    is_garbage_text_layer,
    is_vietnamese_syllable,
    looks_like_vietnamese,
    repair_text_layer,
    tcvn3_decoding_table,
    tcvn3_to_unicode,
    vni_to_unicode,
)

MOTTO = "Cộng hòa xã hội chủ nghĩa Việt Nam"
PARAGRAPH = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Ủy ban nhân dân tỉnh "
    "đề nghị các sở, ban, ngành tổ chức triển khai thực hiện nghiêm túc, hiệu quả; thuở ngoẹo khuya "
    "người được hưởng ưu đãi, quyết định số 45/QĐ-UBND."
)
LOWER_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy" + "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
ALL_LETTERS = LOWER_LETTERS + LOWER_LETTERS.upper()


def cp1258_bytes(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letter, then a combining tone mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(p for p in parts if p in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
        out += (base + tones).encode("cp1258")
    return bytes(out)


def test_tcvn3_table_has_the_75_assignments_of_vn3():
    table = tcvn3_decoding_table()
    assert len(table) == 75
    assert len(set(table.values())) == 75
    assert all(unicodedata.is_normalized("NFC", c) for c in table.values())


@pytest.mark.parametrize(
    ("legacy", "expected"),
    [
        ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
        ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
        ("Uû ban nh©n d©n tØnh Qu¶ng Ng·i", "Uỷ ban nhân dân tỉnh Quảng Ngãi"),
        ("quyÕt ®Þnh sè 45/Q§-UBND", "quyết định số 45/QĐ-UBND"),
    ],
)
def test_tcvn3_text_from_pdf_converts(legacy, expected):
    assert tcvn3_to_unicode(legacy) == expected


@pytest.mark.parametrize(
    ("legacy", "expected"),
    [
        ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", MOTTO),
        ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
        ("ÑAØ NAÜNG, ngaøy 08 thaùng 5", "ĐÀ NẴNG, ngày 08 tháng 5"),
        ("Uûy ban nhaân daân tænh", "Ủy ban nhân dân tỉnh"),
    ],
)
def test_vni_text_from_pdf_converts(legacy, expected):
    assert vni_to_unicode(legacy) == expected


def test_round_trip_known_paragraph():
    assert decode_vni(encode_vni(PARAGRAPH)) == PARAGRAPH
    lower = PARAGRAPH.lower()
    assert decode_tcvn3(encode_tcvn3(lower)) == lower
    # capitals with tone marks only exist as their lowercase codes (all-capital fonts)
    assert decode_tcvn3(encode_tcvn3("ỦY BAN")) == "ủY BAN"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ALL_LETTERS + " ,.;:-/0123456789", max_size=60))
def test_vni_round_trip_any_vietnamese(text):
    assert decode_vni(encode_vni(text)) == text
    assert vni_to_unicode(encode_vni(text).decode("cp1252")) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=LOWER_LETTERS + "ĂÂÊÔƠƯĐ ,.;:-/0123456789", max_size=60))
def test_tcvn3_round_trip_lowercase_and_bare_capitals(text):
    assert decode_tcvn3(encode_tcvn3(text)) == text
    assert tcvn3_to_unicode(encode_tcvn3(text).decode("latin-1")) == text


def test_syllable_check():
    for word in ("nghiêng", "khuya", "thuở", "gì", "quốc", "Trường", "ĐƯỢC", "ngoẹo"):
        assert is_vietnamese_syllable(word), word
    for word in ("héi", "chñ", "nghÜa", "fox", "and", "strength", "hoµ", "ấá"):
        assert not is_vietnamese_syllable(word), word


def test_scores_separate_vietnamese_from_legacy_and_english():
    assert looks_like_vietnamese(PARAGRAPH) > 0.9
    assert looks_like_vietnamese(encode_vni(PARAGRAPH).decode("cp1252")) < 0.5
    assert looks_like_vietnamese(encode_tcvn3(PARAGRAPH.lower()).decode("latin-1")) < 0.6
    assert looks_like_vietnamese("The quick brown fox jumps over the lazy dog and strength") < 0.4
    assert looks_like_vietnamese("12/2024 - 45") == 0.0


def test_repair_text_layer_detects_and_converts():
    tcvn3 = encode_tcvn3(PARAGRAPH.lower()).decode("latin-1")
    assert repair_text_layer(tcvn3) == (PARAGRAPH.lower(), "tcvn3")
    vni = encode_vni(PARAGRAPH).decode("cp1252")
    assert repair_text_layer(vni) == (PARAGRAPH, "vni")
    assert repair_text_layer(PARAGRAPH) == (PARAGRAPH, None)
    assert detect_legacy_encoding("plain ascii text") is None


def test_repair_keeps_unicode_lines_in_a_mixed_layer():
    mixed = encode_tcvn3(PARAGRAPH.lower()).decode("latin-1") + "\n" + MOTTO
    repaired, encoding = repair_text_layer(mixed)
    assert encoding == "tcvn3"
    assert repaired == PARAGRAPH.lower() + "\n" + MOTTO


def test_garbage_text_layers():
    assert is_garbage_text_layer("")
    assert is_garbage_text_layer("   \n 12 3 ")
    assert is_garbage_text_layer("(cid:12)(cid:45)(cid:7)(cid:88) (cid:3)(cid:19)(cid:44)")
    assert is_garbage_text_layer("ÿþ\x01\x02\x03 ¤¥¦§ ©ª« ¬®¯ °±² ³´µ ¶·¸ ¹º» ¼½¾ ¿ÀÁ ÂÃÄ ÅÆÇ")
    assert is_garbage_text_layer("Xkq bvz wfgh jjk zzq rrt pqx vvb")
    assert not is_garbage_text_layer(PARAGRAPH)
    assert not is_garbage_text_layer(encode_tcvn3(PARAGRAPH.lower()).decode("latin-1"))  # repairable


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (PARAGRAPH.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + PARAGRAPH.encode("utf-8"), "utf-8-sig"),
        (PARAGRAPH.encode("utf-16"), "utf-16"),
        (PARAGRAPH.encode("utf-16-le"), "utf-16-le"),
        (PARAGRAPH.encode("utf-16-be"), "utf-16-be"),
        (cp1258_bytes(PARAGRAPH), "cp1258"),
        (encode_vni(PARAGRAPH), "vni"),
    ],
)
def test_decode_text_file(data, name):
    assert decode_text_file(data) == (PARAGRAPH, name)


def test_decode_text_file_tcvn3_and_resaved_legacy():
    lower = PARAGRAPH.lower()
    assert decode_text_file(encode_tcvn3(lower)) == (lower, "tcvn3")
    resaved = encode_tcvn3(lower).decode("latin-1").encode("utf-8")
    assert decode_text_file(resaved) == (lower, "utf-8+tcvn3")


def test_decode_text_file_normalises_nfd_to_nfc():
    text, name = decode_text_file(unicodedata.normalize("NFD", MOTTO).encode("utf-8"))
    assert (text, name) == (MOTTO, "utf-8")
