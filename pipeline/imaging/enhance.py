"""Pixel clean-up: uneven lighting, specks, binarisation, sharpening.

Functions take and return gray uint8 pages (dark text on light paper).
"""

from __future__ import annotations

import cv2
import numpy as np


def paper_estimate(gray: np.ndarray, *, dpi: float = 300.0) -> np.ndarray:
    """Paper brightness at every pixel: a max filter wider than any stroke (text vanishes),
    computed on a copy reduced to ~50 dpi so it stays cheap on 300 dpi pages."""
    factor = max(1, int(round(dpi / 50)))
    small = cv2.resize(gray, (max(1, gray.shape[1] // factor), max(1, gray.shape[0] // factor)),
                       interpolation=cv2.INTER_AREA)
    size = max(3, int(round(50 * 4 / 25.4)) | 1)  # ~4 mm at 50 dpi
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    return cv2.GaussianBlur(paper, (0, 0), size / 2)


def paper_unevenness(gray: np.ndarray, *, dpi: float = 300.0) -> float:
    """Spread (5th to 95th percentile) of the paper brightness over the page, in gray levels."""
    low, high = np.percentile(paper_estimate(gray, dpi=dpi), (5, 95))
    return float(high - low)


def flatten_background(gray: np.ndarray, *, dpi: float = 300.0) -> np.ndarray:
    """Divide the page by its estimated paper brightness (shadows, yellowing, gradients)."""
    paper = cv2.resize(paper_estimate(gray, dpi=dpi), (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    paper = np.maximum(paper, 1).astype(np.float32)
    flat = gray.astype(np.float32) * (255.0 / paper)
    return np.clip(flat, 0, 255).astype(np.uint8)


def remove_speckles(gray: np.ndarray, *, dpi: float = 300.0, max_dot_mm: float = 0.45,
                    isolation_mm: float = 1.0) -> tuple[np.ndarray, int]:
    """Whiten small isolated dark dots; returns (page, dots removed).

    A dot is removed only when it is small (side under ``max_dot_mm``) and no
    larger ink lies within ``isolation_mm`` of its box: Vietnamese marks (the
    dot below, the dot of i, tone marks) sit right next to their letter and
    stay. Isolation is read from an integral image, so the cost is one
    connected-components pass whatever the number of dots.
    """
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return gray, 0
    max_side = max(1, int(round(dpi * max_dot_mm / 25.4)))
    reach = max(1, int(round(dpi * isolation_mm / 25.4)))
    x, y, w, h = (stats[1:, i] for i in range(4))
    candidates = np.nonzero((w <= max_side) & (h <= max_side))[0]
    if len(candidates) == 0:
        return gray, 0
    height, width = gray.shape[:2]
    is_small = np.zeros(count, np.uint8)
    is_small[candidates + 1] = 1
    small_ink = is_small[labels]
    # ink of larger components only (letters, lines), summed over any box in O(1)
    integral = cv2.integral(ink - small_ink)
    cx, cy, cw, ch = x[candidates], y[candidates], w[candidates], h[candidates]
    x0, y0 = np.maximum(cx - reach, 0), np.maximum(cy - reach, 0)
    x1, y1 = np.minimum(cx + cw + reach, width), np.minimum(cy + ch + reach, height)
    letters_near = integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]
    specks = candidates[letters_near == 0]
    if len(specks) == 0:
        return gray, 0
    cleaned = gray.copy()
    paper = np.uint8(np.percentile(gray[::4, ::4], 90))
    for index in specks:
        sx, sy, sw, sh = x[index], y[index], w[index], h[index]
        # a one-pixel rim too: the speck's soft edge
        bx0, by0, bx1, by1 = max(sx - 1, 0), max(sy - 1, 0), min(sx + sw + 1, width), min(sy + sh + 1, height)
        cleaned[by0:by1, bx0:bx1] = np.maximum(cleaned[by0:by1, bx0:bx1], paper)
    return cleaned, int(len(specks))


def binarize(gray: np.ndarray, *, dpi: float = 300.0) -> np.ndarray:
    """Local (Gaussian-weighted) threshold, robust to faint and uneven print."""
    block = max(15, int(round(dpi * 3 / 25.4)) | 1)  # ~3 mm window
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 15)


def unsharp(gray: np.ndarray, *, sigma: float = 1.5, amount: float = 0.8) -> np.ndarray:
    """Unsharp mask: restores edges lost to scanner blur."""
    blurred = cv2.GaussianBlur(gray, (0, 0), sigma)
    return cv2.addWeighted(gray, 1 + amount, blurred, -amount, 0)


def is_bitonal(gray: np.ndarray) -> bool:
    """True for pages that hold (almost) only black and white pixels (fax/CCITT scans)."""
    sample = gray[::4, ::4]
    extreme = np.count_nonzero((sample < 30) | (sample > 225))
    return extreme >= 0.995 * sample.size


def stroke_softness(gray: np.ndarray) -> float:
    """Mid-tone pixels per near-black pixel (levels relative to the paper).

    Sharp print has a thin gray rim around solid strokes: 0.3-2.5 on real scans
    and clean renderings at 100-300 dpi. Blurred scans have strokes that are
    mostly rim: 40-60 on the degraded samples. Upscaling helps sharp
    low-resolution pages and hurts blurred ones (benchmarks/bench_prepare.py).
    Faded print with no near-black pixels also scores high.
    """
    sample = gray[::2, ::2]
    paper = float(np.percentile(sample, 90))
    dark = np.count_nonzero(sample < 0.25 * paper)
    mid = np.count_nonzero((sample >= 0.25 * paper) & (sample < 0.8 * paper))
    return float(mid / max(dark, 1))


def denoise(gray: np.ndarray, method: str, strength: float = 0.0) -> np.ndarray:
    """Smooth JPEG ringing, sensor grain and faint specks while keeping stroke edges.

    ``bilateral`` (the default for blurred pages) averages only similar gray
    levels, so paper grain goes and the edge of a stroke stays; ``strength``
    is its gray-level range (~25 ms on a 150 dpi A4 page). Non-local means was
    left out: ~1.1 s on the same page, more than the whole clean-up budget.
    """
    if method == "bilateral":
        return cv2.bilateralFilter(gray, 5, strength or 25.0, 3.0)
    if method == "median":
        return cv2.medianBlur(gray, 3)
    if method == "gauss":
        return cv2.GaussianBlur(gray, (0, 0), strength or 0.6)
    raise ValueError(f"unknown denoise method: {method!r} (bilateral, median, gauss)")


def stretch_contrast(gray: np.ndarray, *, low_pct: float = 0.5, high_pct: float = 90.0) -> np.ndarray:
    """Map the darkest ink to black and the paper to white (linear, clipped).

    Blurred scans have gray strokes on gray paper; Tesseract's recogniser reads
    the gray image, and reads it better at full contrast. Pages with no real
    spread (blank, or a uniform tint) are left alone.
    """
    low, high = np.percentile(gray[::2, ::2], (low_pct, high_pct))
    if high - low < 30:
        return gray
    lut = np.clip((np.arange(256, dtype=np.float32) - low) * (255.0 / (high - low)), 0, 255).astype(np.uint8)
    return cv2.LUT(gray, lut)
