"""Page images of HELD-OUT corpus paragraphs with their gold text, to calibrate correction flags.

The pages are rendered and degraded as in ``scripts/learn_confusions.py`` (several fonts, 150-300
dpi, scan degradations of random severity), one page per held-out document, so that
``sohoa run`` and ``sohoa eval`` can measure flag precision/recall on data that is neither the
samples nor the born-digital letters:

    .venv/bin/python scripts/make_flag_calibration.py --docs 12
    sohoa run benchmarks/work/flag_calib/pages -o benchmarks/work/flag_calib/out
    sohoa eval benchmarks/work/flag_calib/out benchmarks/work/flag_calib/gold

Everything is written under benchmarks/work/ (git-ignored). Deterministic for a given --seed.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import learn_confusions as lc  # noqa: E402  (sibling script: shared rendering)

DEFAULT_OUT = lc.REPO / "benchmarks" / "work" / "flag_calib"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=lc.DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--docs", type=int, default=12)
    ap.add_argument("--lines", type=int, default=32, help="lines per page")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    families = lc.available_families()
    docs = sorted((doc_id, lc.paragraphs(text)) for doc_id, text in lc.iter_documents(args.corpus, heldout=True))
    rng.shuffle(docs)
    pages_dir, gold_dir = args.out / "pages", args.out / "gold"
    pages_dir.mkdir(parents=True, exist_ok=True)
    gold_dir.mkdir(parents=True, exist_ok=True)
    made = 0
    for doc_id, paras in docs:
        if made >= args.docs:
            break
        if sum(len(p.split()) for p in paras) < 300:
            continue
        start = rng.randrange(max(len(paras) - 5, 1))
        pages = lc.layout_pages(paras[start:], rng, families, lines_per_page=args.lines, max_lines=args.lines)
        if not pages:
            continue
        spec = pages[0]
        font_px = round(spec.size_pt / 72 * spec.dpi)
        image = lc.render_page(spec)
        if made % 4 != 0:  # one page in four stays a clean render
            image = lc.degrade(image, rng, spec.dpi, font_px)
        image.save(pages_dir / f"{doc_id}.png", dpi=(spec.dpi, spec.dpi))
        (gold_dir / f"{doc_id}.txt").write_text("\n".join(line.text for line in spec.lines) + "\n", encoding="utf-8")
        made += 1
        print("made", doc_id, spec.family, spec.dpi, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
