"""A box-less Document from plain text, the way the ingest stage reads a .txt input (for evaluation
and tests of the structure parsers)."""

from __future__ import annotations

import hashlib

from pipeline.model import Document, Source, SourceKind
from pipeline.stages.ingest import document_pages_from_text
from pipeline.textbuild import rebuild_text


def document_from_text(text: str, path: str = "<text>") -> Document:
    doc = Document(source=Source(path=path, sha256=hashlib.sha256(text.encode()).hexdigest(), pages=0,
                                 kind=SourceKind.text))
    doc.pages = document_pages_from_text(text)
    doc.source.pages = len(doc.pages)
    rebuild_text(doc)
    return doc
