"""The page clean-up recipe run before OCR, step by step and measured.

Order: coloured ink lifted (seals, stamps) -> dark scanner borders cropped ->
paper flattened -> specks removed (both at the source resolution, where they
are cheaper) -> orientation fixed (quarter turns) -> on blurred low-resolution
pages, grain smoothed and the blur measured and deconvolved -> deskew and
upscaling of low-resolution pages in one resampling -> on blurred pages,
unsharp mask and contrast stretch -> optional sharpening and binarisation.
On blurred pages the steps after orientation work only on the part of the page
holding ink when that is a small part (``ink_window``): their cost follows the text, not the sheet.
Each step records its time and, on request, its image (of that part, then). Geometric steps are
tracked as one affine matrix so the boxes of seals found on the input can be
given in the coordinates of the cleaned page.

The defaults come from benchmarks/bench_prepare.py (see its results file):
binarisation and sharpening of every page are off (both raised CER on every
page measured), blurred low-resolution pages get their own recipe (smooth,
deconvolve, upscale, sharpen, stretch), flattening runs only on unevenly lit pages.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace

import cv2
import numpy as np

from pipeline.imaging import enhance, geometry, ink

BBox = tuple[int, int, int, int]
OsdFunction = Callable[[np.ndarray], dict]


@dataclass(frozen=True)
class CleanupOptions:
    suppress_ink: bool = True
    keep_esign_text: bool = False
    remove_borders: bool = True
    orientation: bool = True
    use_osd: bool = True
    osd_timeout: float = 30.0
    # Pages the line analysis finds upright but not surely so (sparse pages: a signature block,
    # a few lines) are not shown to OSD here: OSD costs 0.3-0.5 s, more than their whole
    # clean-up (sample pages ct_03#2, kh_012#3: clean-up 75-80% of OCR time -> ~40%). The OCR
    # stage judges their reading and asks OSD only when it is poor; it also tries the turn of an
    # OSD answer too weak to turn a doubtful page here, when the page then reads poorly
    # (``orientation_pending`` of the result; pipeline/stages/ocr.py). False: OSD as before.
    osd_after_ocr: bool = True
    osd_after_ocr_min_confidence: float = 0.02  # a weaker lean to upright is a coin toss: OSD at once
    deskew: bool = True
    min_skew: float = 0.1  # degrees; a smaller rotation only blurs
    upscale: bool = True
    upscale_below_dpi: int = 250  # blurred pages below this get the restoration recipe below
    # Sharp pages: on the 150-200 dpi sample pages upscaling to 300 dpi did not lower CER
    # (13 pages: as many worse as better) and made OCR 1.6-1.9x slower; on a sharp 100 dpi
    # page it cut CER from 5.7% to 3.4%. So only sharp pages under 150 dpi are upscaled.
    upscale_sharp_below_dpi: int = 150
    target_dpi: int = 300
    max_softness_to_upscale: float = 8.0  # above: a blurred page (see enhance.stroke_softness)
    # Blurred low-dpi pages (the degraded samples: 150 dpi, blur, JPEG 35) read worse
    # upscaled alone (line CER 1.78% -> 1.96%) but better when grain is smoothed first
    # and the upscaled strokes are sharpened and stretched to full contrast (-> ~1.5%);
    # 350 dpi and Lanczos gained nothing and cost OCR/clean-up time.
    blurred_target_dpi: int = 300  # 0: blurred low-dpi pages are left at their dpi
    blurred_interpolation: str = "cubic"  # linear | cubic | lanczos
    blurred_denoise: str = "bilateral"  # before upscaling: none | bilateral | median | gauss
    blurred_denoise_strength: float = 0.0  # 0: the method's default
    # Deconvolution (Wiener filter, blur measured on the denoised page, ~1.3 px on the degraded
    # samples) before upscaling. Pipeline page CER on the 13 degraded sample pages 2.16% -> 1.70%,
    # and on two re-seeded renderings of them 2.06% -> 1.65% and 2.33% -> 1.82% (26 of 39 pages
    # better, 9 worse): errors other than tone marks -40%, tone marks lost to the blur
    # (hỏi read as sắc) stay lost. A fixed 1.5 px blur gained nothing consistent; weaker
    # regularisation (noise 0.02, target 0.5) made things worse (2.57%). ~40-70 ms a page at 150 dpi.
    blurred_deconvolve: bool = True  # at the source dpi, after denoising
    blurred_psf_sigma: float = 0.0  # blur of the page in source pixels; 0: estimated from its edges
    blurred_deconvolve_target: float = 0.8  # blur left after deconvolution, source pixels
    blurred_deconvolve_noise: float = 0.1  # Wiener regularisation (noise-to-signal power)
    blurred_max_psf_sigma: float = 3.0  # a wider estimate is clipped: beyond it noise is all that comes back
    blurred_sharpen_amount: float = 1.0  # unsharp mask after upscaling; 0: off
    blurred_sharpen_sigma: float = 1.5  # pixels at 300 dpi
    blurred_contrast_stretch: bool = True
    # The pixel work after orientation (denoising, deconvolution, the deskew/upscale resampling,
    # unsharp mask, contrast stretch) is done on the part of the page holding ink, with a margin of
    # paper; the rest of the sheet comes out an even paper grey (Tesseract reads the same words
    # whether that paper is grainy or even: checked on the short sample pages). The cost then follows
    # the text, not the sheet: on the short degraded sample pages (a signature block on a quarter
    # of the sheet) clean-up fell from 45-58% of OCR time to ~20-25%. What the recipe decides from
    # is still the whole page's: the dpi plan, the skew (measured on the page with its restored
    # window), the blur and the contrast levels (the window's ink; the paper outside taken as the
    # window's own paper). Pages with more text are worked whole: their OCR takes long enough for
    # the whole-page clean-up to stay under 20% of it (qd_045#2, text on 57% of the sheet: 15%).
    # Sharp pages are resampled whole: on the skewed sample scans a window pasted on even paper
    # changed Tesseract's reading of the signing block (samples' SER 0.4 -> 0.8 %, signer 100 -> 86 %).
    ink_window: bool = True
    ink_window_margin_mm: float = 5.0
    ink_window_max_share: float = 0.4  # share of the page above which it is worked whole
    flatten: bool = True
    # Flattening only pays on pages with real shading (phone photos, book spines): on
    # evenly lit samples (11 levels) it cost 0.16 CER points; flatbed scans measure 0-1.
    flatten_min_unevenness: float = 25.0
    despeckle: bool = True
    sharpen: bool = False
    binarize: bool = False

    @classmethod
    def from_dict(cls, values: dict) -> CleanupOptions:
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown clean-up options: {', '.join(sorted(unknown))}")
        return replace(cls(), **values)


@dataclass
class StepRecord:
    name: str
    seconds: float
    info: dict = field(default_factory=dict)
    image: np.ndarray | None = None


@dataclass
class CleanedMark:
    kind: str
    bbox: BBox
    color: str


@dataclass
class CleanupResult:
    image: np.ndarray  # gray uint8
    dpi: int
    rotation: int = 0  # clockwise quarter turn applied
    skew: float = 0.0  # small rotation applied, degrees CCW
    scale: float = 1.0
    crop: BBox | None = None  # in source pixels, applied first
    marks: list[CleanedMark] = field(default_factory=list)
    steps: list[StepRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Set when the page was left unturned on a doubt (a doubtful upright guess whose OSD was
    # put off, or an OSD answer too weak to turn it): its OCR is judged (``recheck_orientation``).
    orientation_pending: OrientationDoubt | None = None


def _as3x3(matrix: np.ndarray) -> np.ndarray:
    return np.vstack([matrix, [0.0, 0.0, 1.0]])


def map_box(box: BBox, matrix: np.ndarray, shape: tuple[int, int]) -> BBox:
    """Box through an affine (3x3) matrix, as the bounding box of its corners, clipped."""
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=np.float64).T
    moved = (matrix @ corners)[:2]
    height, width = shape[:2]
    nx0, ny0 = np.floor(moved.min(axis=1))
    nx1, ny1 = np.ceil(moved.max(axis=1))
    return (int(max(0, nx0)), int(max(0, ny0)), int(min(width, nx1)), int(min(height, ny1)))


class _Recorder:
    def __init__(self, keep_images: bool):
        self.keep_images = keep_images
        self.steps: list[StepRecord] = []

    def add(self, name: str, started: float, image: np.ndarray, **info) -> None:
        seconds = time.perf_counter() - started
        self.steps.append(StepRecord(name, round(seconds, 4), info, image.copy() if self.keep_images else None))


def _default_osd(timeout: float) -> OsdFunction:
    def run(image: np.ndarray) -> dict:
        from pipeline._exec import tesseract

        return tesseract.osd(image, timeout=timeout)

    return run


def osd_view(gray: np.ndarray, dpi: float) -> np.ndarray:
    """What OSD is shown: the inked area only, at no more than 150 dpi (OSD time grows with pixels)."""
    mask, scale = geometry.text_mask(gray, max_side=1200)
    ys, xs = np.nonzero(mask)
    if len(xs):
        margin = int(round(20 / scale))
        x0, x1 = max(0, int(xs.min() / scale) - margin), min(gray.shape[1], int(xs.max() / scale) + margin)
        y0, y1 = max(0, int(ys.min() / scale) - margin), min(gray.shape[0], int(ys.max() / scale) + margin)
        gray = gray[y0:y1, x0:x1]
    if dpi > 160:
        gray = geometry.rescale(gray, 150.0 / dpi)
    return gray


@dataclass(frozen=True)
class OrientationDoubt:
    """A page left unturned on a doubtful judgement, to be checked once its OCR can be judged."""

    guess: geometry.OrientationGuess
    osd_rotate: int | None = None  # OSD's answer when it was asked during the clean-up
    osd_conf: float = 0.0


def decide_rotation(gray: np.ndarray, options: CleanupOptions, osd: OsdFunction | None,
                    warnings: list[str], dpi: float = 300.0) -> tuple[int, dict]:
    """Quarter turn that makes the page upright; OSD only when the line analysis is in doubt."""
    rotation, info, _ = _decide_rotation(gray, options, osd, warnings, dpi)
    return rotation, info


def defers_osd(guess: geometry.OrientationGuess, options: CleanupOptions) -> bool:
    """Upright-leaning doubtful guess whose OSD waits for the OCR to be judged."""
    return (options.use_osd and options.osd_after_ocr and guess.rotation == 0 and guess.ambiguous
            and guess.confidence >= options.osd_after_ocr_min_confidence)


def _decide_rotation(gray: np.ndarray, options: CleanupOptions, osd: OsdFunction | None, warnings: list[str],
                     dpi: float) -> tuple[int, dict, OrientationDoubt | None]:
    """(rotation, step info, the doubt left for the OCR stage when the page stays unturned on one)."""
    guess = geometry.guess_orientation(gray)
    info = {"guess": guess.rotation, "confidence": guess.confidence, "ambiguous": guess.ambiguous,
            "horizontal_ratio": guess.horizontal_ratio, "ascender_share": guess.ascender_share}
    if guess.rotation == 0 and not guess.ambiguous:
        return 0, info, None
    if defers_osd(guess, options):
        info["osd"] = "after_ocr"
        return 0, info, OrientationDoubt(guess)
    if not options.use_osd:
        return (0 if guess.ambiguous else guess.rotation), info, None
    answer = _osd_answer(gray, dpi, options, osd, warnings, info)
    if answer is None:  # OSD fails on pages with little text; the guess stands
        return (0 if guess.ambiguous else guess.rotation), info, None
    rotation = _combine(guess, *answer)
    # OSD too weak to turn a doubtful page: its OCR will tell whether OSD's turn is worth a try
    if rotation == 0 and guess.ambiguous and options.osd_after_ocr and answer[0]:
        return 0, info, OrientationDoubt(guess, *answer)
    return rotation, info, None


def recheck_orientation(gray: np.ndarray, dpi: float, doubt: OrientationDoubt,
                        options: CleanupOptions | None = None, osd: OsdFunction | None = None,
                        warnings: list[str] | None = None) -> tuple[int, dict]:
    """The quarter turn worth trying on a page left unturned on a doubt (``CleanupResult.orientation_pending``)
    whose OCR read poorly: the one OSD names (asked now if it was not during the clean-up), however
    weakly, since the caller keeps the better of the two readings; 0 when OSD finds it upright or fails."""
    info: dict = {"guess": doubt.guess.rotation, "confidence": doubt.guess.confidence}
    if doubt.osd_rotate is not None:
        info.update(osd_rotate=doubt.osd_rotate, osd_conf=doubt.osd_conf, osd="during_cleanup")
        return doubt.osd_rotate, info
    answer = _osd_answer(gray, dpi, options or CleanupOptions(), osd, warnings if warnings is not None else [], info)
    return (answer[0] if answer else 0), info


def _osd_answer(gray: np.ndarray, dpi: float, options: CleanupOptions, osd: OsdFunction | None,
                warnings: list[str], info: dict) -> tuple[int, float] | None:
    """(clockwise turn that makes the page upright, confidence) from Tesseract OSD; None when it fails."""
    run_osd = osd or _default_osd(options.osd_timeout)
    try:
        answer = run_osd(osd_view(gray, dpi))
    except Exception as exc:
        warnings.append(f"orientation detection failed: {exc}")
        info["osd_error"] = str(exc)[:200]
        return None
    # Tesseract's "Rotate" is the clockwise turn that makes the page upright.
    rotate, confidence = int(answer.get("rotate", 0)) % 360, float(answer.get("orientation_conf", 0.0))
    info.update(osd_rotate=rotate, osd_conf=confidence)
    return rotate, confidence


# OSD confidences: turned letters score 15-25; sparse pages score low and are often wrong.
_OSD_SURE = 14.0
_OSD_FAIR = 5.0
_OSD_WEAK = 2.0


def _combine(guess: geometry.OrientationGuess, rotate: int, confidence: float) -> int:
    """Rotation from the line analysis and OSD; when they disagree weakly, turn nothing."""
    if confidence >= _OSD_SURE or rotate == guess.rotation:
        return rotate
    if guess.ambiguous:
        return rotate if confidence >= _OSD_FAIR else 0
    return guess.rotation if confidence < _OSD_WEAK else 0


def _upscale_plan(gray: np.ndarray, source_dpi: int, options: CleanupOptions,
                  warnings: list[str]) -> tuple[float, bool]:
    """(scale factor, page is blurred) for a page of ``source_dpi``; only low-dpi pages are measured."""
    if not options.upscale or source_dpi >= options.upscale_below_dpi:
        return 1.0, False
    softness = enhance.stroke_softness(gray)
    if softness <= options.max_softness_to_upscale:
        if source_dpi >= options.upscale_sharp_below_dpi:
            return 1.0, False
        return options.target_dpi / source_dpi, False
    if options.blurred_target_dpi:
        return options.blurred_target_dpi / source_dpi, True
    warnings.append(f"blurred low-resolution page ({source_dpi} dpi, softness {softness:.1f}): not upscaled")
    return 1.0, True


def _deconvolve(gray: np.ndarray, options: CleanupOptions, record: _Recorder,
                levels: tuple[float, float] | None = None) -> np.ndarray:
    """Wiener deconvolution of a blurred page with the blur measured on it (after denoising,
    which steepens edges a little: the blur measured is the one left to undo); ``levels``: the
    ink and paper levels of the whole page when ``gray`` is a window of it."""
    started = time.perf_counter()
    sigma = options.blurred_psf_sigma or enhance.estimate_blur_sigma(gray, levels=levels)
    sigma = min(sigma, options.blurred_max_psf_sigma)
    applied = sigma > options.blurred_deconvolve_target
    if applied:
        gray = enhance.deconvolve_gaussian(gray, sigma, target_sigma=options.blurred_deconvolve_target,
                                           noise=options.blurred_deconvolve_noise)
    record.add("deconvolve", started, gray, sigma=round(sigma, 3), applied=applied)
    return gray


def _restore_blurred(gray: np.ndarray, dpi: int, options: CleanupOptions, record: _Recorder,
                     window: _PlacedWindow | None = None) -> np.ndarray:
    """Unsharp mask and contrast stretch of a blurred page, after its (smoothed) upscaling;
    with a ``window``, ``gray`` is that part of the page (levels measured as on the whole page)."""
    if options.blurred_sharpen_amount > 0:
        started = time.perf_counter()
        gray = enhance.unsharp(gray, sigma=options.blurred_sharpen_sigma * dpi / 300,
                               amount=options.blurred_sharpen_amount)
        record.add("deblur", started, gray)
    if options.blurred_contrast_stretch:
        started = time.perf_counter()
        low, high = enhance.contrast_levels(gray) if window is None else window.contrast_levels(gray)
        gray = enhance.stretch_levels(gray, low, high)
        record.add("contrast", started, gray)
    return gray


@dataclass(frozen=True)
class _InkWindow:
    """The part of an upright page (source pixels) that holds its ink, with a margin of paper."""

    box: BBox
    ink: BBox


def _ink_window(gray: np.ndarray, dpi: int, options: CleanupOptions) -> _InkWindow | None:
    """Window worth working alone (see ``CleanupOptions.ink_window``), None for the whole page."""
    if not options.ink_window:
        return None
    ink_box = geometry.ink_box(gray)
    if ink_box is None:
        return None
    margin = int(round(dpi * options.ink_window_margin_mm / 25.4))
    height, width = gray.shape[:2]
    x0, y0, x1, y1 = ink_box
    box = (max(0, x0 - margin), max(0, y0 - margin), min(width, x1 + margin), min(height, y1 + margin))
    if (box[2] - box[0]) * (box[3] - box[1]) > options.ink_window_max_share * height * width:
        return None
    return _InkWindow(box, ink_box)


# Pixels of a window's edge (output pixels) that the filters see with made-up neighbours,
# and paper next to the ink that still carries its halo: neither stands for the page's paper.
_WINDOW_EDGE_PX = 8
_INK_HALO_PX = 12


@dataclass(frozen=True)
class _PlacedWindow:
    """A window as placed on a page: ``box`` there, the ink box inside it, the page's size, and where
    in the box the sheet lies (a rotated sheet leaves white canvas corners, 0 in ``on_sheet``)."""

    box: BBox
    ink: BBox  # relative to ``box``
    page_size: tuple[int, int]  # width, height
    on_sheet: np.ndarray | None = None  # uint8 over ``box``; None: all of it
    off_sheet_pixels: float = 0.0  # canvas pixels of the whole page off the sheet

    def page_percentiles(self, part: np.ndarray, step: int, percents: tuple[float, ...]) -> list[np.float64]:
        """Percentiles of every ``step``-th pixel of the whole page of which ``part`` is this window.

        Outside the window lie white canvas corners and paper. The paper is lighter than any ink, so
        a low (ink) percentile is counted from the dark end with all of it above; a high (paper) one
        takes the paper outside to be like the window's own paper (clear of its edge and of the ink's
        halo)."""
        x0, y0 = self.box[:2]
        sample = part[-y0 % step :: step, -x0 % step :: step]  # on the page's grid of samples
        inside = enhance.level_histogram(sample)
        width, height = self.page_size
        outside = (-(-width // step)) * (-(-height // step)) - float(inside.sum())
        corners_inside = 0.0 if self.on_sheet is None else float(np.count_nonzero(self.on_sheet == 0))
        corners = min(outside, max(0.0, (self.off_sheet_pixels - corners_inside) / step**2))
        ink_side = inside.copy()
        ink_side[255] += outside
        paper_side = inside.copy()
        paper_side[255] += corners
        paper_hist = self.paper_histogram(sample, step)
        if paper_hist.sum() > 0:
            paper_side += paper_hist * ((outside - corners) / paper_hist.sum())
        else:
            paper_side[255] += outside - corners
        return [enhance.histogram_percentiles(ink_side if percent < 50 else paper_side, (percent,))[0]
                for percent in percents]

    def paper_histogram(self, sample: np.ndarray, step: int) -> np.ndarray:
        """Histogram of the window's paper: on the sheet, clear of the window's edge and of the ink's halo."""
        paper = np.zeros(sample.shape, np.uint8)
        edge = -(-_WINDOW_EDGE_PX // step)
        paper[edge:-edge, edge:-edge] = 1
        ix0, iy0, ix1, iy1 = (value // step for value in self.ink)
        halo = -(-_INK_HALO_PX // step)
        paper[max(0, iy0 - halo) : iy1 + halo + 1, max(0, ix0 - halo) : ix1 + halo + 1] = 0
        if self.on_sheet is not None:
            x0, y0 = self.box[:2]
            paper &= self.on_sheet[-y0 % step :: step, -x0 % step :: step]
        return cv2.calcHist([np.ascontiguousarray(sample)], [0], paper, [256], [0, 256]).ravel()

    def paper_level(self, part: np.ndarray) -> int:
        """Median level of the window's paper (255 when the window has none clear of the ink)."""
        x0, y0 = self.box[:2]
        hist = self.paper_histogram(part[-y0 % 2 :: 2, -x0 % 2 :: 2], 2)
        return int(round(enhance.histogram_percentiles(hist, (50,))[0])) if hist.sum() > 0 else 255

    def contrast_levels(self, part: np.ndarray) -> tuple[float, float]:
        """``enhance.contrast_levels`` of the whole page."""
        low, high = self.page_percentiles(part, 2, (0.5, 90.0))
        return low, high

    def blur_levels(self, part: np.ndarray) -> tuple[float, float]:
        """``enhance.blur_levels`` of the whole page."""
        ink, paper = self.page_percentiles(part, 4, (0.5, 90.0))
        return ink, paper


def _whole(gray: np.ndarray, part: np.ndarray, window: _InkWindow) -> np.ndarray:
    """The page with its restored window put back: measured whole, its skew is the one measured on
    the whole page restored (the paper outside the window holds no line to level)."""
    whole = gray.copy()
    whole[window.box[1]:window.box[3], window.box[0]:window.box[2]] = part
    return whole


def _at_source(window: _InkWindow, shape: tuple[int, int]) -> _PlacedWindow:
    """A window on the page it was found on (no resampling yet)."""
    return _PlacedWindow(window.box, _relative(window.ink, window.box), (shape[1], shape[0]))


def _sheet_corners(warp: np.ndarray, source_shape: tuple[int, int]) -> np.ndarray:
    """Corners of the resampled sheet on the canvas (int32, for ``cv2.fillConvexPoly``)."""
    height, width = source_shape
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float64)
    return np.round(corners @ warp[:, :2].T + warp[:, 2]).astype(np.int32)


def _place_window(window: _InkWindow, warp: np.ndarray, size: tuple[int, int],
                  source_shape: tuple[int, int]) -> _PlacedWindow:
    """Where the resampling ``warp`` (onto a page of ``size``) puts a window, its ink and the sheet."""
    width, height = size
    box = map_box(window.box, _as3x3(warp), (height, width))
    ink = map_box(window.ink, _as3x3(warp), (height, width))
    sheet = _sheet_corners(warp, source_shape)
    on_sheet = np.zeros((box[3] - box[1], box[2] - box[0]), np.uint8)
    cv2.fillConvexPoly(on_sheet, sheet - np.array(box[:2], np.int32), 1)
    off_sheet = max(0.0, width * height - cv2.contourArea(sheet.astype(np.float32)))
    return _PlacedWindow(box, _relative(ink, box), size, on_sheet, off_sheet)


def _relative(box: BBox, origin_box: BBox) -> BBox:
    return (box[0] - origin_box[0], box[1] - origin_box[1], box[2] - origin_box[0], box[3] - origin_box[1])


def _paste_on_paper(part: np.ndarray, placed: _PlacedWindow, warp: np.ndarray,
                    source_shape: tuple[int, int]) -> np.ndarray:
    """The whole page: the worked window where it belongs, the rest of the sheet an even paper of the
    window's own level (no edge for the OCR's layout analysis to take for a picture), white canvas
    corners where the resampling turned the sheet, as a whole-page warp leaves them."""
    width, height = placed.page_size
    page = np.full((height, width), 255, np.uint8)
    cv2.fillConvexPoly(page, _sheet_corners(warp, source_shape), placed.paper_level(part))
    x0, y0, x1, y1 = placed.box
    page[y0:y1, x0:x1] = part
    return page


def _restore_at_source(gray: np.ndarray, window: _InkWindow | None, options: CleanupOptions,
                       record: _Recorder) -> np.ndarray:
    """Grain smoothing and deconvolution of a blurred page, at its own resolution: of its ink
    ``window`` when there is one (that part of the page is returned), the blur measured against the
    whole page's ink and paper levels."""
    part = gray if window is None else gray[window.box[1]:window.box[3], window.box[0]:window.box[2]]
    denoised = options.blurred_denoise != "none"
    if denoised:
        started = time.perf_counter()
        part = enhance.denoise(part, options.blurred_denoise, options.blurred_denoise_strength)
        record.add("denoise", started, part, method=options.blurred_denoise)
    if options.blurred_deconvolve:
        levels = None
        if window is not None:  # the page's levels: as they are, or as its denoised window tells them
            levels = _at_source(window, gray.shape[:2]).blur_levels(part) if denoised else enhance.blur_levels(gray)
        part = _deconvolve(part, options, record, levels)
    return part


def _skew_to_apply(gray: np.ndarray, part: np.ndarray, window: _InkWindow | None, options: CleanupOptions) -> float:
    """Skew of the page as restored (``part``: its restored window, or all of it); 0 below ``min_skew``."""
    if not options.deskew:
        return 0.0
    estimate = geometry.estimate_skew(part if window is None else _whole(gray, part, window))
    return float(estimate.angle) if abs(estimate.angle) >= options.min_skew else 0.0


def _warp_window(part: np.ndarray, window: _InkWindow, placed: _PlacedWindow, warp: np.ndarray,
                 source_shape: tuple[int, int], interpolation: str) -> np.ndarray:
    """The window resampled alone, onto its place on the cleaned page."""
    local = geometry.shift_matrix(warp, window.box[:2], placed.box[:2])
    paper = _at_source(window, source_shape).paper_level(part)
    warped = geometry.warp_part(part, local, placed.box, interpolation=interpolation, fill=paper)
    warped[placed.on_sheet == 0] = 255  # canvas corners white, as the whole-page warp fills them
    return warped


def _resample(gray: np.ndarray, dpi: int, scale: float, blurred: bool, options: CleanupOptions,
              record: _Recorder) -> tuple[np.ndarray, np.ndarray | None, float]:
    """Restoration of a blurred page, then deskew and upscaling in one resampling, then the blurred
    page's unsharp mask and contrast stretch: (cleaned page, the affine warp applied or None, skew).
    The pixel work is done on the page's ink window when it has one worth it (``ink_window``)."""
    source_shape = gray.shape[:2]
    window = _ink_window(gray, dpi, options) if blurred else None
    part = _restore_at_source(gray, window, options, record) if blurred else gray
    started = time.perf_counter()
    skew = _skew_to_apply(gray, part, window, options)
    out_dpi = int(round(dpi * scale))
    if not skew and scale == 1.0:  # no resampling: a restored window goes back into its page
        page = part if window is None else _whole(gray, part, window)
        record.add("deskew", started, page, angle=0.0, scale=1.0, window=None)
        return (_restore_blurred(page, out_dpi, options, record) if blurred else page), None, 0.0
    warp, size = geometry.rotation_matrix(source_shape, skew, scale)
    interpolation = options.blurred_interpolation if blurred else "cubic"
    window = window if blurred else None  # sharp pages are resampled whole (see ink_window)
    if window is None:
        page, warp = geometry.rotate_small_angle(part, skew, scale, interpolation=interpolation)
        record.add("deskew", started, page, angle=skew, scale=round(scale, 4), window=None)
        return (_restore_blurred(page, out_dpi, options, record) if blurred else page), warp, skew
    placed = _place_window(window, warp, size, source_shape)
    part = _warp_window(part, window, placed, warp, source_shape, interpolation)
    record.add("deskew", started, part, angle=skew, scale=round(scale, 4), window=placed.box)
    if blurred:
        part = _restore_blurred(part, out_dpi, options, record, placed)
    return _paste_on_paper(part, placed, warp, source_shape), warp, skew


def clean_page(image: np.ndarray, *, dpi: int | None = None, options: CleanupOptions | None = None,
               keep_images: bool = False, osd: OsdFunction | None = None,
               rotation: int | None = None) -> CleanupResult:
    """Clean one page image (BGR or gray uint8) for OCR.

    ``rotation`` imposes the quarter turn (clockwise) instead of deciding it: the page is
    cleaned again once OSD, asked after OCR, found it turned.
    """
    options = options or CleanupOptions()
    record = _Recorder(keep_images)
    warnings: list[str] = []
    source_dpi = geometry.estimate_dpi(image.shape, dpi)
    matrix = np.eye(3)

    started = time.perf_counter()
    if options.suppress_ink:
        lifted = ink.suppress_colored_ink(image, dpi=source_dpi, keep_esign_text=options.keep_esign_text)
        gray, marks = lifted.gray, lifted.marks
    else:
        gray, marks = ink.to_gray(image).copy(), []
    record.add("ink", started, gray, marks=len(marks))
    bitonal = enhance.is_bitonal(gray)

    crop = None
    if options.remove_borders:
        started = time.perf_counter()
        crop = geometry.find_dark_border_crop(gray)
        if crop:
            x0, y0, x1, y1 = crop
            gray = gray[y0:y1, x0:x1].copy()
            matrix = _as3x3(np.array([[1, 0, -x0], [0, 1, -y0]], dtype=np.float64)) @ matrix
        record.add("border", started, gray, crop=crop)

    # Pixel clean-up at the source resolution: cheaper than after upscaling.
    if options.flatten and not bitonal:
        started = time.perf_counter()
        unevenness = enhance.paper_unevenness(gray, dpi=source_dpi)
        applied = unevenness >= options.flatten_min_unevenness
        if applied:
            gray = enhance.flatten_background(gray, dpi=source_dpi)
        record.add("flatten", started, gray, unevenness=round(unevenness, 1), applied=applied)

    if options.despeckle:
        started = time.perf_counter()
        gray, removed = enhance.remove_speckles(gray, dpi=source_dpi)
        record.add("despeckle", started, gray, removed=removed)

    pending = None
    if rotation is not None or options.orientation:
        started = time.perf_counter()
        if rotation is None:
            rotation, info, pending = _decide_rotation(gray, options, osd, warnings, source_dpi)
        else:
            rotation, info = rotation % 360, {"imposed": rotation % 360}
        if rotation:
            matrix = _as3x3(geometry.quarter_matrix(gray.shape, rotation)) @ matrix
            gray = geometry.rotate_quarter(gray, rotation)
        record.add("orientation", started, gray, rotation=rotation, **info)

    scale, blurred = _upscale_plan(gray, source_dpi, options, warnings)
    gray, warp, skew = _resample(gray, source_dpi, scale, blurred, options, record)
    if warp is not None:
        matrix = _as3x3(warp) @ matrix
    out_dpi = int(round(source_dpi * scale))

    if options.sharpen and not bitonal:
        started = time.perf_counter()
        gray = enhance.unsharp(gray, sigma=max(1.0, out_dpi / 200))
        record.add("sharpen", started, gray)

    if options.binarize and not bitonal:
        started = time.perf_counter()
        gray = enhance.binarize(gray, dpi=out_dpi)
        record.add("binarize", started, gray)

    cleaned_marks = [CleanedMark(m.kind, map_box(m.bbox, matrix, gray.shape), m.color) for m in marks]
    return CleanupResult(image=gray, dpi=out_dpi, rotation=rotation or 0, skew=round(skew, 3), scale=round(scale, 4),
                         crop=crop, marks=cleaned_marks, steps=record.steps, warnings=warnings,
                         orientation_pending=pending)


def to_bgr(gray: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR) if gray.ndim == 2 else gray
