"""End to end on the project's own samples: real Tesseract, every stage, schema-valid JSON."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pipeline.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "scans"


def _check_output(out: Path, stem: str, validate_document) -> dict:
    data = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
    validate_document(data)
    assert data["status"] == "ok" and data["text"].strip()
    assert (out / f"{stem}.txt").read_text(encoding="utf-8").strip() == data["text"].strip()
    words = [w for p in data["pages"] for b in p["blocks"] for line in b["lines"] for w in line["words"]]
    assert words and all(w["bbox"] and w["confidence"] is not None for w in words)
    for page in data["pages"]:
        image = out / page["image"]["path"]
        assert hashlib.sha256(image.read_bytes()).hexdigest() == page["image"]["sha256"]
        assert page["width"] and page["height"] and page["dpi"]
    for word in words:
        if word["span"]:
            assert data["text"][word["span"][0]:word["span"][1]] == word["text"]
    assert data["provenance"]["tesseract_version"] and data["provenance"]["config_hash"]
    return data


@pytest.mark.tesseract
def test_one_sample_end_to_end(tmp_path, validate_document):
    sample = min(SAMPLES.glob("cv_*.jpg"))
    assert main(["run", str(sample), "-o", str(tmp_path), "--jobs", "1"]) == 0
    data = _check_output(tmp_path, sample.stem, validate_document)
    assert data["header"]["number"], "the header parser finds the number on a clean sample"


@pytest.mark.slow
@pytest.mark.tesseract
def test_every_sample_end_to_end(tmp_path, validate_document):
    assert main(["run", str(SAMPLES), "-o", str(tmp_path), "--jobs", "2"]) == 0
    stems = sorted(p.stem for p in SAMPLES.iterdir() if p.is_file())
    assert len(stems) >= 6
    for stem in stems:
        _check_output(tmp_path, stem, validate_document)
