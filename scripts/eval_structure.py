"""Measure the structure stage against gold JSON with `sohoa eval`'s scoring, and list every miss.

Sets (each scored separately and together):
  samples-words  samples/gold/<stem>.json: structure re-run on the gold words (text as laid out, no OCR)
  samples-output OUT/<stem>.json from `sohoa run samples/scans -o OUT` (given with --outputs OUT)
  text-files     ../shared/scans/quangngai/born_digital/*.txt read as text files, and
                 ../shared/dev/kh_1005_cuchi.gold.txt (gold text as a proxy of the corrected text),
                 against tests/data/structure/<stem>.json
  corrected-ocr  ../shared/dev/kh_1005_cuchi.ocr_eng.txt through `sohoa correct`, then the pipeline on the
                 corrected text (as `sohoa run`), against tests/data/structure/kh_1005_cuchi.json

Scores come from pipeline.eval (the code behind `sohoa eval`): header and signature fields exact where
gold or prediction has a value, top-level sections (title and role) and referenced numbers as P/R,
recipients as an exact ordered list. ``--misses`` also lists top-level section numbers that differ.

Usage: python scripts/eval_structure.py [--outputs OUT [--restructure]] [--misses] [--table]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from rich.console import Console

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.config import PipelineConfig  # noqa: E402
from pipeline.eval import metrics as m  # noqa: E402
from pipeline.eval.report import DocEval, EvalReport, Totals, aggregate, render_table, score_structure  # noqa: E402
from pipeline.model import Document  # noqa: E402
from pipeline.runner import RunContext  # noqa: E402
from pipeline.stages.layout import LayoutStage  # noqa: E402
from pipeline.stages.structure import StructureStage  # noqa: E402
from pipeline.structure.plaintext import document_from_text  # noqa: E402

SHARED = REPO.parent / "shared"
STRUCTURE_DATA = REPO / "tests" / "data" / "structure"


def _structure(doc: Document, path: Path) -> Document:
    ctx = RunContext(config=PipelineConfig(), input_path=path)
    doc = LayoutStage()(doc, ctx)
    return StructureStage()(doc, ctx)


def _strip_structure(doc: Document) -> Document:
    fresh = Document(source=doc.source, pages=doc.pages, text=doc.text)
    return fresh


def samples_from_words() -> list[tuple[str, Document, Document]]:
    results = []
    for gold_path in sorted((REPO / "samples" / "gold").glob("*.json")):
        if gold_path.name.endswith(".blocks.json"):
            continue
        gold = Document.from_json(gold_path.read_text(encoding="utf-8"))
        predicted = StructureStage()(_strip_structure(Document.from_json(gold_path.read_text(encoding="utf-8"))),
                                     RunContext(config=PipelineConfig(), input_path=gold_path))
        results.append((gold_path.stem, predicted, gold))
    return results


def samples_from_outputs(outputs: Path, restructure: bool = False) -> list[tuple[str, Document, Document]]:
    results = []
    for gold_path in sorted((REPO / "samples" / "gold").glob("*.json")):
        if gold_path.name.endswith(".blocks.json"):
            continue
        output = outputs / gold_path.name
        if not output.is_file():
            print(f"missing output {output}", file=sys.stderr)
            continue
        predicted = Document.from_json(output.read_text(encoding="utf-8"))
        if restructure:  # only the structure code changed: run it again on the words of the output
            predicted = StructureStage()(predicted, RunContext(config=PipelineConfig(), input_path=output))
        results.append((gold_path.stem, predicted, Document.from_json(gold_path.read_text(encoding="utf-8"))))
    return results


def text_files() -> list[tuple[str, Document, Document]]:
    inputs = sorted((SHARED / "scans" / "quangngai" / "born_digital").glob("*.txt"))
    inputs.append(SHARED / "dev" / "kh_1005_cuchi.gold.txt")
    results = []
    for path in inputs:
        stem = path.name.removesuffix(".txt").removesuffix(".signed").removesuffix(".gold")
        gold_path = STRUCTURE_DATA / f"{stem}.json"
        if not path.is_file() or not gold_path.is_file():
            continue
        predicted = _structure(document_from_text(path.read_text(encoding="utf-8"), str(path)), path)
        results.append((stem, predicted, Document.from_json(gold_path.read_text(encoding="utf-8"))))
    return results


def corrected_ocr() -> list[tuple[str, Document, Document]]:
    """../shared/dev/kh_1005_cuchi.ocr_eng.txt corrected (`sohoa correct`), then run like `sohoa run` on the
    corrected text, against tests/data/structure/kh_1005_cuchi.json."""
    from pipeline.api import process_file
    from pipeline.correction import Corrector

    source = SHARED / "dev" / "kh_1005_cuchi.ocr_eng.txt"
    gold_path = STRUCTURE_DATA / "kh_1005_cuchi.json"
    if not source.is_file() or not gold_path.is_file():
        return []
    corrected = Corrector.load().correct(source.read_text(encoding="utf-8-sig"), mode="auto").text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kh_1005_cuchi.txt"
        path.write_text(corrected, encoding="utf-8")
        predicted = process_file(path, PipelineConfig())
    return [("kh_1005_cuchi", predicted, Document.from_json(gold_path.read_text(encoding="utf-8")))]


def score(stem: str, predicted: Document, gold: Document) -> DocEval:
    """The document scored as `sohoa eval` scores its structure."""
    result = DocEval(stem, [], [])
    result.structure = score_structure(predicted.model_dump(mode="json"), gold.model_dump(mode="json"),
                                       Path(stem), Path(stem))
    return result


def _numbered_sections(doc: Document) -> list[tuple[str | None, str, str]]:
    return [(s.number, m.fold(s.title or ""), s.role) for s in doc.sections]


def structure_misses(predicted: Document, gold: Document, name: str = "") -> list[str]:
    """Every structured value that does not match the gold, as readable lines (empty when all match)."""
    scored = score(name, predicted, gold).structure
    misses = []
    for part, matches in (("header", scored.header), ("signature", scored.signature)):
        for field_name, ok in matches.items():
            if not ok:
                want, got = getattr(getattr(gold, part), field_name), getattr(getattr(predicted, part), field_name)
                misses.append(f"{name} {part}.{field_name}: want {want!r} got {got!r}")
    sections = scored.sections
    if sections.pred_hits != sections.predicted or sections.gold_hits != sections.gold or \
            _numbered_sections(predicted) != _numbered_sections(gold):
        misses.append(f"{name} sections: want {_numbered_sections(gold)} got {_numbered_sections(predicted)}")
    found = m.reference_numbers(r.model_dump() for r in predicted.references)
    for number in sorted(m.reference_numbers(r.model_dump() for r in gold.references) - found):
        misses.append(f"{name} reference {number} not found")
    if not scored.recipients_exact:
        misses.append(f"{name} recipients: want {gold.recipients} got {predicted.recipients}")
    return misses


def _pct(value: float | None) -> str:
    return "  –  " if value is None else f"{value:.3f}"


def _row(name: str, totals: Totals) -> str:
    sections, references = totals.sections, totals.references
    return (f"{name:<16} docs={totals.documents:<3} header={_pct(totals.header and totals.header.value)} "
            f"sections P/R={_pct(sections and sections.precision)}/{_pct(sections and sections.recall)} "
            f"refs_recall={_pct(references and references.recall)} "
            f"recipients={_pct(totals.recipients_exact and totals.recipients_exact.value)} "
            f"signature={_pct(totals.signature and totals.signature.value)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outputs", type=Path, help="folder of `sohoa run` outputs for the sample scans")
    parser.add_argument("--restructure", action="store_true",
                        help="re-run the structure stage on the --outputs documents (their words and layout)")
    parser.add_argument("--misses", action="store_true", help="list every mismatch")
    parser.add_argument("--table", action="store_true", help="also print `sohoa eval`'s tables for each set")
    args = parser.parse_args(argv)
    sets = {"samples-words": samples_from_words(), "text-files": text_files(), "corrected-ocr": corrected_ocr()}
    if args.outputs:
        sets["samples-output"] = samples_from_outputs(args.outputs, args.restructure)
    console = Console()
    everything: list[DocEval] = []
    for name, results in sets.items():
        scored = [score(stem, predicted, gold) for stem, predicted, gold in results]
        everything.extend(scored)
        if args.table:
            render_table(EvalReport(name, "gold JSON", scored, aggregate(scored), [], [], []), console)
        print(_row(name, aggregate(scored)))
        if args.misses:
            for stem, predicted, gold in results:
                for miss in structure_misses(predicted, gold, stem):
                    print("   ", miss)
    print(_row("all", aggregate(everything)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
