from __future__ import annotations

import numpy as np
import pytest

from pipeline.imaging.enhance import binarize, flatten_background, is_bitonal, remove_speckles, unsharp
from pipeline.imaging.synthetic import SAMPLE_LINES, add_speckle, render_lines


def test_isolated_specks_go_and_marks_stay():
    page = render_lines(SAMPLE_LINES[:4], dpi=150)
    # extra margin below the text where specks are isolated
    page = np.pad(page, ((0, 120), (0, 0)), constant_values=255)
    specked = add_speckle(page, density=1 / 800, seed=3)
    cleaned, removed = remove_speckles(specked, dpi=150)
    assert removed > 0
    margin = slice(page.shape[0] - 100, page.shape[0])
    assert (cleaned[margin] < 128).sum() <= 0.1 * (specked[margin] < 128).sum()
    # the text (with its dots and tone marks) is untouched
    text_rows = slice(0, page.shape[0] - 130)
    ink_before = page[text_rows] < 128
    assert (cleaned[text_rows][ink_before] < 128).mean() > 0.99


def test_clean_page_has_no_specks_to_remove():
    page = render_lines(SAMPLE_LINES[:3], dpi=150)
    cleaned, removed = remove_speckles(page, dpi=150)
    assert removed == 0 and np.array_equal(cleaned, page)


def test_flatten_evens_out_shadows_and_keeps_text():
    page = render_lines(SAMPLE_LINES[:4], dpi=150).astype(np.float32)
    ramp = np.linspace(0.65, 1.0, page.shape[1], dtype=np.float32)[None, :]
    shaded = (page * ramp).astype(np.uint8)
    flat = flatten_background(shaded, dpi=150)
    paper = page > 250
    assert flat[paper].std() < 6 and np.percentile(flat[paper], 5) > 225
    assert (flat[page < 60] < 110).mean() > 0.95


def test_binarize_gives_two_levels_and_keeps_text():
    page = render_lines(SAMPLE_LINES[:2], dpi=150)
    out = binarize(page, dpi=150)
    assert set(np.unique(out)) <= {0, 255}
    assert (out[page < 60] == 0).mean() > 0.95
    assert is_bitonal(out) and not is_bitonal(unsharp(np.full((64, 64), 128, np.uint8)))


def test_only_unevenly_lit_pages_are_flattened():
    from pipeline.imaging.cleanup import clean_page
    from pipeline.imaging.enhance import paper_unevenness

    page = render_lines(SAMPLE_LINES * 2, dpi=150)
    ramp = np.linspace(0.6, 1.0, page.shape[1], dtype=np.float32)[None, :]
    shaded = (page.astype(np.float32) * ramp).astype(np.uint8)
    assert paper_unevenness(page, dpi=150) < 5 < 25 < paper_unevenness(shaded, dpi=150)
    for image, applied in ((page, False), (shaded, True)):
        steps = {s.name: s.info for s in clean_page(image, dpi=150, options=None).steps}
        assert steps["flatten"]["applied"] is applied


def blurred_scan(dpi: int = 150) -> np.ndarray:
    """Blurred, grainy, JPEG-compressed gray page (the degraded sample recipe)."""
    import cv2

    from pipeline.imaging.synthetic import jpeg

    page = cv2.GaussianBlur(render_lines(SAMPLE_LINES * 2, dpi=dpi), (0, 0), 1.3)
    page = (page.astype(np.float32) * 0.9).astype(np.uint8)  # grayish paper
    grain = np.random.default_rng(5).normal(0, 7, page.shape).astype(np.float32)
    page = np.clip(page + grain, 0, 255).astype(np.uint8)
    return jpeg(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 35)[:, :, 0]


