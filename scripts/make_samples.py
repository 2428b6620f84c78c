"""Render the sample letters in samples/source/ into scan-like images plus gold files.

Deterministic: every random choice comes from a numpy Generator seeded per
document, fonts are fixed files, and container metadata (PDF dates) is pinned.

Source markup (samples/source/<stem>.txt), one file per letter:

* ``key: value`` lines before the first region give the render recipe and the
  gold facts that are not on the page (``ref:`` lines, section ``roles:``).
* ``@left`` / ``@right`` header columns, ``@title``, ``@body``, ``@table``
  (cells split by ``|``, first row is the header), ``@recipients``, ``@sign``
  (a ``~`` line is the handwritten-signature gap), ``@pagebreak``.
* A line is one paragraph. ``**bold**``, ``*italic*``, ``***both***`` runs;
  ``^^`` centres a line, ``>>`` / ``>>>`` indent it (Kính gửi lists),
  ``[[KHẨN]]`` draws a boxed mark, ``__`` after a header line rules under it.

Usage::

    python scripts/make_samples.py                      # variant scan -> samples/
    python scripts/make_samples.py --variant clean --out benchmarks/work/samples_clean
    python scripts/make_samples.py --variant degraded --out benchmarks/work/samples_degraded
    python scripts/make_samples.py --source DIR --variant scan --out OUT  # letters kept elsewhere
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from pipeline.model import (  # noqa: E402
    Block,
    Document,
    Evidence,
    Header,
    LegalBasis,
    Line,
    Mention,
    Page,
    Reference,
    ResponsibleUnit,
    Section,
    Signature,
    Source,
    SourceKind,
    Stamp,
    Word,
)

SOURCE_DIR = REPO / "samples" / "source"
VARIANTS = ("scan", "clean", "degraded")

BASE_DPI = 300
PAGE_W, PAGE_H = 2480, 3508  # A4 at 300 dpi
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 354, 213, 236, 236  # 30/18/20/20 mm (NĐ 30/2020)
TEXT_W = PAGE_W - MARGIN_L - MARGIN_R
LEFT_COL = (200, 1180)  # header / recipients column
RIGHT_COL = (1120, PAGE_W - 150)  # motto / signature column
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)
FONT_FILES = {
    "r": "LiberationSerif-Regular.ttf",
    "b": "LiberationSerif-Bold.ttf",
    "i": "LiberationSerif-Italic.ttf",
    "bi": "LiberationSerif-BoldItalic.ttf",
}
SEAL_RED = np.array([205, 32, 45], dtype=np.float32)
INK = (20, 20, 24)
PDF_DATE = time.strptime("2025-01-01 00:00:00", "%Y-%m-%d %H:%M:%S")
ROMAN = r"(?:I|II|III|IV|V|VI|VII|VIII|IX|X)"
DOC_NUMBER_RE = re.compile(
    r"\b\d+/\d{4}/[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-ZĐ0-9][A-Za-zĐđ0-9]*)*"
    r"|\b\d+/[A-ZĐ][A-Za-zĐđ]*(?:-[A-ZĐ0-9][A-Za-zĐđ0-9]*)+"
    r"|\b\d+-[A-ZĐ]+/[A-ZĐ]+\b"
)
TABLE_MARK = "\0table"
URGENCY_MARKS = ("KHẨN", "THƯỢNG KHẨN", "HỎA TỐC", "MẬT", "TỐI MẬT", "TUYỆT MẬT")


def pt(size: float) -> int:
    return round(size * BASE_DPI / 72)


@lru_cache(maxsize=64)
def font(style: str, size_pt: float) -> ImageFont.FreeTypeFont:
    for folder in FONT_DIRS:
        path = folder / FONT_FILES[style]
        if path.exists():
            return ImageFont.truetype(str(path), pt(size_pt))
    raise FileNotFoundError(f"Liberation Serif not found in {FONT_DIRS}; install fonts-liberation2")


# --- source parsing -----------------------------------------------------------


@dataclass
class Run:
    text: str
    style: str  # r, b, i, bi


@dataclass
class Para:
    runs: list[Run]
    align: str = "justify"  # justify | center | left
    indent_first: int = 150
    indent_left: int = 0
    size: float = 14.0
    rule_after: bool = False
    boxed: bool = False

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs).strip()


@dataclass
class SourceDoc:
    stem: str
    meta: dict[str, str]
    refs: list[list[str]]
    regions: list[tuple[str, list[str]]]  # (region name, raw lines) in file order


def load_source(path: Path) -> SourceDoc:
    meta: dict[str, str] = {}
    refs: list[list[str]] = []
    regions: list[tuple[str, list[str]]] = []
    text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
    for raw in text.splitlines():
        line = raw.rstrip()
        if line.startswith("#") and not regions:
            continue
        if line.startswith("@"):
            regions.append((line[1:].strip(), []))
            continue
        if not regions:
            if not line.strip():
                continue
            key, _, value = line.partition(":")
            if key.strip() == "ref":
                refs.append([part.strip() for part in value.split("|")])
            else:
                meta[key.strip()] = value.strip()
            continue
        if line.strip():
            regions[-1][1].append(line.strip())
    return SourceDoc(stem=meta.get("stem", path.stem), meta=meta, refs=refs, regions=regions)


def parse_runs(text: str, base: str = "r") -> list[Run]:
    runs: list[Run] = []
    pos = 0
    for m in re.finditer(r"\*\*\*(.+?)\*\*\*|\*\*(.+?)\*\*|\*(.+?)\*", text):
        if m.start() > pos:
            runs.append(Run(text[pos : m.start()], base))
        style = "bi" if m.group(1) else "b" if m.group(2) else "i"
        runs.append(Run(m.group(1) or m.group(2) or m.group(3), style))
        pos = m.end()
    if pos < len(text):
        runs.append(Run(text[pos:], base))
    return runs


def parse_para(line: str, size: float, align: str = "justify", indent_first: int = 150) -> Para:
    indent_left = 0
    boxed = rule = False
    if line.startswith("^^"):
        align, indent_first, line = "center", 0, line[2:].strip()
    elif line.startswith(">>>"):
        align, indent_first, indent_left, line = "left", 0, 640, line[3:].strip()
    elif line.startswith(">>"):
        align, indent_first, indent_left, line = "left", 0, 420, line[2:].strip()
    if line.endswith("__"):
        rule, line = True, line[:-2].rstrip()
    if line.startswith("[[") and line.endswith("]]"):
        boxed, line = True, "**" + line[2:-2] + "**"
    return Para(parse_runs(line), align, indent_first, indent_left, size, rule, boxed)


# --- layout -------------------------------------------------------------------


@dataclass
class PWord:
    text: str
    style: str
    size: float
    x: float
    baseline: float

    def bbox(self) -> tuple[int, int, int, int]:
        x0, y0, x1, y1 = font(self.style, self.size).getbbox(self.text, anchor="ls")
        return (
            int(self.x + x0),
            int(self.baseline + y0),
            int(np.ceil(self.x + x1)),
            int(np.ceil(self.baseline + y1)),
        )


@dataclass
class PLine:
    words: list[PWord]

    def shift(self, dy: float) -> None:
        for w in self.words:
            w.baseline += dy

    def bbox(self) -> tuple[int, int, int, int]:
        return union([w.bbox() for w in self.words])

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class PBlock:
    kind: str  # header_left header_right title text table recipients signature page_number
    lines: list[PLine] = field(default_factory=list)
    para_index: int | None = None  # index of the body paragraph, for sections
    extra_boxes: list[tuple[int, int, int, int]] = field(default_factory=list)

    def bbox(self) -> tuple[int, int, int, int]:
        return union([ln.bbox() for ln in self.lines] + self.extra_boxes)

    @property
    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)


@dataclass
class PageLayout:
    number: int
    blocks: list[PBlock] = field(default_factory=list)
    rules: list[tuple[int, int, int, int, int]] = field(default_factory=list)  # x0 y0 x1 y1 width
    rects: list[tuple[int, int, int, int, int]] = field(default_factory=list)
    sign_anchor: tuple[int, int, int, int] | None = None  # signature gap box


def union(boxes: list[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def line_height(size: float) -> float:
    return pt(size) * 1.3


def wrap_para(para: Para, x0: float, width: float) -> list[PLine]:
    """Greedy wrap with justification; baselines start at 0 and step by the line height."""
    tokens: list[tuple[str, str]] = []
    for run in para.runs:
        for i, piece in enumerate(re.split(r"(\s+)", run.text)):
            if i % 2 == 1 or not piece:
                if i % 2 == 1 and tokens:
                    tokens[-1] = (tokens[-1][0], tokens[-1][1] + "|sp")
                continue
            if tokens and not tokens[-1][1].endswith("|sp"):
                # glue a run boundary without space (e.g. "**Điều 1.**" + " ...") into one word
                tokens.append((piece, run.style + "|glue"))
            else:
                tokens.append((piece, run.style))
    # merge glued pieces into words made of sub-runs
    words: list[list[tuple[str, str]]] = []
    for text, style in tokens:
        base = style.split("|")[0]
        if style.endswith("|glue") and words:
            words[-1].append((text, base))
        else:
            words.append([(text, base)])
    space = font("r", para.size).getlength(" ")

    def wlen(word: list[tuple[str, str]]) -> float:
        return sum(font(s, para.size).getlength(t) for t, s in word)

    lines: list[list[list[tuple[str, str]]]] = [[]]
    used = 0.0
    for word in words:
        avail = width - para.indent_left - (para.indent_first if len(lines) == 1 else 0)
        wl = wlen(word)
        if lines[-1] and used + space + wl > avail:
            lines.append([])
            used = 0.0
        used += (space if lines[-1] else 0) + wl
        lines[-1].append(word)
    out: list[PLine] = []
    lh = line_height(para.size)
    for li, line_words in enumerate(lines):
        indent = para.indent_left + (para.indent_first if li == 0 else 0)
        avail = width - indent
        natural = sum(wlen(w) for w in line_words) + space * (len(line_words) - 1)
        gap = space
        if para.align == "justify" and li < len(lines) - 1 and len(line_words) > 1:
            gap = space + (avail - natural) / (len(line_words) - 1)
        x = x0 + (width - natural) / 2 if para.align == "center" else x0 + indent
        placed: list[PWord] = []
        for word in line_words:
            text = "".join(t for t, _ in word)
            style = max((s for _, s in word), key=lambda s: len(s) if s != "r" else 0)
            # a word of mixed styles is drawn piecewise but recorded as one word
            wx = x
            for piece, s in word:
                placed.append(PWord(piece, s, para.size, wx, li * lh))
                wx += font(s, para.size).getlength(piece)
            if len(word) > 1:
                placed[-len(word) :] = [_MixedWord(text, style, para.size, x, li * lh, placed[-len(word) :])]
            x += wlen(word) + gap
        out.append(PLine(placed))
    return out


class _MixedWord(PWord):
    """One word drawn in several styles (e.g. bold number glued to regular text)."""

    def __init__(self, text: str, style: str, size: float, x: float, baseline: float, parts: list[PWord]):
        super().__init__(text, style, size, x, baseline)
        self.parts = parts

    def bbox(self) -> tuple[int, int, int, int]:
        for p in self.parts:
            p.baseline = self.baseline
        return union([p.bbox() for p in self.parts])


def column_block(
    kind: str, paras: list[Para], col: tuple[int, int], top: float
) -> tuple[PBlock, float, list]:
    """Centred column (header, signature): returns block, bottom y, rules."""
    block = PBlock(kind)
    rules = []
    y = top
    x0, x1 = col
    for para in paras:
        lines = wrap_para(para, x0, x1 - x0)
        for ln in lines:
            y += line_height(para.size) if block.lines or y > top else pt(para.size)
            ln.shift(y - ln.words[0].baseline)
            block.lines.append(ln)
        if para.rule_after and lines:
            lx0, _, lx1, _ = lines[-1].bbox()
            cx, half = (lx0 + lx1) / 2, (lx1 - lx0) * {"header_left": 0.25, "title": 0.18}.get(kind, 0.5)
            ry = int(y + pt(para.size) * 0.32)
            rules.append((int(cx - half), ry, int(cx + half), ry, 4))
            y += pt(para.size) * 0.25
        if para.boxed and lines:
            bx0, by0, bx1, by1 = lines[-1].bbox()
            rect = (bx0 - 24, by0 - 18, bx1 + 24, by1 + 18)
            block.extra_boxes.append(rect)
            rules.append(("rect", *rect))
            y += 20
    return block, y, rules


def header_paras(lines: list[str], default_size: float) -> list[Para]:
    paras = []
    for line in lines:
        size = default_size
        m = re.match(r"^\{(\d+(?:\.\d+)?)\}\s*", line)
        if m:
            size, line = float(m.group(1)), line[m.end() :]
        paras.append(parse_para(line, size, align="center", indent_first=0))
        paras[-1].align = "center"
        paras[-1].indent_left = 0
    return paras


@dataclass
class TableSpec:
    rows: list[list[str]]


def layout_table(spec: TableSpec, top: float) -> tuple[PBlock, float, list]:
    size = 12.0
    pad = 18
    ncol = len(spec.rows[0])
    widths = [max(font("b", size).getlength(r[c]) for r in spec.rows) + 2 * pad for c in range(ncol)]
    scale = TEXT_W / sum(widths)
    widths = [w * scale for w in widths]
    xs = [MARGIN_L + sum(widths[:c]) for c in range(ncol + 1)]
    row_h = line_height(size) + 2 * pad - 10
    block = PBlock("table")
    rules: list = []
    y = top
    for ri, row in enumerate(spec.rows):
        words: list[PWord] = []
        base = y + (row_h + pt(size) * 0.68) / 2  # centre the x-height band in the row
        for c, cell in enumerate(row):
            style = "b" if ri == 0 else "r"
            f = font(style, size)
            numeric = ri > 0 and re.fullmatch(r"[\d.,%]+", cell) is not None
            x = xs[c] + (widths[c] - f.getlength(cell)) / 2 if ri == 0 or numeric else xs[c] + pad
            for tok in cell.split():
                words.append(PWord(tok, style, size, x, base))
                x += f.getlength(tok + " ")
        block.lines.append(PLine(words))
        rules.append((int(xs[0]), int(y), int(xs[-1]), int(y), 3))
        y += row_h
    rules.append((int(xs[0]), int(y), int(xs[-1]), int(y), 3))
    for x in xs:
        rules.append((int(x), int(top), int(x), int(y), 3))
    block.extra_boxes.append((int(xs[0]) - 2, int(top) - 2, int(xs[-1]) + 2, int(y) + 2))
    return block, y, rules


def layout_document(src: SourceDoc) -> list[PageLayout]:
    pages = [PageLayout(1)]
    regions = dict(
        (name, lines)
        for name, lines in src.regions
        if name in ("left", "right", "title", "recipients", "sign")
    )
    # header columns
    left, y_left, rules_l = column_block(
        "header_left", header_paras(regions["left"], 13), LEFT_COL, MARGIN_T - 40
    )
    right, y_right, rules_r = column_block(
        "header_right", header_paras(regions["right"], 13), RIGHT_COL, MARGIN_T - 40
    )
    page = pages[0]
    page.blocks += [left, right]
    _add_rules(page, rules_l + rules_r)
    y = max(y_left, y_right) + 60
    if "title" in regions:
        paras = [parse_para(t, 14, align="center", indent_first=0) for t in regions["title"]]
        for p in paras:
            p.align = "center"
        block, y2, rules = column_block("title", paras, (MARGIN_L + 150, MARGIN_L + TEXT_W - 150), y)
        page.blocks.append(block)
        _add_rules(page, rules)
        y = y2 + 50
    bottom = PAGE_H - MARGIN_B
    para_index = 0
    for name, lines in src.regions:
        if name == "pagebreak":
            page, y = _new_page(pages)
            continue
        if name == "table":
            spec = TableSpec([[c.strip() for c in ln.split("|")] for ln in lines])
            block, y2, rules = layout_table(spec, y + 28)
            if y2 > bottom:
                page, y = _new_page(pages)
                block, y2, rules = layout_table(spec, y + 28)
            block.para_index = para_index
            para_index += 1
            page.blocks.append(block)
            _add_rules(page, rules)
            y = y2 + 30
            continue
        if name != "body":
            continue
        for raw in lines:
            para = parse_para(raw, 14)
            plines = wrap_para(para, MARGIN_L, TEXT_W)
            block = PBlock("text", para_index=para_index)
            para_index += 1
            y += 10
            for ln in plines:
                lh = line_height(para.size)
                if y + lh > bottom:
                    if block.lines:
                        page.blocks.append(block)
                        block = PBlock("text", para_index=block.para_index)
                    page, y = _new_page(pages)
                y += lh
                ln.shift(y - lh * 0.22 - ln.words[0].baseline)
                block.lines.append(ln)
            page.blocks.append(block)
    _layout_closing(src, regions, pages, y)
    return pages


def _add_rules(page: PageLayout, rules: list) -> None:
    for r in rules:
        if r[0] == "rect":
            page.rects.append((*r[1:], 4))
        else:
            page.rules.append(r)


def _new_page(pages: list[PageLayout]) -> tuple[PageLayout, float]:
    page = PageLayout(len(pages) + 1)
    pages.append(page)
    para = Para([Run(str(page.number), "r")], align="center", indent_first=0, size=13)
    (ln,) = wrap_para(para, MARGIN_L, TEXT_W)
    ln.shift(150)
    page.blocks.append(PBlock("page_number", [ln]))
    return page, float(MARGIN_T)


def _layout_closing(src: SourceDoc, regions: dict, pages: list[PageLayout], y: float) -> None:
    """Recipients (left) beside the signing block (right); both move to a new page together."""
    rec_paras = []
    for i, line in enumerate(regions.get("recipients", [])):
        p = parse_para(line, 12 if i == 0 else 11, align="left", indent_first=0)
        p.align, p.indent_left = "left", 0
        rec_paras.append(p)
    sign_lines = regions.get("sign", [])

    def build(top: float):
        rec = PBlock("recipients")
        yy = top
        for p in rec_paras:
            for ln in wrap_para(p, MARGIN_L - 110, LEFT_COL[1] - MARGIN_L + 80):
                yy += line_height(p.size) * 0.92
                ln.shift(yy - ln.words[0].baseline)
                rec.lines.append(ln)
        sign = PBlock("signature")
        ys = top
        gap = None
        for line in sign_lines:
            if line == "~":
                gap = (RIGHT_COL[0] + 150, int(ys + 30), RIGHT_COL[1] - 150, int(ys + 330))
                ys += 330
                continue
            p = parse_para(line, 14, align="center", indent_first=0)
            p.align = "center"
            (ln,) = wrap_para(p, RIGHT_COL[0] + 60, RIGHT_COL[1] - RIGHT_COL[0] - 60)
            ys += line_height(p.size) * 0.95
            ln.shift(ys - ln.words[0].baseline)
            sign.lines.append(ln)
        return rec, sign, max(yy, ys), gap

    page = pages[-1]
    rec, sign, end, gap = build(y + 40)
    if end > PAGE_H - MARGIN_B + 60:
        page, y = _new_page(pages)
        rec, sign, end, gap = build(y)
    page.blocks += [b for b in (rec, sign) if b.lines]
    page.sign_anchor = gap


# --- drawing and scan simulation ---------------------------------------------


def draw_page(layout: PageLayout) -> Image.Image:
    img = Image.new("RGB", (PAGE_W, PAGE_H), "white")
    draw = ImageDraw.Draw(img)
    for block in layout.blocks:
        for ln in block.lines:
            for w in ln.words:
                for part in getattr(w, "parts", [w]):
                    part.baseline = w.baseline
                    draw.text(
                        (part.x, part.baseline),
                        part.text,
                        font=font(part.style, part.size),
                        fill=INK,
                        anchor="ls",
                    )
    for x0, y0, x1, y1, width in layout.rules:
        draw.line((x0, y0, x1, y1), fill=INK, width=width)
    for x0, y0, x1, y1, width in layout.rects:
        draw.rectangle((x0, y0, x1, y1), outline=INK, width=width)
    return img


def seal_mask(text: str, radius: int, rng: np.random.Generator) -> np.ndarray:
    """Alpha mask (0..1) of a round seal: two rings, text around the top, a star in the centre."""
    size = 2 * radius + 8
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    c = size / 2
    draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=12)
    inner = radius * 0.64
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=255, width=5)
    star_r = inner * 0.42
    points = []
    for k in range(10):
        ang = -np.pi / 2 + k * np.pi / 5
        r = star_r if k % 2 == 0 else star_r * 0.4
        points.append((c + r * np.cos(ang), c + r * np.sin(ang)))
    draw.polygon(points, fill=255)
    f = font("b", radius / 9.5)
    ring_r = radius * 0.82
    chars = list(text)
    span = np.deg2rad(300)
    start = -np.pi / 2 - span / 2
    for k, ch in enumerate(chars):
        ang = start + span * (k + 0.5) / len(chars)
        tile = Image.new("L", (120, 120), 0)
        ImageDraw.Draw(tile).text((60, 60), ch, font=f, fill=255, anchor="mm")
        tile = tile.rotate(-np.rad2deg(ang) - 90, resample=Image.BICUBIC)
        px, py = c + ring_r * np.cos(ang), c + ring_r * np.sin(ang)
        img.paste(255, (int(px - 60), int(py - 60)), tile)
    alpha = np.asarray(img, dtype=np.float32) / 255
    texture = cv2.GaussianBlur(rng.random(alpha.shape, dtype=np.float32), (0, 0), 6)
    texture = np.clip((texture - texture.min()) / (np.ptp(texture) + 1e-6) * 0.5 + 0.55, 0, 1)
    return np.clip(alpha * texture, 0, 0.92)


def stamp_seal(arr: np.ndarray, mask: np.ndarray, center: tuple[int, int]) -> tuple[int, int, int, int]:
    h, w = mask.shape
    x0, y0 = center[0] - w // 2, center[1] - h // 2
    region = arr[y0 : y0 + h, x0 : x0 + w].astype(np.float32)
    a = mask[..., None]
    region = region * (1 - a) + region * (SEAL_RED / 255) * a
    arr[y0 : y0 + h, x0 : x0 + w] = np.clip(region, 0, 255).astype(np.uint8)
    radius = (w - 8) // 2
    cx, cy = center
    return (cx - radius, cy - radius, cx + radius, cy + radius)


def scribble(arr: np.ndarray, box: tuple[int, int, int, int], rng: np.random.Generator) -> None:
    x0, y0, x1, y1 = box
    t = np.linspace(0, 1, 400)
    cx = x0 + (x1 - x0) * (0.25 + 0.5 * t)
    cy = (y0 + y1) / 2 + np.sin(t * np.pi * rng.uniform(5, 8)) * (y1 - y0) * 0.22 + (t - 0.5) * 60
    pts = np.stack([cx, cy], axis=1).astype(np.int32)
    cv2.polylines(arr, [pts], False, (35, 40, 110), 5, cv2.LINE_AA)


@dataclass
class Recipe:
    variant: str
    dpi: int
    skew: float
    blur: float
    noise: float
    gray: bool
    fmt: str
    jpeg_quality: int
    seal: bool
    body_seal: bool
    speckle: bool


def recipe_for(src: SourceDoc, variant: str, rng: np.random.Generator) -> Recipe:
    m = src.meta
    if variant == "clean":
        fmt = "png" if int(m.get("pages_hint", "1")) == 1 and m["format"] in ("png", "jpg") else "tif"
        return Recipe(variant, 300, 0.0, 0.0, 0.0, False, fmt, 95, False, False, False)
    if variant == "degraded":
        skew = float(rng.uniform(3.0, 4.0) * rng.choice([-1, 1]))
        fmt = "jpg" if m["format"] in ("png", "jpg") else "pdf"
        return Recipe(variant, 150, skew, 1.2, 7.0, False, fmt, 35, True, True, True)
    return Recipe(
        variant,
        int(m.get("dpi", "300")),
        float(m.get("skew", "0.5")),
        float(m.get("blur", "0.6")),
        float(m.get("noise", "5")),
        m.get("color", "rgb") == "gray",
        m["format"],
        int(m.get("jpeg_quality", "80")),
        True,
        False,
        False,
    )


def degrade(arr: np.ndarray, recipe: Recipe, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Paper tint, skew, blur, noise, resampling; returns the image and the 2x3 box transform."""
    img = arr.astype(np.float32)
    if recipe.variant != "clean":
        yy, xx = np.mgrid[0:PAGE_H:64, 0:PAGE_W:64].astype(np.float32)
        shade = 1 - 0.04 * (xx / PAGE_W) - 0.03 * (yy / PAGE_H)
        shade = cv2.resize(shade, (PAGE_W, PAGE_H), interpolation=cv2.INTER_LINEAR)
        img *= shade[..., None] * np.array([0.985, 0.975, 0.95], dtype=np.float32)
    matrix = cv2.getRotationMatrix2D((PAGE_W / 2, PAGE_H / 2), recipe.skew, 1.0)
    if recipe.skew:
        img = cv2.warpAffine(
            img, matrix, (PAGE_W, PAGE_H), flags=cv2.INTER_LINEAR, borderValue=(245, 243, 238)
        )
    if recipe.blur:
        img = cv2.GaussianBlur(img, (0, 0), recipe.blur * BASE_DPI / recipe.dpi)
    scale = recipe.dpi / BASE_DPI
    if scale != 1:
        img = cv2.resize(img, (round(PAGE_W * scale), round(PAGE_H * scale)), interpolation=cv2.INTER_AREA)
        matrix = matrix * scale
    if recipe.noise:
        img += rng.normal(0, recipe.noise, img.shape[:2]).astype(np.float32)[..., None]
    if recipe.speckle:
        h, w = img.shape[:2]
        n = h * w // 1500
        ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
        img[ys, xs] = rng.uniform(20, 120, (n, 1))
    out = np.clip(img, 0, 255).astype(np.uint8)
    return out, matrix


