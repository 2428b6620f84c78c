"""Write ``<stem>.reviewed.json``: the Document with every review decision applied.

A decision changes the words it names (the text and all spans are then rebuilt
from the words), the structured fields that quoted the old reading, and the
Correction itself (``corrected`` = the decided word, ``flagged`` = False). Who
decided what and when goes into ``Correction.decision`` when the model has that
field, otherwise into ``<stem>.review-log.json`` beside the reviewed JSON.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pipeline.atomic import write_text
from pipeline.model import Correction, Document, Section
from pipeline.textbuild import rebuild_text

from .db import aware, documents, items, users
from .store import REVIEWED_SUFFIX, context_of

HAS_DECISION_FIELD = "decision" in Correction.model_fields


@dataclass(frozen=True)
class Decision:
    position: int
    original: str
    action: str
    value: str
    user: str
    at: str


def decisions_of(engine: Engine, doc_id: int) -> list[Decision]:
    query = (
        sa.select(items.c.position, items.c.original, items.c.action, items.c.value, items.c.decided_at, users.c.name)
        .join(users, users.c.id == items.c.decided_by)
        .where(items.c.document_id == doc_id, items.c.action.is_not(None))
        .order_by(items.c.position)
    )
    with engine.connect() as conn:
        return [
            Decision(r.position, r.original, r.action, r.value, r.name, _iso(r.decided_at))
            for r in conn.execute(query)
        ]


def _iso(moment) -> str:
    """UTC ISO 8601 to the second; SQLite hands back naive datetimes, stored as UTC."""
    return aware(moment).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- applying decisions ------------------------------------------------------


def apply_decisions(doc: Document, decisions: list[Decision]) -> list[str]:
    """Apply decisions in place; returns warnings for decisions that no longer fit the document."""
    warnings: list[str] = []
    old_text = doc.text
    old_spans = {w.id: w.span for w in doc.words()}
    phrases: list[tuple[str, str]] = []
    applied: list[tuple[Correction, Decision]] = []
    for decision in decisions:
        if decision.position >= len(doc.corrections) or doc.corrections[decision.position].original != decision.original:
            warnings.append(f"decision on correction {decision.position} ({decision.original!r}) no longer matches")
            continue
        corr = doc.corrections[decision.position]
        if decision.value != corr.original:
            phrases.append(_phrase_change(doc, corr, decision.value))
            _replace_words(doc, corr, decision.value)
            if corr.kind == "header_field":
                _apply_header(doc, corr.original, decision.value)
            if corr.kind == "reference":
                _apply_reference(doc, corr.original, decision.value)
        _clear_flags(doc, corr, decision.value)
        applied.append((corr, decision))
    rebuild_text(doc)
    shift = _offset_map(old_spans, {w.id: w.span for w in doc.words()})
    _apply_phrases(doc, [p for p in phrases if p[0]])
    _fix_spans(doc, shift, old_text)
    for corr, decision in applied:
        corr.corrected = decision.value
        corr.flagged = False
        if HAS_DECISION_FIELD:
            corr.decision = _decision_record(decision)
    doc.quality.flagged = sum(c.flagged for c in doc.corrections)
    doc.quality.corrected = sum(not c.flagged and c.corrected != c.original for c in doc.corrections)
    return warnings


def _decision_record(decision: Decision):
    """The decision as the model's own ``Correction.decision`` type (validated by pydantic)."""
    record = {"action": decision.action, "value": decision.value, "user": decision.user, "at": decision.at}
    probe = Correction.model_validate(
        {"original": decision.original, "corrected": decision.value, "confidence": 1.0, "flagged": False, "decision": record}
    )
    return probe.decision


def _phrase_change(doc: Document, corr: Correction, value: str) -> tuple[str, str]:
    """The old reading with its neighbours and the same phrase corrected, to fix quoted copies."""
    left, right, line = context_of(doc, corr)
    if not line or corr.original not in line:
        return "", ""
    pattern = r"\b" + r"\W+".join(re.escape(t) for t in (left, corr.original.lower(), right) if t) + r"\b"
    match = re.search(pattern, line.lower())
    if not match or not (left or right):
        return "", ""
    old = line[match.start():match.end()]
    index = old.lower().find(corr.original.lower(), len(left))
    return old, old[:index] + value + old[index + len(corr.original):]


def _replace_words(doc: Document, corr: Correction, value: str) -> None:
    ids = set(corr.word_ids)
    first = True
    for page in doc.pages:
        for block in page.blocks:
            for line in block.lines:
                kept = []
                for word in line.words:
                    if word.id not in ids:
                        kept.append(word)
                    elif first:
                        if word.ocr_text is None:
                            word.ocr_text = word.text
                        word.text = value
                        kept.append(word)
                        first = False
                line.words = kept  # the other words of a multi-word reading merge into the first


def _clear_flags(doc: Document, corr: Correction, value: str) -> None:
    readings = (corr.original, value)
    for name, evidence in doc.header.evidence.items():
        if evidence.flagged and corr.kind == "header_field" and _quotes(_header_value(doc, name), readings):
            evidence.flagged = False
    for reference in doc.references:
        for mention in reference.mentions:
            if mention.flagged and corr.kind == "reference" and mention.text in readings:
                mention.flagged = False
                mention.suggestion = None


