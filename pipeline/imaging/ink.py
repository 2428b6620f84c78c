"""Coloured ink: find seals and stamps, and take their ink off the page.

Official letters carry a red round seal over the signature (often over a few
body lines), a red or blue "ĐẾN" receiving stamp, and a blue e-signature note.
Black toner absorbs every colour, so under red ink the text stays dark in the
red channel while the seal itself is bright there; the same holds for blue ink
in the blue channel. We therefore read coloured pixels from their brightest
channel (the channel in which the ink is bright): the ink turns to near-white
and the black text under it stays black. Dark handwriting (blue or black pen)
is dark in every channel and is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

BBox = tuple[int, int, int, int]


@dataclass(frozen=True)
class InkMark:
    kind: str  # seal | stamp | esign
    bbox: BBox  # x0, y0, x1, y1 in the input image
    color: str  # red | blue | violet
    ink_fraction: float  # share of the box covered by coloured ink


@dataclass
class InkResult:
    gray: np.ndarray  # uint8 page with coloured ink lifted
    marks: list[InkMark]


# OpenCV hue runs 0..179.
_HUES = {"red": ((0, 12), (160, 180)), "blue": ((95, 135),), "violet": ((135, 160),)}
_MIN_SATURATION = 70
_MIN_VALUE = 70


def to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def color_masks(image: np.ndarray) -> dict[str, np.ndarray]:
    """Boolean mask of clearly coloured ink per colour name."""
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    inked = (sat >= _MIN_SATURATION) & (val >= _MIN_VALUE)
    masks = {}
    for name, ranges in _HUES.items():
        in_range = np.zeros(hue.shape, bool)
        for low, high in ranges:
            in_range |= (hue >= low) & (hue < high)
        masks[name] = inked & in_range
    return masks


def _classify(color: str, box: BBox, fill: float, page_shape: tuple[int, int], dpi: float) -> str:
    x0, y0, x1, y1 = box
    width_mm, height_mm = (x1 - x0) / dpi * 25.4, (y1 - y0) / dpi * 25.4
    aspect = width_mm / max(height_mm, 1e-6)
    roundish = 0.7 <= aspect <= 1.4 and min(width_mm, height_mm) >= 12
    if roundish and color == "red":
        return "seal"
    page_h, page_w = page_shape
    near_top_right = y1 < 0.2 * page_h and x0 > 0.5 * page_w
    if color == "blue" and near_top_right and fill < 0.35 and not roundish:
        return "esign"  # "Ký bởi: ... Thời gian ký: ..." note of a digital signature
    return "stamp" if not roundish else "seal"


def find_marks(image: np.ndarray, *, dpi: float = 300.0) -> list[InkMark]:
    """Bounding boxes of coloured seals, stamps and e-signature notes."""
    if image.ndim == 2:
        return []
    factor = max(1, int(round(dpi / 75)))  # work near 75 dpi
    small = cv2.resize(image, (image.shape[1] // factor, image.shape[0] // factor), interpolation=cv2.INTER_AREA)
    small_dpi = dpi / factor
    join = max(3, int(round(small_dpi * 3 / 25.4)))  # join strokes closer than ~3 mm
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (join, join))
    min_side = small_dpi * 5 / 25.4  # ignore specks smaller than 5 mm
    marks: list[InkMark] = []
    for color, mask in color_masks(small).items():
        if mask.sum() < 10:
            continue
        mask8 = mask.astype(np.uint8)
        closed = cv2.morphologyEx(mask8, cv2.MORPH_CLOSE, kernel)
        count, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
        for index in range(1, count):
            x, y, w, h, _ = stats[index]
            if max(w, h) < min_side:
                continue
            fill = float(mask8[y : y + h, x : x + w].mean())
            if fill < 0.02:
                continue
            box = (int(x * factor), int(y * factor), int(min(image.shape[1], (x + w) * factor)),
                   int(min(image.shape[0], (y + h) * factor)))
            kind = _classify(color, box, fill, image.shape[:2], dpi)
            marks.append(InkMark(kind=kind, bbox=box, color=color, ink_fraction=round(fill, 3)))
    marks = _merge_nested(marks)
    marks.sort(key=lambda m: (m.bbox[1], m.bbox[0]))
    return marks


# Chroma (max - min channel) -> weight 0..256 of the brightest channel: neutral
# pixels keep their luminance (anti-aliased black text), coloured ones move to
# their brightest channel.
_CHROMA_WEIGHT = np.clip((np.arange(256, dtype=np.float32) - 25.0) / 35.0, 0.0, 1.0) * 256


def lift_colored_ink(image: np.ndarray) -> np.ndarray:
    """Gray page where coloured ink is read from its brightest channel."""
    if image.ndim == 2:
        return image.copy()
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    blue, green, red = cv2.split(image)
    brightest = cv2.max(cv2.max(blue, green), red)
    chroma = cv2.subtract(brightest, cv2.min(cv2.min(blue, green), red))
    coloured = np.nonzero(chroma > 25)  # a small share of a page: work on those pixels only
    if len(coloured[0]) == 0:
        return gray
    lum = gray[coloured].astype(np.int32)
    weight = _CHROMA_WEIGHT[chroma[coloured]].astype(np.int32)
    gray[coloured] = (lum + ((brightest[coloured].astype(np.int32) - lum) * weight >> 8)).astype(np.uint8)
    return gray


def _whiten_ink(gray: np.ndarray, image: np.ndarray, box: BBox, color: str) -> None:
    """Lift what is left of the ink to paper white, leaving darker (text) levels alone.

    Levels from ``knee`` up to the ink's typical brightness are stretched to
    0..255 above the knee; text under the seal is darker than the knee and keeps
    its value.
    """
    x0, y0, x1, y1 = box
    patch = image[y0:y1, x0:x1]
    ink = color_masks(patch)[color]
    if ink.sum() < 20:
        return
    ink_level = float(np.median(patch.max(axis=2)[ink]))
    ink_level = min(max(ink_level, 120.0), 250.0)
    knee = 0.6 * ink_level
    region = gray[y0:y1, x0:x1].astype(np.float32)
    lifted = knee + (region - knee) * ((255.0 - knee) / (ink_level - knee))
    gray[y0:y1, x0:x1] = np.where(region > knee, np.clip(lifted, 0, 255), region).astype(np.uint8)


def _merge_nested(marks: list[InkMark]) -> list[InkMark]:
    """Drop marks lying inside a larger mark of the same colour (a seal's star, its rim text)."""
    kept: list[InkMark] = []
    by_area = sorted(marks, key=lambda m: (m.bbox[2] - m.bbox[0]) * (m.bbox[3] - m.bbox[1]), reverse=True)
    for mark in by_area:
        inside = any(
            other.color == mark.color
            and mark.bbox[0] >= other.bbox[0] - 2 and mark.bbox[1] >= other.bbox[1] - 2
            and mark.bbox[2] <= other.bbox[2] + 2 and mark.bbox[3] <= other.bbox[3] + 2
            for other in kept
        )
        if not inside:
            kept.append(mark)
    return kept


def suppress_colored_ink(image: np.ndarray, *, dpi: float = 300.0, keep_esign_text: bool = False) -> InkResult:
    """Gray page without seal/stamp ink, and the boxes of the marks found.

    ``keep_esign_text`` keeps the blue e-signature note readable (as gray text)
    so OCR can read the signer and time.
    """
    if image.ndim == 2:
        return InkResult(gray=image.copy(), marks=[])
    gray = lift_colored_ink(image)
    marks = find_marks(image, dpi=dpi)
    if not marks:
        return InkResult(gray=gray, marks=marks)
    lum = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    margin = int(round(dpi * 1 / 25.4))
    for mark in marks:
        x0, y0, x1, y1 = mark.bbox
        box = (max(0, x0 - margin), max(0, y0 - margin), min(gray.shape[1], x1 + margin), min(gray.shape[0], y1 + margin))
        if mark.kind == "esign" and keep_esign_text:
            gray[box[1] : box[3], box[0] : box[2]] = lum[box[1] : box[3], box[0] : box[2]]
            continue
        _whiten_ink(gray, image, box, mark.color)
    return InkResult(gray=gray, marks=marks)
