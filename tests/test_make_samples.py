"""The sample generator: determinism, gold completeness and gold validity."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path

import pytest

from pipeline.model import Document
from scripts.make_samples import load_source, main, render_sample, source_paths

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
STEMS = [p.stem for p in source_paths()]
SMALL = "cv_156_anphudong"  # one page at 150 dpi: the fastest to render


def _scan_for(stem: str) -> Path:
    (path,) = [p for p in (SAMPLES / "scans").glob(f"{stem}.*")]
    return path


def test_at_least_six_sources_of_all_types():
    types = {load_source(p).meta["doc_type"] for p in source_paths()}
    assert len(STEMS) >= 6
    assert {"Kế hoạch", "Quyết định", "Công văn", "Thông báo", "Báo cáo", "Chỉ thị"} <= types


def test_render_is_deterministic():
    first, second = render_sample(SMALL), render_sample(SMALL)
    assert hashlib.sha256(first.data).digest() == hashlib.sha256(second.data).digest()
    assert first.gold_text == second.gold_text
    assert first.document.to_json() == second.document.to_json()


@pytest.mark.parametrize("stem", STEMS)
def test_every_sample_has_scan_and_gold(stem):
    scan = _scan_for(stem)
    for suffix in (".txt", ".json", ".blocks.json"):
        assert (SAMPLES / "gold" / f"{stem}{suffix}").is_file()
    doc = Document.model_validate_json((SAMPLES / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    assert doc.source.path == f"samples/scans/{scan.name}"
    assert doc.source.sha256 == hashlib.sha256(scan.read_bytes()).hexdigest()
    assert doc.source.pages == len(doc.pages)


@pytest.mark.parametrize("stem", STEMS)
def test_gold_json_matches_the_committed_schema(stem, validate_document):
    validate_document((SAMPLES / "gold" / f"{stem}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("stem", STEMS)
def test_gold_json_is_consistent_with_gold_text(stem):
    text = (SAMPLES / "gold" / f"{stem}.txt").read_text(encoding="utf-8").removesuffix("\n")
    doc = Document.model_validate_json((SAMPLES / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    assert doc.text == text
    assert unicodedata.is_normalized("NFC", text)
    for word in doc.words():
        assert text[word.span[0] : word.span[1]] == word.text
    for section in doc.sections:
        assert text[section.span[0] : section.span[1]] == section.text
    for ref in doc.references:
        assert ref.mentions and all(text[m.span[0] : m.span[1]] == m.text for m in ref.mentions)
    header = doc.header
    assert header.number and header.date and header.doc_type and header.subject and header.issuing_agency
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", header.date)
    assert doc.recipients and doc.recipients[-1].startswith("Lưu:")
    assert doc.signature.signer and doc.signature.title
    assert text.rstrip().endswith(doc.signature.signer)


@pytest.mark.parametrize("stem", STEMS)
def test_gold_text_has_no_page_numbers(stem):
    text = (SAMPLES / "gold" / f"{stem}.txt").read_text(encoding="utf-8")
    for page_text in text.split("\f")[1:]:
        first_line = page_text.strip().splitlines()[0]
        assert not re.fullmatch(r"\d{1,2}", first_line.strip())
    blocks = json.loads((SAMPLES / "gold" / f"{stem}.blocks.json").read_text(encoding="utf-8"))
    numbers = [b for p in blocks["pages"] for b in p["blocks"] if b["kind"] == "page_number"]
    assert len(numbers) == len(blocks["pages"]) - 1
    assert all(
        b["text"] == str(p["number"])
        for p in blocks["pages"]
        for b in p["blocks"]
        if b["kind"] == "page_number"
    )


@pytest.mark.parametrize("stem", STEMS)
def test_gold_boxes_lie_inside_the_page(stem):
    blocks = json.loads((SAMPLES / "gold" / f"{stem}.blocks.json").read_text(encoding="utf-8"))
    for page in blocks["pages"]:
        kinds = {b["kind"] for b in page["blocks"]}
        if page["number"] == 1:
            assert {"header_left", "header_right"} <= kinds
        for block in page["blocks"]:
            x0, y0, x1, y1 = block["bbox"]
            assert 0 <= x0 < x1 <= page["width"] and 0 <= y0 < y1 <= page["height"]
    last = blocks["pages"][-1]
    assert {"recipients", "signature"} <= {b["kind"] for b in last["blocks"]}
    assert any(s["over"] == "signature" for s in last["seals"])


def test_committed_samples_are_small():
    total = sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file())
    assert total < 15 * 1024 * 1024


def test_letters_from_another_folder_render_into_the_given_one(tmp_path):
    source = tmp_path / "letters"
    source.mkdir()
    (source / f"{SMALL}.txt").write_text((SAMPLES / "source" / f"{SMALL}.txt").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    assert main(["--source", str(source), "--variant", "clean", "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "gold" / f"{SMALL}.txt").is_file()
    assert len(list((tmp_path / "out" / "scans").iterdir())) == 1


def test_another_folder_needs_an_output_folder(tmp_path):
    with pytest.raises(SystemExit):
        main(["--source", str(tmp_path)])


@pytest.mark.slow
def test_degraded_variant_puts_a_seal_over_body_text():
    sample = render_sample(SMALL, "degraded")
    seals = [s for p in sample.blocks["pages"] for s in p["seals"] if s["over"] == "body"]
    assert seals and len(seals[0]["covers"]) >= 2
    assert sample.dpi == 150 and abs(sample.blocks["pages"][0]["skew"]) >= 3


@pytest.mark.slow
@pytest.mark.tesseract
def test_tesseract_reads_a_clean_page_block_by_block():
    """Recognition quality of the rendering itself: OCR each gold block crop (layout analysis left out)."""
    from PIL import Image

    from pipeline._exec import tesseract
    from pipeline.eval.metrics import cer

    sample = render_sample("tb_023_hoalam", "clean")
    page = Image.fromarray(sample.images[0])
    read, gold = [], []
    for block in sample.blocks["pages"][0]["blocks"]:
        x0, y0, x1, y1 = block["bbox"]
        crop = page.crop((max(0, x0 - 12), max(0, y0 - 12), x1 + 12, y1 + 12))
        read.append(" ".join(w["text"] for w in tesseract.image_to_data(crop, lang="vie", psm=6)))
        gold.append(block["text"])
    counts = cer(" ".join(read), " ".join(gold))
    assert counts.errors / counts.total < 0.03
