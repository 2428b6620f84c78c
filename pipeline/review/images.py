"""Page images for the review pages, read only from paths stored at import time.

Request parameters pick an item or a page by id/number; the file path always
comes from the database and must resolve inside the document's output folder.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw

CROP_MARGIN = 24  # pixels of page around the line
MAX_CROP_WIDTH = 1400
HIGHLIGHT_FILL = (255, 214, 0, 90)
HIGHLIGHT_EDGE = (220, 30, 30, 255)


def safe_image_path(root: str, relative: str | None) -> Path | None:
    if not relative:
        return None
    base = Path(root).resolve()
    full = (base / relative).resolve()
    if not full.is_relative_to(base) or not full.is_file():
        return None
    return full


@lru_cache(maxsize=4)  # a few decoded pages: clerks move through one document at a time
def _load(path: Path, mtime: float) -> Image.Image:
    with Image.open(path) as image:
        return image.convert("RGB")


def load_page(path: Path) -> Image.Image:
    return _load(path, path.stat().st_mtime)


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def crop_around(page: Image.Image, word_box: list[int] | None, line_box: list[int] | None) -> Image.Image:
    """The whole line with a margin, the flagged word filled and outlined."""
    region = line_box or word_box
    if region is None:
        return page.copy()
    x0, y0, x1, y1 = region
    pad = max(6, (y1 - y0) // 4)  # a little above and below: the line, not its neighbours
    left = max(0, x0 - CROP_MARGIN)
    top = max(0, y0 - pad)
    right = min(page.width, x1 + CROP_MARGIN)
    bottom = min(page.height, y1 + pad)
    crop = page.crop((left, top, right, bottom)).convert("RGBA")
    if word_box:
        overlay = Image.new("RGBA", crop.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        box = (word_box[0] - left - 3, word_box[1] - top - 3, word_box[2] - left + 3, word_box[3] - top + 3)
        draw.rectangle(box, fill=HIGHLIGHT_FILL, outline=HIGHLIGHT_EDGE, width=3)
        crop = Image.alpha_composite(crop, overlay)
    crop = crop.convert("RGB")
    if crop.width > MAX_CROP_WIDTH:
        crop = crop.resize((MAX_CROP_WIDTH, round(crop.height * MAX_CROP_WIDTH / crop.width)))
    return crop
