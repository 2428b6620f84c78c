"""Review items in the database: import from an output folder, queries, decisions, undo.

An item is one flagged ``Correction`` of a Document. Deciding an item is an
``UPDATE ... WHERE version = :seen`` so that the second of two clerks deciding
the same item gets a ``Conflict`` instead of silently overwriting the first.
Every change writes an audit row in the same transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from PIL import Image
from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine

from pipeline.correction.tokens import tokenize
from pipeline.model import BBox, Correction, Document

from .db import audit, documents, items, pages, users, utcnow
from .security import User

ACTIONS = ("accept", "pick", "edit", "keep")
MAX_VALUE_LENGTH = 200
REVIEWED_SUFFIX = ".reviewed.json"
SKIPPED_SUFFIXES = (REVIEWED_SUFFIX, ".review-log.json", ".blocks.json")


class Conflict(Exception):
    """Someone decided the item since the client loaded it."""

    def __init__(self, item: sa.Row):
        super().__init__(f"item {item.id} changed (version {item.version})")
        self.item = item


class InvalidDecision(ValueError):
    pass


@dataclass
class ImportSummary:
    documents: int = 0
    unchanged: int = 0
    items: int = 0
    skipped_files: list[str] = field(default_factory=list)
    dropped_decisions: int = 0


# --- import ------------------------------------------------------------------


def document_files(root: Path) -> list[Path]:
    return sorted(
        path for path in root.rglob("*.json")
        if not path.name.endswith(SKIPPED_SUFFIXES) and not path.name.startswith(".")
    )


def import_folder(engine: Engine, root: Path) -> ImportSummary:
    """Import (or refresh) every Document JSON under ``root``; decisions already made are kept."""
    root = root.resolve()
    summary = ImportSummary()
    for path in document_files(root):
        data = path.read_bytes()
        try:
            doc = Document.model_validate_json(data)
        except ValidationError:
            summary.skipped_files.append(str(path.relative_to(root)))
            continue
        stem = path.relative_to(root).with_suffix("").as_posix()
        sha = hashlib.sha256(data).hexdigest()
        with engine.begin() as conn:
            changed = _import_document(conn, root, stem, sha, doc, summary)
        if changed:
            summary.documents += 1
        else:
            summary.unchanged += 1
    return summary


def _import_document(conn: Connection, root: Path, stem: str, sha: str, doc: Document, summary: ImportSummary) -> bool:
    row = conn.execute(
        sa.select(documents).where(documents.c.root == str(root), documents.c.stem == stem)
    ).first()
    if row is not None and row.json_sha256 == sha:
        return False
    now = utcnow()
    if row is None:
        doc_id = conn.execute(
            documents.insert().values(root=str(root), stem=stem, json_sha256=sha, imported_at=now)
        ).inserted_primary_key[0]
    else:
        doc_id = row.id
        conn.execute(documents.update().where(documents.c.id == doc_id).values(json_sha256=sha, imported_at=now))
        conn.execute(pages.delete().where(pages.c.document_id == doc_id))
    _import_pages(conn, root, doc_id, doc)
    _import_items(conn, doc_id, doc, summary)
    return True


def _import_pages(conn: Connection, root: Path, doc_id: int, doc: Document) -> None:
    for page in doc.pages:
        width, height = page.width, page.height
        image_path = page.image.path if page.image else None
        if image_path:
            full = (root / image_path).resolve()
            if not full.is_relative_to(root) or not full.is_file():
                image_path = None  # never serve anything outside the output folder
            else:
                with Image.open(full) as image:
                    width, height = image.size
        conn.execute(
            pages.insert().values(document_id=doc_id, number=page.number, image_path=image_path, width=width, height=height)
        )


def _item_key(kind: str, word_ids: list[str], original: str, page: int | None) -> tuple:
    return kind, tuple(word_ids), original, page


def _import_items(conn: Connection, doc_id: int, doc: Document, summary: ImportSummary) -> None:
    existing = {
        _item_key(r.kind, list(r.word_ids), r.original, r.page): r
        for r in conn.execute(sa.select(items).where(items.c.document_id == doc_id))
    }
    # park the old positions out of the way of the unique (document, position) constraint
    conn.execute(items.update().where(items.c.document_id == doc_id).values(position=-items.c.id))
    lines = _lines_by_word(doc)
    seen: set[int] = set()
    for position, corr in enumerate(doc.corrections):
        if not corr.flagged:
            continue
        values = _item_values(doc, corr, lines)
        old = existing.get(_item_key(corr.kind, corr.word_ids, corr.original, corr.page))
        if old is not None:
            seen.add(old.id)
            if old.action is None:
                conn.execute(items.update().where(items.c.id == old.id).values(position=position, **values))
            else:
                conn.execute(items.update().where(items.c.id == old.id).values(position=position))
            continue
        conn.execute(items.insert().values(document_id=doc_id, position=position, version=1, **values))
        summary.items += 1
    for old in existing.values():
        if old.id not in seen:
            summary.dropped_decisions += old.action is not None
            conn.execute(items.delete().where(items.c.id == old.id))


def _lines_by_word(doc: Document) -> dict[str, tuple[int, BBox | None, list[BBox]]]:
    """word id -> (page number, its line's box, boxes of all lines of the page)."""
    found: dict[str, tuple[int, BBox | None, list[BBox]]] = {}
    for page in doc.pages:
        page_lines = [line.bbox for block in page.blocks for line in block.lines if line.bbox]
        for block in page.blocks:
            for line in block.lines:
                for word in line.words:
                    found[word.id] = (page.number, line.bbox, page_lines)
    return found


def _item_values(doc: Document, corr: Correction, lines: dict) -> dict:
    left, right, line_text = context_of(doc, corr)
    return {
        "kind": corr.kind,
        "page": corr.page if corr.page is not None else _page_of(corr, lines),
        "bbox": list(corr.bbox) if corr.bbox else None,
        "line_bbox": _line_box(corr, lines, doc),
        "word_ids": list(corr.word_ids),
        "original": corr.original,
        "suggestion": corr.corrected,
        "alternatives": [a for a in corr.alternatives if a != corr.corrected],
        "confidence": corr.confidence,
        "left_ctx": left[:200],
        "right_ctx": right[:200],
        "line_text": line_text,
    }


def _page_of(corr: Correction, lines: dict) -> int | None:
    for word_id in corr.word_ids:
        if word_id in lines:
            return lines[word_id][0]
    return None


def _union(boxes: list) -> list[int] | None:
    boxes = [b for b in boxes if b]
    if not boxes:
        return None
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]


