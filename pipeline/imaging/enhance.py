"""Pixel clean-up: uneven lighting, specks, binarisation, sharpening, deblurring.

Functions take and return gray uint8 pages (dark text on light paper).
"""

from __future__ import annotations

import cv2
import numpy as np


def level_histogram(gray: np.ndarray) -> np.ndarray:
    """Count of each gray level 0..255 of a uint8 image (strided views too)."""
    return cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel()


def histogram_percentiles(hist: np.ndarray, percents: tuple[float, ...]) -> list[np.float64]:
    """``np.percentile(values, percents)`` (linear method, same floats) of the values counted by ``hist``
    (level -> count): a cumulative sum of 256 bins instead of a partition of millions of pixels."""
    cumulative = np.cumsum(hist)
    count = int(cumulative[-1])
    levels = []
    for percent in percents:
        index = (count - 1) * np.true_divide(percent, 100)
        below = int(np.floor(index))
        gamma = index - below
        # the k-th smallest value (0-based) is the first level whose cumulative count exceeds k
        # np.float64, as numpy gives: a python float would compare with float32 arrays in float32
        low = np.float64(np.searchsorted(cumulative, below, side="right"))
        high = np.float64(np.searchsorted(cumulative, min(below + 1, count - 1), side="right"))
        levels.append(high - (high - low) * (1 - gamma) if gamma >= 0.5 else low + (high - low) * gamma)
    return levels


def level_percentiles(gray: np.ndarray, percents: tuple[float, ...]) -> list[np.float64]:
    """``np.percentile`` of a uint8 image, from its histogram (exactly the same values, ~5x faster)."""
    return histogram_percentiles(level_histogram(gray), percents)


def _levels_below(limit: float) -> int:
    """Number of integer levels strictly below ``limit`` (0..256): ``hist[:n]`` counts ``values < limit``."""
    return int(min(256, max(0, np.ceil(limit))))


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
    low, high = level_percentiles(paper_estimate(gray, dpi=dpi), (5, 95))
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
    paper = np.uint8(level_percentiles(gray[::4, ::4], (90,))[0])
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
    hist = level_histogram(gray[::2, ::2])
    paper = histogram_percentiles(hist, (90,))[0]
    dark_end, mid_end = _levels_below(0.25 * paper), _levels_below(0.8 * paper)
    dark = hist[:dark_end].sum()
    mid = hist[dark_end:mid_end].sum()
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
    low, high = contrast_levels(gray, low_pct=low_pct, high_pct=high_pct)
    return stretch_levels(gray, low, high)


def contrast_levels(gray: np.ndarray, *, low_pct: float = 0.5, high_pct: float = 90.0) -> tuple[float, float]:
    """(ink, paper) levels of ``stretch_contrast``: percentiles of every other pixel."""
    low, high = level_percentiles(gray[::2, ::2], (low_pct, high_pct))
    return low, high


def stretch_levels(gray: np.ndarray, low: float, high: float) -> np.ndarray:
    """Map ``low`` to black and ``high`` to white (linear, clipped); pages with less spread are left alone."""
    if high - low < 30:
        return gray
    lut = np.clip((np.arange(256, dtype=np.float32) - low) * (255.0 / (high - low)), 0, 255).astype(np.uint8)
    return cv2.LUT(gray, lut)


