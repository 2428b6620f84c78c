"""Small synthetic pages for tests and benchmarks: Vietnamese text, seals, damage.

Deterministic (fixed fonts, seeded generators), so tests can assert numbers.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
)

SAMPLE_LINES = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Ủy ban nhân dân tỉnh đề nghị các sở, ban, ngành và địa phương tổ chức",
    "triển khai thực hiện nghiêm túc, hiệu quả các nội dung sau đây, bảo đảm",
    "đúng tiến độ, chất lượng; kịp thời báo cáo những khó khăn, vướng mắc.",
    "Giao Sở Tài chính chủ trì, phối hợp với các cơ quan, đơn vị có liên quan",
    "hướng dẫn thủ tục thanh toán kinh phí theo đúng quy định hiện hành.",
    "Chủ tịch Ủy ban nhân dân các huyện, thị xã, thành phố chịu trách nhiệm",
    "kiểm tra, đôn đốc việc thực hiện và tổng hợp kết quả trước ngày 30/6.",
)


@lru_cache(maxsize=1)
def font_path() -> str:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    raise FileNotFoundError("no serif TrueType font found (install fonts-dejavu-core)")


def render_lines(lines: tuple[str, ...] | list[str] = SAMPLE_LINES, *, dpi: int = 150, size_pt: float = 13.0,
                 margin_mm: float = 10.0, line_spacing: float = 1.5) -> np.ndarray:
    """Gray page with the lines set left-aligned in a serif font."""
    font = ImageFont.truetype(font_path(), max(6, int(round(size_pt * dpi / 72))))
    margin = int(round(margin_mm * dpi / 25.4))
    ascent, descent = font.getmetrics()
    step = int(round((ascent + descent) * line_spacing))
    width = max(int(font.getlength(line)) for line in lines) + 2 * margin
    height = step * len(lines) + 2 * margin
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    for index, line in enumerate(lines):
        draw.text((margin, margin + index * step), line, font=font, fill=0)
    return np.asarray(page).copy()


def line_boxes(lines: tuple[str, ...] | list[str] = SAMPLE_LINES, *, dpi: int = 150, size_pt: float = 13.0,
               margin_mm: float = 10.0, line_spacing: float = 1.5) -> list[tuple[int, int, int, int]]:
    """Boxes of the lines drawn by ``render_lines`` with the same arguments."""
    font = ImageFont.truetype(font_path(), max(6, int(round(size_pt * dpi / 72))))
    margin = int(round(margin_mm * dpi / 25.4))
    ascent, descent = font.getmetrics()
    step = int(round((ascent + descent) * line_spacing))
    return [(margin, margin + i * step, margin + int(font.getlength(line)), margin + i * step + ascent + descent)
            for i, line in enumerate(lines)]


def seal_mask(radius: int, *, seed: int = 0) -> np.ndarray:
    """Ink density (0..1) of a round seal: two rings, a ring of dashes (the text), a star."""
    rng = np.random.default_rng(seed)
    size = 2 * radius + 1
    mask = np.zeros((size, size), np.float32)
    center = (radius, radius)
    cv2.circle(mask, center, radius - 2, 1.0, max(2, radius // 18), cv2.LINE_AA)
    cv2.circle(mask, center, int(radius * 0.72), 1.0, max(1, radius // 30), cv2.LINE_AA)
    for angle in np.linspace(0, 2 * np.pi, 28, endpoint=False):  # letters around the rim
        r0, r1 = radius * 0.76, radius * 0.92
        p0 = (int(radius + r0 * np.cos(angle)), int(radius + r0 * np.sin(angle)))
        p1 = (int(radius + r1 * np.cos(angle + 0.05)), int(radius + r1 * np.sin(angle + 0.05)))
        cv2.line(mask, p0, p1, 1.0, max(1, radius // 25), cv2.LINE_AA)
    star = [(radius + radius * 0.3 * np.cos(a) * (1 if i % 2 == 0 else 0.4),
             radius + radius * 0.3 * np.sin(a) * (1 if i % 2 == 0 else 0.4))
            for i, a in enumerate(np.linspace(-np.pi / 2, 1.5 * np.pi, 10, endpoint=False))]
    cv2.fillPoly(mask, [np.array(star, np.int32)], 1.0, cv2.LINE_AA)
    texture = 0.75 + 0.25 * rng.random(mask.shape, dtype=np.float32)
    return np.clip(mask * texture, 0, 1)


def stamp_seal(page_bgr: np.ndarray, center: tuple[int, int], radius: int, *,
               color_bgr: tuple[int, int, int] = (40, 30, 220), seed: int = 0) -> tuple[int, int, int, int]:
    """Multiply a seal onto the page in place (ink over toner); returns its box."""
    mask = seal_mask(radius, seed=seed)
    cx, cy = center
    x0, y0 = cx - radius, cy - radius
    h, w = page_bgr.shape[:2]
    sx0, sy0, sx1, sy1 = max(0, x0), max(0, y0), min(w, x0 + mask.shape[1]), min(h, y0 + mask.shape[0])
    part = mask[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0][..., None]
    tint = np.array(color_bgr, np.float32) / 255.0
    region = page_bgr[sy0:sy1, sx0:sx1].astype(np.float32)
    page_bgr[sy0:sy1, sx0:sx1] = np.clip(region * (1 - part + part * tint), 0, 255).astype(np.uint8)
    return (sx0, sy0, sx1, sy1)


def jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return cv2.imdecode(data, cv2.IMREAD_UNCHANGED)


def add_speckle(image: np.ndarray, *, density: float = 1 / 1500, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = image.copy()
    h, w = out.shape[:2]
    count = int(h * w * density)
    ys, xs = rng.integers(0, h, count), rng.integers(0, w, count)
    out[ys, xs] = rng.integers(20, 120, count)[:, None] if out.ndim == 3 else rng.integers(20, 120, count)
    return out