def test_bilateral_denoise_smooths_paper_and_keeps_strokes():
    from pipeline.imaging.enhance import denoise

    clean = render_lines(SAMPLE_LINES[:4], dpi=150)
    noisy = np.clip(clean + np.random.default_rng(1).normal(0, 8, clean.shape), 0, 255).astype(np.uint8)
    smooth = denoise(noisy, "bilateral")
    paper = clean > 250
    assert smooth[paper].std() < 0.6 * noisy[paper].std()
    assert (smooth[clean < 60] < 110).mean() > 0.95
    with pytest.raises(ValueError):
        denoise(noisy, "nlm")


def test_stretch_contrast_whitens_paper_and_darkens_ink():
    from pipeline.imaging.enhance import stretch_contrast

    page = render_lines(SAMPLE_LINES[:4], dpi=150)
    dull = (70 + page.astype(np.float32) * (150 / 255)).astype(np.uint8)  # ink 70, paper 220
    out = stretch_contrast(dull)
    assert np.percentile(out[page > 250], 50) == 255
    assert np.percentile(out[page < 30], 50) < 20
    flat = np.full((40, 40), 200, np.uint8)
    assert np.array_equal(stretch_contrast(flat), flat)


def test_blurred_low_dpi_page_is_denoised_upscaled_sharpened_and_stretched():
    from pipeline.imaging.cleanup import CleanupOptions, clean_page
    from pipeline.imaging.enhance import stroke_softness

    page = blurred_scan()
    assert stroke_softness(page) > CleanupOptions().max_softness_to_upscale
    result = clean_page(page, dpi=150)
    names = [step.name for step in result.steps]
    assert result.dpi == 300 and result.scale == 2.0
    assert result.image.shape[0] >= 2 * page.shape[0] - 2
    assert {"denoise", "deconvolve", "deblur", "contrast"} <= set(names)
    assert (names.index("denoise") < names.index("deconvolve") < names.index("deskew") < names.index("deblur")
            < names.index("contrast"))
    deconvolve = next(step for step in result.steps if step.name == "deconvolve")
    assert deconvolve.info["applied"] and 1.0 <= deconvolve.info["sigma"] <= 1.8  # blurred by 1.3 px
    assert not result.warnings

    kept = clean_page(page, dpi=150, options=CleanupOptions(blurred_target_dpi=0))
    assert kept.dpi == 150 and "not upscaled" in kept.warnings[0]


def test_sharp_pages_skip_the_blurred_page_steps():
    from pipeline.imaging.cleanup import clean_page

    for dpi in (150, 300):
        names = {step.name for step in clean_page(render_lines(SAMPLE_LINES * 2, dpi=dpi), dpi=dpi).steps}
        assert not names & {"denoise", "deconvolve", "deblur", "contrast"}


def test_only_sharp_pages_under_150_dpi_are_upscaled():
    from pipeline.imaging.cleanup import clean_page

    assert clean_page(render_lines(SAMPLE_LINES * 2, dpi=100), dpi=100).scale == 3.0
    for dpi in (150, 200):
        assert clean_page(render_lines(SAMPLE_LINES * 2, dpi=dpi), dpi=dpi).scale == 1.0


@pytest.mark.parametrize("dpi", [150, 300])
def test_blur_is_measured_from_the_slope_of_ink_edges(dpi):
    import cv2

    from pipeline.imaging.enhance import estimate_blur_sigma

    page = render_lines(SAMPLE_LINES * 2, dpi=dpi)
    assert estimate_blur_sigma(page) < 0.8  # the rendering's own anti-aliasing
    for sigma in (1.0, 1.5, 2.0):
        measured = estimate_blur_sigma(cv2.GaussianBlur(page, (0, 0), sigma))
        assert abs(measured - sigma) <= 0.2 * sigma, (sigma, measured)
    assert estimate_blur_sigma(np.full((200, 200), 230, np.uint8)) == 0.0  # no edges: no answer


