from __future__ import annotations

import numpy as np
import pytest

from pipeline.imaging.cleanup import CleanupOptions, decide_rotation
from pipeline.imaging.geometry import (
    estimate_dpi,
    estimate_skew,
    find_dark_border_crop,
    guess_orientation,
    rotate_quarter,
    rotate_small_angle,
)
from pipeline.imaging.synthetic import SAMPLE_LINES, render_lines

LINES = SAMPLE_LINES + SAMPLE_LINES[:4]


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return render_lines(LINES, dpi=120)


@pytest.mark.parametrize("angle", [-10.0, -7.5, -4.0, -2.0, -1.0, -0.5, 0.5, 1.0, 2.5, 4.0, 6.3, 10.0])
def test_deskew_within_a_fifth_of_a_degree(page, angle):
    skewed, _ = rotate_small_angle(page, angle)
    estimate = estimate_skew(skewed)
    assert abs(estimate.angle + angle) <= 0.2, estimate


def test_straight_page_has_no_skew(page):
    assert abs(estimate_skew(page).angle) <= 0.1


@pytest.mark.parametrize("turned", [0, 90, 180, 270])
def test_orientation_guess_from_text_lines(page, turned):
    guess = guess_orientation(rotate_quarter(page, turned))
    assert (turned + guess.rotation) % 360 == 0, guess


def test_orientation_guess_survives_skew(page):
    skewed, _ = rotate_small_angle(rotate_quarter(page, 180), 3.0)
    assert guess_orientation(skewed).rotation == 180


class _Osd:
    """Stands in for Tesseract OSD: records calls, answers a fixed rotation."""

    def __init__(self, rotate: int, conf: float = 10.0):
        self.answer = {"rotate": rotate, "orientation_conf": conf}
        self.calls = 0

    def __call__(self, image):
        self.calls += 1
        return self.answer


def test_osd_is_not_asked_about_a_clearly_upright_page(page):
    osd = _Osd(180)
    rotation, _ = decide_rotation(page, CleanupOptions(), osd, [])
    assert rotation == 0 and osd.calls == 0


def test_osd_confirms_a_turned_page(page):
    osd = _Osd(180)
    rotation, info = decide_rotation(rotate_quarter(page, 180), CleanupOptions(), osd, [])
    assert rotation == 180 and osd.calls == 1 and info["osd_rotate"] == 180


def test_blank_page_is_ambiguous_and_osd_failure_keeps_it(page):
    def failing(image):
        raise RuntimeError("Too few characters")

    warnings: list[str] = []
    blank = np.full_like(page, 255)
    rotation, _ = decide_rotation(blank, CleanupOptions(), failing, warnings)
    assert rotation == 0 and warnings


def test_dark_scanner_borders_are_cropped(page):
    framed = np.pad(page, ((30, 20), (40, 15)), constant_values=20)
    crop = find_dark_border_crop(framed)
    assert crop is not None
    x0, y0, x1, y1 = crop
    assert 40 <= x0 <= 46 and 30 <= y0 <= 36
    assert framed.shape[1] - 21 <= x1 <= framed.shape[1] - 15 and framed.shape[0] - 26 <= y1 <= framed.shape[0] - 20
    assert find_dark_border_crop(page) is None


def test_dpi_from_declared_or_a4_size():
    assert estimate_dpi((3508, 2480), None) == 300
    assert estimate_dpi((1754, 1240), None) == 150
    assert estimate_dpi((1181, 829), None) == 101
    assert estimate_dpi((500, 500), None) == 300
    assert estimate_dpi((1754, 1240), 200) == 200


@pytest.mark.tesseract
@pytest.mark.parametrize("turned", [90, 180, 270])
def test_turned_page_is_fixed_with_tesseract_osd(turned):
    from pipeline.imaging.cleanup import clean_page

    page = render_lines(SAMPLE_LINES * 3, dpi=200, size_pt=12)
    result = clean_page(rotate_quarter(page, turned), dpi=200)
    assert result.rotation == (360 - turned) % 360


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_boxes_follow_quarter_turns(turn):
    from pipeline.imaging.cleanup import _as3x3, map_box
    from pipeline.imaging.geometry import quarter_matrix

    image = np.full((300, 200), 255, np.uint8)
    image[40:70, 120:180] = 0  # a dark block at x 120..180, y 40..70
    turned = rotate_quarter(image, turn)
    ys, xs = np.nonzero(turned == 0)
    expected = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    assert map_box((120, 40, 180, 70), _as3x3(quarter_matrix(image.shape, turn)), turned.shape) == expected


def test_boxes_follow_deskew_and_scale():
    from pipeline.imaging.cleanup import _as3x3, map_box

    image = np.full((300, 400), 255, np.uint8)
    image[100:120, 150:250] = 0
    warped, matrix = rotate_small_angle(image, 0.0, 2.0)
    ys, xs = np.nonzero(warped < 128)
    x0, y0, x1, y1 = map_box((150, 100, 250, 120), _as3x3(matrix), warped.shape)
    assert abs(x0 - xs.min()) <= 2 and abs(y0 - ys.min()) <= 2 and abs(x1 - xs.max() - 1) <= 2 and abs(y1 - ys.max() - 1) <= 2


