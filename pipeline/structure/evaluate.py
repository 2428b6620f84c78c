"""Compare structured fields of a predicted document with a gold one (used by scripts/eval_structure.py
and the tests): header fields exact, top-level sections P/R, reference recall, recipients and signature."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pipeline.model import Document
from pipeline.structure.text import squash

HEADER_FIELDS = ("parent_agency", "issuing_agency", "number", "doc_type_code", "place", "date", "date_text",
                 "doc_type", "subject", "addressees", "secrecy", "urgency")
SIGNATURE_FIELDS = ("authority", "title", "signer")


@dataclass
class Score:
    header_ok: int = 0
    header_total: int = 0
    sections_tp: int = 0
    sections_pred: int = 0
    sections_gold: int = 0
    titles_tp: int = 0
    titles_pred: int = 0
    titles_gold: int = 0
    refs_found: int = 0
    refs_gold: int = 0
    recipients_ok: int = 0
    docs: int = 0
    signature_ok: int = 0
    signature_total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name, value in vars(other).items():
            if isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)
        self.misses.extend(other.misses)

    @staticmethod
    def ratio(num: int, den: int) -> float:
        return num / den if den else 1.0

    def summary(self) -> dict[str, float]:
        return {
            "header_exact": self.ratio(self.header_ok, self.header_total),
            "sections_precision": self.ratio(self.sections_tp, self.sections_pred),
            "sections_recall": self.ratio(self.sections_tp, self.sections_gold),
            "titles_precision": self.ratio(self.titles_tp, self.titles_pred),
            "titles_recall": self.ratio(self.titles_tp, self.titles_gold),
            "references_recall": self.ratio(self.refs_found, self.refs_gold),
            "recipients_exact": self.ratio(self.recipients_ok, self.docs),
            "signature_exact": self.ratio(self.signature_ok, self.signature_total),
        }


def _norm(value):
    if isinstance(value, str):
        return squash(value)
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def _overlap(predicted: list, gold: list) -> int:
    return sum((Counter(predicted) & Counter(gold)).values())


def _number_key(number: str | None) -> str:
    return (number or "").replace(" ", "").upper()


def compare(predicted: Document, gold: Document, name: str = "") -> Score:
    score = Score(docs=1)
    for field_name in HEADER_FIELDS:
        want, got = _norm(getattr(gold.header, field_name)), _norm(getattr(predicted.header, field_name))
        score.header_total += 1
        if want == got:
            score.header_ok += 1
        else:
            score.misses.append(f"{name} header.{field_name}: want {want!r} got {got!r}")
    gold_sections = [(s.number, _norm(s.title), s.role) for s in gold.sections]
    pred_sections = [(s.number, _norm(s.title), s.role) for s in predicted.sections]
    score.sections_gold, score.sections_pred = len(gold_sections), len(pred_sections)
    score.sections_tp = _overlap(pred_sections, gold_sections)
    if score.sections_tp != len(gold_sections) or score.sections_tp != len(pred_sections):
        score.misses.append(f"{name} sections: want {gold_sections} got {pred_sections}")
    gold_titles = [t for _, t, _ in gold_sections if t]
    pred_titles = [t for _, t, _ in pred_sections if t]
    score.titles_gold, score.titles_pred = len(gold_titles), len(pred_titles)
    score.titles_tp = _overlap(pred_titles, gold_titles)
    found = {_number_key(r.number) for r in predicted.references}
    for reference in gold.references:
        score.refs_gold += 1
        if _number_key(reference.number) in found:
            score.refs_found += 1
        else:
            score.misses.append(f"{name} reference {reference.number} not found")
    if _norm(predicted.recipients) == _norm(gold.recipients):
        score.recipients_ok += 1
    else:
        score.misses.append(f"{name} recipients: want {gold.recipients} got {predicted.recipients}")
    for field_name in SIGNATURE_FIELDS:
        want, got = _norm(getattr(gold.signature, field_name)), _norm(getattr(predicted.signature, field_name))
        score.signature_total += 1
        if want == got:
            score.signature_ok += 1
        else:
            score.misses.append(f"{name} signature.{field_name}: want {want!r} got {got!r}")
    return score