def transform_box(box: tuple[int, int, int, int], matrix: np.ndarray, size: tuple[int, int]) -> list[int]:
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=np.float64) @ matrix.T
    w, h = size
    return [
        int(np.clip(np.floor(pts[:, 0].min()), 0, w)),
        int(np.clip(np.floor(pts[:, 1].min()), 0, h)),
        int(np.clip(np.ceil(pts[:, 0].max()), 0, w)),
        int(np.clip(np.ceil(pts[:, 1].max()), 0, h)),
    ]


# --- gold ---------------------------------------------------------------------


@dataclass
class RenderedSample:
    stem: str
    variant: str
    images: list[np.ndarray]  # RGB (or gray 2-D) uint8, as saved
    dpi: int
    fmt: str
    gold_text: str
    blocks: dict
    document: Document | None = None
    data: bytes = b""


def _gold_kind(kind: str) -> str:
    return {"title": "text"}.get(kind, kind)


def build_pages_and_text(layouts: list[PageLayout], matrices: list[np.ndarray], size: tuple[int, int]):
    """Model pages (blocks/lines/words with boxes) and the text derived from them as textbuild does."""
    pages: list[Page] = []
    page_texts: list[str] = []
    offset = 0
    para_spans: dict[int, list[int]] = {}
    for layout, matrix in zip(layouts, matrices, strict=True):
        blocks: list[Block] = []
        block_texts = []
        for bi, pb in enumerate(b for b in layout.blocks if b.kind != "page_number"):
            lines: list[Line] = []
            line_texts = []
            for li, pl in enumerate(pb.lines):
                words = []
                for wi, pw in enumerate(pl.words):
                    words.append(
                        Word(
                            id=f"p{layout.number}-b{bi + 1}-l{li + 1}-w{wi + 1}",
                            text=pw.text,
                            bbox=tuple(transform_box(pw.bbox(), matrix, size)),
                        )
                    )
                lines.append(
                    Line(
                        id=f"p{layout.number}-b{bi + 1}-l{li + 1}",
                        bbox=tuple(transform_box(pl.bbox(), matrix, size)),
                        words=words,
                    )
                )
                line_texts.append(pl.text)
            blocks.append(
                Block(
                    id=f"p{layout.number}-b{bi + 1}",
                    kind=_gold_kind(pb.kind),
                    bbox=tuple(transform_box(pb.bbox(), matrix, size)),
                    lines=lines,
                )
            )
            block_texts.append("\n".join(line_texts))
        page_text = "\n\n".join(block_texts)
        page_texts.append(page_text)
        pages.append(Page(number=layout.number, width=size[0], height=size[1], blocks=blocks, text=page_text))
    # word spans and paragraph spans over the joined text
    text = "\n\f\n".join(page_texts)
    for page, layout in zip(pages, layouts, strict=True):
        body_blocks = [b for b in layout.blocks if b.kind != "page_number"]
        for block, pb in zip(page.blocks, body_blocks, strict=True):
            start = None
            for line in block.lines:
                for word in line.words:
                    word.span = (offset, offset + len(word.text))
                    start = offset if start is None else start
                    offset += len(word.text) + 1
                # the +1 above already counted the newline after the line's last word
            offset += 1  # blank line between blocks (second "\n")
            if pb.para_index is not None and start is not None:
                span = para_spans.setdefault(pb.para_index, [start, 0])
                span[1] = offset - 2
        offset += 1  # "\n\f\n" = last block's "\n" + "\f" + "\n"; blocks counted "\n\n"
    _check_spans(pages, text)
    return pages, text, para_spans


