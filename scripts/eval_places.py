"""Place names the place list has not seen: how many of their words come back when marks are stripped.

Usage:
    python scripts/eval_places.py [--weight W] [--show N]

A third of ``dictionaries/place_names.txt`` (by a hash of the name) is held out; the corrector is
built with the other two thirds as its place list, then the held-out names, and names made by
pairing their first and later words at random (as a fictional agency's would be), are written
in the places a letter writes them ("UBND tỉnh X", "xã X, huyện Y", "X, ngày ...", a heading
in capitals, "thị trấn X."), stripped of marks and restored. Reports the share of the lines'
words restored right, with the place list and without it.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.correction import corrector as engine  # noqa: E402
from pipeline.correction.corrector import Corrector  # noqa: E402
from pipeline.correction.tokens import read_word_list  # noqa: E402
from pipeline.correction.viet import strip_marks  # noqa: E402
from pipeline.resources import dictionaries_dir, models_dir  # noqa: E402

TEMPLATES = ("UBND tỉnh {}", "xã {}, huyện Bình Sơn", "{}, ngày 15 tháng 3 năm 2025",
             "ỦY BAN NHÂN DÂN HUYỆN {}", "Kính gửi: Ủy ban nhân dân thị trấn {}.")


def held_out(name: str) -> bool:
    return int(hashlib.sha1(name.encode()).hexdigest(), 16) % 3 == 0


def corrector_with(places: list[str]) -> Corrector:
    base = Corrector.load()
    folder = dictionaries_dir()
    return Corrector(base.lm, base.protected, models_dir(), None, None, base._confusions,
                     read_word_list(folder / "name_openers.txt"), read_word_list(folder / "middle_names.txt"),
                     read_word_list(folder / "given_names.txt"), places)


def lines_of(names: list[str]) -> list[str]:
    out = []
    for k, name in enumerate(names):
        template = TEMPLATES[k % len(TEMPLATES)]
        out.append(template.format(name.upper() if template.isupper() or "HUYỆN {}" in template else name))
    return out


def score(corrector: Corrector, lines: list[str], show: int) -> tuple[float, int]:
    right = total = wrong_lines = 0
    for line in lines:
        out = corrector.correct(strip_marks(line), mode="diacritics").text
        pairs = list(zip(line.split(), out.split(), strict=False))
        right += sum(a == b for a, b in pairs)
        total += len(pairs)
        if out != line:
            wrong_lines += 1
            if wrong_lines <= show:
                print(f"    {line}  ->  {out}")
    return 100.0 * right / max(total, 1), wrong_lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weight", type=float, default=engine.PLACE_WEIGHT)
    parser.add_argument("--show", type=int, default=0, help="print this many wrong lines per set")
    args = parser.parse_args()
    engine.PLACE_WEIGHT = args.weight
    names = read_word_list(dictionaries_dir() / "place_names.txt")
    test = [n for n in names if held_out(n)]
    train = [n for n in names if not held_out(n)]
    rng = random.Random(1)
    firsts = [n.split()[0] for n in test]
    laters = [w for n in test for w in n.split()[1:]]
    made_up = [f"{rng.choice(firsts)} {rng.choice(laters)}" for _ in range(150)]
    for label, places in (("without the place list", []), (f"with 2/3 of it, weight {args.weight}", train)):
        corrector = corrector_with(places)
        for kind, group in (("held-out names", test), ("made-up names", made_up)):
            accuracy, wrong = score(corrector, lines_of(group), args.show)
            print(f"{label:32} {kind:15} words right {accuracy:6.2f} %  lines wrong {wrong}/{len(group)}")


if __name__ == "__main__":
    main()
