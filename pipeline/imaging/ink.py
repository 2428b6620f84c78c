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

from pipeline.imaging import enhance

BBox = tuple[int, int, int, int]


@dataclass(frozen=True)
class InkMark:
    kind: str  # seal | stamp | esign
    bbox: BBox  # x0, y0, x1, y1 in the input image
    color: str  # red | blue | violet | grey (a seal on a greyscale scan)
    ink_fraction: float  # share of the box covered by coloured (or seal-grey) ink


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
        # components are searched in the box of the ink only: a page's few coloured pixels
        # do not pay for a pass over all of it
        left, top, width, height = cv2.boundingRect(closed)
        count, _, stats, _ = cv2.connectedComponentsWithStats(closed[top : top + height, left : left + width],
                                                              connectivity=8)
        stats[:, 0] += left
        stats[:, 1] += top
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
    so OCR can read the signer and time. A page without coloured marks (a
    greyscale scan) gets its mid-grey seals lifted instead.
    """
    if image.ndim == 2:
        gray = image.copy()
        return InkResult(gray=gray, marks=lift_gray_seals(gray, dpi=dpi))
    gray = lift_colored_ink(image)
    marks = find_marks(image, dpi=dpi)
    if not marks:
        return InkResult(gray=gray, marks=lift_gray_seals(gray, dpi=dpi))
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


# Grey seals: a round seal is 30-45 mm across; search radii a little wider.
_SEAL_RADIUS_INCH = (0.55, 1.25)
_SEAL_WORK_DPI = 50.0
_RING_ANGLES = 96
_MIN_RING_COVER = 0.55  # share of angles where the rim is seen in mid-grey
_RING_SHIFT = 0.5  # radii: the circles around a rim, whose cover it must beat
_MIN_RING_CONTRAST = 0.1  # a drawn rim: 0.5 above them; a seal blurred at 150 dpi: 0.1-0.15; text: under 0.06


@dataclass(frozen=True)
class _InkLevels:
    text: float  # grey level of the cores of text strokes
    paper: float


def _ink_levels(gray: np.ndarray) -> _InkLevels | None:
    hist = enhance.level_histogram(gray[::3, ::3])
    # python floats, as before the histogram: numpy 2 computes with them in the arrays' float32
    paper = float(enhance.histogram_percentiles(hist, (90,))[0])
    ink = hist[: int(max(0, np.ceil(paper - 60)))]  # levels below paper - 60
    if ink.sum() < 200:
        return None
    return _InkLevels(text=float(enhance.histogram_percentiles(ink, (10,))[0]), paper=paper)


def _mid_band(levels: _InkLevels) -> tuple[float, float]:
    """Grey levels of seal ink: well above the text cores, well below paper."""
    span = levels.paper - levels.text
    return levels.text + 0.3 * span, levels.paper - 0.2 * span


def _circle_candidates(gray: np.ndarray, levels: _InkLevels, dpi: float) -> list[tuple[float, float, float]]:
    """Circles (x, y, r in page pixels) of seal size, found on a ~50 dpi copy.

    Text ink (darker than the seal band) is painted paper first: the text's
    edges would feed the circle search thousands of useless votes.
    """
    low, _ = _mid_band(levels)
    lut = np.arange(256, dtype=np.uint8)
    lut[: int(low)] = int(levels.paper)
    seal_only = cv2.LUT(gray, lut)
    factor = max(1.0, dpi / _SEAL_WORK_DPI)
    small = cv2.resize(seal_only, (int(gray.shape[1] / factor), int(gray.shape[0] / factor)),
                       interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (3, 3), 0)
    small_dpi = dpi / factor
    r_min, r_max = (int(round(r * small_dpi)) for r in _SEAL_RADIUS_INCH)
    circles = cv2.HoughCircles(small, cv2.HOUGH_GRADIENT, dp=1, minDist=r_min, param1=80, param2=30,
                               minRadius=r_min, maxRadius=r_max)
    if circles is None:
        return []
    return [(float(x) * factor, float(y) * factor, float(r) * factor) for x, y, r in circles[0][:40]]


def _seal_ink(gray: np.ndarray, box: BBox, levels: _InkLevels, dpi: float) -> np.ndarray:
    """Mid-grey pixels in the box that are not the anti-aliased edge of a dark text stroke."""
    x0, y0, x1, y1 = box
    region = gray[y0:y1, x0:x1]
    low, high = _mid_band(levels)
    near = max(3, int(round(dpi * 0.5 / 25.4)) | 1)  # edges within ~0.25 mm of text ink
    text = cv2.dilate((region < low).astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_RECT, (near, near)))
    return (region >= low) & (region <= high) & (text == 0)


def _ring_rays(circle: tuple[float, float, float], box: BBox) -> tuple[np.ndarray, np.ndarray]:
    """Pixel rows and columns (in the box) of ``_RING_ANGLES`` radial rays across the rim (0.75r..1.1r)."""
    x, y, r = circle
    x0, y0, x1, y1 = box
    angles = np.linspace(0, 2 * np.pi, _RING_ANGLES, endpoint=False)
    radii = np.arange(0.75 * r, 1.1 * r, 1.0)
    xs = np.clip((x - x0 + np.outer(np.cos(angles), radii)).astype(np.int32), 0, x1 - x0 - 1)
    ys = np.clip((y - y0 + np.outer(np.sin(angles), radii)).astype(np.int32), 0, y1 - y0 - 1)
    return ys, xs


def _seal_level(gray: np.ndarray, circle: tuple[float, float, float], levels: _InkLevels, dpi: float) -> float | None:
    """Typical grey of the seal's rim, or None when the circle is no mid-grey ring.

    Most rays across the rim must meet at least ~0.5 mm of mid-grey ink that is
    not a text edge; text lines crossing a real seal hide it only on a few rays.
    The rim must stand out from the page around it: on a blurred page every text
    stroke is mid-grey, and any circle laid over the text finds "rim" on its rays
    (circles moved half a radius away find as much there, and a real rim they cross
    only twice).
    """
    box = _circle_box(gray.shape, circle, 1.12)
    ys, xs = _ring_rays(circle, box)
    low, high = _mid_band(levels)
    on_ray = gray[box[1] : box[3], box[0] : box[2]][ys, xs]
    if _cover((on_ray >= low) & (on_ray <= high), dpi) < _MIN_RING_COVER:
        return None  # quick test on the rays alone before masking text edges in the box
    rim = _seal_ink(gray, box, levels, dpi)[ys, xs]
    cover = _cover(rim, dpi)
    if cover < _MIN_RING_COVER:
        return None
    # (only then the four circles around it: each masks text edges in a box of its own)
    x, y, r = circle
    around = max(_cover(_rim_ink(gray, (x + dx * r, y + dy * r, r), levels, dpi), dpi)
                 for dx, dy in ((_RING_SHIFT, 0), (-_RING_SHIFT, 0), (0, _RING_SHIFT), (0, -_RING_SHIFT)))
    if cover - around < _MIN_RING_CONTRAST:
        return None
    return float(np.percentile(on_ray[rim], 10))


def _rim_ink(gray: np.ndarray, circle: tuple[float, float, float], levels: _InkLevels, dpi: float) -> np.ndarray:
    """Seal ink (mid-grey, no text edge) on the rays across the circle's rim: angles x radii."""
    box = _circle_box(gray.shape, circle, 1.12)
    if box[2] - box[0] < 2 or box[3] - box[1] < 2:
        return np.zeros((_RING_ANGLES, 1), bool)
    ys, xs = _ring_rays(circle, box)
    return _seal_ink(gray, box, levels, dpi)[ys, xs]


