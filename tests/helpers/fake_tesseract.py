"""Tesseract stand-ins for failure tests: real programs on disk, selected with SOHOA_TESSERACT.

Each forwards --version and --list-langs to the real tesseract and misbehaves on OCR.
"""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

BEHAVIOURS = {
    "crash": 'echo "Segmentation fault (core dumped)" >&2; kill -SEGV $$',
    "error": 'echo "Error in pixReadStream: Unknown format" >&2; exit 1',
    "hang": "sleep 30",
}


def install(folder: Path, behaviour: str) -> Path:
    real = shutil.which("tesseract") or "tesseract"
    script = folder / f"tesseract-{behaviour}"
    script.write_text(
        "#!/bin/sh\n"
        'case "$1" in --version|--list-langs) exec ' + real + ' "$@";; esac\n'
        'for arg in "$@"; do case "$arg" in --version|--list-langs) exec ' + real + ' "$@";; esac; done\n'
        + BEHAVIOURS[behaviour] + "\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script