def _header_value(doc: Document, name: str):
    return getattr(doc.header, name, None)


def _quotes(field_value, readings: tuple[str, str]) -> bool:
    """Whether a header field holds the flagged reading (or the decided one) as a whole word."""
    values = field_value if isinstance(field_value, list) else [field_value]
    return any(
        re.search(r"(?<!\w)" + re.escape(reading) + r"(?!\w)", v) for v in values if isinstance(v, str) for reading in readings
    )


def _apply_header(doc: Document, original: str, value: str) -> None:
    for name, current in doc.header:
        if name == "evidence":
            continue
        if current == original:
            setattr(doc.header, name, value)
        elif isinstance(current, list):
            setattr(doc.header, name, [value if v == original else v for v in current])


def _apply_reference(doc: Document, original: str, value: str) -> None:
    for reference in doc.references:
        if reference.number == original:
            reference.number = value
        for mention in reference.mentions:
            if mention.text == original:
                mention.text = value


def _apply_phrases(doc: Document, phrases: list[tuple[str, str]]) -> None:
    """Replace the old phrase in the structured fields that quoted it (not in spans' text)."""
    if not phrases:
        return

    def fix(text: str | None) -> str | None:
        if text is None:
            return None
        for old, new in phrases:
            text = text.replace(old, new)
        return text

    header = doc.header
    for name, current in header:
        if isinstance(current, str):
            setattr(header, name, fix(current))
        elif isinstance(current, list) and name != "evidence":
            setattr(header, name, [fix(v) for v in current])
    for basis in doc.legal_bases:
        basis.text = fix(basis.text)
    for unit in doc.responsible_units:
        unit.unit = fix(unit.unit)
        unit.duties = [fix(d) for d in unit.duties]
    doc.recipients = [fix(r) for r in doc.recipients]
    for name in ("authority", "title", "signer"):
        setattr(doc.signature, name, fix(getattr(doc.signature, name)))
    for section in _all_sections(doc.sections):
        if section.span is None:
            section.text = fix(section.text)
        section.title = fix(section.title)


def _all_sections(sections: list[Section]):
    for section in sections:
        yield section
        yield from _all_sections(section.children)


def _offset_map(old: dict, new: dict):
    """old text offset -> new text offset, from the words' spans before and after."""
    pairs = sorted((old[i][0], old[i][1], new[i][0], new[i][1]) for i in new if old.get(i) and new.get(i))
    starts = [p[0] for p in pairs]

    def shift(position: int) -> int:
        index = bisect.bisect_right(starts, position) - 1
        if index < 0:
            return position
        old_start, old_end, new_start, new_end = pairs[index]
        if position <= old_end:
            return min(new_start + (position - old_start), new_end)
        return new_end + (position - old_end)

    return shift


def _fix_spans(doc: Document, shift, old_text: str) -> None:
    spans = {w.id: w.span for w in doc.words()}
    for corr in doc.corrections:
        word_spans = [spans[w] for w in corr.word_ids if spans.get(w)]
        if word_spans:
            corr.span = (min(s[0] for s in word_spans), max(s[1] for s in word_spans))
        elif corr.span:
            corr.span = (shift(corr.span[0]), shift(corr.span[1]))
    for section in _all_sections(doc.sections):
        if section.span:
            section.span = (shift(section.span[0]), shift(section.span[1]))
            section.text = doc.text[section.span[0]:section.span[1]]
    for reference in doc.references:
        for mention in reference.mentions:
            if mention.span:
                mention.span = (shift(mention.span[0]), shift(mention.span[1]))


# --- export ------------------------------------------------------------------


def export_folder(engine: Engine, root: Path) -> list[tuple[Path, int, list[str]]]:
    """Write ``<stem>.reviewed.json`` for every imported document of ``root``.

    Returns (path written, decisions applied, warnings) per document.
    """
    root = root.resolve()
    with engine.connect() as conn:
        rows = list(conn.execute(sa.select(documents).where(documents.c.root == str(root)).order_by(documents.c.stem)))
    written = []
    for row in rows:
        source = root / f"{row.stem}.json"
        if not source.is_file():
            written.append((source, 0, [f"{source} is missing"]))
            continue
        doc = Document.from_json(source.read_bytes())
        decisions = decisions_of(engine, row.id)
        warnings = apply_decisions(doc, decisions)
        target = root / f"{row.stem}{REVIEWED_SUFFIX}"
        write_text(target, doc.to_json())
        if not HAS_DECISION_FIELD:
            log = [{"correction": d.position, "original": d.original, "action": d.action, "value": d.value,
                    "user": d.user, "at": d.at} for d in decisions]
            write_text(root / f"{row.stem}.review-log.json", json.dumps(log, ensure_ascii=False, indent=2))
        written.append((target, len(decisions) - len(warnings), warnings))
    return written