def _check_spans(pages: list[Page], text: str) -> None:
    for page in pages:
        for block in page.blocks:
            for line in block.lines:
                for word in line.words:
                    s, e = word.span
                    if text[s:e] != word.text:
                        raise AssertionError(f"span mismatch for {word.id}: {text[s:e]!r} != {word.text!r}")


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def build_document(
    src: SourceDoc, layouts, pages: list[Page], text: str, para_spans, source: Source
) -> Document:
    m = src.meta
    left_lines = [_plain(x) for x in dict(src.regions)["left"]]
    left_styles = [x for x in dict(src.regions)["left"]]
    right_lines = [_plain(x) for x in dict(src.regions)["right"]]
    number_i = next(i for i, x in enumerate(left_lines) if x.startswith("Số"))
    agency = [(p, s) for p, s in zip(left_lines[:number_i], left_styles[:number_i], strict=True)]
    parent = " ".join(p for p, s in agency if not s.lstrip("{0123456789.} ").startswith("**")) or None
    issuing = " ".join(p for p, s in agency if s.lstrip("{0123456789.} ").startswith("**"))
    number = re.sub(r"\s+", "", left_lines[number_i].split(":", 1)[1])
    after_slash = number.split("/", 1)[1]
    code = after_slash.split("-")[0] if m.get("doc_type") != "Công văn" else None
    date_text = next(x for x in right_lines if "ngày" in x)
    d = re.search(r"ngày\s+(\d+)\s+tháng\s+(\d+)\s+năm\s+(\d{4})", date_text)
    vv_lines = [_plain(x) for x in left_styles[number_i + 1 :] if not x.startswith("[[")]
    if m.get("doc_type") == "Công văn":
        subject = _one_line(" ".join(vv_lines))
        subject = re.sub(r"^V/v\s+", "", subject)
    else:
        title = [_plain(x) for x in dict(src.regions)["title"]]
        subject = _one_line(" ".join(title[1:]))
    body = body_items(src)
    addressees = _addressees(body)
    header = Header(
        parent_agency=parent,
        issuing_agency=issuing,
        number=number,
        doc_type_code=code,
        place=date_text.split(",")[0].strip(),
        date=f"{d.group(3)}-{int(d.group(2)):02d}-{int(d.group(1)):02d}",
        date_text=date_text,
        doc_type=m["doc_type"],
        subject=subject,
        addressees=addressees,
        secrecy=m.get("secrecy") or None,
        urgency=m.get("urgency") or None,
    )
    header.evidence = _evidence(layouts[0], pages[0], header)
    legal = [
        LegalBasis(text=_one_line(p), references=list(dict.fromkeys(DOC_NUMBER_RE.findall(p))))
        for p in body
        if p.startswith("Căn cứ")
    ]
    sections = _sections(src, body, text, para_spans)
    doc = Document(
        source=source,
        text=text,
        header=header,
        legal_bases=legal,
        sections=sections,
        responsible_units=_units(body, sections, src),
        recipients=[re.sub(r"^-\s*", "", _plain(x)) for x in dict(src.regions)["recipients"][1:]],
        signature=_signature(dict(src.regions)["sign"]),
        references=_references(src, text),
        pages=pages,
    )
    return Document.model_validate(doc.model_dump())