def _line_box(corr: Correction, lines: dict, doc: Document) -> list[int] | None:
    """The box of the whole line(s) holding the flagged word, so the crop shows the line."""
    boxes = [lines[w][1] for w in corr.word_ids if w in lines]
    if boxes:
        return _union(boxes + [corr.bbox])
    if corr.bbox is None or corr.page is None:
        return None
    page_lines = next((p for p in doc.pages if p.number == corr.page), None)
    candidates = [line.bbox for block in (page_lines.blocks if page_lines else []) for line in block.lines if line.bbox]
    best = max(candidates, key=lambda b: _overlap(b, corr.bbox), default=None)
    return _union([best, corr.bbox]) if best and _overlap(best, corr.bbox) > 0 else list(corr.bbox)


def _overlap(a, b) -> int:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(0, width) * max(0, height)


def _span_of(doc: Document, corr: Correction) -> tuple[int, int] | None:
    if corr.span:
        return corr.span
    spans = [w.span for w in doc.words() if w.id in set(corr.word_ids) and w.span]
    if not spans:
        return None
    return min(s[0] for s in spans), max(s[1] for s in spans)


def context_of(doc: Document, corr: Correction) -> tuple[str, str, str]:
    """(left token, right token, whole line) around the correction; tokens lower-cased,
    "" at line edges. Tokens are the correction engine's (``pipeline.correction.tokens``)."""
    span = _span_of(doc, corr)
    if span is None or span[1] > len(doc.text):
        return "", "", ""
    start, end = span
    line_start = doc.text.rfind("\n", 0, start) + 1
    line_end = doc.text.find("\n", end)
    line_end = len(doc.text) if line_end < 0 else line_end
    line = doc.text[line_start:line_end]
    tokens = list(tokenize(line))
    before = [t for t in tokens if t.end <= start - line_start]
    after = [t for t in tokens if t.start >= end - line_start]
    left = before[-1].text.lower() if before else ""
    right = after[0].text.lower() if after else ""
    return left, right, line


