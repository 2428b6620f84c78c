"""Roles of body sections, legal bases and the units named under 'Tổ chức thực hiện'.

Headings are matched with rapidfuzz on folded text (no diacritics), so
'MUC PICH, YEU CAU' from a weak OCR still reads as goals; when several
keywords match, the one that comes first in the heading wins ('MỤC ĐÍCH,
YÊU CẦU' → goals).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from pipeline.model import ResponsibleUnit, Section
from pipeline.structure.text import fold, is_upper_text, squash, strip_list_punct

ROLE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "goals": ("muc dich", "muc tieu", "quan diem"),
    "requirements": ("yeu cau",),
    "content": ("noi dung", "ket qua", "danh gia", "tinh hinh"),
    "tasks": ("nhiem vu", "giai phap", "phuong huong"),
    "methods": ("phuong thuc", "phuong phap", "hinh thuc", "cach thuc", "bien phap"),
    "funding": ("kinh phi", "nguon von", "du toan"),
    "organisation": ("to chuc thuc hien", "trach nhiem thuc hien", "phan cong thuc hien", "phan cong nhiem vu",
                     "to chuc trien khai", "phan cong trach nhiem", "trach nhiem cua cac"),
}
# An untitled numbered item that gives orders is a task ("1. Giám đốc Sở X: Chủ trì, phối hợp ...").
DIRECTIVE = re.compile(
    r"\b(chu tri|phoi hop|chi dao|trien khai|hoan thanh|khan truong|to chuc|thuc hien|giao|de nghi|yeu cau"
    r"|tham muu|ra soat|xay dung|gui|phan cong|tang cuong|bao cao|kiem tra|theo doi|chiu trach nhiem|tiep thu"
    r"|chu dong|dam bao|huong dan)\b")
ENACTING = re.compile(r"\b(co hieu luc|thi hanh)\b")
MATCH_THRESHOLD = 85.0
LEGAL_BASIS_START = re.compile(r"^\s*(can cu|xet)\b")
CARRYING_OUT = re.compile(r"^\s*thuc hien\b")
PROPOSAL = re.compile(r"^\s*(theo|xet) de nghi\b")
UNIT_START = re.compile(
    r"^\s*(giao\s+)?(cac\s+)?(so|phong|ban|ubnd|uy ban|hdnd|trung tam|van phong|cong an|bo|cuc|chi cuc|hoi|doan"
    r"|truong|co so|benh vien|cong ty|thanh tra|kho bac|chi nhanh|dang uy|mat tran|lien doan|bao|dai|co quan|don vi"
    r"|thu truong|chu tich|giam doc|tinh doan|huyen doan|quan doan|bo chi huy|ban chi huy)\b")
UNIT_END = re.compile(
    r"\s(chu tri|chiu trach nhiem|co trach nhiem|theo chuc nang|phoi hop|tiep thu|khan truong|thuc hien|ra soat"
    r"|tham muu|to chuc|trien khai|xay dung|huong dan|kiem tra|cap nhat|bao cao|tong hop|de xuat|nghien cuu"
    r"|can |chu dong|tiep tuc|gui|dang ky|chuan bi|bo tri|quan ly|ho tro|cung cap|van dong)\b|[:;(]")


def match_role(title: str | None) -> tuple[str, float]:
    """Best role for a heading and its score (0-100); ('other', 0) when nothing matches."""
    if not title:
        return "other", 0.0
    folded = squash(fold(title))
    if len(folded) < 4:
        return "other", 0.0
    best: tuple[int, float, int, str] | None = None
    for role, keywords in ROLE_KEYWORDS.items():
        for keyword in keywords:
            if len(keyword) > len(folded):
                score, position = fuzz.ratio(keyword, folded), 0
            else:
                alignment = fuzz.partial_ratio_alignment(keyword, folded)
                score, position = alignment.score, alignment.dest_start
            if score < MATCH_THRESHOLD:
                continue
            candidate = (-position, score, len(keyword), role)
            if best is None or candidate[:3] > best[:3]:
                best = candidate
    if best is None:
        return "other", 0.0
    return best[3], best[1]


def _lead_in(section: Section) -> str:
    """'Giám đốc Sở X' from '1. Giám đốc Sở X: Chủ trì ...' (the words before an early colon)."""
    first = section.text.split("\n", 1)[0]
    if section.number and first.lstrip().startswith(section.number):
        first = first.lstrip()[len(section.number):].lstrip(" .)")
    colon = first.find(":")
    return first[:colon] if 0 < colon <= 100 else ""


def role_of(section: Section) -> str:
    if section.title:
        role = match_role(section.title)[0]
        is_article = bool(section.number and section.number.startswith("Điều"))
        if role == "other" and is_article:
            return "content"
        if role == "other" and not is_upper_text(section.title) and DIRECTIVE.search(fold(section.title)):
            return "tasks"  # "2. Sở Công Thương chủ trì, phối hợp thực hiện"
        return role
    folded_text = fold(section.text[:400])
    if section.number and section.number.startswith("Điều"):
        if ENACTING.search(fold(section.text)):
            return "organisation"
        role = match_role(_lead_in(section))[0]
        return role if role != "other" else "content"
    role = match_role(_lead_in(section))[0]
    if role != "other":
        return role
    return "tasks" if section.number and DIRECTIVE.search(folded_text) else "other"


def assign_roles(sections: list[Section], inherited: str | None = None) -> None:
    """Top-level sections get the role their heading (or, untitled, their wording) says; children keep
    their parent's role unless their own heading says otherwise ('1. Mục đích' under 'MỤC ĐÍCH, YÊU CẦU')."""
    for section in sections:
        if section.role in ("legal_basis", "preamble", "closing"):
            continue
        if inherited is None:
            section.role = role_of(section)
        else:
            role, score = match_role(section.title)
            section.role = role if score >= 90 and role != "closing" else inherited
        assign_roles(section.children, section.role)


def basis_kind(text: str) -> str | None:
    """'basis' (Căn cứ, Xét), 'carrying_out' (Thực hiện), 'proposal' (Theo/Xét đề nghị) or None."""
    folded = fold(text)
    if PROPOSAL.match(folded):
        return "proposal"
    if LEGAL_BASIS_START.match(folded):
        return "basis"
    if CARRYING_OUT.match(folded):
        return "carrying_out"
    return None


def unit_name(text: str) -> str | None:
    """'Giao Sở Tài chính chủ trì, ...' → 'Sở Tài chính'."""
    text = squash(text)
    folded = fold(text)
    if not UNIT_START.match(folded):
        return None
    start = 5 if folded.startswith("giao ") else 0
    end_match = UNIT_END.search(folded, start)
    end = end_match.start() if end_match else len(text)
    name = text[start:end].strip(" ,.-")
    if not name or len(name.split()) > 20:
        return None
    return name


def responsible_units(sections: list[Section]) -> list[ResponsibleUnit]:
    units: list[ResponsibleUnit] = []
    for section in sections:
        if section.role != "organisation":
            continue
        for child in section.children:
            own = _without_number(child)
            name = child.title or unit_name(own)
            if name is None:
                continue
            duties = [strip_list_punct(_without_number(grand)) for grand in child.children]
            if not duties and own.strip():
                duties = [own]
            units.append(ResponsibleUnit(unit=name, duties=[d for d in duties if d]))
    return units


def _without_number(section: Section) -> str:
    """The section's text on one line, without its number label."""
    text = squash(section.text)
    if section.number and text.startswith(section.number):
        text = text[len(section.number):].lstrip(" .)")
    return text