def _evidence(layout: PageLayout, page: Page, header: Header) -> dict[str, Evidence]:
    """Where each header field stands on page 1 (boxes of the printed lines)."""
    evidence: dict[str, Evidence] = {}

    def put(name: str, lines: list[Line]) -> None:
        if lines and getattr(header, name):
            evidence[name] = Evidence(page=1, bbox=union([ln.bbox for ln in lines]))

    drawn = [b for b in layout.blocks if b.kind != "page_number"]
    for pb, mb in zip(drawn, page.blocks, strict=True):
        texts = [ln.text for ln in pb.lines]
        if pb.kind == "header_left":
            i_num = next(i for i, t in enumerate(texts) if t.startswith("Số"))
            bold = [any(w.style != "r" for w in ln.words) for ln in pb.lines]
            put("number", [mb.lines[i_num]])
            put("doc_type_code", [mb.lines[i_num]])
            put("parent_agency", [mb.lines[i] for i in range(i_num) if not bold[i]])
            put("issuing_agency", [mb.lines[i] for i in range(i_num) if bold[i]])
            marks = [i for i in range(i_num + 1, len(texts)) if texts[i] in URGENCY_MARKS]
            put("urgency", [mb.lines[i] for i in marks])
            put("subject", [mb.lines[i] for i in range(i_num + 1, len(texts)) if i not in marks])
        elif pb.kind == "header_right":
            dated = [mb.lines[i] for i, t in enumerate(texts) if "ngày" in t]
            for name in ("place", "date", "date_text"):
                put(name, dated)
        elif pb.kind == "title":
            put("doc_type", mb.lines[:1])
            put("subject", mb.lines[1:])
        elif pb.kind == "text" and texts and texts[0].startswith("Kính gửi"):
            put("addressees", mb.lines)
    return evidence


