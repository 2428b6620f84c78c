"""Learn Tesseract's OCR confusions for Vietnamese from synthetic page images.

Corpus sentences from TRAINING documents are rendered to page images (several fonts with
Vietnamese glyphs, regular/bold/italic, some ALL-CAPS lines, 150-300 dpi, mild scan
degradations), OCR-ed with ``tesseract -l vie`` and ``-l eng``, aligned with rapidfuzz at
character level, and the character replacements inside each aligned token pair are counted.
The result is ``pipeline/models/confusions.tsv`` (read by ``pipeline.correction.channel``).

Run (about 6-10 minutes on 2 cores):
    nice -n 10 env OMP_THREAD_LIMIT=1 .venv/bin/python scripts/learn_confusions.py

The rendering/OCR/alignment helpers here are reused by ``scripts/make_ocr_sets.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from rapidfuzz.distance import Levenshtein

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from the checkout
    sys.path.insert(0, str(REPO))

from pipeline.correction.channel import edit_blocks, with_context  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "vbpl_legal_vi.jsonl.gz"
DEFAULT_OUT = REPO / "pipeline" / "models" / "confusions.tsv"
MODELS = ("vie", "eng")
MAX_PATTERN_LEN = 3  # longest side of a counted replacement (one more with borrowed context)

_FONT_DIRS = tuple(Path("/usr/share/fonts/truetype") / d for d in ("dejavu", "liberation2", "liberation", "noto"))
# family -> (regular, bold, italic) file names; all have full Vietnamese coverage
FONT_FAMILIES: dict[str, tuple[str, str, str]] = {
    "DejaVuSerif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf"),
    "DejaVuSans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"),
    "LiberationSerif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf"),
    "LiberationSans": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf"),
    "NotoSerif": ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf"),
    "NotoSans": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf"),
}
# Times-like serif faces dominate real letters; weight them up.
FAMILY_WEIGHTS = {"LiberationSerif": 4, "DejaVuSerif": 2, "NotoSerif": 2, "LiberationSans": 1, "DejaVuSans": 1, "NotoSans": 1}


# ---------------------------------------------------------------- corpus


def is_heldout(doc_id: str) -> bool:
    """Held-out documents are never used for learning (shared split rule of the project)."""
    return int(hashlib.sha1(doc_id.encode()).hexdigest(), 16) % 10 == 0


def iter_documents(corpus: Path, *, heldout: bool) -> Iterator[tuple[str, str]]:
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if is_heldout(doc["id"]) == heldout:
                yield doc["id"], unicodedata.normalize("NFC", doc["text"])


_NUMBERED = re.compile(r"^\d+[.)]\s")  # "1. ..." starts a new item


def _continues(line: str) -> bool:
    """A lower-case word, a digit run or punctuation continues the previous (cut) sentence."""
    first = line[0]
    return first.islower() or first in "/,;.)-–" or (first.isdigit() and not _NUMBERED.match(line))


def paragraphs(text: str) -> list[str]:
    """Corpus lines are HTML blocks, so sentences are often cut; glue obvious fragments back."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if not line:
            continue
        if out and _continues(line) and not out[-1].endswith((".", ":", ";")):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return [p for p in out if sum(ch.isalpha() for ch in p) >= 3]


# ---------------------------------------------------------------- rendering


@dataclass(frozen=True)
class RenderedLine:
    text: str  # exactly what is drawn (after upper-casing)
    variant: int  # 0 regular, 1 bold, 2 italic


@dataclass
class PageSpec:
    family: str
    dpi: int
    size_pt: float
    lines: list[RenderedLine] = field(default_factory=list)


def _font_path(name: str) -> Path:
    for folder in _FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"font {name} not found in {_FONT_DIRS}")


def available_families() -> list[str]:
    found = []
    for family, files in FONT_FAMILIES.items():
        try:
            for name in files:
                _font_path(name)
        except FileNotFoundError:
            continue
        found.append(family)
    if not found:
        raise SystemExit("no font with Vietnamese glyphs found (install fonts-dejavu / fonts-liberation2)")
    return found


