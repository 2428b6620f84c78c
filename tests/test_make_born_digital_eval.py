"""The born-digital evaluation pages (scripts/make_born_digital_eval.py)."""

from __future__ import annotations

import numpy as np
from PIL import Image

from scripts.make_born_digital_eval import degrade_issue5
from scripts.make_samples import PAGE_H, PAGE_W


def test_issue5_recipe_gives_a_skewed_blurred_150_dpi_page():
    page = Image.new("RGB", (PAGE_W, PAGE_H), "white")
    page.paste((0, 0, 0), (400, 600, 2000, 640))  # a bar of text-black
    out = degrade_issue5(page, np.random.default_rng(0))
    assert out.size == (PAGE_W // 2, PAGE_H // 2) and out.mode == "RGB"
    pixels = np.asarray(out.convert("L"))
    rows = np.nonzero((pixels < 128).sum(axis=1) > 100)[0]
    assert 35 < rows.max() - rows.min() < 80  # the bar, 20 px high at 150 dpi, skewed 3-4 degrees
    assert 20 < pixels[:, :200].mean() < 250  # paper tint and speckle, no black border