def body_items(src: SourceDoc) -> list[str]:
    """Body paragraphs in order, one TABLE_MARK per table (the same indexing as PBlock.para_index)."""
    items: list[str] = []
    for name, lines in src.regions:
        if name == "body":
            items += [_plain(x) for x in lines]
        elif name == "table":
            items.append(TABLE_MARK)
    return items


def _plain(line: str) -> str:
    line = re.sub(r"^\{[\d.]+\}\s*", "", line)
    line = re.sub(r"^(\^\^|>>>|>>)", "", line).strip()
    line = line.removesuffix("__").rstrip()
    return line.replace("[[", "").replace("]]", "").replace("*", "").strip()


def _addressees(body: list[str]) -> list[str]:
    out: list[str] = []
    collecting = False
    for p in body:
        if p.startswith("Kính gửi:"):
            rest = p.split(":", 1)[1].strip()
            if rest:
                out.append(rest.lstrip("- ").rstrip(";.,"))
            collecting = True
        elif collecting and p.startswith("- "):
            out.append(p[2:].rstrip(";.,"))
        else:
            collecting = False
    return out


def _section_start(p: str, level: str) -> tuple[str, str | None] | None:
    if level == "roman":
        mm = re.match(rf"^({ROMAN})\.\s+(.*)$", p)
        return (mm.group(1), mm.group(2)) if mm else None
    if level == "dieu":
        mm = re.match(r"^(Điều \d+)\.\s", p)
        return (mm.group(1), None) if mm else None
    mm = re.match(r"^(\d+)\.\s+(.*)$", p)
    if not mm:
        return None
    rest = mm.group(2)
    heading = len(rest) < 80 and not rest.rstrip().endswith((".", ";", ":"))  # "1. Đánh giá chung"
    return (mm.group(1), rest if heading else None)


