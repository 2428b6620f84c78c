from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import fake_tesseract
from helpers.pages import text_page

from pipeline import __version__
from pipeline.cli import build_parser, main
from pipeline.errors import ExitCode


def test_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0 and __version__ in capsys.readouterr().out


@pytest.mark.parametrize("command", ["run", "correct", "eval", "review"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0 and "usage: sohoa" in capsys.readouterr().out


def test_console_script_entry_point():
    out = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"sohoa {__version__}"


def test_no_command_prints_help(capsys):
    assert main([]) == ExitCode.bad_args
    assert "COMMAND" in capsys.readouterr().out
    assert build_parser().prog == "sohoa"


def _bad_inputs(folder):
    (folder / "zero.png").write_bytes(b"")
    (folder / "not_an_image.png").write_text("hello, I am text\n")
    full = folder / "full.png"
    text_page().save(full)
    (folder / "truncated.png").write_bytes(full.read_bytes()[:1500])
    full.unlink()
    (folder / "truncated.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R")
    from PIL import Image

    Image.new("1", (20000, 12000)).save(folder / "huge.png")
    return sorted(p.name for p in folder.iterdir() if p.is_file())


@pytest.mark.parametrize("name", ["zero.png", "not_an_image.png", "truncated.png", "truncated.pdf", "huge.png"])
def test_one_bad_file_exits_with_input_error_naming_it(tmp_path, capsys, name):
    inputs = tmp_path / "in"
    inputs.mkdir()
    _bad_inputs(inputs)
    code = main(["run", str(inputs / name), "-o", str(tmp_path / "out"), "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == ExitCode.input_file
    failure_lines = [line for line in err.splitlines() if name in line]
    assert failure_lines and "Traceback" not in err
    record = json.loads((tmp_path / "out" / f"{name.rsplit('.', 1)[0]}.json").read_text())
    assert record["status"] == "failed" and record["errors"][0]["code"] == "bad_input"


def test_missing_input_path(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.png"), "-o", str(tmp_path / "out")]) == ExitCode.input_file
    assert "nope.png" in capsys.readouterr().err


@pytest.mark.tesseract
def test_folder_with_bad_files_still_processes_the_good_one(tmp_path, capsys, validate_document):
    inputs = tmp_path / "in"
    (inputs / "sub").mkdir(parents=True)
    bad = _bad_inputs(inputs)
    text_page().save(inputs / "sub" / "good.png", dpi=(200, 200))
    out = tmp_path / "out"
    code = main(["run", str(inputs), "-o", str(out), "--jobs", "1"])
    assert code == ExitCode.partial_failure
    good = json.loads((out / "sub" / "good.json").read_text())
    validate_document(good)
    assert good["status"] == "ok" and "Căn cứ" in good["text"]
    report = json.loads((out / "report.json").read_text())
    assert report["counts"] == {"ok": 1, "partial": 0, "failed": len(bad), "skipped": 0}
    assert "1 ok, 0 partial, 5 failed" in capsys.readouterr().out


@pytest.mark.tesseract
def test_tesseract_crash_marks_document_failed_with_page(tmp_path, monkeypatch):
    monkeypatch.setenv("SOHOA_TESSERACT", str(fake_tesseract.install(tmp_path, "crash")))
    page = tmp_path / "page.png"
    text_page().save(page)
    code = main(["run", str(page), "-o", str(tmp_path / "out"), "--jobs", "1", "--no-cleanup"])
    record = json.loads((tmp_path / "out" / "page.json").read_text())
    assert record["status"] == "failed"
    assert record["errors"][0]["code"] == "ocr_crash" and record["errors"][0]["page"] == 1
    assert code == ExitCode.child_process_error


@pytest.mark.tesseract
def test_page_timeout_is_an_error_item(tmp_path, monkeypatch):
    monkeypatch.setenv("SOHOA_TESSERACT", str(fake_tesseract.install(tmp_path, "hang")))
    page = tmp_path / "page.png"
    text_page().save(page)
    code = main(["run", str(page), "-o", str(tmp_path / "out"), "--jobs", "1", "--ocr-timeout", "1", "--no-cleanup"])
    assert code == ExitCode.timeout
    record = json.loads((tmp_path / "out" / "page.json").read_text())
    assert record["errors"][0]["code"] == "ocr_timeout"
