"""``sohoa run INPUT... -o OUTDIR``: convert files or folders of scanned letters."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.batch.progress import BatchProgress
from pipeline.batch.runner import default_jobs, discover, run_batch
from pipeline.config import PipelineConfig
from pipeline.errors import BadInputError, ExitCode


def register(subparsers) -> None:
    parser = subparsers.add_parser("run", help="convert scanned letters (images, PDFs, OCR text) to JSON",
                                   description="Convert files or folders (recursively) into OUTDIR/<stem>.json and "
                                               ".txt, with the page images kept for review.")
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders")
    parser.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output folder")
    parser.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: CPU count)")
    parser.add_argument("--force", action="store_true", help="redo documents whose outputs are up to date")
    parser.add_argument("--lang", default="vie", help="tesseract language(s), default vie")
    parser.add_argument("--ocr-timeout", type=float, default=180.0, help="seconds per page (default 180)")
    parser.add_argument("--render-dpi", type=int, default=300, help="resolution for rendering PDF pages")
    parser.add_argument("--max-pixels", type=int, default=200_000_000, help="refuse larger page images")
    parser.add_argument("--no-cleanup", action="store_true", help="skip image cleanup")
    parser.add_argument("--keep-intermediates", action="store_true", help="save every cleanup step's image")
    parser.add_argument("--no-correct", action="store_true", help="skip OCR correction")
    parser.add_argument("--no-second-reader", action="store_true",
                        help="skip the second recogniser's reading of each OCR line (faster, more flags)")
    parser.add_argument("--mode", choices=("auto", "diacritics", "ocr"), default="auto", help="correction mode")
    parser.add_argument("--tone-style", choices=("old", "new"), default=None,
                        help="normalise tone-mark placement: new = hòa, thủy, ủy; old = hoà, thuỷ, uỷ "
                             "(default: keep as read)")
    parser.add_argument("--learned", metavar="DIR", default=None, help="folder of fixes learned from review")
    parser.add_argument("--pdf", action="store_true", help="also write a searchable PDF/A-2b")
    parser.add_argument("--alto", action="store_true", help="also write ALTO 4 XML")
    parser.add_argument("--hocr", action="store_true", help="also write hOCR")
    parser.add_argument("--recycle-workers", type=int, default=None, metavar="N",
                        help="restart each worker process after N documents (bounds memory)")
    parser.add_argument("--group", choices=("file", "folder"), default="file",
                        help="folder: the page images lying in one folder form one document")
    parser.add_argument("--scheduler", metavar="ADDRESS", default=None,
                        help="run on a Dask distributed cluster, e.g. tcp://10.0.0.5:8786 or tls://...; "
                             "the output folder must be shared with the workers (see docs/BATCH.md)")
    parser.set_defaults(func=handle)


def config_from_args(args: argparse.Namespace) -> PipelineConfig:
    outputs = ["json", "txt"] + [name for name in ("pdf", "alto", "hocr") if getattr(args, name)]
    learned = str(Path(args.learned).resolve()) if args.learned else None
    return PipelineConfig(languages=args.lang, ocr_timeout=args.ocr_timeout, render_dpi=args.render_dpi,
                          max_pixels=args.max_pixels, cleanup=not args.no_cleanup,
                          keep_intermediates=args.keep_intermediates, correction=not args.no_correct,
                          second_reader=not args.no_second_reader,
                          correction_mode=args.mode, tone_style=args.tone_style, learned_dir=learned,
                          outputs=tuple(outputs))


def handle(args: argparse.Namespace) -> int:
    for raw in args.inputs:
        if not Path(raw).exists():
            raise BadInputError(f"{raw}: no such file or folder", how_to_fix="check the path")
    output_dir = Path(args.output)
    tasks = discover(args.inputs, output_dir, group=args.group)
    if not tasks:
        raise BadInputError(f"no supported input files in {', '.join(args.inputs)}",
                            how_to_fix="give images (png, jpg, tif), PDFs or .txt files")
    config = config_from_args(args)
    jobs = args.jobs or default_jobs()
    with BatchProgress(len(tasks)) as progress:
        result = run_batch(tasks, config, output_dir, jobs=jobs, force=args.force,
                           max_tasks_per_worker=args.recycle_workers, scheduler=args.scheduler,
                           on_done=progress.update)
    counts = result.counts
    print(f"done: {counts['ok']} ok, {counts['partial']} partial, {counts['failed']} failed, "
          f"{counts['skipped']} skipped; report in {output_dir / 'report.json'}", flush=True)
    if len(result.reports) == 1 and result.reports[0].status == "failed":
        return result.reports[0].exit_code or int(ExitCode.other_error)
    if counts["failed"] or counts["partial"]:
        return int(ExitCode.partial_failure)
    return int(ExitCode.ok)