def test_wiener_kernel_keeps_levels_and_sharpens():
    from pipeline.imaging.enhance import wiener_kernel

    kernel = wiener_kernel(1.3, target_sigma=0.8, noise=0.1)
    assert kernel.shape[0] == kernel.shape[1] and kernel.shape[0] % 2 == 1
    assert abs(float(kernel.sum()) - 1.0) < 1e-5
    assert np.allclose(kernel, kernel.T, atol=1e-6) and np.allclose(kernel, kernel[::-1, ::-1], atol=1e-6)
    center = kernel.shape[0] // 2
    assert kernel[center, center] == kernel.max() and kernel.min() < 0  # a sharpening kernel


def test_deconvolution_undoes_part_of_the_blur_and_keeps_paper_and_ink():
    import cv2

    from pipeline.imaging.enhance import deconvolve_gaussian, estimate_blur_sigma

    page = cv2.GaussianBlur(render_lines(SAMPLE_LINES * 2, dpi=150), (0, 0), 1.3)
    sigma = estimate_blur_sigma(page)
    restored = deconvolve_gaussian(page, sigma, target_sigma=0.8)
    assert restored.shape == page.shape and restored.dtype == np.uint8
    assert estimate_blur_sigma(restored) < 0.95 * sigma  # damped: the page's noise sets how far to go
    assert estimate_blur_sigma(deconvolve_gaussian(page, sigma, noise=0.001)) < 0.7 * sigma  # ~ the target
    assert np.percentile(restored, 90) == np.percentile(page, 90) == 255  # paper stays
    assert np.percentile(restored, 0.5) < np.percentile(page, 0.5)  # the ink of thin strokes darkens
    noisy = blurred_scan()
    assert abs(np.percentile(deconvolve_gaussian(noisy, 1.3), 90) - np.percentile(noisy, 90)) <= 3
    sharp = render_lines(dpi=150)
    assert deconvolve_gaussian(sharp, 0.6, target_sigma=0.8) is sharp  # already sharper than the target


def test_deconvolution_can_be_switched_off():
    from pipeline.imaging.cleanup import CleanupOptions, clean_page

    names = {step.name for step in clean_page(blurred_scan(), dpi=150,
                                              options=CleanupOptions(blurred_deconvolve=False)).steps}
    assert "deconvolve" not in names and "deblur" in names
    fixed = clean_page(blurred_scan(), dpi=150, options=CleanupOptions(blurred_psf_sigma=1.5))
    assert next(step for step in fixed.steps if step.name == "deconvolve").info["sigma"] == 1.5


def test_level_percentiles_are_numpys_percentiles():
    from pipeline.imaging.enhance import level_percentiles

    rng = np.random.default_rng(3)
    for trial in range(200):
        size = int(rng.integers(1, 4000))
        values = (rng.integers(0, 256, size) if trial % 2 else np.clip(rng.normal(200, 30, size), 0, 255)).astype(np.uint8)
        percents = (0.5, 5.0, 10.0, 90.0, 95.0, float(rng.uniform(0, 100)))
        assert level_percentiles(values.reshape(1, -1), percents) == list(np.percentile(values, percents))
    page = rng.integers(0, 256, (301, 203)).astype(np.uint8)
    assert level_percentiles(page[::2, ::3], (0.5, 90)) == list(np.percentile(page[::2, ::3], (0.5, 90)))


def short_blurred_scan(dpi: int = 150, angle: float = 2.0) -> np.ndarray:
    """A degraded A4 page holding only a few lines at its top (a letter's signature page), skewed."""
    import cv2

    from pipeline.imaging.geometry import rotate_small_angle
    from pipeline.imaging.synthetic import jpeg

    text = render_lines(SAMPLE_LINES[:5], dpi=dpi)
    page = np.full((int(11.69 * dpi), int(8.27 * dpi)), 255, np.uint8)
    page[60 : 60 + text.shape[0], 40 : 40 + text.shape[1]] = text[:, : page.shape[1] - 40]
    page, _ = rotate_small_angle(page, angle)
    page = cv2.GaussianBlur(page, (0, 0), 1.3)
    page = (page.astype(np.float32) * 0.9).astype(np.uint8)
    grain = np.random.default_rng(5).normal(0, 7, page.shape).astype(np.float32)
    page = np.clip(page + grain, 0, 255).astype(np.uint8)
    return jpeg(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 35)[:, :, 0]


