"""Measure the structure stage against gold JSON and print the bar numbers.

Sets (each printed separately and together):
  samples-words  samples/gold/<stem>.json: structure re-run on the gold words (text as laid out, no OCR)
  samples-output OUT/<stem>.json from `sohoa run samples/scans -o OUT` (given with --outputs OUT)
  born-digital   ../shared/scans/quangngai/born_digital/*.txt read as text files, against
                 tests/data/structure/<stem>.json
  kh_1005        ../shared/dev/kh_1005_cuchi.gold.txt (gold text as a proxy of the corrected text)

Usage: python scripts/eval_structure.py [--outputs OUT [--restructure]] [--misses]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.config import PipelineConfig  # noqa: E402
from pipeline.model import Document  # noqa: E402
from pipeline.runner import RunContext  # noqa: E402
from pipeline.stages.layout import LayoutStage  # noqa: E402
from pipeline.stages.structure import StructureStage  # noqa: E402
from pipeline.structure.evaluate import Score, compare  # noqa: E402
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


def _row(name: str, score: Score) -> str:
    s = score.summary()
    return (f"{name:<16} docs={score.docs:<3} header={s['header_exact']:.3f} "
            f"sections P/R={s['sections_precision']:.3f}/{s['sections_recall']:.3f} "
            f"titles P/R={s['titles_precision']:.3f}/{s['titles_recall']:.3f} "
            f"refs_recall={s['references_recall']:.3f} recipients={s['recipients_exact']:.3f} "
            f"signature={s['signature_exact']:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outputs", type=Path, help="folder of `sohoa run` outputs for the sample scans")
    parser.add_argument("--restructure", action="store_true",
                        help="re-run the structure stage on the --outputs documents (their words and layout)")
    parser.add_argument("--misses", action="store_true", help="list every mismatch")
    args = parser.parse_args(argv)
    sets = {"samples-words": samples_from_words(), "text-files": text_files()}
    if args.outputs:
        sets["samples-output"] = samples_from_outputs(args.outputs, args.restructure)
    total = Score(docs=0)
    for name, results in sets.items():
        score = Score(docs=0)
        for stem, predicted, gold in results:
            score.add(compare(predicted, gold, stem))
        total.add(score)
        print(_row(name, score))
        if args.misses:
            for miss in score.misses:
                print("   ", miss)
    print(_row("all", total))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