def wiener_kernel(sigma: float, *, target_sigma: float = 0.8, noise: float = 0.1) -> np.ndarray:
    """Spatial kernel of the Wiener filter that turns a Gaussian blur of ``sigma`` pixels into one of
    ``target_sigma``: H_target * H / (H^2 + noise) in the Fourier domain, H the Gaussian's transfer
    function. Frequencies the blur kept are restored; those it wiped out (where JPEG blocks and grain are
    all that is left) are damped by ``noise`` instead of blown up. Normalised to sum 1, so paper and
    solid ink keep their levels."""
    radius = int(np.ceil(3 * sigma)) + 1
    size = 1 << int(np.ceil(np.log2(8 * radius)))  # sampled finely enough that the kernel does not wrap
    freq = np.fft.fftfreq(size)
    radius2 = freq[:, None] ** 2 + freq[None, :] ** 2
    blur = np.exp(-2 * np.pi**2 * sigma**2 * radius2)
    target = np.exp(-2 * np.pi**2 * target_sigma**2 * radius2)
    kernel = np.fft.fftshift(np.real(np.fft.ifft2(target * blur / (blur * blur + noise))))
    center = size // 2
    kernel = kernel[center - radius:center + radius + 1, center - radius:center + radius + 1]
    return (kernel / kernel.sum()).astype(np.float32)


def deconvolve_gaussian(gray: np.ndarray, sigma: float, *, target_sigma: float = 0.8,
                        noise: float = 0.1) -> np.ndarray:
    """Undo a Gaussian blur of ``sigma`` pixels down to ``target_sigma`` (Wiener filter, see
    ``wiener_kernel``); ``target_sigma`` leaves a little softness so stroke edges do not ring.
    Pages already as sharp as the target are returned as they are."""
    if sigma <= target_sigma:
        return gray
    kernel = wiener_kernel(sigma, target_sigma=target_sigma, noise=noise)
    restored = cv2.filter2D(gray.astype(np.float32), -1, kernel, borderType=cv2.BORDER_REPLICATE)
    return np.clip(restored, 0, 255).astype(np.uint8)


def blur_levels(gray: np.ndarray) -> tuple[np.float64, np.float64]:
    """(ink, paper) levels ``estimate_blur_sigma`` measures contrast against: percentiles of every 4th pixel."""
    ink, paper = level_percentiles(gray[::4, ::4], (0.5, 90))
    return ink, paper


def estimate_blur_sigma(gray: np.ndarray, *, min_contrast: float = 0.7, quantile: float = 30.0,
                        levels: tuple[float, float] | None = None) -> float:
    """Width (sigma, pixels) of the Gaussian blur on the page, from the slope of its ink edges.

    Across a straight edge of contrast C blurred by sigma, the central difference
    at the edge's middle is C * (2 * Phi(1 / sigma) - 1) / 2. That ratio of slope
    to local contrast (max - min over 15 px) is taken at every edge pixel (local
    maximum of the gradient where the contrast is at least ``min_contrast`` of
    the paper-to-ink range) and its ``quantile`` is solved for sigma. A low
    quantile, because curved and crowded strokes read steeper than a straight
    edge: on rendered text blurred by 0.6-2.6 px the estimate is within ~7% of
    the blur (anti-aliasing included); sharp pages give ~0.5-0.75. Returns 0
    when the page has too few edges to tell.
    """
    from statistics import NormalDist

    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))
    contrast = cv2.subtract(cv2.dilate(gray, kernel), cv2.erode(gray, kernel)).astype(np.float32)
    slope_x = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3) / 8
    slope_y = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3) / 8
    # not cv2.magnitude: its last bit depends on where its output lands in memory, so the blur
    # measured (and every deconvolved pixel) changed from run to run with unrelated allocations
    slope = np.sqrt(slope_x * slope_x + slope_y * slope_y)
    ink, paper = levels or blur_levels(gray)  # given: those of the whole page ``gray`` is part of
    if paper - ink < 30:  # blank or uniform: no edges to measure
        return 0.0
    strong = (contrast >= min_contrast * (paper - ink)) & (slope >= 0.05 * contrast)
    peaks = strong & (slope >= cv2.dilate(slope, np.ones((3, 3), np.uint8)))
    if np.count_nonzero(peaks) < 50:
        return 0.0
    ratio = float(np.percentile(slope[peaks] / contrast[peaks], quantile))
    return 1.0 / NormalDist().inv_cdf(min(ratio, 0.49) + 0.5)