def test_a_short_page_is_worked_in_its_ink_window_as_the_whole_page_would_be():
    from pipeline.imaging.cleanup import CleanupOptions, clean_page

    page = short_blurred_scan()
    windowed = clean_page(page, dpi=150)
    whole = clean_page(page, dpi=150, options=CleanupOptions(ink_window=False))
    deskew = next(step for step in windowed.steps if step.name == "deskew")
    x0, y0, x1, y1 = deskew.info["window"]
    assert (x1 - x0) * (y1 - y0) < 0.4 * windowed.image.size  # only the top of the page was worked
    # same page size and scale, the same skew to a thousandth of a degree (measured on the page with
    # only its window restored: the Otsu level of the skew mask may move by a gray)
    assert windowed.image.shape == whole.image.shape
    assert (windowed.scale, windowed.dpi) == (whole.scale, whole.dpi)
    assert abs(windowed.skew - whole.skew) <= 0.002
    windowed_sigma, whole_sigma = (next(s.info["sigma"] for s in result.steps if s.name == "deconvolve")
                                   for result in (windowed, whole))
    assert abs(windowed_sigma - whole_sigma) < 0.02
    # the text reads the same: levels within a few grays, ink where it was
    inner = (slice(y0 + 20, y1 - 20), slice(x0 + 20, x1 - 20))
    assert np.abs(windowed.image[inner].astype(int) - whole.image[inner].astype(int)).mean() < 3
    ink_windowed, ink_whole = windowed.image[inner] < 128, whole.image[inner] < 128
    assert (ink_windowed == ink_whole).mean() > 0.995
    # outside the window: even paper on the sheet, no ink
    assert windowed.image[y1 + 40 :, :].min() >= 128


def test_blur_measure_does_not_depend_on_where_the_page_lies_in_memory():
    from pipeline.imaging.enhance import estimate_blur_sigma

    page = blurred_scan()
    sigmas = set()
    for offset in range(0, 64, 8):  # the same page at other addresses (cv2.magnitude's last bit moved)
        buffer = np.empty(page.size + 64, np.uint8)
        moved = buffer[offset : offset + page.size].reshape(page.shape)
        moved[:] = page
        sigmas.add(estimate_blur_sigma(moved))
        sigmas.add(estimate_blur_sigma(page))
    assert len(sigmas) == 1


def test_a_sharp_short_page_is_deskewed_whole():
    # a window pasted on even paper changed Tesseract's reading of the skewed sample scans
    from pipeline.imaging.cleanup import CleanupOptions, clean_page
    from pipeline.imaging.geometry import rotate_small_angle

    text = render_lines(SAMPLE_LINES[:5], dpi=300)
    page = np.full((3508, 2480), 255, np.uint8)
    page[120 : 120 + text.shape[0], 80 : 80 + text.shape[1]] = text[:, : page.shape[1] - 80]
    page, _ = rotate_small_angle(page, 1.5)
    result = clean_page(page, dpi=300)
    deskew = next(step for step in result.steps if step.name == "deskew")
    assert deskew.info["angle"] != 0.0 and deskew.info["window"] is None
    whole = clean_page(page, dpi=300, options=CleanupOptions(ink_window=False))
    assert np.array_equal(result.image, whole.image)


def test_ink_levels_are_python_floats_as_numpy_percentiles_gave():
    # numpy 2 computes float32 arrays with python floats in float32, with np.float64 in float64:
    # the seal suppression must see the same numbers as before the histogram speed-up
    from pipeline.imaging.ink import _ink_levels

    rng = np.random.default_rng(3)
    gray = np.where(rng.random((300, 300)) < 0.1, 20, 235).astype(np.uint8)
    levels = _ink_levels(gray)
    assert type(levels.paper) is float and type(levels.text) is float
