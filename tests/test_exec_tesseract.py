from __future__ import annotations

import pytest
from helpers import fake_tesseract
from helpers.pages import text_page

from pipeline._exec import tesseract
from pipeline.errors import MissingDependencyError, TesseractError, TesseractTimeout


@pytest.fixture
def use_binary(monkeypatch):
    def select(path):
        monkeypatch.setenv("SOHOA_TESSERACT", str(path))
    return select


def test_missing_binary_says_how_to_install(use_binary, tmp_path):
    use_binary(tmp_path / "no-such-tesseract")
    with pytest.raises(MissingDependencyError) as caught:
        tesseract.check_installed("vie")
    assert "apt-get install tesseract-ocr" in caught.value.one_line()


@pytest.mark.tesseract
def test_missing_language_says_which_package():
    with pytest.raises(MissingDependencyError) as caught:
        tesseract.check_installed("vie+xyz")
    assert "tesseract-ocr-xyz" in caught.value.one_line()


@pytest.mark.tesseract
def test_version_probe():
    assert tesseract.version()[0].isdigit()


@pytest.mark.tesseract
def test_words_with_boxes_and_confidences():
    rows = tesseract.image_to_data(text_page(), lang="vie", psm=6, dpi=200, timeout=60)
    words = [row["text"] for row in rows]
    assert "Căn" in words and "phương;" in words
    assert all(row["width"] > 0 and 0 <= row["conf"] <= 100 for row in rows)


@pytest.mark.tesseract
@pytest.mark.parametrize("behaviour", ["crash", "error"])
def test_crash_is_reraised_with_context(use_binary, tmp_path, behaviour):
    use_binary(fake_tesseract.install(tmp_path, behaviour))
    with pytest.raises(TesseractError, match="tesseract OCR failed"):
        tesseract.image_to_data(text_page(), lang="vie", timeout=20)


@pytest.mark.tesseract
def test_timeout(use_binary, tmp_path):
    use_binary(fake_tesseract.install(tmp_path, "hang"))
    with pytest.raises(TesseractTimeout, match="longer than 1 s"):
        tesseract.image_to_data(text_page(), lang="vie", timeout=1)
