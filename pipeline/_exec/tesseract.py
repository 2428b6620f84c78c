"""The one module that runs Tesseract.

Keyword-only arguments, no shell (pytesseract runs the binary with an argument
list), a timeout on every call, a version probe, and failures re-raised as
``SohoaError`` subclasses with how-to-fix messages. ``SOHOA_TESSERACT`` names
another binary (tests point it at a program that crashes or hangs).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pytesseract
from PIL import Image

from pipeline.errors import MissingDependencyError, TesseractError, TesseractTimeout

INSTALL_HINT = "install it with: sudo apt-get install tesseract-ocr tesseract-ocr-vie"


def binary() -> str:
    return os.environ.get("SOHOA_TESSERACT", "tesseract")


def _configure() -> None:
    pytesseract.pytesseract.tesseract_cmd = binary()


@functools.lru_cache(maxsize=4)
def _version_of(cmd: str) -> str:
    resolved = shutil.which(cmd)
    if resolved is None:
        raise MissingDependencyError(f"tesseract not found (looked for {cmd!r})", how_to_fix=INSTALL_HINT)
    try:
        out = subprocess.run([resolved, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MissingDependencyError(f"tesseract at {resolved} does not run: {exc}", how_to_fix=INSTALL_HINT) from exc
    match = re.search(r"tesseract\s+v?(\d+\.\d+[\w.\-]*)", out.stdout + out.stderr)
    if not match:
        raise MissingDependencyError(f"{resolved} --version printed no tesseract version", how_to_fix=INSTALL_HINT)
    return match.group(1)


def version() -> str:
    return _version_of(binary())


@functools.lru_cache(maxsize=4)
def _languages_of(cmd: str) -> tuple[str, ...]:
    try:
        out = subprocess.run([cmd, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MissingDependencyError(f"cannot list tesseract languages: {exc}", how_to_fix=INSTALL_HINT) from exc
    lines = (out.stdout + out.stderr).splitlines()
    return tuple(line.strip() for line in lines if line.strip() and " " not in line.strip())


def languages() -> tuple[str, ...]:
    version()
    return _languages_of(binary())


def check_installed(lang: str = "vie") -> str:
    """Return the tesseract version; raise with an install hint if it or ``lang`` is missing."""
    found = version()
    missing = [part for part in lang.split("+") if part not in languages()]
    if missing:
        raise MissingDependencyError(
            f"tesseract has no language data for {', '.join(missing)}",
            how_to_fix=f"install it with: sudo apt-get install {' '.join('tesseract-ocr-' + m for m in missing)}",
        )
    return found


@functools.lru_cache(maxsize=8)
def traineddata_hashes(lang: str) -> dict[str, str]:
    """sha256 (first 16 hex) of each language's traineddata, for provenance."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    candidates = [Path(prefix)] if prefix else []
    candidates += [Path(p) for p in ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                                      "/usr/share/tessdata", "/usr/local/share/tessdata")]
    hashes: dict[str, str] = {}
    for part in lang.split("+"):
        for folder in candidates:
            path = folder / f"{part}.traineddata"
            if path.is_file():
                hashes[part] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
                break
    return hashes


def _as_input_file(image: np.ndarray | Image.Image, folder: str) -> str:
    """Write the page as an uncompressed greyscale PGM: Tesseract reads grey anyway, and
    encoding a PNG of a colour page (what pytesseract does) costs a quarter of the OCR time."""
    array = np.asarray(image.convert("L")) if isinstance(image, Image.Image) else image
    if array.ndim == 3:
        array = cv2.cvtColor(array, cv2.COLOR_BGR2GRAY)
    path = os.path.join(folder, "page.pgm")
    if not cv2.imwrite(path, np.ascontiguousarray(array, dtype=np.uint8)):
        raise TesseractError("cannot write the page image for tesseract", how_to_fix="check free space in TMPDIR")
    return path


def _run(func, image, *, lang: str, config: str, timeout: float, what: str):
    _configure()
    check_installed(lang)
    try:
        with tempfile.TemporaryDirectory(prefix="sohoa-ocr-") as folder:
            return func(_as_input_file(image, folder), lang=lang, config=config, timeout=timeout)
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise TesseractTimeout(
                f"tesseract {what} took longer than {timeout:.0f} s",
                how_to_fix="raise --ocr-timeout, or check the page image (absurd size, noise)",
            ) from exc
        raise TesseractError(f"tesseract {what} failed: {exc}", how_to_fix="check the page image") from exc
    except pytesseract.TesseractError as exc:
        raise TesseractError(
            f"tesseract {what} failed (exit {exc.status}): {str(exc.message).strip()[:200]}",
            how_to_fix="check the page image and the tesseract installation",
        ) from exc
    except OSError as exc:
        raise TesseractError(f"tesseract {what} could not run: {exc}", how_to_fix=INSTALL_HINT) from exc


def image_to_data(image: np.ndarray | Image.Image, *, lang: str = "vie", psm: int = 3, dpi: int | None = None,
                  timeout: float = 180.0) -> list[dict]:
    """Words with boxes and confidences, one dict per Tesseract TSV row of level 5."""
    config = f"--psm {psm}" + (f" --dpi {int(dpi)}" if dpi else "")
    data = _run(pytesseract.image_to_data, image, lang=lang, config=config, timeout=timeout, what="OCR")
    rows = _parse_tsv(data)
    return [row for row in rows if row["level"] == 5 and row["text"].strip()]


def _parse_tsv(tsv: str) -> list[dict]:
    lines = tsv.splitlines()
    if not lines:
        return []
    header = lines[0].split("\t")
    rows = []
    int_fields = {"level", "page_num", "block_num", "par_num", "line_num", "word_num", "left", "top", "width", "height"}
    for line in lines[1:]:
        values = line.split("\t")
        if len(values) < len(header):
            values += [""] * (len(header) - len(values))
        row: dict = {}
        for key, value in zip(header, values[:len(header)], strict=True):
            if key in int_fields:
                row[key] = int(value) if value.lstrip("-").isdigit() else 0
            elif key == "conf":
                row[key] = float(value) if value not in ("", "-1") else -1.0
            else:
                row[key] = value
        rows.append(row)
    return rows


def osd(image: np.ndarray | Image.Image, *, timeout: float = 60.0) -> dict:
    """Orientation and script detection: {"rotate": degrees clockwise to fix, "orientation_conf": float}."""
    text = _run(pytesseract.image_to_osd, image, lang="osd", config="--psm 0", timeout=timeout, what="OSD")
    result: dict = {}
    for key, cast in (("Rotate", int), ("Orientation confidence", float), ("Orientation in degrees", int)):
        match = re.search(rf"{key}:\s*([\d.]+)", text)
        if match:
            result[key.lower().replace(" ", "_")] = cast(float(match.group(1)))
    return {"rotate": result.get("rotate", 0), "orientation_conf": result.get("orientation_confidence", 0.0)}