# --- queries -----------------------------------------------------------------


def queue(engine: Engine) -> list[sa.Row]:
    """Documents with their open and total item counts."""
    open_count = sa.func.sum(sa.case((items.c.action.is_(None), 1), else_=0))
    query = (
        sa.select(documents.c.id, documents.c.stem, sa.func.count(items.c.id).label("total"),
                  sa.func.coalesce(open_count, 0).label("open"))
        .select_from(documents.outerjoin(items, items.c.document_id == documents.c.id))
        .group_by(documents.c.id, documents.c.stem)
        .order_by(documents.c.stem)
    )
    with engine.connect() as conn:
        return list(conn.execute(query))


def get_item(engine: Engine, item_id: int) -> sa.Row | None:
    query = (
        sa.select(items, documents.c.stem, documents.c.root, users.c.name.label("decided_by_name"))
        .join(documents, documents.c.id == items.c.document_id)
        .outerjoin(users, users.c.id == items.c.decided_by)
        .where(items.c.id == item_id)
    )
    with engine.connect() as conn:
        return conn.execute(query).first()


def get_document(engine: Engine, doc_id: int) -> sa.Row | None:
    with engine.connect() as conn:
        return conn.execute(sa.select(documents).where(documents.c.id == doc_id)).first()


def document_pages(engine: Engine, doc_id: int) -> list[sa.Row]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(pages).where(pages.c.document_id == doc_id).order_by(pages.c.number)))


def get_page(engine: Engine, doc_id: int, number: int) -> sa.Row | None:
    query = (
        sa.select(pages, documents.c.root)
        .join(documents, documents.c.id == pages.c.document_id)
        .where(pages.c.document_id == doc_id, pages.c.number == number)
    )
    with engine.connect() as conn:
        return conn.execute(query).first()


def document_items(engine: Engine, doc_id: int) -> list[sa.Row]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(items).where(items.c.document_id == doc_id).order_by(items.c.position)))


def _ordered_ids(conn: Connection, only_open: bool = False) -> list[int]:
    query = (
        sa.select(items.c.id)
        .join(documents, documents.c.id == items.c.document_id)
        .order_by(documents.c.stem, items.c.position)
    )
    if only_open:
        query = query.where(items.c.action.is_(None))
    return [r.id for r in conn.execute(query)]


def neighbours(engine: Engine, item_id: int) -> tuple[int | None, int | None]:
    """(previous, next) item in queue order."""
    with engine.connect() as conn:
        ordered = _ordered_ids(conn)
    if item_id not in ordered:
        return None, None
    index = ordered.index(item_id)
    previous = ordered[index - 1] if index > 0 else None
    following = ordered[index + 1] if index + 1 < len(ordered) else None
    return previous, following


def next_open(engine: Engine, after_item: int | None = None) -> int | None:
    """The next open item after ``after_item`` in queue order, wrapping around."""
    with engine.connect() as conn:
        ordered = _ordered_ids(conn)
        open_ids = set(_ordered_ids(conn, only_open=True))
    if not open_ids:
        return None
    start = ordered.index(after_item) + 1 if after_item in ordered else 0
    for item_id in ordered[start:] + ordered[:start]:
        if item_id in open_ids:
            return item_id
    return None


