"""The benchmark report renderer (benchmarks/render_md.py) and shared helpers."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parents[1] / "benchmarks"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_render_md_tables_and_generic_results(tmp_path):
    common, render_md = load("common"), load("render_md")
    results = tmp_path / "results"
    common.write_result("ocr", {"title": "OCR", "tables": [
        {"title": "Totals", "rows": [{"system": "tesseract", "CER %": 12.5}, {"system": "sohoa", "CER %": 3.25}]},
    ], "notes": ["a note"]}, results)
    (results / "restore.json").write_text(json.dumps({
        "accuracy": 0.93, "model": "ngram", "by_kind": {"rows": [{"kind": "tone", "acc": 0.9}]},
    }), "utf-8")
    text = render_md.render(results)
    assert "python benchmarks/run_all.py" in text
    assert "## OCR" in text and "| sohoa | 3.25 |" in text and "- a note" in text
    assert "Machine: " in text and "CPUs" in text and "Date: " in text
    assert "## restore" in text and "| accuracy | 0.93 |" in text and "| tone | 0.9 |" in text


def test_machine_info_and_peak_rss():
    common = load("common")
    info = common.machine_info()
    assert info["cpu_count"] >= 1 and info["platform"]
    assert common.peak_rss_mb() > 0
    with common.timer() as t:
        pass
    assert t["seconds"] >= 0


def test_ocr_scores_are_micro_averaged():
    sys.path.insert(0, str(BENCH_DIR))
    bench = load("bench_ocr")
    scores = bench.Scores()
    row = scores.add(1, 2.0, "Ủy ban nhân dân", "Ủy ban nhân dân")
    assert row["CER %"] == 0.0 and row["s/page"] == 2.0
    scores.add(3, 3.0, "Uy ban", "Ủy ban nhân dân")
    failed = scores.add(1, 1.0, None, "x")
    assert failed["status"] == "failed"
    summary = scores.summary()
    assert summary["SER %"] == 37.5  # (0 + 3) / (4 + 4)
    assert summary["pages"] == 5 and summary["failed"] == 1 and summary["s/page"] == 1.2


@pytest.mark.slow
@pytest.mark.tesseract
def test_bench_ocr_end_to_end_on_one_rendered_page(tmp_path):
    from PIL import Image, ImageDraw, ImageFont

    font_path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    if not font_path.is_file():
        pytest.skip("DejaVu font not installed")
    text = "Ủy ban nhân dân huyện Củ Chi\nKế hoạch triển khai thực hiện"
    (tmp_path / "scans").mkdir()
    (tmp_path / "gold").mkdir()
    image = Image.new("L", (1400, 300), 255)
    ImageDraw.Draw(image).multiline_text((60, 60), text, font=ImageFont.truetype(str(font_path), 40), fill=0)
    image.save(tmp_path / "scans" / "one.png")
    (tmp_path / "gold" / "one.txt").write_text(text, "utf-8")
    sys.path.insert(0, str(BENCH_DIR))
    bench = load("bench_ocr")
    assert bench.main(["--scans", str(tmp_path / "scans"), "--gold", str(tmp_path / "gold"),
                       "--results", str(tmp_path / "results")]) == 0
    data = json.loads((tmp_path / "results" / "ocr.json").read_text("utf-8"))
    totals = {row["system"]: row for row in data["tables"][0]["rows"]}
    assert totals["tesseract"]["pages"] == 1 and totals["tesseract"]["CER %"] < 20
    assert data["machine"]["cpu_count"] >= 1 and data["date"]
