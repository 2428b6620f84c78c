"""Build the syllable trigram LM (interpolated modified Kneser-Ney) from the shared corpus.

Usage:
    python scripts/build_lm.py [--shared ../shared] [--out pipeline/models]
        [--min-trigram 2] [--min-syllable 2] [--min-other 3]

Besides the n-grams, ``cap_counts`` holds how often each word is written with a capital
inside a sentence (names, places, agency words); the engine uses it to read such words.
``pair_keys`` lists the syllable pairs that spell a word of underthesea's Viet74K dictionary
(a required package); the decoder adds a small bonus for them. (Measured and dropped: the
same dictionary and underthesea's gazetteer of administrative units as n-gram counts, or as
capitalised names: worse on the samples and on kh_1005.)

Writes ``lm.npz`` (vocabulary, counts, n-gram tables) and ``heldout_ids.txt`` (documents
held out for evaluation: sha1(id) % 10 == 0) into the output folder.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.correction.corpus import CORPUS_NAME, default_shared_dir, split_corpus  # noqa: E402
from pipeline.correction.lm import build_lm  # noqa: E402
from pipeline.correction.segment import COMMA, NUM, SPECIALS, canonical, sentences, symbol_of  # noqa: E402
from pipeline.correction.tokens import PROTECTED, WORD, ProtectedWords, tokenize  # noqa: E402
from pipeline.correction.viet import is_valid_syllable  # noqa: E402

CODE_PIECE = re.compile(r"[^\W\d_]+")


def corpus_sentences(
    docs: list[tuple[str, str]], protected: ProtectedWords, code_pieces: Counter[str] | None = None
) -> list[list[str]]:
    out: list[list[str]] = []
    for _, text in docs:
        tokens = list(tokenize(text, protected))
        if code_pieces is not None:
            for tok in tokens:
                if tok.kind == PROTECTED and any(c.isdigit() for c in tok.text):
                    code_pieces.update(CODE_PIECE.findall(tok.text))
        for sent in sentences(text, tokens):
            out.append([COMMA if i < 0 else symbol_of(tokens[i]) for i in sent])
    return out


def dictionary_pairs(vocab: list[str]) -> np.ndarray:
    """Sorted v*V+w of adjacent syllables in the entries of underthesea's Viet74K dictionary."""
    import underthesea

    index = {w: i for i, w in enumerate(vocab)}
    size = len(vocab)
    path = Path(underthesea.__file__).parent / "corpus" / "data" / "Viet74K.txt"
    pairs: set[int] = set()
    for entry in path.read_text(encoding="utf-8").splitlines():
        ids = [index.get(canonical(w)) for w in entry.replace("-", " ").split()]
        for a, b in zip(ids, ids[1:], strict=False):
            if a is not None and b is not None:
                pairs.add(a * size + b)
    return np.array(sorted(pairs), dtype=np.int64)


def capital_counts(docs: list[tuple[str, str]], protected: ProtectedWords) -> Counter[str]:
    """How often each word is written with a capital (not all caps) inside a sentence."""
    caps: Counter[str] = Counter()
    for _, text in docs:
        tokens = list(tokenize(text, protected))
        for sent in sentences(text, tokens):
            for i in sent[1:]:
                tok = tokens[i] if i >= 0 else None
                if tok is not None and tok.kind == WORD and tok.text[:1].isupper() and not tok.text.isupper():
                    caps[symbol_of(tok)] += 1
    return caps


def choose_vocab(counts: Counter[str], min_syllable: int, min_other: int) -> list[str]:
    words = []
    for w, c in counts.items():
        if w in SPECIALS:
            continue
        if c >= (min_syllable if is_valid_syllable(w) else min_other):
            words.append(w)
    words.sort(key=lambda w: (-counts[w], w))
    return list(SPECIALS) + words


LETTER_TEXT_REPEATS = 3


def agency_name_documents(path: Path, repeats: int) -> list[tuple[str, str]]:
    """The local agencies' names (dictionaries/agency_names.txt) as training text, each name a
    sentence, ``repeats`` times: the central legislation of the corpus rarely names them."""
    if repeats <= 0 or not path.is_file():
        return []
    names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    text = "\n".join(f"Của {name}." for name in names)  # a name mostly follows "của"
    return [(f"agency-names-{k}", text) for k in range(repeats)]


def letter_text_documents(path: Path, repeats: int) -> list[tuple[str, str]]:
    """The project's own letter text (dictionaries/letter_text.txt: bodies of fictional letters of
    local agencies), ``repeats`` times: the corpus is central legislation, and never writes what
    letters say every day ("đẩy nhanh tiến độ", "phấn đấu", "nhà tạm", "Tổ công tác")."""
    if repeats <= 0 or not path.is_file():
        return []
    text = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
    return [(f"letter-text-{k}", text) for k in range(repeats)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=default_shared_dir())
    ap.add_argument("--out", type=Path, default=REPO / "pipeline" / "models")
    ap.add_argument("--min-trigram", type=int, default=2)
    ap.add_argument("--min-syllable", type=int, default=2)
    ap.add_argument("--min-other", type=int, default=3)
    ap.add_argument("--agency-names", type=Path, default=REPO / "dictionaries" / "agency_names.txt")
    ap.add_argument("--agency-name-repeats", type=int, default=3, help="0: leave the names out")
    ap.add_argument("--letter-text", type=Path, default=REPO / "dictionaries" / "letter_text.txt")
    ap.add_argument("--letter-text-repeats", type=int, default=LETTER_TEXT_REPEATS, help="0: leave it out")
    args = ap.parse_args(argv)

    t0 = time.time()
    train, held = split_corpus(args.shared / CORPUS_NAME)
    train = train + agency_name_documents(args.agency_names, args.agency_name_repeats)
    train = train + letter_text_documents(args.letter_text, args.letter_text_repeats)
    protected = ProtectedWords.load(REPO / "dictionaries")
    code_pieces: Counter[str] = Counter()
    sents = corpus_sentences(train, protected, code_pieces)
    counts = Counter(w for s in sents for w in s)
    vocab = choose_vocab(counts, args.min_syllable, args.min_other)
    arrays = build_lm(sents, vocab, counts, min_trigram_count=args.min_trigram)
    # names, places, agencies: lets the engine read "Trần", not "Trận", inside a sentence
    caps = capital_counts(train, protected)
    arrays["cap_counts"] = np.array([caps.get(w, 0) for w in vocab], dtype=np.int64)
    arrays["pair_keys"] = dictionary_pairs(vocab)
    # letters of document codes (NĐ, QĐ, PGDĐT...): lets the engine suggest "NĐ-CP" for "ND-CP"
    pieces = sorted(p for p, c in code_pieces.items() if c >= 2)
    arrays["code_pieces"] = np.array(pieces)
    arrays["code_piece_counts"] = np.array([code_pieces[p] for p in pieces], dtype=np.int64)
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / "lm.npz", **arrays)
    (args.out / "heldout_ids.txt").write_text("".join(f"{d}\n" for d, _ in held), encoding="utf-8")
    n_tokens = sum(len(s) for s in sents)
    size = (args.out / "lm.npz").stat().st_size
    print(
        f"train docs {len(train)}, held-out docs {len(held)}, tokens {n_tokens}, vocab {len(vocab)}, "
        f"bigrams {len(arrays['bi_keys'])}, trigrams {len(arrays['tri_keys'])}, "
        f"contexts {len(arrays['ctx_keys'])}, lm.npz {size / 1e6:.1f} MB, {time.time() - t0:.0f} s"
    )
    print(f"<num> count {counts[NUM]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