_FONT_CACHE: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}


def load_font(family: str, variant: int, size_px: int) -> ImageFont.FreeTypeFont:
    name = FONT_FAMILIES[family][variant]
    key = (name, size_px)
    if key not in _FONT_CACHE:
        _FONT_CACHE[key] = ImageFont.truetype(str(_font_path(name)), size_px)
    return _FONT_CACHE[key]


def page_geometry(dpi: int, size_pt: float) -> tuple[int, int, int, int]:
    """(width, height, margin, line_height) in pixels for an A4 page."""
    size_px = round(size_pt / 72 * dpi)
    return round(8.27 * dpi), round(11.69 * dpi), round(0.75 * dpi), round(size_px * 1.45)


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if current and font.getlength(trial) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def layout_pages(paras: Sequence[str], rng: random.Random, families: Sequence[str], *,
                 lines_per_page: int, max_lines: int, caps_rate: float = 0.12) -> list[PageSpec]:
    """Wrap paragraphs into pages of ~lines_per_page lines, each page in its own font and size."""
    pages: list[PageSpec] = []
    page: PageSpec | None = None
    total = 0
    weights = [FAMILY_WEIGHTS.get(f, 1) for f in families]
    for para in paras:
        if total >= max_lines:
            break
        if page is None or len(page.lines) >= lines_per_page:
            page = PageSpec(rng.choices(families, weights)[0], rng.choice((150, 200, 200, 300)),
                            rng.choice((11, 12, 12, 13, 13, 14)))
            pages.append(page)
        caps = rng.random() < caps_rate
        variant = rng.choices((0, 1, 2), (0.72, 0.14, 0.14))[0]
        if caps and variant == 2:
            variant = 1
        width, _, margin, _ = page_geometry(page.dpi, page.size_pt)
        font = load_font(page.family, variant, round(page.size_pt / 72 * page.dpi))
        text = para.upper() if caps else para
        if caps:
            text = text[:160]  # headings are short
        for line in wrap(text, font, width - 2 * margin):
            if len(page.lines) >= lines_per_page:
                page = PageSpec(page.family, page.dpi, page.size_pt)
                pages.append(page)
            page.lines.append(RenderedLine(line, variant))
            total += 1
    return [p for p in pages if p.lines]


def render_page(spec: PageSpec) -> Image.Image:
    width, height, margin, line_height = page_geometry(spec.dpi, spec.size_pt)
    size_px = round(spec.size_pt / 72 * spec.dpi)
    needed = margin * 2 + line_height * len(spec.lines)
    image = Image.new("L", (width, max(height, needed)), 255)
    draw = ImageDraw.Draw(image)
    y = margin
    for line in spec.lines:
        draw.text((margin, y), line.text, font=load_font(spec.family, line.variant, size_px), fill=0)
        y += line_height
    return image