def _sections(src: SourceDoc, body: list[str], text: str, para_spans) -> list[Section]:
    level = src.meta.get("levels", "roman")
    roles = dict(part.strip().split("=") for part in src.meta.get("roles", "").split(";") if "=" in part)
    groups: list[tuple[str | None, str | None, str, list[int]]] = []
    in_kinh_gui = False
    for i, p in enumerate(body):
        if p == TABLE_MARK and groups:
            groups[-1][3].append(i)
            continue
        if p.startswith("Kính gửi:"):
            in_kinh_gui = True
            continue
        if in_kinh_gui and p.startswith("- "):
            continue
        in_kinh_gui = False
        start = _section_start(p, level)
        if p.startswith(("Căn cứ", "Theo đề nghị", "Xét đề nghị")):
            if not groups or groups[-1][2] != "legal_basis":
                groups.append((None, None, "legal_basis", []))
        elif p.startswith("Trên đây") or p.startswith(src.meta.get("closing", "\0")):
            groups.append((None, None, "closing", []))
        elif start:
            groups.append((start[0], start[1], roles.get(start[0], "content"), []))
        elif not groups or groups[-1][2] == "legal_basis":
            groups.append((None, None, "preamble", []))
        groups[-1][3].append(i)
    sections = []
    for number, title, role, idx in groups:
        s, e = para_spans[idx[0]][0], para_spans[idx[-1]][1]
        sections.append(Section(number=number, title=title, role=role, text=text[s:e], span=(s, e)))
    return sections


