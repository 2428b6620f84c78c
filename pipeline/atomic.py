"""Atomic file writes: a temporary file in the same folder, fsync, then rename.

A crash or ``kill -9`` leaves either the old file or the new one, never a
truncated one; stray temporaries carry a recognisable suffix.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".sohoa-tmp"


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def remove_stale_temporaries(folder: Path) -> int:
    """Delete temporaries left by an interrupted run; returns how many."""
    removed = 0
    if folder.is_dir():
        for path in folder.rglob(f"*{TEMP_SUFFIX}"):
            path.unlink(missing_ok=True)
            removed += 1
    return removed