def degrade(image: Image.Image, rng: random.Random, dpi: int, font_px: int) -> Image.Image:
    """Scan look of random severity: resolution loss, stroke weight, blur, bitonal threshold,
    speckles, noise, slight rotation and JPEG artefacts (a clean render is read almost perfectly
    by ``vie``, which would teach nothing about real scans). Text keeps at least ~22 px per em
    after resolution loss: smaller, the page is unreadable rather than misread."""
    severity = rng.random()
    width, height = image.size
    if severity > 0.3:  # lost resolution: marks shrink to a few pixels
        factor = rng.uniform(0.45, 0.8) if severity > 0.6 else rng.uniform(0.7, 0.9)
        factor = max(factor, min(22 / font_px, 0.95))
        small = image.resize((round(width * factor), round(height * factor)), Image.BILINEAR)
        image = small.resize((width, height), rng.choice((Image.BILINEAR, Image.NEAREST)))
    stroke = rng.random()
    if dpi >= 300 and stroke < 0.2:
        image = image.filter(ImageFilter.MinFilter(3))  # fat ink
    elif dpi >= 300 and stroke > 0.85:
        image = image.filter(ImageFilter.MaxFilter(3))  # faint ink (thinner strokes vanish when bitonal)
    image = image.rotate(rng.uniform(-0.8, 0.8), resample=Image.BICUBIC, expand=False, fillcolor=255)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.5 + 0.6 * severity) * dpi / 200))
    pixels = np.asarray(image, dtype=np.float32)
    np_rng = np.random.default_rng(rng.randrange(2**32))
    if rng.random() < 0.35:  # bitonal scan: threshold at a random ink level breaks or merges strokes
        pixels = np.where(pixels < rng.uniform(120, 185), 0.0, 255.0)
    if severity > 0.5:  # dust and speckles
        specks = np_rng.random(pixels.shape) < 0.0006 * severity
        pixels[specks] = 0.0
    pixels = pixels * rng.uniform(0.85, 1.0) + rng.uniform(0, 30)  # grey paper, weaker contrast
    pixels = np.clip(pixels + np_rng.normal(0, rng.uniform(4, 8 + 16 * severity), pixels.shape), 0, 255)
    image = Image.fromarray(pixels.astype(np.uint8), mode="L")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=rng.randint(35, 85))
    buffer.seek(0)
    return Image.open(buffer).convert("L")


# ---------------------------------------------------------------- OCR


def tesseract(image_path: Path, lang: str, dpi: int, *, psm: int = 6, timeout: float = 180) -> str:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cmd = ["tesseract", str(image_path), "stdout", "-l", lang, "--psm", str(psm), "--dpi", str(dpi)]
    done = subprocess.run(cmd, capture_output=True, env=env, timeout=timeout, check=True)
    return unicodedata.normalize("NFC", done.stdout.decode("utf-8", errors="replace"))


def ocr_pages(images: Sequence[tuple[Path, int]], langs: Sequence[str], workers: int) -> dict[tuple[int, str], str]:
    """OCR every (image, dpi) with every language; returns {(page index, lang): text}."""
    jobs = [(i, lang) for i in range(len(images)) for lang in langs]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        texts = pool.map(lambda job: tesseract(images[job[0]][0], job[1], images[job[0]][1]), jobs)
        return dict(zip(jobs, texts, strict=True))


# ---------------------------------------------------------------- alignment


def align_tokens(gold: str, ocr: str) -> list[tuple[str, str]]:
    """Pair each gold token with the OCR substring aligned to it ((intended, observed)).

    Both texts are reduced to single-space-joined tokens and aligned at character level, so
    dropped, split or merged words do not shift the pairing of the rest of the page.
    """
    gold_s = " ".join(unicodedata.normalize("NFC", gold).split())
    ocr_s = " ".join(unicodedata.normalize("NFC", ocr).split())
    left = [0] * (len(gold_s) + 1)
    for op in Levenshtein.opcodes(gold_s, ocr_s):
        span = op.src_end - op.src_start
        for k in range(span):
            if op.tag == "delete":
                left[op.src_start + k] = op.dest_start
            else:
                left[op.src_start + k] = op.dest_start + k * (op.dest_end - op.dest_start) // span
    left[len(gold_s)] = len(ocr_s)
    pairs = []
    start = 0
    for token in gold_s.split(" "):
        end = start + len(token)
        pairs.append((token, ocr_s[left[start]:left[end]].strip()))
        start = end + 1
    return pairs


