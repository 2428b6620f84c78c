"""The structure stage on whole documents against gold JSON.

- samples/gold/<stem>.json: the structure re-run on the gold words (layout as drawn, no OCR);
- tests/data/structure/<stem>.json: the born-digital Quảng Ngãi letters (text layers in ../shared) and the
  gold text of kh_1005 (a proxy for corrected OCR), read as text files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import PipelineConfig
from pipeline.model import Correction, Document
from pipeline.runner import RunContext
from pipeline.stages.layout import LayoutStage
from pipeline.stages.structure import StructureStage
from pipeline.structure.plaintext import document_from_text
from scripts.eval_structure import structure_misses

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "structure"
SAMPLE_GOLD = sorted(p for p in (REPO / "samples" / "gold").glob("*.json") if not p.name.endswith(".blocks.json"))
TEXT_INPUTS = {
    "05": "scans/quangngai/born_digital/05.signed.txt",
    "bnt_BTTTT_Gop_y_du_thao_sua_doi_bo_sung_Chuong_trinh_VTCI":
        "scans/quangngai/born_digital/bnt_BTTTT_Gop_y_du_thao_sua_doi_bo_sung_Chuong_trinh_VTCI.signed.txt",
    "vht507": "scans/quangngai/born_digital/vht507.signed.txt",
    "vht534": "scans/quangngai/born_digital/vht534.signed.txt",
    "kh_1005_cuchi": "dev/kh_1005_cuchi.gold.txt",
}


def _ctx(path: Path) -> RunContext:
    return RunContext(config=PipelineConfig(), input_path=path)


def _assert_matches(predicted: Document, gold: Document, name: str) -> None:
    assert structure_misses(predicted, gold, name) == []


@pytest.mark.parametrize("gold_path", SAMPLE_GOLD, ids=lambda p: p.stem)
def test_samples_from_gold_words(gold_path):
    gold = Document.from_json(gold_path.read_text(encoding="utf-8"))
    bare = Document(source=gold.source, pages=gold.pages, text=gold.text)
    predicted = StructureStage()(bare, _ctx(gold_path))
    _assert_matches(predicted, gold, gold_path.stem)
    for section in predicted.sections:
        assert predicted.text[section.span[0]:section.span[1]] == section.text
    for reference in predicted.references:
        for mention in reference.mentions:
            assert " ".join(predicted.text[mention.span[0]:mention.span[1]].split()) == mention.text


@pytest.mark.shared
@pytest.mark.parametrize("stem", sorted(TEXT_INPUTS))
def test_text_inputs_against_gold(stem, shared_dir):
    path = shared_dir / TEXT_INPUTS[stem]
    doc = document_from_text(path.read_text(encoding="utf-8"), str(path))
    doc = StructureStage()(LayoutStage()(doc, _ctx(path)), _ctx(path))
    gold = Document.from_json((DATA / f"{stem}.json").read_text(encoding="utf-8"))
    _assert_matches(doc, gold, stem)
    assert [r.number for r in doc.references] == [r.number for r in gold.references]
    assert [len(r.mentions) for r in doc.references] == [len(r.mentions) for r in gold.references]
    assert [b.references for b in doc.legal_bases] == [b.references for b in gold.legal_bases]


PDF_STEMS = [stem for stem in sorted(TEXT_INPUTS) if TEXT_INPUTS[stem].startswith("scans/")]


@pytest.mark.shared
@pytest.mark.parametrize("stem", PDF_STEMS)
def test_born_digital_pdfs_through_their_text_layer(stem, shared_dir):
    """The same letters read from the PDF text layer (word boxes, two columns side by side)."""
    from pipeline.stages.ingest import IngestStage, new_document

    path = shared_dir / TEXT_INPUTS[stem].replace(".txt", ".pdf")
    doc = IngestStage()(new_document(path), _ctx(path))
    doc = StructureStage()(LayoutStage()(doc, _ctx(path)), _ctx(path))
    gold = Document.from_json((DATA / f"{stem}.json").read_text(encoding="utf-8"))
    _assert_matches(doc, gold, stem)


def test_stage_replaces_its_own_review_items():
    doc = document_from_text("Số: 12/KH-UBND\nKẾ HOẠCH\nThử\n\nCăn cứ Chỉ thị số 09/CT-UBND.\n")
    doc.corrections = [
        Correction(original="a", corrected="b", confidence=0.9, flagged=False, kind="word"),
        Correction(original="x", corrected="x", confidence=0.1, flagged=True, kind="header_field"),
    ]
    doc = StructureStage()(doc, _ctx(Path("x")))
    assert [c.kind for c in doc.corrections] == ["word"]
    assert doc.header.number == "12/KH-UBND"


def test_stage_records_a_parser_failure(monkeypatch):
    import pipeline.stages.structure as stage_module

    def broken(doc):
        raise ValueError("boom")

    monkeypatch.setattr(stage_module, "structure_document", broken)
    doc = StructureStage()(document_from_text("Một dòng.\n"), _ctx(Path("x")))
    assert doc.status == "partial" and doc.errors[0].code == "structure_failed"


def test_the_subject_cites_numbers_as_the_references_normalised_them():
    from pipeline.structure.document import numbers_as_normalised

    reviews = [Correction(original="09/CT", corrected="09/CT-UBND", confidence=0.5, flagged=True, kind="reference"),
               Correction(original="407/QD-TTg", corrected="407/QĐ-TTg", confidence=0.5, flagged=True,
                          kind="reference")]
    assert numbers_as_normalised("Triển khai Chỉ thị số 09/CT UBND và Quyết định số 407/QD-TTg", reviews) == (
        "Triển khai Chỉ thị số 09/CT-UBND và Quyết định số 407/QĐ-TTg")
    assert numbers_as_normalised("Chỉ thị số 09/CT-TTg", reviews) == "Chỉ thị số 09/CT-TTg"
