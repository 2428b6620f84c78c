"""Batch conversion: discover inputs, skip finished ones, process the rest in
worker processes, isolate failures, and write the batch report.

Failures are data: every document ends with a status and error items, and a
failed document still gets a JSON record, so nothing is silently lost.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from pipeline import atomic
from pipeline.config import PipelineConfig, config_hash
from pipeline.errors import ExitCode, SohoaError, exit_code_for
from pipeline.model import Document, ErrorItem, Status
from pipeline.stages.ingest import IMAGE_SUFFIXES, SUPPORTED_SUFFIXES, new_document, source_sha256

REPORT_FIELDS = ("input", "output", "status", "pages", "seconds", "mean_ocr_confidence", "corrections", "flags",
                 "skipped", "worker_peak_rss_mb", "error")


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
    worker_peak_rss_mb: float | None = None  # the worker's peak memory so far, for memory planning
    error: str | None = None
    exit_code: int = 0
    errors: list[dict] = field(default_factory=list)


def _files_under(root: Path, output_dir: Path) -> list[Path]:
    out_resolved = output_dir.resolve()
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                  and out_resolved not in p.resolve().parents and not p.name.startswith("."))


def discover(inputs: Iterable[str | Path], output_dir: Path, *, group: str = "file") -> list[Task]:
    """Files as given; folders recursively. Output stems mirror relative paths.

    With ``group="folder"`` the page images lying directly in one folder form one
    document (archives often keep one image per page); PDFs and text files stay
    documents of their own.
    """
    tasks: list[Task] = []
    seen: set[str] = set()

    def add(path: Path, stem: str, suffix: str) -> None:
        if stem in seen:  # a.png beside a.pdf: keep both
            stem = f"{stem}_{suffix.lstrip('.').lower()}"
        seen.add(stem)
        tasks.append(Task(str(path), stem))

    for raw in inputs:
        root = Path(raw)
        if not root.is_dir():
            add(root, root.stem, root.suffix)
            continue
        files = _files_under(root, output_dir)
        grouped: set[Path] = set()
        if group == "folder":
            for folder in sorted({p.parent for p in files if p.suffix.lower() in IMAGE_SUFFIXES}):
                grouped.add(folder)
                relative = folder.relative_to(root).as_posix()
                add(folder, root.name if relative == "." else relative, "")
        for path in files:
            if path.parent in grouped and path.suffix.lower() in IMAGE_SUFFIXES:
                continue
            relative = path.relative_to(root)
            add(path, relative.with_suffix("").as_posix(), relative.suffix)
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
        return source_hash == source_sha256(Path(task.input_path))
    except OSError:
        return False


def _report_from_document(task: Task, doc: Document, seconds: float) -> DocumentReport:
    return DocumentReport(
        input=task.input_path, output=f"{task.output_stem}.json", status=doc.status.value, pages=len(doc.pages),
        seconds=round(seconds, 3), mean_ocr_confidence=doc.quality.mean_ocr_confidence,
        corrections=doc.quality.corrected, flags=doc.quality.flagged,
        error="; ".join(e.message for e in doc.errors) or None,
        exit_code=int(exit_code_for(doc.errors[0].code)) if doc.status == Status.failed and doc.errors else 0,
        errors=[e.model_dump() for e in doc.errors])


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


def peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def process_task(task: Task, config: PipelineConfig, output_dir: str) -> DocumentReport:
    """Worker entry point: never raises, whatever the input does."""
    report = _process_task(task, config, output_dir)
    report.worker_peak_rss_mb = peak_rss_mb()
    return report


def _process_task(task: Task, config: PipelineConfig, output_dir: str) -> DocumentReport:
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
        exit_code = int(ExitCode.other_error)
        message = f"internal error: {type(exc).__name__}: {exc}"
    with contextlib.suppress(Exception):  # the report row below still tells the operator
        _write_failure_record(task, out, error, config)
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


def _run_local(todo: list[Task], config: PipelineConfig, output_dir: Path, jobs: int,
               max_tasks_per_worker: int | None, emit: Callable[[DocumentReport], None]) -> None:
    """Process tasks in worker processes; a worker that dies takes down one document, not the batch.

    When a worker process dies (out of memory, a crash inside a native library),
    the pool breaks and every unfinished task is retried in a fresh pool; a task
    that was running in two broken pools is recorded as failed.
    """
    attempts: dict[Task, int] = {}
    pending = list(todo)
    while pending:
        retry: list[Task] = []
        with ProcessPoolExecutor(max_workers=jobs, max_tasks_per_child=max_tasks_per_worker) as pool:
            futures = {pool.submit(process_task, task, config, str(output_dir)): task for task in pending}
            for future in as_completed(futures):
                task = futures[future]
                try:
                    emit(future.result())
                except BrokenProcessPool:
                    attempts[task] = attempts.get(task, 0) + 1
                    if attempts[task] >= 2:
                        emit(worker_failure(task, output_dir, config))
                    else:
                        retry.append(task)
        pending = retry


def worker_failure(task: Task, output_dir: Path, config: PipelineConfig,
                   reason: str = "the worker process died while converting it") -> DocumentReport:
    error = SohoaError(f"{task.input_path}: {reason}", how_to_fix="check memory limits and the file; rerun to retry")
    error.code = "worker_died"
    with contextlib.suppress(Exception):  # the report row still tells the operator
        _write_failure_record(task, output_dir, error, config)
    return DocumentReport(input=task.input_path, output=f"{task.output_stem}.json", status=Status.failed.value,
                          error=error.one_line(), exit_code=int(ExitCode.child_process_error),
                          errors=[{"code": "worker_died", "message": error.one_line()}])


def run_batch(tasks: list[Task], config: PipelineConfig, output_dir: Path, *, jobs: int = 1, force: bool = False,
              max_tasks_per_worker: int | None = None, scheduler: str | None = None,
              on_done: Callable[[DocumentReport], None] | None = None) -> BatchResult:
    output_dir.mkdir(parents=True, exist_ok=True)
    atomic.remove_stale_temporaries(output_dir)
    current = config_hash(config)
    reports: list[DocumentReport] = []

    def emit(report: DocumentReport) -> None:
        reports.append(report)
        if on_done:
            on_done(report)

    todo: list[Task] = []
    for task in tasks:
        if not force and is_up_to_date(task, output_dir, current):
            emit(DocumentReport(input=task.input_path, output=f"{task.output_stem}.json", status="ok", skipped=True))
        else:
            todo.append(task)
    if todo and jobs > len(todo):  # few documents, many cores: OCR their pages in parallel instead
        config = replace(config, page_jobs=max(1, jobs // len(todo)))
    if jobs > 1:  # one OpenMP thread per tesseract: parallel processes beat threads fighting for cores
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    if scheduler:
        from pipeline.batch.distributed import run_on_cluster

        run_on_cluster(todo, config, output_dir, scheduler, emit)
    elif jobs <= 1 or len(todo) <= 1:
        for task in todo:
            emit(process_task(task, config, str(output_dir)))
    else:
        _run_local(todo, config, output_dir, jobs, max_tasks_per_worker, emit)
    order = {task.input_path: index for index, task in enumerate(tasks)}
    reports.sort(key=lambda r: order.get(r.input, 0))
    result = BatchResult(reports)
    write_report(result, output_dir)
    return result


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
