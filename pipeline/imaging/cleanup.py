"""The page clean-up recipe run before OCR, step by step and measured.

Order: coloured ink lifted (seals, stamps) -> dark scanner borders cropped ->
paper flattened -> specks removed (both at the source resolution, where they
are cheaper) -> orientation fixed (quarter turns) -> on blurred low-resolution
pages, grain smoothed and the blur measured and deconvolved -> deskew and
upscaling of low-resolution pages in one resampling -> on blurred pages,
unsharp mask and contrast stretch -> optional sharpening and binarisation.
Each step records its time and, on request, its image. Geometric steps are
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


def _deconvolve(gray: np.ndarray, options: CleanupOptions, record: _Recorder) -> np.ndarray:
    """Wiener deconvolution of a blurred page with the blur measured on it (after denoising,
    which steepens edges a little: the blur measured is the one left to undo)."""
    started = time.perf_counter()
    sigma = options.blurred_psf_sigma or enhance.estimate_blur_sigma(gray)
    sigma = min(sigma, options.blurred_max_psf_sigma)
    applied = sigma > options.blurred_deconvolve_target
    if applied:
        gray = enhance.deconvolve_gaussian(gray, sigma, target_sigma=options.blurred_deconvolve_target,
                                           noise=options.blurred_deconvolve_noise)
    record.add("deconvolve", started, gray, sigma=round(sigma, 3), applied=applied)
    return gray


def _restore_blurred(gray: np.ndarray, dpi: int, options: CleanupOptions, record: _Recorder) -> np.ndarray:
    """Unsharp mask and contrast stretch of a blurred page, after its (smoothed) upscaling."""
    if options.blurred_sharpen_amount > 0:
        started = time.perf_counter()
        gray = enhance.unsharp(gray, sigma=options.blurred_sharpen_sigma * dpi / 300,
                               amount=options.blurred_sharpen_amount)
        record.add("deblur", started, gray)
    if options.blurred_contrast_stretch:
        started = time.perf_counter()
        gray = enhance.stretch_contrast(gray)
        record.add("contrast", started, gray)
    return gray


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

    # Deskew and upscale share one resampling.
    scale, blurred = _upscale_plan(gray, source_dpi, options, warnings)
    interpolation = options.blurred_interpolation if blurred else "cubic"
    if blurred and options.blurred_denoise != "none":
        started = time.perf_counter()
        gray = enhance.denoise(gray, options.blurred_denoise, options.blurred_denoise_strength)
        record.add("denoise", started, gray, method=options.blurred_denoise)
    if blurred and options.blurred_deconvolve:
        gray = _deconvolve(gray, options, record)
    skew = 0.0
    started = time.perf_counter()
    if options.deskew:
        estimate = geometry.estimate_skew(gray)
        if abs(estimate.angle) >= options.min_skew:
            skew = float(estimate.angle)
    if skew or scale != 1.0:
        gray, warp = geometry.rotate_small_angle(gray, skew, scale, interpolation=interpolation)
        matrix = _as3x3(warp) @ matrix
    record.add("deskew", started, gray, angle=skew, scale=round(scale, 4))
    out_dpi = int(round(source_dpi * scale))

    if blurred:
        gray = _restore_blurred(gray, out_dpi, options, record)

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
