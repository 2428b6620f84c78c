"""Flag recall/precision of the correction engine on uncorrected pipeline outputs, fast.

Takes the JSON of ``sohoa run ... --no-correct`` (OCR text with Tesseract word confidences) and
the gold texts, runs the engine exactly as the correction stage does (same text, same
confidence spans) and scores its flags like ``sohoa eval`` does (wrong = output syllables not
aligned to an equal gold syllable, punctuation ignored):

    .venv/bin/python scripts/eval_flags.py RAW_DIR GOLD_DIR [--dump tokens.jsonl]

Prints, per document and in total: syllables, SER before/after, wrong output syllables, share
of them flagged (recall), flag precision, the share of syllables under a flag, and the recall on
the misread ones only (not counting right syllables that the reading order put elsewhere). Used to
calibrate the doubt score on held-out renders (scripts/make_flag_calibration.py) without
running OCR again; the samples and born-digital letters are only checked with it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.correction import Corrector  # noqa: E402
from pipeline.eval import metrics as m  # noqa: E402


def words_with_confidence(doc: dict) -> list[tuple[int, int, float]]:
    spans = []
    for page in doc.get("pages", []):
        for block in page.get("blocks", []):
            for line in block.get("lines", []):
                for word in line.get("words", []):
                    if word.get("span") and word.get("confidence") is not None:
                        spans.append((word["span"][0], word["span"][1], float(word["confidence"])))
    return sorted(spans)


def find_gold(gold_dir: Path, stem: str) -> Path | None:
    for name in (f"{stem}.txt", f"{stem}.gold.txt"):
        if (gold_dir / name).is_file():
            return gold_dir / name
    return None


def misplaced_tokens(tokens: list, wrong: set[int], gold: str) -> set[int]:
    """Wrong output syllables that are read right but stand elsewhere in the gold (reading order):
    each matches a gold syllable the alignment left unpaired."""
    gold_s = m.syllables(gold, punct_insensitive=True)
    paired = {g for _, g in m.equal_pairs([t.text for t in tokens], gold_s)}
    spare = Counter(s for k, s in enumerate(gold_s) if k not in paired)
    out = set()
    for i in sorted(wrong):
        if spare[tokens[i].text] > 0:
            spare[tokens[i].text] -= 1
            out.add(i)
    return out


def score(corrector: Corrector, text: str, gold: str, confidences, dump: list | None, stem: str) -> dict:
    result = corrector.correct(text, token_confidences=confidences or None)
    flags = [(c.out_start, c.out_end) for c in result.changes if c.flagged]
    tokens, wrong = m.wrong_pred_tokens(result.text, gold)
    starts = [t.start for t in tokens]
    flagged: set[int] = set()
    for s, e in flags:
        flagged |= set(m._overlapping(tokens, starts, s, e))
    pr = m.flag_precision_recall(result.text, gold, flags)
    misplaced = misplaced_tokens(tokens, wrong, gold)
    if dump is not None:
        for i, t in enumerate(tokens):
            dump.append({"doc": stem, "text": t.text, "wrong": i in wrong, "flagged": i in flagged})
    return {
        "syllables": len(tokens),
        "gold_syllables": m.syllable_error_rate(text, gold, punct_insensitive=True).total,
        "errors_before": m.syllable_error_rate(text, gold, punct_insensitive=True).errors,
        "errors_after": m.syllable_error_rate(result.text, gold, punct_insensitive=True).errors,
        "wrong": len(wrong),
        "wrong_flagged": len(wrong & flagged),
        "flagged_syllables": len(flagged),
        "misread": len(wrong - misplaced),
        "misread_flagged": len((wrong - misplaced) & flagged),
        "flags": pr.predicted,
        "flags_on_error": pr.pred_hits,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("raw", type=Path, help="folder of `sohoa run --no-correct` JSON outputs")
    ap.add_argument("gold", type=Path, help="folder of <stem>.txt gold texts")
    ap.add_argument("--dump", type=Path, help="write one JSON line per output syllable")
    ap.add_argument("--no-confidences", action="store_true", help="ignore the OCR word confidences")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    corrector = Corrector.load()
    dump: list | None = [] if args.dump else None
    rows = {}
    for path in sorted(args.raw.glob("*.json")):
        gold_path = find_gold(args.gold, path.stem)
        if gold_path is None:
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        if "pages" not in doc:
            continue
        confs = None if args.no_confidences else words_with_confidence(doc)
        rows[path.stem] = score(corrector, doc["text"], gold_path.read_text(encoding="utf-8"), confs, dump, path.stem)
    total = {k: sum(r[k] for r in rows.values()) for k in next(iter(rows.values()))}
    for name, r in [*(() if args.quiet else rows.items()), ("TOTAL", total)]:
        print(f"{name[:28]:28s} syl {r['syllables']:6d}  SER {r['errors_before'] / max(r['gold_syllables'], 1):.3f}->"
              f"{r['errors_after'] / max(r['gold_syllables'], 1):.3f}  "
              f"wrong {r['wrong']:4d}  recall {r['wrong_flagged'] / max(r['wrong'], 1):.3f}  "
              f"precision {r['flags_on_error'] / max(r['flags'], 1):.3f}  "
              f"flagged {r['flagged_syllables'] / max(r['syllables'], 1):.3f}  "
              f"misread {r['misread']:4d} recall {r['misread_flagged'] / max(r['misread'], 1):.3f}")
    if args.dump:
        args.dump.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in dump), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
