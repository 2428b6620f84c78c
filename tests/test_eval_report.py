from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from pipeline.commands import eval as eval_command
from pipeline.errors import BadInputError
from pipeline.eval import report as r
from pipeline.model import Correction, Document, Header, Section, Signature, Source, SourceKind

GOLD_TEXT = "Ủy ban nhân dân huyện Củ Chi\nSố: 1005/KH-PGDĐT"


def make_doc(text: str, *, flags: list[tuple[int, int]] = (), number: str | None = "1005/KH-PGDĐT") -> Document:
    return Document(
        source=Source(path="a.png", sha256="0" * 64, pages=1, kind=SourceKind.image),
        text=text,
        header=Header(number=number, place="Củ Chi"),
        sections=[Section(title="MỤC ĐÍCH, YÊU CẦU", role="goals")],
        recipients=["Như trên;", "Lưu: VT."],
        signature=Signature(authority="KT. TRƯỞNG PHÒNG", signer="Nguyễn Văn A"),
        corrections=[
            Correction(span=span, original=text[span[0]:span[1]], corrected="x", confidence=0.4, flagged=True)
            for span in flags
        ],
    )


@pytest.fixture()
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    pred, gold = tmp_path / "output", tmp_path / "gold"
    (pred / "sub").mkdir(parents=True)
    gold.mkdir()
    pred_text = "Ủy ban nhân đân huyện Củ Chi\nSố: 1005/KH-PGDĐT"  # one wrong syllable
    (pred / "sub" / "a.json").write_text(make_doc(pred_text, flags=[(12, 15), (22, 24)]).to_json(), "utf-8")
    (pred / "sub" / "a.txt").write_text(pred_text, "utf-8")
    (pred / "b.txt").write_text("Kế hoạch số 5", "utf-8")
    (pred / "orphan.txt").write_text("xyz", "utf-8")
    (gold / "a.txt").write_text(GOLD_TEXT, "utf-8")
    gold_doc = make_doc(GOLD_TEXT, number="1005/KH-PGDĐT")
    gold_doc.signature.signer = "Nguyễn Văn B"
    (gold / "a.json").write_text(gold_doc.to_json(), "utf-8")
    (gold / "a.blocks.json").write_text("[not a document", "utf-8")
    (gold / "b.gold.txt").write_text("Kế hoạch số 6", "utf-8")
    (gold / "c.txt").write_text("no prediction", "utf-8")
    return pred, gold


def test_stem_key_strips_known_suffixes():
    assert r.stem_key(Path("kh_1005_cuchi.ocr_eng.txt")) == "kh_1005_cuchi"
    assert r.stem_key(Path("kh_1005_cuchi.gold.txt")) == "kh_1005_cuchi"
    assert r.stem_key(Path("x.reviewed.json")) == "x"
    assert r.stem_key(Path("v1.2.json")) == "v1.2"


def test_folders_pair_by_stem_and_report_missing(dirs):
    pred, gold = dirs
    report = r.evaluate(pred, gold)
    assert [d.stem for d in report.documents] == ["a", "b"]
    assert report.pred_only == ["orphan"]
    assert report.gold_only == ["c"]


def test_scores_text_structure_and_flags(dirs):
    report = r.evaluate(*dirs)
    a, b = report.documents
    assert a.ser.errors == 1 and a.ser.total == 9
    assert a.cer.errors == 1
    assert a.diacritics.correct == a.diacritics.total - 1
    assert a.flags.as_dict()["precision"] == 0.5 and a.flags.recall == 1.0
    assert a.structure.header == {"number": True, "place": True}
    assert a.structure.signature == {"authority": True, "signer": False}
    assert a.structure.recipients_exact
    assert a.structure.sections.recall == 1.0
    assert b.structure is None and b.flags is None
    assert b.ser.errors == 1 and b.ser.total == 4


def test_totals_are_micro_averages(dirs):
    report = r.evaluate(*dirs)
    a, b = report.documents
    total = report.totals
    assert total.ser.errors == a.ser.errors + b.ser.errors
    assert total.ser.rate == pytest.approx(2 / 13)
    assert total.cer.total == a.cer.total + b.cer.total
    assert total.header.value == 1.0
    assert total.signature_fields["signer"].value == 0.0


def test_two_single_files_pair_whatever_their_names(tmp_path):
    pred, gold = tmp_path / "kh.ocr_eng.txt", tmp_path / "other.gold.txt"
    pred.write_text("Uy ban nhan dan", "utf-8")
    gold.write_text("Ủy ban nhân dân", "utf-8")
    report = r.evaluate(pred, gold)
    assert len(report.documents) == 1
    assert report.documents[0].diacritics.value == 0.0