def _cover(ink_on_rays: np.ndarray, dpi: float) -> float:
    """Share of the rays that meet at least ~0.5 mm of ink."""
    return float((ink_on_rays.sum(axis=1) >= max(2.0, dpi * 0.5 / 25.4)).mean())


def _circle_box(shape: tuple[int, ...], circle: tuple[float, float, float], scale: float) -> BBox:
    x, y, r = circle
    reach = scale * r
    return (max(0, int(x - reach)), max(0, int(y - reach)),
            min(shape[1], int(x + reach) + 1), min(shape[0], int(y + reach) + 1))


def _whiten_gray_seal(gray: np.ndarray, circle: tuple[float, float, float], seal_level: float,
                      levels: _InkLevels) -> BBox:
    """Stretch levels from the knee (between text and seal ink) to paper inside the circle."""
    x, y, r = circle
    reach = 1.18 * r  # the Hough radius can fall a little short of the rim
    x0, y0, x1, y1 = _circle_box(gray.shape, circle, 1.18)
    region = gray[y0:y1, x0:x1].astype(np.float32)
    yy, xx = np.ogrid[y0:y1, x0:x1]
    inside = (xx - x) ** 2 + (yy - y) ** 2 <= reach**2
    # Levels from the seal's rim level up go to paper; between the knee and that
    # level a ramp, so anti-aliased text edges fade rather than break.
    knee = levels.text + 0.5 * (seal_level - levels.text)
    paper = max(levels.paper, seal_level + 1.0)  # paper grey, not white: no bright disc for binarisation
    lifted = np.clip(knee + (region - knee) * ((paper - knee) / max(seal_level - knee, 1.0)), 0, paper)
    change = inside & (region > knee)
    gray[y0:y1, x0:x1] = np.where(change, lifted, region).astype(np.uint8)
    return (x0, y0, x1, y1)


def lift_gray_seals(gray: np.ndarray, *, dpi: float = 300.0) -> list[InkMark]:
    """Find mid-grey round seals on a greyscale page and lift them in place; their marks."""
    levels = _ink_levels(gray)
    if levels is None or levels.paper - levels.text < 100:
        return []
    marks: list[InkMark] = []
    taken: list[tuple[float, float, float]] = []
    for circle in _circle_candidates(gray, levels, dpi):
        x, y, r = circle
        if any((x - tx) ** 2 + (y - ty) ** 2 < (max(r, tr)) ** 2 for tx, ty, tr in taken):
            continue
        seal_level = _seal_level(gray, circle, levels, dpi)
        if seal_level is None:
            continue
        x0, y0, x1, y1 = _circle_box(gray.shape, circle, 1.0)
        low, high = _mid_band(levels)
        patch = gray[y0:y1, x0:x1]
        fill = float(((patch >= low) & (patch <= high)).mean())
        box = _whiten_gray_seal(gray, circle, seal_level, levels)
        taken.append(circle)
        marks.append(InkMark(kind="seal", bbox=box, color="grey", ink_fraction=round(fill, 3)))
    marks.sort(key=lambda m: (m.bbox[1], m.bbox[0]))
    return marks
