from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.pages import text_page
from PIL import Image

from pipeline.atomic import TEMP_SUFFIX
from pipeline.batch.runner import discover, run_batch
from pipeline.config import PipelineConfig

FAST = PipelineConfig(cleanup=False)


def _letter(path: Path, index: int) -> None:
    lines = (f"Số: {index}/KH-UBND", "Căn cứ Luật Tổ chức chính quyền địa phương;",
             "Giao Phòng Giáo dục và Đào tạo triển khai thực hiện.")
    text_page(lines, height=420, size=34).save(path, dpi=(200, 200))


def _strip_volatile(data: dict) -> dict:
    data = json.loads(json.dumps(data))
    data["provenance"]["processed_at"] = None
    data["quality"]["timings"] = {}
    data["source"]["path"] = Path(data["source"]["path"]).name
    return data


def test_discover_mirrors_relative_paths_and_keeps_equal_names_apart(tmp_path):
    for folder in ("a", "b/c"):
        (tmp_path / "in" / folder).mkdir(parents=True)
        (tmp_path / "in" / folder / "letter.txt").write_text("x")
    (tmp_path / "in" / "a" / "letter.png").write_bytes(b"x")
    (tmp_path / "in" / "a" / "notes.docx").write_bytes(b"x")
    stems = sorted(task.output_stem for task in discover([tmp_path / "in"], tmp_path / "out"))
    assert stems == ["a/letter", "a/letter_txt", "b/c/letter"]


def test_discover_groups_page_images_of_a_folder(tmp_path):
    letter = tmp_path / "in" / "letter_575"
    letter.mkdir(parents=True)
    for name in ("page_10.png", "page_2.png", "page_1.png"):
        (letter / name).write_bytes(b"x")
    (tmp_path / "in" / "other.pdf").write_bytes(b"x")
    tasks = discover([tmp_path / "in"], tmp_path / "out", group="folder")
    assert sorted(t.output_stem for t in tasks) == ["letter_575", "other"]


def test_output_folder_inside_input_is_not_reprocessed(tmp_path):
    (tmp_path / "letter.txt").write_text("x")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "letter.txt").write_text("x")
    assert [t.output_stem for t in discover([tmp_path], tmp_path / "out")] == ["letter"]


@pytest.mark.tesseract
def test_folder_of_page_images_is_one_document(tmp_path, validate_document):
    letter = tmp_path / "in" / "letter"
    letter.mkdir(parents=True)
    for number in (1, 2):
        _letter(letter / f"p{number}.png", number)
    result = run_batch(discover([tmp_path / "in"], tmp_path / "out", group="folder"), FAST, tmp_path / "out")
    assert result.counts["ok"] == 1
    data = json.loads((tmp_path / "out" / "letter.json").read_text())
    validate_document(data)
    assert data["source"]["kind"] == "image-folder" and len(data["pages"]) == 2


@pytest.mark.tesseract
def test_resume_skips_finished_documents_and_force_redoes_them(tmp_path):
    (tmp_path / "in").mkdir()
    for index in range(2):
        _letter(tmp_path / "in" / f"l{index}.png", index)
    tasks = discover([tmp_path / "in"], tmp_path / "out")
    first = run_batch(tasks, FAST, tmp_path / "out")
    assert first.counts["ok"] == 2
    again = run_batch(tasks, FAST, tmp_path / "out")
    assert again.counts["skipped"] == 2
    _letter(tmp_path / "in" / "l0.png", 99)  # changed content is redone
    changed = run_batch(tasks, FAST, tmp_path / "out")
    assert changed.counts == {"ok": 1, "partial": 0, "failed": 0, "skipped": 1}
    other_options = run_batch(tasks, PipelineConfig(cleanup=False, correction=False), tmp_path / "out")
    assert other_options.counts["skipped"] == 0
    forced = run_batch(tasks, PipelineConfig(cleanup=False, correction=False), tmp_path / "out", force=True)
    assert forced.counts["ok"] == 2


