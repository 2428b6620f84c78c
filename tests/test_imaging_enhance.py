from __future__ import annotations

import numpy as np

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
