"""``sohoa correct [FILE|-]``: correct OCR text / restore diacritics of plain text."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from pipeline.errors import BadInputError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "correct",
        help="correct OCR errors and restore Vietnamese diacritics in a text file",
        description=(
            "Read text (a file, or '-' / nothing for stdin) and print it corrected, keeping spacing, "
            "punctuation and line breaks. Doubtful corrections are not applied; --json lists every "
            "change with its position, confidence, flag and ranked alternatives."
        ),
    )
    parser.add_argument("file", nargs="?", default="-", help="input text file, or - for stdin (default)")
    parser.add_argument("--json", action="store_true", help="print a JSON object with the text and the changes")
    parser.add_argument("--mode", choices=("auto", "diacritics", "ocr"), default="auto",
                        help="auto: decide from the text; diacritics: only restore marks; ocr: also fix letters")
    parser.add_argument("--tone-style", choices=("old", "new"), default=None,
                        help="normalise tone-mark placement: new = hòa, thủy, ủy; old = hoà, thuỷ, uỷ "
                             "(default: keep as read)")
    parser.add_argument("--learned", type=Path, default=None, metavar="DIR",
                        help="folder of review decisions (fixes.jsonl, keep.jsonl, lexicon.txt)")
    parser.set_defaults(func=handler)


def _read_input(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    path = Path(name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInputError(f"cannot read {path}: {exc.strerror or exc}",
                            how_to_fix="check the path and permissions") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInputError(f"{path} is not UTF-8 text", how_to_fix="convert it to UTF-8 first") from exc


def handler(args: argparse.Namespace) -> int:
    from pipeline.correction import Corrector

    text = _read_input(args.file)
    if args.learned is not None and not args.learned.is_dir():
        raise BadInputError(f"learned folder {args.learned} does not exist",
                            how_to_fix="pass the review app's learned/ folder or drop --learned")
    corrector = Corrector.load(learned_dir=args.learned, tone_style=args.tone_style)
    result = corrector.correct(text, mode=args.mode)
    if args.json:
        payload = {
            "text": result.text,
            "fingerprint": corrector.fingerprint,
            "changes": [dataclasses.asdict(c) | {"alternatives": list(c.alternatives)} for c in result.changes],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(result.text)
    return 0
