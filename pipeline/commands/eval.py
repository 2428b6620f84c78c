"""``sohoa eval PRED GOLD``: accuracy of outputs against gold text and gold JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console

from pipeline.errors import OutputError
from pipeline.eval.report import evaluate, render_table, report_json


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="score outputs against gold text/JSON (CER, syllable errors, diacritics, structure, flags)",
        description=(
            "Compare predictions (a <stem>.json Document or <stem>.txt, or a folder of them) with gold "
            "(<stem>.txt and/or <stem>.json, or a folder). Files are paired by stem; suffixes such as "
            ".gold, .ocr_eng and .reviewed are ignored when pairing. Totals are micro-averages."
        ),
    )
    parser.add_argument("pred", type=Path, help="prediction file or folder (e.g. output/)")
    parser.add_argument("gold", type=Path, help="gold file or folder (e.g. samples/gold/)")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON instead of the table")
    parser.add_argument("-o", "--output", type=Path, help="also write the JSON report to this file")
    parser.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    report = evaluate(args.pred, args.gold)
    data = report_json(report)
    if args.output:
        try:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"{args.output}: cannot write ({exc.strerror})") from exc
    if args.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        console = Console()
        if not console.is_terminal:  # piped: rich would fall back to 80 columns, too narrow for 11
            console = Console(width=160)
        render_table(report, console)
    return 0
