"""``sohoa eval``: pair predictions with gold files, score them, aggregate, render.

Predictions are ``<stem>.json`` (a Document) and/or ``<stem>.txt``; gold is
``<stem>.txt`` (text) and/or ``<stem>.json`` (gold Document). Stems are matched after
dropping suffixes such as ``.gold``, ``.ocr_eng`` or ``.reviewed``, so
``kh.ocr_eng.txt`` pairs with ``kh.gold.txt``. Folders are searched recursively;
``*.blocks.json`` (gold reading-order boxes) is not a document and is skipped.
Totals are micro-averages: counts are summed over documents before dividing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from pipeline.errors import BadInputError
from pipeline.eval import metrics as m

STEM_SUFFIXES = (".gold", ".ocr_eng", ".ocr_vie", ".ocr", ".reviewed", ".corrected", ".pred")
_DOC_EXTS = (".json", ".txt")
_SKIP_SUFFIXES = (".blocks.json",)
_SKIP_NAMES = frozenset({"report.json"})  # the batch report written beside the outputs


# --- finding and pairing files ---------------------------------------------------


def stem_key(path: Path) -> str:
    """Matching key of a file: its name without extension and known suffixes."""
    name = path.name
    for ext in _DOC_EXTS:
        if name.endswith(ext):
            name = name[: -len(ext)]
            break
    stripped = True
    while stripped:
        stripped = False
        for suffix in STEM_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                name, stripped = name[: -len(suffix)], True
    return name


@dataclass
class Sources:
    """The files found for one stem."""

    json: Path | None = None
    txt: Path | None = None

    def add(self, path: Path) -> bool:
        """Record ``path``; False when a file of that kind was already there."""
        kind = "json" if path.suffix == ".json" else "txt"
        if getattr(self, kind) is not None:
            return False
        setattr(self, kind, path)
        return True

    def paths(self) -> list[Path]:
        return [p for p in (self.json, self.txt) if p is not None]


def _is_document_file(path: Path) -> bool:
    return (path.is_file() and path.suffix in _DOC_EXTS and not path.name.endswith(_SKIP_SUFFIXES)
            and path.name not in _SKIP_NAMES)


def _is_gold_name(path: Path) -> bool:
    return ".gold." in path.name


def collect(path: Path, notes: list[str], *, gold: bool = False) -> dict[str, Sources]:
    """Stem key -> files, for one file or a folder searched recursively.

    In a folder that holds both, ``<stem>.gold.*`` files are gold and the others
    predictions: a prediction folder skips them and a gold folder prefers them.
    """
    if not path.exists():
        raise BadInputError(f"{path}: no such file or folder", how_to_fix="check the path")
    if path.is_file():
        files = [path]
    else:
        files = sorted(p for p in path.rglob("*") if _is_document_file(p) and (gold or not _is_gold_name(p)))
        if gold:  # .gold files first, so they win a stem over a prediction lying beside them
            files.sort(key=lambda p: not _is_gold_name(p))
    found: dict[str, Sources] = {}
    for file in files:
        if file.suffix not in _DOC_EXTS:
            raise BadInputError(f"{file}: expected a .json or .txt file", how_to_fix="give a .json/.txt file or a folder")
        key = stem_key(file)
        sources = found.setdefault(key, Sources())
        if not sources.add(file):
            kept = sources.json if file.suffix == ".json" else sources.txt
            if not (gold and _is_gold_name(kept)):  # a prediction beside its gold file is expected
                notes.append(f"{file}: another {file.suffix} file already matched stem '{key}'; ignored")
    return found


@dataclass
class Pair:
    stem: str
    pred: Sources
    gold: Sources


@dataclass
class Matching:
    pairs: list[Pair]
    pred_only: list[str]
    gold_only: list[str]
    notes: list[str] = field(default_factory=list)


def match(pred_path: Path, gold_path: Path) -> Matching:
    """Pair predictions with gold by stem; two single files are paired whatever their names."""
    notes: list[str] = []
    pred, gold = collect(pred_path, notes), collect(gold_path, notes, gold=True)
    if pred_path.is_file() and gold_path.is_file():
        (pred_src,), ((key, gold_src),) = pred.values(), gold.items()
        return Matching([Pair(key, pred_src, gold_src)], [], [], notes)
    pairs = [Pair(key, pred[key], gold[key]) for key in sorted(pred.keys() & gold.keys())]
    return Matching(pairs, sorted(pred.keys() - gold.keys()), sorted(gold.keys() - pred.keys()), notes)


# --- loading ------------------------------------------------------------------


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInputError(f"{path}: not UTF-8 text ({exc.reason})", how_to_fix="save the file as UTF-8") from exc
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read ({exc.strerror})") from exc


def load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise BadInputError(
            f"{path}: bad JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
            how_to_fix="fix or regenerate the file (sohoa run writes valid JSON)",
        ) from exc
    if not isinstance(data, dict):
        raise BadInputError(f"{path}: expected a JSON object (a sohoa Document), got {type(data).__name__}")
    return data


_JSON_NAMES = {dict: "object", list: "array", str: "string"}


def _get(doc: dict[str, Any], key: str, kind: type, path: Path, item: type | None = None) -> Any:
    """``doc[key]`` checked to be of ``kind`` (a list of ``item``), so bad files fail with their name."""
    value = doc.get(key)
    if value is None:
        return kind()
    if not isinstance(value, kind) or (item and not all(isinstance(v, item) for v in value)):
        what = _JSON_NAMES[kind] + (f" of {_JSON_NAMES[item]}s" if item else "")
        raise BadInputError(f"{path}: field '{key}' should be a JSON {what}")
    return value


# --- scoring one document ---------------------------------------------------------


@dataclass
class StructureEval:
    header: dict[str, bool]
    references: m.PrecisionRecall
    sections: m.PrecisionRecall
    recipients_exact: bool
    recipients: m.PrecisionRecall
    signature: dict[str, bool]


@dataclass
class DocEval:
    stem: str
    pred: list[str]
    gold: list[str]
    cer: m.ErrorCounts | None = None
    ser: m.ErrorCounts | None = None
    ser_punct: m.ErrorCounts | None = None
    ser_moves: m.ErrorCounts | None = None  # reading order forgiven (moved blocks, one error each)
    diacritics: m.Ratio | None = None
    structure: StructureEval | None = None
    flags: m.PrecisionRecall | None = None
    notes: list[str] = field(default_factory=list)


def score_structure(pred: dict[str, Any], gold: dict[str, Any], pred_path: Path, gold_path: Path) -> StructureEval:
    def both(key: str, kind: type, item: type | None = None) -> tuple[Any, Any]:
        return _get(pred, key, kind, pred_path, item), _get(gold, key, kind, gold_path, item)

    header_p, header_g = both("header", dict)
    refs_p, refs_g = both("references", list, dict)
    sections_p, sections_g = both("sections", list, dict)
    recipients_p, recipients_g = both("recipients", list, str)
    signature_p, signature_g = both("signature", dict)
    exact, recipients = m.recipients_match(recipients_p, recipients_g)
    return StructureEval(
        header=m.header_field_matches(header_p, header_g),
        references=m.references_found(refs_p, refs_g),
        sections=m.sections_found(sections_p, sections_g),
        recipients_exact=exact,
        recipients=recipients,
        signature=m.signature_field_matches(signature_p, signature_g),
    )


def flag_spans(pred: dict[str, Any], path: Path) -> list[tuple[int, int]]:
    spans = []
    for item in _get(pred, "corrections", list, path, dict):
        if item.get("flagged") and item.get("span"):
            try:
                start, end = item["span"]
                spans.append((int(start), int(end)))
            except (TypeError, ValueError) as exc:
                raise BadInputError(f"{path}: a correction's span should be [start, end], got {item['span']!r}") from exc
    return spans


def score_pair(pair: Pair) -> DocEval:
    result = DocEval(pair.stem, [str(p) for p in pair.pred.paths()], [str(p) for p in pair.gold.paths()])
    pred_doc = load_json(pair.pred.json) if pair.pred.json else None
    gold_doc = load_json(pair.gold.json) if pair.gold.json else None
    pred_text = pred_doc.get("text") if pred_doc is not None else None
    if not isinstance(pred_text, str):
        pred_text = read_text(pair.pred.txt) if pair.pred.txt else ""
        if pred_doc is not None:
            result.notes.append("prediction JSON has no text; used the .txt")
    gold_text = read_text(pair.gold.txt) if pair.gold.txt else None
    if gold_text is None and gold_doc is not None and isinstance(gold_doc.get("text"), str) and gold_doc["text"].strip():
        gold_text = gold_doc["text"]
    if gold_text is None:
        result.notes.append("no gold text: text metrics skipped")
    else:
        result.cer = m.cer(pred_text, gold_text)
        result.ser = m.syllable_error_rate(pred_text, gold_text)
        result.ser_punct = m.syllable_error_rate(pred_text, gold_text, punct_insensitive=True)
        result.ser_moves = m.syllable_error_rate(pred_text, gold_text, moves=True)
        result.diacritics = m.diacritic_accuracy(pred_text, gold_text)
        if pred_doc is not None and "corrections" in pred_doc:
            result.flags = m.flag_precision_recall(pred_text, gold_text, flag_spans(pred_doc, pair.pred.json))
    if gold_doc is not None and pred_doc is not None:
        result.structure = score_structure(pred_doc, gold_doc, pair.pred.json, pair.gold.json)
    elif gold_doc is not None:
        result.notes.append("prediction is plain text: structure not scored")
    return result


# --- totals -------------------------------------------------------------------


def _sum(values: Iterable[Any]) -> Any:
    values = [v for v in values if v is not None]
    if not values:
        return None
    total = values[0]
    for value in values[1:]:
        total = total + value
    return total


def _field_ratios(dicts: Iterable[dict[str, bool]], names: Iterable[str]) -> dict[str, m.Ratio]:
    dicts = list(dicts)
    ratios = {}
    for name in names:
        seen = [d[name] for d in dicts if name in d]
        if seen:
            ratios[name] = m.Ratio(sum(seen), len(seen))
    return ratios


def _exact(matches: dict[str, bool]) -> m.Ratio:
    return m.Ratio(sum(matches.values()), len(matches))


@dataclass
class Totals:
    documents: int
    cer: m.ErrorCounts | None
    ser: m.ErrorCounts | None
    ser_punct: m.ErrorCounts | None
    ser_moves: m.ErrorCounts | None
    diacritics: m.Ratio | None
    header_fields: dict[str, m.Ratio]
    header: m.Ratio | None
    references: m.PrecisionRecall | None
    sections: m.PrecisionRecall | None
    recipients_exact: m.Ratio | None
    recipients: m.PrecisionRecall | None
    signature_fields: dict[str, m.Ratio]
    signature: m.Ratio | None
    flags: m.PrecisionRecall | None


def aggregate(docs: list[DocEval]) -> Totals:
    structs = [d.structure for d in docs if d.structure is not None]
    return Totals(
        documents=len(docs),
        cer=_sum(d.cer for d in docs),
        ser=_sum(d.ser for d in docs),
        ser_punct=_sum(d.ser_punct for d in docs),
        ser_moves=_sum(d.ser_moves for d in docs),
        diacritics=_sum(d.diacritics for d in docs),
        header_fields=_field_ratios((s.header for s in structs), m.HEADER_FIELDS),
        header=_sum(_exact(s.header) for s in structs),
        references=_sum(s.references for s in structs),
        sections=_sum(s.sections for s in structs),
        recipients_exact=_sum(m.Ratio(int(s.recipients_exact), 1) for s in structs),
        recipients=_sum(s.recipients for s in structs),
        signature_fields=_field_ratios((s.signature for s in structs), m.SIGNATURE_FIELDS),
        signature=_sum(_exact(s.signature) for s in structs),
        flags=_sum(d.flags for d in docs),
    )


@dataclass
class EvalReport:
    pred: str
    gold: str
    documents: list[DocEval]
    totals: Totals
    pred_only: list[str]
    gold_only: list[str]
    notes: list[str]


def evaluate(pred_path: Path, gold_path: Path) -> EvalReport:
    matching = match(pred_path, gold_path)
    docs = [score_pair(pair) for pair in matching.pairs]
    return EvalReport(
        str(pred_path), str(gold_path), docs, aggregate(docs),
        matching.pred_only, matching.gold_only, matching.notes,
    )


# --- JSON ---------------------------------------------------------------------


def _d(value: Any) -> Any:
    return None if value is None else value.as_dict()


def _structure_json(s: StructureEval | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "header": {"fields": s.header, "exact": _exact(s.header).as_dict()},
        "references": s.references.as_dict(),
        "sections": s.sections.as_dict(),
        "recipients": {"exact": s.recipients_exact, "items": s.recipients.as_dict()},
        "signature": {"fields": s.signature, "exact": _exact(s.signature).as_dict()},
    }


def _text_json(cer: Any, ser: Any, ser_punct: Any, ser_moves: Any, diacritics: Any) -> dict[str, Any] | None:
    if cer is None:
        return None
    return {
        "cer": _d(cer), "ser": _d(ser), "ser_punct_insensitive": _d(ser_punct),
        "ser_order_free": _d(ser_moves), "diacritic_accuracy": _d(diacritics),
    }


def doc_json(doc: DocEval) -> dict[str, Any]:
    return {
        "stem": doc.stem, "pred": doc.pred, "gold": doc.gold,
        "text": _text_json(doc.cer, doc.ser, doc.ser_punct, doc.ser_moves, doc.diacritics),
        "structure": _structure_json(doc.structure),
        "flags": _d(doc.flags),
        "notes": doc.notes,
    }


def totals_json(t: Totals) -> dict[str, Any]:
    structure = None
    if t.header is not None:
        structure = {
            "header": {"fields": {k: v.as_dict() for k, v in t.header_fields.items()}, "exact": _d(t.header)},
            "references": _d(t.references),
            "sections": _d(t.sections),
            "recipients": {"exact": _d(t.recipients_exact), "items": _d(t.recipients)},
            "signature": {"fields": {k: v.as_dict() for k, v in t.signature_fields.items()}, "exact": _d(t.signature)},
        }
    return {
        "documents": t.documents,
        "text": _text_json(t.cer, t.ser, t.ser_punct, t.ser_moves, t.diacritics),
        "structure": structure,
        "flags": _d(t.flags),
    }


def report_json(report: EvalReport) -> dict[str, Any]:
    return {
        "pred": report.pred,
        "gold": report.gold,
        "documents": [doc_json(d) for d in report.documents],
        "total": totals_json(report.totals),
        "unmatched": {"pred_without_gold": report.pred_only, "gold_without_pred": report.gold_only},
        "notes": report.notes,
    }


# --- table --------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def _pr(pr: m.PrecisionRecall | None) -> str:
    return "–" if pr is None else f"{_pct(pr.precision)}/{_pct(pr.recall)}"


def _rate(value: m.ErrorCounts | None) -> str:
    return "–" if value is None else _pct(value.rate)


def _ratio(value: m.Ratio | None) -> str:
    return "–" if value is None else _pct(value.value)


def _row(name: str, cer, ser, ser_punct, ser_moves, diacritics, header, refs, sections, recip, signature,
         flags) -> list[str]:
    return [
        name, _rate(cer), _rate(ser), _rate(ser_punct), _rate(ser_moves), _ratio(diacritics), _ratio(header),
        _pr(refs), _pr(sections), recip, _ratio(signature), _pr(flags),
    ]


def render_table(report: EvalReport, console: Console) -> None:
    table = Table(title=f"sohoa eval: {report.pred} vs {report.gold} (percent)", show_footer=False)
    for name in ("Document", "CER", "SER", "SER nopunct", "SER any order", "Diacritics", "Header", "Refs P/R",
                 "Sections P/R", "Recipients", "Signature", "Flags P/R"):
        table.add_column(name, justify="left" if name == "Document" else "right")
    for d in report.documents:
        s = d.structure
        recip = "–" if s is None else ("exact" if s.recipients_exact else _pr(s.recipients))
        table.add_row(*_row(
            d.stem, d.cer, d.ser, d.ser_punct, d.ser_moves, d.diacritics, None if s is None else _exact(s.header),
            s and s.references, s and s.sections, recip, None if s is None else _exact(s.signature), d.flags,
        ))
    t = report.totals
    recip_total = "–" if t.recipients is None else f"{_ratio(t.recipients_exact)} ex"
    table.add_section()
    table.add_row(*_row(
        f"TOTAL ({t.documents})", t.cer, t.ser, t.ser_punct, t.ser_moves, t.diacritics, t.header,
        t.references, t.sections, recip_total, t.signature, t.flags,
    ), style="bold")
    console.print(table)
    if t.header_fields or t.signature_fields:
        fields = Table(title="Field exact match over documents where gold or prediction has a value")
        fields.add_column("Field")
        fields.add_column("Match %", justify="right")
        fields.add_column("n", justify="right")
        for prefix, ratios in (("header", t.header_fields), ("signature", t.signature_fields)):
            for name, ratio in ratios.items():
                fields.add_row(f"{prefix}.{name}", _ratio(ratio), str(ratio.total))
        console.print(fields)
    for label, stems in (("prediction without gold", report.pred_only), ("gold without prediction", report.gold_only)):
        if stems:
            console.print(f"[yellow]{label}:[/] {', '.join(stems)}")
    for note in report.notes + [f"{d.stem}: {n}" for d in report.documents for n in d.notes]:
        console.print(f"[dim]{note}[/]")
    if not report.documents:
        console.print("[yellow]No prediction matched a gold file.[/]")
