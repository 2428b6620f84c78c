"""Access to the shared legal corpus and the held-out split used by every helper.

Held-out documents: ``int(sha1(id).hexdigest(), 16) % 10 == 0``. Held-out paragraphs that
also occur in a training document are dropped so that evaluation never sees training text.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

CORPUS_NAME = "corpus/vbpl_legal_vi.jsonl.gz"


def is_heldout(doc_id: str) -> bool:
    return int(hashlib.sha1(doc_id.encode()).hexdigest(), 16) % 10 == 0


def iter_documents(corpus_path: Path) -> Iterator[tuple[str, str]]:
    """Yield (id, text) for every corpus document."""
    with gzip.open(corpus_path, "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            yield doc["id"], doc["text"]


def split_corpus(corpus_path: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return (training documents, held-out documents with training paragraphs removed)."""
    train: list[tuple[str, str]] = []
    held: list[tuple[str, str]] = []
    for doc_id, text in iter_documents(corpus_path):
        (held if is_heldout(doc_id) else train).append((doc_id, text))
    seen = {p.strip() for _, text in train for p in text.split("\n") if p.strip()}
    cleaned = []
    for doc_id, text in held:
        paragraphs = [p for p in text.split("\n") if p.strip() and p.strip() not in seen]
        cleaned.append((doc_id, "\n".join(paragraphs)))
    return train, cleaned


def default_shared_dir() -> Path:
    """../shared beside the repository checkout."""
    return Path(__file__).resolve().parents[2].parent / "shared"


def heldout_texts(shared: Path, max_syllables: int) -> list[str]:
    """Held-out documents' texts, in corpus order, until ``max_syllables`` syllables."""
    from .metrics import syllables

    _, held = split_corpus(shared / CORPUS_NAME)
    texts, total = [], 0
    for _, text in held:
        texts.append(text)
        total += len(syllables(text))
        if total >= max_syllables:
            break
    return texts
