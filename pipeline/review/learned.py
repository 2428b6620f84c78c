"""The learned folder (fixes.jsonl, keep.jsonl, lexicon.txt) derived from the decisions.

The folder is a pure function of the review database and is rewritten whole after
every decision, so it never drifts from what the clerks decided. Rules (see
docs/REVIEW.md and notes/correction_api.md):

- context = (original token as written, left token, right token), the neighbours
  lower-cased as the engine computes them; outcome = the chosen word as written
  (the engine matches tokens case-sensitively), or "keep" when the clerk kept the
  OCR reading.
- ``decisions`` counts distinct users who chose that outcome in that context, minus
  the distinct users who chose another outcome there: one clerk deciding the same
  thing ten times still counts once, so one clerk's slip cannot reach the
  automatic threshold (2) alone, and disagreement cancels agreement.
- ``approved`` is true when an admin made that decision or approved the rule.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pipeline.atomic import write_text

from .db import approvals, audit, items, lexicon, users, utcnow

KEEP = "\x00keep"


def _is_token(text: str) -> bool:
    return bool(text) and len(text.split()) == 1


def learned_rules(engine: Engine) -> tuple[list[dict], list[dict], list[str]]:
    """(fixes, keeps, lexicon words) as they go to the learned folder."""
    query = (
        sa.select(items.c.original, items.c.value, items.c.action, items.c.left_ctx, items.c.right_ctx,
                  users.c.name, users.c.role)
        .join(users, users.c.id == items.c.decided_by)
        .where(items.c.action.is_not(None))
    )
    with engine.connect() as conn:
        rows = list(conn.execute(query))
        approved = {(r.kind, r.original, r.corrected, r.left_ctx, r.right_ctx) for r in conn.execute(sa.select(approvals))}
        words = sorted(r.word for r in conn.execute(sa.select(lexicon.c.word)))
    votes: dict[tuple[str, str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    admin_votes: set[tuple] = set()
    for row in rows:
        original = row.original
        if not _is_token(original):
            continue  # the engine matches single tokens
        value = row.value
        outcome = KEEP if row.action == "keep" or value == original else value
        context = (original, row.left_ctx, row.right_ctx)
        votes[context][outcome].add(row.name)
        if row.role == "admin":
            admin_votes.add((context, outcome))
    fixes: list[dict] = []
    keeps: list[dict] = []
    for context in sorted(votes):
        original, left, right = context
        outcomes = votes[context]
        for outcome in sorted(outcomes):
            others = set().union(*(u for o, u in outcomes.items() if o != outcome)) - outcomes[outcome]
            count = max(0, len(outcomes[outcome]) - len(others))
            if outcome == KEEP:
                is_approved = (context, outcome) in admin_votes or ("keep", original, original, left, right) in approved
                keeps.append({"word": original, "left": left, "right": right, "decisions": count, "approved": is_approved})
            else:
                is_approved = (context, outcome) in admin_votes or ("fix", original, outcome, left, right) in approved
                fixes.append({"original": original, "corrected": outcome, "left": left, "right": right,
                              "decisions": count, "approved": is_approved})
    return fixes, keeps, words


def _jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def write_learned(engine: Engine, folder: Path) -> None:
    """Rewrite the learned folder from the database (atomic per file)."""
    fixes, keeps, words = learned_rules(engine)
    contents = {
        "fixes.jsonl": _jsonl(fixes),
        "keep.jsonl": _jsonl(keeps),
        "lexicon.txt": "".join(w + "\n" for w in words),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in contents.items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            write_text(path, text)


def approve_rule(engine: Engine, user, kind: str, original: str, corrected: str, left: str, right: str) -> None:
    """An admin's approval makes a rule apply automatically even with fewer than two decisions."""
    values = {"kind": kind, "original": original, "corrected": corrected,
              "left_ctx": left.lower(), "right_ctx": right.lower()}
    with engine.begin() as conn:
        exists = conn.execute(sa.select(approvals.c.id).filter_by(**values)).first()
        if not exists:
            conn.execute(approvals.insert().values(user_id=user.id, at=utcnow(), **values))
            conn.execute(audit.insert().values(
                at=utcnow(), user_id=user.id, action=f"approve_{kind}", old_value=original, new_value=corrected,
            ))


def add_lexicon_word(engine: Engine, user, word: str) -> bool:
    word = word.strip()
    if not _is_token(word) or len(word) > 200:
        return False
    with engine.begin() as conn:
        if not conn.execute(sa.select(lexicon.c.word).where(lexicon.c.word == word)).first():
            conn.execute(lexicon.insert().values(word=word, user_id=user.id, at=utcnow()))
            conn.execute(audit.insert().values(at=utcnow(), user_id=user.id, action="lexicon_add", new_value=word))
    return True