def progress(engine: Engine, doc_id: int | None = None) -> tuple[int, int]:
    """(decided, total) items, for one document or all."""
    query = sa.select(sa.func.count(items.c.id), sa.func.count(items.c.action))
    if doc_id is not None:
        query = query.where(items.c.document_id == doc_id)
    with engine.connect() as conn:
        total, done = conn.execute(query).one()
    return done, total


# --- decisions ---------------------------------------------------------------


def decision_value(item: sa.Row, action: str, value: str | None, choice: int | None) -> str:
    """The text a decision puts in place of the flagged word."""
    if action == "accept":
        return item.suggestion
    if action == "keep":
        return item.original
    if action == "pick":
        if choice is None or not 1 <= choice <= len(item.alternatives):
            raise InvalidDecision("no such alternative")
        return item.alternatives[choice - 1]
    if action == "edit":
        text = " ".join((value or "").split())
        if not text or len(text) > MAX_VALUE_LENGTH:
            raise InvalidDecision(f"the correction must be 1-{MAX_VALUE_LENGTH} characters")
        return text
    raise InvalidDecision(f"unknown action {action!r}")


def decide(engine: Engine, user: User, item_id: int, seen_version: int, action: str,
           value: str | None = None, choice: int | None = None) -> sa.Row:
    """Record a decision if the item is still at ``seen_version``; raises Conflict otherwise."""
    with engine.begin() as conn:
        item = conn.execute(sa.select(items).where(items.c.id == item_id)).first()
        if item is None:
            raise KeyError(item_id)
        new_value = decision_value(item, action, value, choice)
        if action == "edit" and new_value == item.original:
            action = "keep"
        updated = conn.execute(
            items.update()
            .where(items.c.id == item_id, items.c.version == seen_version)
            .values(action=action, value=new_value, decided_by=user.id, decided_at=utcnow(), version=seen_version + 1)
        ).rowcount
        if updated != 1:
            raise Conflict(conn.execute(sa.select(items).where(items.c.id == item_id)).first())
        conn.execute(audit.insert().values(
            at=utcnow(), user_id=user.id, item_id=item_id, action=action,
            old_action=item.action, old_value=item.value, new_action=action, new_value=new_value,
            version=seen_version + 1,
        ))
        return conn.execute(sa.select(items).where(items.c.id == item_id)).first()


def reopen(engine: Engine, user: User, item_id: int, seen_version: int) -> sa.Row:
    """Undo the decision on one item (back to open), with the same version check."""
    with engine.begin() as conn:
        item = conn.execute(sa.select(items).where(items.c.id == item_id)).first()
        if item is None:
            raise KeyError(item_id)
        updated = conn.execute(
            items.update()
            .where(items.c.id == item_id, items.c.version == seen_version, items.c.action.is_not(None))
            .values(action=None, value=None, decided_by=None, decided_at=None, version=seen_version + 1)
        ).rowcount
        if updated != 1:
            raise Conflict(item)
        conn.execute(audit.insert().values(
            at=utcnow(), user_id=user.id, item_id=item_id, action="undo",
            old_action=item.action, old_value=item.value, new_action=None, new_value=None, version=seen_version + 1,
        ))
        return conn.execute(sa.select(items).where(items.c.id == item_id)).first()


def last_undoable(engine: Engine, user: User) -> sa.Row | None:
    """The user's most recent decision that nobody has changed since (for the undo key)."""
    query = (
        sa.select(audit.c.item_id, audit.c.version)
        .join(items, items.c.id == audit.c.item_id)
        .where(audit.c.user_id == user.id, audit.c.action.in_(ACTIONS),
               items.c.version == audit.c.version, items.c.action.is_not(None))
        .order_by(audit.c.id.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        return conn.execute(query).first()


def audit_rows(engine: Engine, item_id: int | None = None) -> list[sa.Row]:
    query = (
        sa.select(audit, users.c.name.label("user_name"))
        .join(users, users.c.id == audit.c.user_id)
        .order_by(audit.c.id)
    )
    if item_id is not None:
        query = query.where(audit.c.item_id == item_id)
    with engine.connect() as conn:
        return list(conn.execute(query))