def test_one_folder_with_predictions_and_gold_side_by_side(tmp_path):
    (tmp_path / "kh.ocr_eng.txt").write_text("Uy ban nhan dan", "utf-8")
    (tmp_path / "kh.gold.txt").write_text("Ủy ban nhân dân", "utf-8")
    report = r.evaluate(tmp_path, tmp_path)
    (doc,) = report.documents
    assert doc.pred == [str(tmp_path / "kh.ocr_eng.txt")]
    assert doc.gold == [str(tmp_path / "kh.gold.txt")]
    assert doc.diacritics.value == 0.0


def test_bad_json_names_the_file(tmp_path):
    pred, gold = tmp_path / "p", tmp_path / "g"
    pred.mkdir()
    gold.mkdir()
    (pred / "a.json").write_text("{bad", "utf-8")
    (gold / "a.txt").write_text("x", "utf-8")
    with pytest.raises(BadInputError, match=r"a\.json.*bad JSON"):
        r.evaluate(pred, gold)


def test_json_that_is_not_a_document_object(tmp_path):
    (tmp_path / "a.json").write_text("[1, 2]", "utf-8")
    (tmp_path / "a.gold.txt").write_text("x", "utf-8")
    with pytest.raises(BadInputError, match="expected a JSON object"):
        r.evaluate(tmp_path / "a.json", tmp_path / "a.gold.txt")


def test_wrongly_typed_field_names_the_file(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"text": "x", "recipients": [1, 2]}), "utf-8")
    (tmp_path / "a.gold.json").write_text(json.dumps({"text": "x", "recipients": ["Lưu: VT."]}), "utf-8")
    with pytest.raises(BadInputError, match=r"a\.json: field 'recipients' should be a JSON array of strings"):
        r.evaluate(tmp_path / "a.json", tmp_path / "a.gold.json")


def test_missing_path_is_a_bad_input(tmp_path):
    with pytest.raises(BadInputError, match="no such file"):
        r.evaluate(tmp_path / "nope", tmp_path)


def _run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sohoa")
    eval_command.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_json_output(dirs, capsys, tmp_path):
    pred, gold = dirs
    out = tmp_path / "report" / "eval.json"
    assert _run_cli(["eval", str(pred), str(gold), "--json", "-o", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == json.loads(out.read_text("utf-8"))
    assert [d["stem"] for d in data["documents"]] == ["a", "b"]
    assert data["total"]["text"]["ser"]["errors"] == 2
    assert data["documents"][0]["flags"]["precision"] == 0.5
    assert data["unmatched"] == {"pred_without_gold": ["orphan"], "gold_without_pred": ["c"]}


def test_cli_table_output(dirs, capsys):
    assert _run_cli(["eval", *map(str, dirs)]) == 0
    out = capsys.readouterr().out
    assert "TOTAL (2)" in out and "orphan" in out and "signature.signer" in out


def test_table_renders_without_structure(tmp_path):
    (tmp_path / "a.txt").write_text("x y", "utf-8")
    (tmp_path / "a.gold.txt").write_text("x z", "utf-8")
    report = r.evaluate(tmp_path / "a.txt", tmp_path / "a.gold.txt")
    buffer = io.StringIO()
    r.render_table(report, Console(file=buffer, width=200))
    assert "50.0" in buffer.getvalue()


def test_cli_main_runs_eval_when_registered(dirs, capsys):
    cli = pytest.importorskip("pipeline.cli")
    try:
        code = cli.main(["eval", *map(str, dirs), "--json"])
    except ModuleNotFoundError as exc:  # another command module is not written yet
        pytest.skip(f"pipeline.cli cannot load all commands yet: {exc}")
    assert code == 0
    assert json.loads(capsys.readouterr().out)["total"]["documents"] == 2


def test_cli_main_turns_bad_json_into_exit_code(tmp_path, capsys):
    cli = pytest.importorskip("pipeline.cli")
    (tmp_path / "a.json").write_text("{bad", "utf-8")
    (tmp_path / "a.gold.txt").write_text("x", "utf-8")
    try:
        code = cli.main(["eval", str(tmp_path / "a.json"), str(tmp_path / "a.gold.txt")])
    except ModuleNotFoundError as exc:
        pytest.skip(f"pipeline.cli cannot load all commands yet: {exc}")
    assert code == BadInputError.exit_code
    assert "a.json" in capsys.readouterr().err


@pytest.mark.shared
def test_english_ocr_of_the_dev_letter(shared_dir):
    """The shared dev pair: English-model OCR keeps the letters, loses the marks."""
    dev = shared_dir / "dev"
    report = r.evaluate(dev / "kh_1005_cuchi.ocr_eng.txt", dev / "kh_1005_cuchi.gold.txt")
    (doc,) = report.documents
    assert doc.stem == "kh_1005_cuchi"
    assert 0.15 < doc.cer.rate < 0.35
    assert doc.ser.rate > 0.8
    assert doc.diacritics.total > 1500 and doc.diacritics.value < 0.05