@pytest.mark.parametrize("interpolation", ["linear", "cubic", "lanczos"])
def test_every_interpolation_gives_the_same_geometry(interpolation):
    image = np.full((300, 400), 255, np.uint8)
    image[100:120, 150:250] = 0
    reference, reference_matrix = rotate_small_angle(image, 2.0, 2.0)
    warped, matrix = rotate_small_angle(image, 2.0, 2.0, interpolation=interpolation)
    assert warped.shape == reference.shape and np.allclose(matrix, reference_matrix)
    assert np.count_nonzero(np.abs(warped.astype(int) - reference) > 128) < 0.01 * warped.size
    with pytest.raises(ValueError):
        rotate_small_angle(image, 2.0, 2.0, interpolation="nearest-ish")


def _sparse(page: np.ndarray) -> np.ndarray:
    sparse = np.full_like(page, 255)
    sparse[: page.shape[0] // 4] = page[: page.shape[0] // 4]  # two lines only: the line analysis is in doubt
    return sparse


def test_weak_osd_does_not_turn_an_ambiguous_page(page):
    at_once = CleanupOptions(osd_after_ocr=False)
    assert decide_rotation(_sparse(page), at_once, _Osd(180, conf=3.0), [])[0] == 0
    assert decide_rotation(_sparse(page), at_once, _Osd(180, conf=20.0), [])[0] == 180


def test_osd_waits_for_the_ocr_of_a_doubtful_upright_page(page):
    from pipeline.imaging.cleanup import clean_page

    osd = _Osd(180, conf=20.0)
    rotation, info = decide_rotation(_sparse(page), CleanupOptions(), osd, [])
    assert rotation == 0 and osd.calls == 0 and info["osd"] == "after_ocr"
    result = clean_page(_sparse(page), dpi=120, osd=osd)
    assert result.rotation == 0 and osd.calls == 0
    assert result.orientation_pending is not None and result.orientation_pending.osd_rotate is None
    # a turned doubtful page is shown to OSD at once, as before
    turned = clean_page(rotate_quarter(_sparse(page), 180), dpi=120, osd=osd)
    assert turned.rotation == 180 and turned.orientation_pending is None and osd.calls == 1


def test_a_doubtful_page_osd_is_too_weak_to_turn_is_left_to_the_ocr_check(page):
    from pipeline.imaging.cleanup import clean_page

    weak = clean_page(rotate_quarter(_sparse(page), 180), dpi=120, osd=_Osd(90, conf=1.0))
    assert weak.rotation == 0
    assert weak.orientation_pending is not None and weak.orientation_pending.osd_rotate == 90
    upright = clean_page(rotate_quarter(_sparse(page), 180), dpi=120, osd=_Osd(0, conf=1.0))
    assert upright.rotation == 0 and upright.orientation_pending is None  # OSD names no turn to try


def test_a_coin_toss_upright_guess_asks_osd_at_once(page):
    options = CleanupOptions(osd_after_ocr_min_confidence=0.9)  # the sparse page's lean (0.56) counts as none
    osd = _Osd(0, conf=20.0)
    rotation, info = decide_rotation(_sparse(page), options, osd, [])
    assert rotation == 0 and osd.calls == 1 and "osd" not in info


def test_recheck_after_a_poor_reading_names_osd_turn(page):
    from pipeline.imaging.cleanup import OrientationDoubt, recheck_orientation
    from pipeline.imaging.geometry import OrientationGuess

    doubtful_upright = OrientationDoubt(OrientationGuess(0, 0.05, True, 2.0, 0.525))
    assert recheck_orientation(page, 120, doubtful_upright, osd=_Osd(180, conf=8.0))[0] == 180
    assert recheck_orientation(page, 120, doubtful_upright, osd=_Osd(180, conf=1.0))[0] == 180  # worth a try
    assert recheck_orientation(page, 120, doubtful_upright, osd=_Osd(0, conf=9.0))[0] == 0
    warnings: list[str] = []

    def failing(image):
        raise RuntimeError("Too few characters")

    rotation, info = recheck_orientation(page, 120, doubtful_upright, osd=failing, warnings=warnings)
    assert rotation == 0 and warnings and "osd_error" in info


def test_an_imposed_turn_is_applied_and_recorded(page):
    from pipeline.imaging.cleanup import clean_page

    upright = clean_page(page, dpi=120)
    turned = clean_page(rotate_quarter(page, 90), dpi=120, rotation=270, osd=_Osd(0))
    assert turned.rotation == 270 and turned.orientation_pending is None
    assert turned.image.shape == upright.image.shape
    steps = {step.name: step.info for step in turned.steps}
    assert steps["orientation"]["imposed"] == 270


def test_sure_guess_wins_over_a_weak_contrary_osd(page):
    turned = rotate_quarter(page, 180)
    assert decide_rotation(turned, CleanupOptions(), _Osd(0, conf=1.0), [])[0] == 180
    assert decide_rotation(turned, CleanupOptions(), _Osd(90, conf=8.0), [])[0] == 0


def test_a_rule_inside_the_page_is_no_border(page):
    ruled = page.copy()
    ruled[60:62, 20:-20] = 0  # a table's top rule, dark across most of the page, near its top
    ruled[:, 25:27] = 0  # and a long vertical rule near its left edge
    assert find_dark_border_crop(ruled) is None
    framed = np.pad(ruled, ((30, 20), (40, 15)), constant_values=20)
    x0, y0, _, _ = find_dark_border_crop(framed)
    assert 40 <= x0 <= 46 and 30 <= y0 <= 36
