"""Learn how the second recogniser's tone marks bear on the true tone (pipeline.second_reading).

For every word of an uncorrected run (``sohoa run --no-correct``) that both recognisers read
with the same letters apart from the tone mark, and that the gold text pairs one to one
(alignment with block moves, as ``sohoa eval``), count (page class, Tesseract's tone,
AsterNet's tone, gold tone). The page class is ``restored`` for pages the clean-up upscaled
(low-resolution, usually blurred scans), else ``plain``. The counts go to
``pipeline/models/second_reader_tones.tsv``, read by ``pipeline.correction.second``.

Train on letters the measurements do not use: the default command in docs/MODELS.md names
the sets it was built from.

    .venv/bin/python scripts/learn_second_reader.py RUN_DIR=GOLD_DIR [RUN_DIR=GOLD_DIR ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.correction.second import TONES_PATH, page_class, tone_and_base  # noqa: E402
from pipeline.eval import metrics as m  # noqa: E402


def gold_words(text: str, gold: str) -> dict[int, str]:
    """Start offset of each predicted token -> the gold syllable paired with it."""
    tokens = m.tokenize(text)
    golds = m.syllables(gold)
    alignment = m.align_with_moves([t.text for t in tokens], golds, substitutions=True)
    return {tokens[p].start: m.strip_punct(golds[g]) for p, g in alignment.pairs}


def count_run(run: Path, gold_dir: Path, counts: Counter) -> None:
    for path in sorted(run.glob("*.json")):
        gold_path = gold_dir / f"{path.stem}.txt"
        if not gold_path.exists():
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        paired = gold_words(doc["text"], gold_path.read_text(encoding="utf-8"))
        for page in doc["pages"]:
            kind = page_class((page.get("transform") or {}).get("scale", 1.0))
            for block in page["blocks"]:
                for line in block["lines"]:
                    for word in line["words"]:
                        _count_word(word, paired, kind, counts)


def _count_word(word: dict, paired: dict[int, str], kind: str, counts: Counter) -> None:
    second = word.get("second_reading")
    if second is None or not word.get("span"):
        return
    gold = paired.get(word["span"][0])
    if not gold:
        return
    first_tone, first_base = tone_and_base(m.strip_punct(word["text"]))
    second_tone, second_base = tone_and_base(m.strip_punct(second))
    gold_tone, gold_base = tone_and_base(gold)
    if first_base and first_base == second_base == gold_base:
        counts[kind, first_tone, second_tone, gold_tone] += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", help="RUN_DIR=GOLD_DIR pairs")
    parser.add_argument("--out", type=Path, default=TONES_PATH)
    args = parser.parse_args(argv)
    counts: Counter = Counter()
    for pair in args.runs:
        run, gold = pair.split("=", 1)
        count_run(Path(run), Path(gold), counts)
    lines = ["# page_class\tfirst_tone\tsecond_tone\tgold_tone\tcount  (tones 0-5: none huyền sắc hỏi ngã nặng)",
             f"# built by scripts/learn_second_reader.py from {len(args.runs)} runs"]
    lines += [f"{k}\t{a}\t{b}\t{g}\t{n}" for (k, a, b, g), n in sorted(counts.items())]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{sum(counts.values())} words, {len(counts)} rows -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
