"""``sohoa correct``: text and JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.resources import models_dir

pytestmark = pytest.mark.skipif(not (models_dir() / "lm.npz").is_file(), reason="LM not built")


def test_correct_prints_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.txt"
    src.write_text("Uy ban nhan dan tinh\n\nSo: 09/2017/ND-CP\n", encoding="utf-8")
    assert main(["correct", str(src)]) == 0
    out = capsys.readouterr().out
    assert out == "Ủy ban nhân dân tỉnh\n\nSố: 09/2017/ND-CP\n"


def test_correct_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.txt"
    src.write_text("Uy ban nhan dan", encoding="utf-8")
    assert main(["correct", str(src), "--json", "--tone-style", "old", "--mode", "diacritics"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["text"] == "Uỷ ban nhân dân"
    first = data["changes"][0]
    assert set(first) >= {"start", "end", "original", "corrected", "confidence", "flagged", "alternatives"}


def test_correct_missing_file(tmp_path: Path) -> None:
    assert main(["correct", str(tmp_path / "missing.txt")]) == 3
