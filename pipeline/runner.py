"""The pipeline runner: every stage has the same shape.

A stage takes the document and the run context and returns the document; it
writes only its own fields. Page images (numpy arrays) travel in the context,
not in the model, so the model stays plain data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from pipeline.config import PipelineConfig
from pipeline.model import Document


@dataclass
class RunContext:
    config: PipelineConfig
    input_path: Path
    output_dir: Path | None = None
    output_stem: str | None = None  # output path relative to output_dir, without suffix
    images: dict[int, np.ndarray] = field(default_factory=dict)  # page number -> current page image
    cache: dict = field(default_factory=dict)  # per-run shared objects (loaded models)


class Stage(Protocol):
    name: str

    def __call__(self, doc: Document, ctx: RunContext) -> Document: ...


def run_stages(doc: Document, ctx: RunContext, stages: list[Stage]) -> Document:
    for stage in stages:
        started = time.perf_counter()
        doc = stage(doc, ctx)
        elapsed = time.perf_counter() - started
        timings = doc.quality.timings
        timings[stage.name] = round(timings.get(stage.name, 0.0) + elapsed, 4)
    return doc