@dataclass
class ConfusionCounts:
    pairs: Counter = field(default_factory=Counter)  # (observed, intended) -> count
    seen: Counter = field(default_factory=Counter)  # substring of intended tokens (len 1..4) -> count
    ok: Counter = field(default_factory=Counter)  # intended char -> times read unchanged
    observed: Counter = field(default_factory=Counter)  # substring of observed tokens (len 1..4) -> count
    tokens: int = 0
    tokens_ok: int = 0
    skipped: int = 0

    def add(self, intended: str, observed: str) -> None:
        if not observed or len(observed) > 2 * len(intended) + 2 or " " in observed:
            self.skipped += 1  # dropped, split or grossly misaligned: no char-level evidence
            return
        self.tokens += 1
        self.tokens_ok += intended == observed
        for n in range(1, MAX_PATTERN_LEN + 2):
            for k in range(len(intended) - n + 1):
                self.seen[intended[k:k + n]] += 1
            for k in range(len(observed) - n + 1):
                self.observed[observed[k:k + n]] += 1
        changed = [False] * len(intended)
        for block in edit_blocks(intended, observed):
            i1, i2, j1, j2 = with_context(intended, observed, block)
            for k in range(i1, i2):
                changed[k] = True
            obs, want = observed[j1:j2], intended[i1:i2]
            if obs and want and obs != want and max(len(obs), len(want)) <= MAX_PATTERN_LEN + 1:
                self.pairs[obs, want] += 1
        for ch, was_changed in zip(intended, changed, strict=True):
            self.ok[ch] += not was_changed


# ---------------------------------------------------------------- table


def prune(counts: ConfusionCounts, *, min_count: int, max_rows: int, min_prob: float) -> list[tuple[str, str, int]]:
    rows = []
    for (obs, want), n in counts.pairs.items():
        if n >= min_count and n / max(counts.seen[want], n) >= min_prob:
            rows.append((obs, want, n))
    rows.sort(key=lambda r: (-r[2], r[0], r[1]))
    return rows[:max_rows]


def write_table(path: Path, tables: dict[str, ConfusionCounts], rows: dict[str, list[tuple[str, str, int]]],
                command: str, stats: str) -> None:
    def clean(s: str) -> str:
        return s.replace("\t", " ").replace("\n", " ")

    out = [
        "# OCR confusions learned from synthetic renderings of training-split legal Vietnamese",
        f"# built {dt.date.today().isoformat()} by: {command}",
        f"# {stats}",
        "# rows: observed<TAB>intended<TAB>count<TAB>model   (P(observed|intended) = count / seen(intended))",
        "# #seen<TAB>s<TAB>n<TAB>model : s occurred n times in aligned intended tokens",
        "# #ok<TAB>c<TAB>n<TAB>model   : char c of an intended token was read unchanged n times",
        "# #obs<TAB>s<TAB>n<TAB>model  : s occurred n times in aligned observed tokens (for P(intended|observed))",
        "# #total<TAB>key<TAB>n<TAB>model : tokens, tokens_ok, chars, chars_ok",
    ]
    for model in sorted(tables):
        counts = tables[model]
        out.append(f"#total\ttokens\t{counts.tokens}\t{model}")
        out.append(f"#total\ttokens_ok\t{counts.tokens_ok}\t{model}")
        out.append(f"#total\tchars\t{sum(counts.seen[c] for c in counts.ok)}\t{model}")
        out.append(f"#total\tchars_ok\t{sum(counts.ok.values())}\t{model}")
        for ch in sorted(counts.ok):
            if counts.seen[ch] >= 3 and ch.strip():
                out.append(f"#ok\t{clean(ch)}\t{counts.ok[ch]}\t{model}")
        for want in sorted({r[1] for r in rows[model]}):
            out.append(f"#seen\t{clean(want)}\t{counts.seen[want]}\t{model}")
        observed_keys = {r[0] for r in rows[model]} | {c for c in counts.ok if counts.observed[c] >= 3}
        for obs in sorted(observed_keys):
            if obs.strip():
                out.append(f"#obs\t{clean(obs)}\t{counts.observed[obs]}\t{model}")
    for model in sorted(rows):
        out.extend(f"{clean(o)}\t{clean(w)}\t{n}\t{model}" for o, w, n in rows[model])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- driver


