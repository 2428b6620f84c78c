"""Pipeline options and the configuration hash used for resume and provenance."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.resources import dictionaries_dir, models_dir


@dataclass(frozen=True)
class PipelineConfig:
    languages: str = "vie"
    ocr_timeout: float = 180.0  # seconds per page
    psm: int = 3
    render_dpi: int = 300  # PDF pages rendered for OCR
    max_pixels: int = 200_000_000  # refuse absurd images (decompression bombs)
    cleanup: bool = True
    second_reader: bool = True  # AsterNet reads each OCR line again (pipeline.second_reading)
    keep_intermediates: bool = False
    correction: bool = True
    correction_mode: str = "auto"  # auto | diacritics | ocr
    tone_style: str | None = None  # None keeps marks as read; "old" | "new" normalises
    learned_dir: str | None = None
    structure: bool = True
    keep_page_images: bool = True
    outputs: tuple[str, ...] = ("json", "txt")  # plus pdf, alto, hocr
    page_jobs: int = 1  # pages OCR'd at once within one document; does not change results

    # options that change how fast, not what comes out: left out of the configuration hash
    SPEED_ONLY = ("page_jobs",)

    def options_dict(self) -> dict:
        data = asdict(self)
        data["outputs"] = sorted(data["outputs"])
        for name in self.SPEED_ONLY:
            data.pop(name)
        return data


def _hash_tree(root: Path, digest) -> None:
    if not root.exists():
        return
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    for path in files:
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(root.parent)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())


_HASHES: dict[PipelineConfig, str] = {}


def config_hash(config: PipelineConfig) -> str:
    """Hash of options, models, dictionaries and the learned-corrections folder.

    A change to any of them (a clerk's new decision included) invalidates earlier
    outputs on resume.
    """
    from pipeline import __version__

    if config in _HASHES:
        return _HASHES[config]
    digest = hashlib.sha256()
    digest.update(__version__.encode())
    digest.update(json.dumps(config.options_dict(), sort_keys=True, default=str).encode())
    _hash_tree(models_dir(), digest)
    _hash_tree(dictionaries_dir(), digest)
    if config.learned_dir:
        _hash_tree(Path(config.learned_dir), digest)
    _HASHES[config] = digest.hexdigest()[:16]
    return _HASHES[config]
