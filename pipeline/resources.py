"""Where the packaged models and the editable dictionaries live.

Models ship inside the package (``pipeline/models``). Dictionaries are kept at the
repository top level for editing and are copied into the wheel as
``pipeline/dictionaries``; an editable install finds them beside the package.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def models_dir() -> Path:
    return PACKAGE_DIR / "models"


def dictionaries_dir() -> Path:
    bundled = PACKAGE_DIR / "dictionaries"
    if bundled.is_dir():
        return bundled
    return PACKAGE_DIR.parent / "dictionaries"
