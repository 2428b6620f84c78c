"""Batch throughput benchmark (issue: batch conversion at archive scale).

On the same page images, in one run, all with OMP_THREAD_LIMIT=1:
- bare `tesseract -l vie` seconds per page;
- the full pipeline (`sohoa run`) seconds per page with --jobs 1 and --jobs 2, the ratio to bare tesseract,
  per-stage times, and each worker's peak memory;
- memory over a long run: the worker's peak RSS after the first documents vs after all of them.

Writes benchmarks/results/batch.json. Usage: python benchmarks/bench_batch.py [--pages DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import machine_info, write_result  # noqa: E402
from pipeline.batch.runner import discover, run_batch  # noqa: E402
from pipeline.config import PipelineConfig  # noqa: E402
from pipeline.stages.ingest import IMAGE_SUFFIXES  # noqa: E402


def page_images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)


def bare_tesseract_seconds(images: list[Path]) -> float:
    started = time.perf_counter()
    for image in images:
        subprocess.run(["tesseract", str(image), "stdout", "-l", "vie"], check=True, capture_output=True,
                       timeout=600)
    return time.perf_counter() - started


def pipeline_run(inputs: list[Path], jobs: int, out: Path) -> dict:
    tasks = discover(inputs, out)
    started = time.perf_counter()
    result = run_batch(tasks, PipelineConfig(), out, jobs=jobs, force=True)
    seconds = time.perf_counter() - started
    stage_seconds: dict[str, float] = {}
    for report in result.reports:
        data = json.loads((out / report.output).read_text())
        for stage, value in data["quality"]["timings"].items():
            stage_seconds[stage] = stage_seconds.get(stage, 0.0) + value
    pages = sum(r.pages for r in result.reports)
    return {"jobs": jobs, "documents": len(result.reports), "pages": pages, "seconds": round(seconds, 2),
            "seconds_per_page": round(seconds / max(pages, 1), 3),
            "stage_seconds": {k: round(v, 2) for k, v in sorted(stage_seconds.items())},
            "worker_peak_rss_mb": max((r.worker_peak_rss_mb or 0) for r in result.reports),
            "rss_after_each_document_mb": [r.worker_peak_rss_mb for r in result.reports]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=Path, default=REPO / "samples" / "scans")
    parser.add_argument("--repeat", type=int, default=3, help="copies of the inputs for the long-run memory check")
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    work = Path(tempfile.mkdtemp(prefix="sohoa-bench-batch-"))
    try:
        rendered = work / "pages"
        rendered.mkdir()
        inputs = sorted(p for p in args.pages.iterdir() if p.is_file())
        # bare tesseract needs images: render PDFs/TIFFs through our own ingest so both read the same pixels
        import cv2

        from pipeline.runner import RunContext
        from pipeline.stages.ingest import IngestStage, new_document

        for path in inputs:
            ctx = RunContext(config=PipelineConfig(), input_path=path)
            IngestStage()(new_document(path), ctx)
            for number, image in ctx.images.items():
                cv2.imwrite(str(rendered / f"{path.stem}_p{number:02d}.png"), image)
        images = page_images(rendered)
        bare = bare_tesseract_seconds(images)
        single = pipeline_run([rendered], 1, work / "out1")
        double = pipeline_run([rendered], 2, work / "out2")
        long_run_inputs = work / "long"
        for copy in range(args.repeat):
            shutil.copytree(rendered, long_run_inputs / f"copy{copy}")
        long_run = pipeline_run([long_run_inputs], 1, work / "out_long")
        rss = [v for v in long_run["rss_after_each_document_mb"] if v]
        result = {
            "machine": machine_info(),
            "pages": len(images),
            "bare_tesseract": {"seconds": round(bare, 2), "seconds_per_page": round(bare / len(images), 3)},
            "pipeline_jobs1": single,
            "pipeline_jobs2": double,
            "ratio_pipeline_to_tesseract_jobs1": round(single["seconds_per_page"] / (bare / len(images)), 3),
            "throughput_gain_jobs2": round(single["seconds"] / double["seconds"], 3),
            "long_run": {"documents": long_run["documents"],
                         "worker_peak_rss_first_mb": rss[len(images) - 1] if len(rss) >= len(images) else None,
                         "worker_peak_rss_last_mb": rss[-1] if rss else None},
        }
        for run in (single, double):
            run.pop("rss_after_each_document_mb")
        write_result("batch", result)
        print(json.dumps(result, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
