"""Batch conversion: discover inputs, skip finished ones, process the rest in
worker processes, isolate failures, and write the batch report.

Failures are data: every document ends with a status and error items, and a
failed document still gets a JSON record, so nothing is silently lost.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline import atomic
from pipeline.config import PipelineConfig, config_hash
from pipeline.errors import SohoaError
from pipeline.model import Document, ErrorItem, Status
from pipeline.stages.ingest import SUPPORTED_SUFFIXES, new_document
from pipeline.stages.ingest import sha256_of as file_sha256

REPORT_FIELDS = ("input", "output", "status", "pages", "seconds", "mean_ocr_confidence", "corrections", "flags",
                 "skipped", "error")


@dataclass(frozen=True)
class Task:
    input_path: str
    output_stem: str  # relative to the output folder, without suffix


@dataclass
class DocumentReport:
    input: str
    output: str
    status: str
    pages: int = 0
    seconds: float = 0.0
    mean_ocr_confidence: float | None = None
    corrections: int = 0
    flags: int = 0
    skipped: bool = False
    error: str | None = None
    exit_code: int = 0
    errors: list[dict] = field(default_factory=list)


def discover(inputs: Iterable[str | Path], output_dir: Path) -> list[Task]:
    """Files as given; folders recursively. Output stems mirror relative paths."""
    tasks: list[Task] = []
    seen: set[str] = set()
    out_resolved = output_dir.resolve()
    for raw in inputs:
        root = Path(raw)
        if root.is_dir():
            files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                           and out_resolved not in p.resolve().parents and not p.name.startswith("."))
            pairs = [(p, p.relative_to(root)) for p in files]
        else:
            pairs = [(root, Path(root.name))]
        for path, relative in pairs:
            stem = relative.with_suffix("").as_posix()
            if stem in seen:  # a.png beside a.pdf: keep both
                stem = f"{stem}_{relative.suffix.lstrip('.').lower()}"
            seen.add(stem)
            tasks.append(Task(str(path), stem))
    return tasks


def is_up_to_date(task: Task, output_dir: Path, current_config_hash: str) -> bool:
    json_path = output_dir / f"{task.output_stem}.json"
    if not json_path.is_file():
        return False
    try:
        data = json.loads(json_path.read_text(encoding="utf-8"))
        source_hash = data["source"]["sha256"]
        recorded_hash = (data.get("provenance") or {}).get("config_hash")
        status = data.get("status")
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if status not in (Status.ok.value, Status.partial.value) or recorded_hash != current_config_hash:
        return False
    try:
        return source_hash == file_sha256(Path(task.input_path))
    except OSError:
        return False


def _report_from_document(task: Task, doc: Document, seconds: float) -> DocumentReport:
    return DocumentReport(
        input=task.input_path, output=f"{task.output_stem}.json", status=doc.status.value, pages=len(doc.pages),
        seconds=round(seconds, 3), mean_ocr_confidence=doc.quality.mean_ocr_confidence,
        corrections=doc.quality.corrected, flags=doc.quality.flagged,
        error="; ".join(e.message for e in doc.errors) or None,
        exit_code=0, errors=[e.model_dump() for e in doc.errors])


def _write_failure_record(task: Task, output_dir: Path, error: SohoaError | Exception, config: PipelineConfig) -> None:
    """A failed input still gets a JSON record with its status and error."""
    path = Path(task.input_path)
    try:
        doc = new_document(path)
    except OSError:
        return
    from pipeline.api import provenance

    doc.provenance = provenance(config, needs_ocr=False)
    doc.status = Status.failed
    code = getattr(error, "code", "internal_error")
    message = error.one_line() if isinstance(error, SohoaError) else f"{type(error).__name__}: {error}"
    doc.errors.append(ErrorItem(code=code, message=message, page=getattr(error, "page", None)))
    atomic.write_text(output_dir / f"{task.output_stem}.json", doc.to_json())


_WORKER_CACHE: dict = {}


def process_task(task: Task, config: PipelineConfig, output_dir: str) -> DocumentReport:
    """Worker entry point: never raises, whatever the input does."""
    from pipeline.api import process_file

    out = Path(output_dir)
    started = time.perf_counter()
    try:
        doc = process_file(task.input_path, config, out, task.output_stem, cache=_WORKER_CACHE)
        return _report_from_document(task, doc, time.perf_counter() - started)
    except SohoaError as exc:
        error: Exception = exc
        exit_code = int(exc.exit_code)
        message = exc.one_line()
    except Exception as exc:  # an unexpected bug must fail one document, not the batch
        error = exc
        exit_code = 15
        message = f"internal error: {type(exc).__name__}: {exc}"
    try:
        _write_failure_record(task, out, error, config)
    except Exception:  # the report row below still tells the operator
        pass
    return DocumentReport(input=task.input_path, output=f"{task.output_stem}.json", status=Status.failed.value,
                          seconds=round(time.perf_counter() - started, 3), error=message, exit_code=exit_code,
                          errors=[{"code": getattr(error, "code", "internal_error"), "message": message}])


@dataclass
class BatchResult:
    reports: list[DocumentReport]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"ok": 0, "partial": 0, "failed": 0, "skipped": 0}
        for report in self.reports:
            counts["skipped" if report.skipped else report.status] += 1
        return counts


def write_report(result: BatchResult, output_dir: Path) -> None:
    rows = [asdict(report) for report in result.reports]
    summary = {"counts": result.counts, "documents": rows}
    atomic.write_text(output_dir / "report.json", json.dumps(summary, ensure_ascii=False, indent=2))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REPORT_FIELDS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    atomic.write_text(output_dir / "report.csv", buffer.getvalue())


def run_batch(tasks: list[Task], config: PipelineConfig, output_dir: Path, *, jobs: int = 1, force: bool = False,
              max_tasks_per_worker: int | None = None,
              on_done: Callable[[DocumentReport], None] | None = None) -> BatchResult:
    output_dir.mkdir(parents=True, exist_ok=True)
    atomic.remove_stale_temporaries(output_dir)
    current = config_hash(config)
    reports: list[DocumentReport] = []
    todo: list[Task] = []
    for task in tasks:
        if not force and is_up_to_date(task, output_dir, current):
            report = DocumentReport(input=task.input_path, output=f"{task.output_stem}.json", status="ok", skipped=True)
            reports.append(report)
            if on_done:
                on_done(report)
        else:
            todo.append(task)
    if jobs <= 1 or len(todo) <= 1:
        for task in todo:
            report = process_task(task, config, str(output_dir))
            reports.append(report)
            if on_done:
                on_done(report)
    else:
        with ProcessPoolExecutor(max_workers=jobs, max_tasks_per_child=max_tasks_per_worker) as pool:
            futures = {pool.submit(process_task, task, config, str(output_dir)): task for task in todo}
            for future in as_completed(futures):
                report = future.result()
                reports.append(report)
                if on_done:
                    on_done(report)
    order = {task.input_path: index for index, task in enumerate(tasks)}
    reports.sort(key=lambda r: order.get(r.input, 0))
    result = BatchResult(reports)
    write_report(result, output_dir)
    return result


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