def sample_paragraphs(corpus: Path, *, heldout: bool, rng: random.Random, per_doc: int,
                      max_docs: int | None = None) -> list[tuple[str, list[str]]]:
    """Per document, a random contiguous run of up to per_doc paragraphs."""
    docs = [(doc_id, paragraphs(text)) for doc_id, text in iter_documents(corpus, heldout=heldout)]
    rng.shuffle(docs)
    if max_docs is not None:
        docs = docs[:max_docs]
    picked = []
    for doc_id, paras in docs:
        if not paras:
            continue
        start = rng.randrange(max(1, len(paras) - per_doc))
        picked.append((doc_id, paras[start:start + per_doc]))
    return picked


def render_to_files(pages: Sequence[PageSpec], rng: random.Random, folder: Path, prefix: str) -> list[tuple[Path, int]]:
    files = []
    for n, spec in enumerate(pages):
        path = folder / f"{prefix}{n:04d}.png"
        font_px = round(spec.size_pt / 72 * spec.dpi)
        degrade(render_page(spec), rng, spec.dpi, font_px).save(path, dpi=(spec.dpi, spec.dpi))
        files.append((path, spec.dpi))
    return files


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--lines", type=int, default=5000, help="rendered lines at most (also capped by --per-doc)")
    parser.add_argument("--lines-per-page", type=int, default=36)
    parser.add_argument("--per-doc", type=int, default=6, help="paragraphs taken from each document")
    parser.add_argument("--seed", type=int, default=20241126)
    parser.add_argument("--workers", type=int, default=2, help="parallel tesseract processes")
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--min-prob", type=float, default=0.002, help="lowest P(observed|intended) kept")
    parser.add_argument("--max-rows", type=int, default=1500, help="rows kept per model")
    parser.add_argument("--keep-pages", type=Path, help="keep rendered pages and OCR text here")
    args = parser.parse_args(argv)

    started = time.monotonic()
    rng = random.Random(args.seed)
    families = available_families()
    docs = sample_paragraphs(args.corpus, heldout=False, rng=rng, per_doc=args.per_doc)
    paras = [p for _, ps in docs for p in ps]
    pages = layout_pages(paras, rng, families, lines_per_page=args.lines_per_page, max_lines=args.lines)
    n_lines = sum(len(p.lines) for p in pages)
    print(f"{len(docs)} training docs, {n_lines} lines on {len(pages)} pages, fonts {families}", flush=True)

    with tempfile.TemporaryDirectory(prefix="sohoa_conf_") as tmp:
        folder = args.keep_pages or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        images = render_to_files(pages, rng, folder, "page")
        print(f"rendered in {time.monotonic() - started:.0f}s; running tesseract", flush=True)
        texts = ocr_pages(images, MODELS, args.workers)
        if args.keep_pages:
            for (i, lang), text in texts.items():
                (folder / f"page{i:04d}.{lang}.txt").write_text(text, encoding="utf-8")
                (folder / f"page{i:04d}.gold.txt").write_text("\n".join(ln.text for ln in pages[i].lines), encoding="utf-8")

    tables = {model: ConfusionCounts() for model in MODELS}
    for (i, lang), text in texts.items():
        for intended, observed in align_tokens("\n".join(ln.text for ln in pages[i].lines), text):
            tables[lang].add(intended, observed)
    rows = {m: prune(tables[m], min_count=args.min_count, max_rows=args.max_rows, min_prob=args.min_prob) for m in MODELS}
    elapsed = time.monotonic() - started
    stats = "; ".join(
        f"{m}: {n_lines} lines, {tables[m].tokens} tokens ({tables[m].tokens_ok / max(tables[m].tokens, 1):.1%} read correctly), "
        f"{len(tables[m].pairs)} distinct replacements, {len(rows[m])} kept" for m in MODELS
    ) + f"; {elapsed:.0f}s"
    command = "nice -n 10 env OMP_THREAD_LIMIT=1 python scripts/learn_confusions.py " + " ".join(
        a for a in (argv if argv is not None else sys.argv[1:]))
    write_table(args.out, tables, rows, command.strip(), stats)
    print(stats)
    for m in MODELS:
        print(m, "top:", ", ".join(f"{o}->{w} {n}" for o, w, n in rows[m][:25]))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
