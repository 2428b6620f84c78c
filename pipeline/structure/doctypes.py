"""Document types: names and the type codes of NĐ 30/2020 Phụ lục III (and older TT 01/2011 codes)."""

from __future__ import annotations

from pipeline.structure.text import fold, squash

# Type code → type name (normal case). NĐ 30/2020/NĐ-CP Phụ lục III.
TYPE_CODES: dict[str, str] = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QyĐ": "Quy định",
    "TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch",
    "PA": "Phương án", "ĐA": "Đề án", "DA": "Dự án", "BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình",
    "HĐ": "Hợp đồng", "CĐ": "Công điện", "BGN": "Bản ghi nhớ", "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền", "GM": "Giấy mời", "GGT": "Giấy giới thiệu", "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi", "PC": "Phiếu chuyển", "PB": "Phiếu báo",
    # Codes of legal normative documents (they carry the year: 09/2017/NĐ-CP).
    "NĐ": "Nghị định", "TT": "Thông tư", "TTLT": "Thông tư liên tịch", "KL": "Kết luận",
}
# Older codes (Thông tư 01/2011/TT-BNV), still seen in letters before 2020.
OLD_TYPE_CODES: dict[str, str] = {
    "UQ": "Giấy ủy quyền", "GT": "Giấy giới thiệu", "NP": "Giấy nghỉ phép", "GN": "Giấy nghỉ phép",
    "CK": "Bản cam kết", "BCK": "Bản cam kết", "CN": "Giấy chứng nhận", "ĐĐ": "Giấy đi đường",
    "BN": "Giấy biên nhận hồ sơ", "TTh": "Thư công",
}
ALL_CODES = {**TYPE_CODES, **OLD_TYPE_CODES}
# Folded upper-case key → code, for OCR that loses the bar of Đ ("QD" → "QĐ"); ambiguous keys stay exact.
_FOLDED: dict[str, str] = {}
for _code in ALL_CODES:
    _FOLDED.setdefault(fold(_code).upper(), _code)
_FOLDED["HD"] = "HD"  # Hướng dẫn; Hợp đồng must keep its Đ

# Names printed as the type line (capitals), longest first so "QUYẾT ĐỊNH" wins over shorter names.
TYPE_NAMES: list[str] = sorted(
    {*(name for name in ALL_CODES.values()), "Công văn", "Thông tri", "Lệnh", "Điều lệ", "Tờ trình",
     "Giấy xác nhận", "Thư mời", "Bản cam kết", "Kết luận"},
    key=len, reverse=True,
)
_FOLDED_NAMES = {fold(name): name for name in TYPE_NAMES}


def code_key(code: str) -> str | None:
    """Known type code for ``code`` as read (exact, then case/diacritic-folded), else None."""
    code = code.strip()
    if code in ALL_CODES:
        return code
    return _FOLDED.get(fold(code).upper())


def name_for_code(code: str | None) -> str | None:
    key = code_key(code) if code else None
    return ALL_CODES.get(key) if key else None


def type_name_of_line(text: str) -> str | None:
    """The type name when the whole line is one (e.g. 'KẾ HOẠCH', 'QUYẾT ĐỊNH:'), else None."""
    key = squash(fold(text).strip(" :.")).replace(" ,", ",")
    return _FOLDED_NAMES.get(key)


def type_name_at(folded: str) -> tuple[str, int] | None:
    """Type name starting ``folded`` text (already folded): (name, length) or None."""
    for key, name in sorted(_FOLDED_NAMES.items(), key=lambda kv: len(kv[0]), reverse=True):
        if folded.startswith(key) and (len(folded) == len(key) or not folded[len(key)].isalnum()):
            return name, len(key)
    return None