@pytest.mark.tesseract
def test_mixed_folder_good_files_succeed_bad_ones_are_reported(tmp_path, validate_document):
    pikepdf = pytest.importorskip("pikepdf")
    inputs = tmp_path / "in"
    inputs.mkdir()
    for index in range(3):
        _letter(inputs / f"good{index}.png", index)
    (inputs / "zero.png").write_bytes(b"")
    (inputs / "named_png.png").write_text("Công văn số 12 — this is a text file\n")
    Image.new("1", (20000, 12000)).save(inputs / "huge.png")
    scan = tmp_path / "scan.pdf"
    text_page().save(scan)
    (inputs / "truncated.pdf").write_bytes(scan.read_bytes()[:700])
    with pikepdf.open(scan) as pdf:
        pdf.save(inputs / "encrypted.pdf", encryption=pikepdf.Encryption(owner="o", user="u", R=6))
    out = tmp_path / "out"
    result = run_batch(discover([inputs], out), FAST, out, jobs=2)
    assert result.counts == {"ok": 3, "partial": 0, "failed": 5, "skipped": 0}
    by_name = {Path(r.input).name: r for r in result.reports}
    expected = {"zero.png": "empty", "named_png.png": "not an image", "huge.png": "over the limit",
                "truncated.pdf": "PDF", "encrypted.pdf": "encrypted"}
    for name, fragment in expected.items():
        assert by_name[name].status == "failed" and fragment in by_name[name].error and name in by_name[name].error
        record = json.loads((out / f"{Path(name).stem}.json").read_text())
        validate_document(record)
        assert record["status"] == "failed" and fragment in record["errors"][0]["message"]
    report = json.loads((out / "report.json").read_text())
    assert report["counts"]["failed"] == 5 and len(report["documents"]) == 8
    assert (out / "report.csv").read_text().count("\n") == 9


@pytest.mark.tesseract
def test_sigkill_midway_then_rerun_finishes_every_document_exactly_once(tmp_path, validate_document):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    total = 20
    for index in range(total):
        _letter(inputs / f"letter_{index:02d}.png", index)
    command = [sys.executable, "-m", "pipeline", "run", str(inputs), "-o", str(out), "--jobs", "2", "--no-cleanup"]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(list(out.glob("letter_*.json"))) < 4:
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished_before = {p.name: p.stat().st_mtime_ns for p in out.glob("letter_*.json")}
    assert 0 < len(finished_before) < total, "the kill must land midway"
    for path in out.glob("letter_*.json"):  # whatever the kill left is complete JSON
        validate_document(path.read_text())
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["counts"]["skipped"] == len(finished_before)
    assert report["counts"]["ok"] == total - len(finished_before)
    outputs = sorted(out.glob("letter_*.json"))
    assert len(outputs) == total
    for path in outputs:
        validate_document(path.read_text())
        if path.name in finished_before:
            assert path.stat().st_mtime_ns == finished_before[path.name], f"{path.name} was done twice"
    assert not list(out.rglob(f"*{TEMP_SUFFIX}")), "no temporary file may be left behind"


@pytest.mark.tesseract
def test_dask_local_cluster_gives_the_same_results_as_the_local_pool(tmp_path):
    distributed = pytest.importorskip("distributed")
    inputs = tmp_path / "in"
    inputs.mkdir()
    for index in range(2):
        _letter(inputs / f"l{index}.png", index)
    tasks = discover([inputs], tmp_path / "local")
    run_batch(tasks, FAST, tmp_path / "local", jobs=2)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        result = run_batch(tasks, FAST, tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert result.counts["ok"] == 2
    for task in tasks:
        local = json.loads((tmp_path / "local" / f"{task.output_stem}.json").read_text())
        remote = json.loads((tmp_path / "dask" / f"{task.output_stem}.json").read_text())
        assert _strip_volatile(local) == _strip_volatile(remote)


@pytest.mark.slow
@pytest.mark.tesseract
def test_dask_path_on_the_samples_matches_the_local_path(tmp_path, samples_dir):
    distributed = pytest.importorskip("distributed")
    tasks = discover([samples_dir / "scans"], tmp_path / "local")
    run_batch(tasks, PipelineConfig(), tmp_path / "local", jobs=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        result = run_batch(tasks, PipelineConfig(), tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert result.counts["ok"] == len(tasks) >= 6
    for task in tasks:
        local = json.loads((tmp_path / "local" / f"{task.output_stem}.json").read_text())
        remote = json.loads((tmp_path / "dask" / f"{task.output_stem}.json").read_text())
        assert _strip_volatile(local) == _strip_volatile(remote), task.output_stem