def _units(body: list[str], sections: list[Section], src: SourceDoc) -> list[ResponsibleUnit]:
    units: list[ResponsibleUnit] = []
    for sec in sections:
        if sec.role not in ("organisation", "tasks"):
            continue
        paras = [p for p in body if _one_line(p) and _one_line(p) in _one_line(sec.text)]
        current: ResponsibleUnit | None = None
        for p in paras:
            mm = re.match(r"^(?:\d+|[a-zđ])[.)]\s+([^:]{3,90}):\s*(.*)$", p)
            if mm and not p.startswith(("Điều", "I")):
                current = ResponsibleUnit(
                    unit=mm.group(1).strip(), duties=[mm.group(2).strip()] if mm.group(2).strip() else []
                )
                units.append(current)
            elif current and p.startswith(("- ", "+ ")):
                current.duties.append(p[2:].strip())
            elif not mm:
                current = None
    return units


def _signature(lines: list[str]) -> Signature:
    lines = [_plain(x) for x in lines if x != "~"]
    signer = lines[-1]
    titles = lines[:-1]
    authority = " ".join(t for t in titles if re.match(r"^(TM|KT|TL|TUQ|Q)\.", t)) or None
    plain_titles = [t for t in titles if not re.match(r"^(TM|KT|TL|TUQ)\.", t)]
    title = plain_titles[-1] if plain_titles else (titles[-1] if titles else None)
    if authority and title and authority == title:  # "Q. TRƯỞNG PHÒNG": acting title, no separate authority
        authority = None
    return Signature(authority=authority, title=title, signer=signer)


def _references(src: SourceDoc, text: str) -> list[Reference]:
    refs = []
    for parts in src.refs:
        doc_type, number, date, issuer = (parts + [""] * 4)[:4]
        mentions = []
        pattern = r"\s+".join(map(re.escape, f"{doc_type} số {number}".split()))
        found = list(re.finditer(pattern, text, flags=re.IGNORECASE))
        if not found:
            found = list(re.finditer(re.escape(number), text))
        for mt in found:
            mentions.append(Mention(text=mt.group(0), span=(mt.start(), mt.end())))
        if not mentions:
            raise ValueError(f"{src.stem}: reference {number} not found in the text")
        refs.append(
            Reference(
                doc_type=doc_type or None,
                number=number,
                date=date or None,
                issuer=issuer or None,
                mentions=mentions,
            )
        )
    return refs


# --- rendering a document -----------------------------------------------------


def render_sample(src: SourceDoc | str | Path, variant: str = "scan") -> RenderedSample:
    """Render one sample letter; nothing is written. ``src`` may be a stem of samples/source/."""
    if not isinstance(src, SourceDoc):
        path = Path(src)
        src = load_source(path if path.suffix == ".txt" else SOURCE_DIR / f"{path.name}.txt")
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; choose one of {VARIANTS}")
    seed = int(src.meta.get("seed", "1")) * 10 + VARIANTS.index(variant)
    rng = np.random.default_rng(seed)
    layouts = layout_document(src)
    src.meta["pages_hint"] = str(len(layouts))
    recipe = recipe_for(src, variant, rng)
    images, matrices, seals_out = [], [], []
    for layout in layouts:
        arr = np.asarray(draw_page(layout)).copy()
        seals = []
        if recipe.seal and layout.sign_anchor:
            sign_block = next(b for b in layout.blocks if b.kind == "signature")
            title_line = sign_block.lines[max(0, len(sign_block.lines) - 2)]
            gx0, gy0, gx1, gy1 = layout.sign_anchor
            scribble(arr, layout.sign_anchor, rng)
            tx0, ty0, tx1, ty1 = title_line.bbox()
            center = (int(tx0 + 30 + rng.integers(-20, 20)), int(ty1 + 110 + rng.integers(-20, 20)))
            box = stamp_seal(arr, seal_mask(src.meta.get("seal", "ỦY BAN NHÂN DÂN"), 215, rng), center)
            seals.append({"over": "signature", "bbox": box, "covers": []})
        if recipe.body_seal:
            seals.extend(_body_seal(arr, layout, src, rng))
        out, matrix = degrade(arr, recipe, rng)
        if recipe.gray:
            out = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
        images.append(out)
        matrices.append(matrix)
        seals_out.append(seals)
    size = (images[0].shape[1], images[0].shape[0])
    pages, text, para_spans = build_pages_and_text(layouts, matrices, size)
    for page in pages:
        page.dpi = recipe.dpi
    blocks = _blocks_json(src.stem, layouts, matrices, size, recipe, seals_out)
    for page, page_seals in zip(pages, blocks["pages"], strict=True):
        page.stamps = [Stamp(kind="seal", bbox=tuple(s["bbox"]), color="red") for s in page_seals["seals"]]
    if len(images) > 1 and recipe.fmt in ("png", "jpg"):
        # a PNG or JPEG holds one page: a letter that runs onto a second is saved as a TIFF (scans)
        # or a PDF (the degraded variant's JPEG pages), not cut to its first page
        recipe = replace(recipe, fmt="pdf" if recipe.fmt == "jpg" else "tif")
    data = encode(images, recipe, src.stem)
    ext = {"png": "png", "jpg": "jpg", "tif": "tif", "pdf": "pdf"}[recipe.fmt]
    scan_rel = f"samples/scans/{src.stem}.{ext}" if variant == "scan" else f"scans/{src.stem}.{ext}"
    kind = SourceKind.pdf_scan if recipe.fmt == "pdf" else SourceKind.image
    source = Source(path=scan_rel, sha256=hashlib.sha256(data).hexdigest(), pages=len(images), kind=kind)
    document = build_document(src, layouts, pages, text, para_spans, source)
    return RenderedSample(src.stem, variant, images, recipe.dpi, recipe.fmt, text, blocks, document, data)


