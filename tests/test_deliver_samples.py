"""The archive bars on every sample scan: the whole pipeline, then PDF/A, ALTO and hOCR.

For each ``samples/scans/*``: the PDF's text (pdfplumber, content-stream order)
matches ``Document.text`` at CER <= 1 % with whitespace folded, every extracted
word sits inside a recorded word box, the file is PDF/A-2b; the ALTO validates
against ALTO 4 and its strings give the text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_deliver_alto import fold
from test_deliver_pdfa import assert_pdfa_2b, cer, pdf_text, words_outside_boxes

from pipeline.deliver.alto import alto_text, validate_alto

REPO = Path(__file__).resolve().parents[1]
SCANS = sorted(p for p in (REPO / "samples" / "scans").glob("*") if p.suffix.lower() in {
    ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf"}) if (REPO / "samples" / "scans").is_dir() else []
MAX_CER = 0.01

pytestmark = [pytest.mark.slow, pytest.mark.tesseract]


@pytest.mark.skipif(not SCANS, reason="samples/scans is empty")
@pytest.mark.parametrize("scan", SCANS, ids=[p.name for p in SCANS])
def test_sample_deliverables(scan, tmp_path):
    api = pytest.importorskip("pipeline.api")
    from pipeline.config import PipelineConfig

    config = PipelineConfig(outputs=("json", "txt", "pdf", "alto", "hocr"))
    doc = api.process_file(scan, config, output_dir=tmp_path, output_stem=scan.stem)
    pdf, alto, hocr = (tmp_path / f"{scan.stem}{s}" for s in (".pdf", ".alto.xml", ".hocr"))
    assert pdf.is_file() and alto.is_file() and hocr.is_file()

    assert_pdfa_2b(pdf)
    measured = cer(doc.text, "\n".join(pdf_text(pdf)))
    print(f"{scan.name}: PDF text CER {measured:.4f}")
    assert measured <= MAX_CER
    assert words_outside_boxes(pdf, doc) == []

    assert validate_alto(alto) == []
    assert fold(alto_text(alto)) == fold(doc.text)
