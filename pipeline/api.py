"""Run the whole pipeline on one input: the entry point for the CLI, the batch
workers and library users."""

from __future__ import annotations

from pathlib import Path

from pipeline import __version__
from pipeline._exec import tesseract
from pipeline.config import PipelineConfig, config_hash
from pipeline.errors import BadInputError
from pipeline.model import Document, Provenance
from pipeline.runner import RunContext, Stage, run_stages
from pipeline.stages.boundaries import BoundariesStage
from pipeline.stages.correct import CorrectStage
from pipeline.stages.export import ExportStage
from pipeline.stages.ingest import IngestStage, new_document
from pipeline.stages.layout import LayoutStage
from pipeline.stages.ocr import OcrStage
from pipeline.stages.prepare import PrepareStage
from pipeline.stages.structure import StructureStage


def build_stages(config: PipelineConfig) -> list[Stage]:
    stages: list[Stage] = [IngestStage()]
    if config.cleanup:
        stages.append(PrepareStage())
    stages += [OcrStage(), LayoutStage(), BoundariesStage()]
    if config.correction:
        stages.append(CorrectStage())
    if config.structure:
        stages.append(StructureStage())
    stages.append(ExportStage())
    return stages


def provenance(config: PipelineConfig, *, needs_ocr: bool = True) -> Provenance:
    record = Provenance(sohoa_version=__version__, config_hash=config_hash(config))
    if needs_ocr:
        try:
            record.tesseract_version = tesseract.version()
            record.traineddata = dict(tesseract.traineddata_hashes(config.languages))
        except Exception:  # provenance is best effort; OCR itself reports a missing tesseract
            pass
    return record


def process_file(path: str | Path, config: PipelineConfig | None = None, output_dir: str | Path | None = None,
                 output_stem: str | None = None, cache: dict | None = None) -> Document:
    """Process one input file; with ``output_dir`` also write its outputs there.

    Raises ``SohoaError`` when the input cannot be read at all; page-level
    failures are recorded on the returned document instead.
    """
    config = config or PipelineConfig()
    path = Path(path)
    ctx = RunContext(config=config, input_path=path, output_dir=Path(output_dir) if output_dir else None,
                     output_stem=output_stem or path.stem, cache=cache if cache is not None else {})
    if not path.exists():
        raise BadInputError(f"{path}: no such file", how_to_fix="check the path")
    doc = new_document(path)
    doc.provenance = provenance(config, needs_ocr=path.suffix.lower() != ".txt")
    return run_stages(doc, ctx, build_stages(config))