def _body_seal(arr: np.ndarray, layout: PageLayout, src: SourceDoc, rng: np.random.Generator) -> list[dict]:
    """Degraded variant: a seal over body text, so the text under a seal can be measured."""
    body = [b for b in layout.blocks if b.kind == "text" and len(b.lines) >= 2]
    if not body:
        return []
    block = body[int(rng.integers(0, len(body)))]
    x0, y0, x1, y1 = block.bbox()
    line = block.lines[len(block.lines) // 2]
    lx0, ly0, lx1, ly1 = line.bbox()
    center = (int(x0 + (x1 - x0) * rng.uniform(0.3, 0.7)), int((ly0 + ly1) / 2))
    box = stamp_seal(arr, seal_mask(src.meta.get("seal", "ỦY BAN NHÂN DÂN"), 190, rng), center)
    covered = [
        ln.text
        for b in layout.blocks
        for ln in b.lines
        if ln.bbox()[1] < box[3] and ln.bbox()[3] > box[1] and ln.bbox()[0] < box[2] and ln.bbox()[2] > box[0]
    ]
    return [{"over": "body", "bbox": box, "covers": covered}]


def _blocks_json(stem, layouts, matrices, size, recipe: Recipe, seals_out) -> dict:
    pages = []
    for layout, matrix, seals in zip(layouts, matrices, seals_out, strict=True):
        blocks = [
            {"kind": b.kind, "bbox": transform_box(b.bbox(), matrix, size), "text": b.text}
            for b in layout.blocks
        ]
        # reading order: page number first in the list but excluded from the text
        pages.append(
            {
                "number": layout.number,
                "width": size[0],
                "height": size[1],
                "dpi": recipe.dpi,
                "skew": recipe.skew,
                "blocks": blocks,
                "seals": [{**s, "bbox": transform_box(s["bbox"], matrix, size)} for s in seals],
            }
        )
    return {"stem": stem, "variant": recipe.variant, "pages": pages}


def encode(images: list[np.ndarray], recipe: Recipe, stem: str) -> bytes:
    pil = [Image.fromarray(im) for im in images]
    buf = io.BytesIO()
    dpi = (recipe.dpi, recipe.dpi)
    if recipe.fmt == "png" and images[0].ndim == 2 and recipe.variant == "scan":
        # 16 grey levels (4-bit PNG), as many office scanners save; keeps the committed file small
        levels = np.round(images[0].astype(np.float32) / 17).astype(np.uint8)
        page = Image.fromarray(levels, "L").convert("P")
        page.putpalette([v for i in range(16) for v in (i * 17,) * 3])
        page.save(buf, "PNG", dpi=dpi, bits=4, optimize=True)
    elif recipe.fmt == "png":
        pil[0].save(buf, "PNG", dpi=dpi, compress_level=9)
    elif recipe.fmt == "jpg":
        pil[0].save(buf, "JPEG", dpi=dpi, quality=recipe.jpeg_quality, subsampling=2)
    elif recipe.fmt == "tif":
        compression = "tiff_deflate" if recipe.variant == "clean" else "jpeg"
        extra = {} if compression != "jpeg" else {"quality": recipe.jpeg_quality}
        pil[0].save(
            buf, "TIFF", save_all=True, append_images=pil[1:], dpi=dpi, compression=compression, **extra
        )
    else:
        pil[0].save(
            buf,
            "PDF",
            save_all=True,
            append_images=pil[1:],
            resolution=float(recipe.dpi),
            quality=recipe.jpeg_quality,
            title=stem,
            creationDate=PDF_DATE,
            modDate=PDF_DATE,
        )
    return buf.getvalue()


def write_sample(sample: RenderedSample, out_dir: Path) -> Path:
    scans, gold = out_dir / "scans", out_dir / "gold"
    scans.mkdir(parents=True, exist_ok=True)
    gold.mkdir(parents=True, exist_ok=True)
    scan_path = scans / Path(sample.document.source.path).name
    scan_path.write_bytes(sample.data)
    (gold / f"{sample.stem}.txt").write_text(sample.gold_text + "\n", encoding="utf-8")
    (gold / f"{sample.stem}.json").write_text(sample.document.to_json() + "\n", encoding="utf-8")
    (gold / f"{sample.stem}.blocks.json").write_text(
        json.dumps(sample.blocks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return scan_path


def source_paths(source_dir: Path = SOURCE_DIR) -> list[Path]:
    return sorted(source_dir.glob("*.txt"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variant", choices=VARIANTS, default="scan")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default samples/ for scan)")
    parser.add_argument("--source", type=Path, default=SOURCE_DIR,
                        help="folder of letters in the source markup (default samples/source/)")
    parser.add_argument("stems", nargs="*", help="only these stems")
    args = parser.parse_args(argv)
    if args.source != SOURCE_DIR and args.out is None:
        parser.error("--source needs --out: samples/ holds only the letters of samples/source/")
    out = args.out or (
        REPO / "samples"
        if args.variant == "scan"
        else REPO / "benchmarks" / "work" / f"samples_{args.variant}"
    )
    for path in source_paths(args.source):
        if args.stems and path.stem not in args.stems:
            continue
        sample = render_sample(path, args.variant)
        written = write_sample(sample, out)
        print(
            f"{written.relative_to(out)}  pages={len(sample.images)} dpi={sample.dpi} bytes={len(sample.data)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
