"""Batch progress: a rich display on a terminal, plain log lines otherwise."""

from __future__ import annotations

import sys
import time

from pipeline.batch.runner import DocumentReport


class BatchProgress:
    """Counts documents, pages and failures; shows rate and ETA."""

    def __init__(self, total: int, *, interactive: bool | None = None):
        self.total = total
        self.done = 0
        self.pages = 0
        self.failed = 0
        self.started = time.monotonic()
        self.interactive = sys.stdout.isatty() if interactive is None else interactive
        self._progress = None
        self._task = None

    def __enter__(self) -> BatchProgress:
        if self.interactive:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(TextColumn("[bold]converting"), BarColumn(), MofNCompleteColumn(),
                                      TextColumn("{task.fields[pages]} pages · {task.fields[rate]} · "
                                                 "[red]{task.fields[failed]} failed"),
                                      TimeRemainingColumn())
            self._progress.start()
            self._task = self._progress.add_task("batch", total=self.total, pages=0, rate="-", failed=0)
        return self

    def __exit__(self, *exc_info) -> None:
        if self._progress is not None:
            self._progress.stop()

    def rate(self) -> str:
        elapsed = time.monotonic() - self.started
        return f"{self.pages / elapsed * 60:.1f} pages/min" if elapsed > 0 and self.pages else "-"

    def eta(self) -> str:
        elapsed = time.monotonic() - self.started
        if not self.done or self.done >= self.total:
            return "-"
        seconds = elapsed / self.done * (self.total - self.done)
        return time.strftime("%H:%M:%S", time.gmtime(seconds))

    def update(self, report: DocumentReport) -> None:
        self.done += 1
        self.pages += report.pages
        self.failed += report.status == "failed"
        if self._progress is not None:
            self._progress.update(self._task, advance=1, pages=self.pages, rate=self.rate(), failed=self.failed)
            if report.status == "failed":
                self._progress.console.print(f"[red]FAILED[/red] {report.error}", markup=True, highlight=False)
            return
        print(self._plain_line(report), file=sys.stderr if report.status == "failed" else sys.stdout, flush=True)

    def _plain_line(self, report: DocumentReport) -> str:
        prefix = f"[{self.done}/{self.total}]"
        if report.skipped:
            return f"{prefix} skipped (up to date): {report.input}"
        if report.status == "failed":
            return f"{prefix} FAILED {report.error}"  # the message names the file
        return (f"{prefix} {report.status}: {report.input} -> {report.output} ({report.pages} pages, "
                f"{report.seconds:.1f} s; {self.pages} pages, {self.rate()}, {self.failed} failed, ETA {self.eta()})")
