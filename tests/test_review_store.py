"""Review store: import, decisions with versions, undo, audit, export, learned folder."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("sqlalchemy")
pytest.importorskip("alembic")
pytest.importorskip("argon2")

import sqlalchemy as sa  # noqa: E402
from test_review_support import review_setup, users_by_name  # noqa: E402

from pipeline.model import Document  # noqa: E402
from pipeline.review import db, store  # noqa: E402
from pipeline.review.export import HAS_DECISION_FIELD, export_folder  # noqa: E402
from pipeline.review.learned import approve_rule, learned_rules, write_learned  # noqa: E402


@pytest.fixture()
def setup(tmp_path):
    out = tmp_path / "out"
    engine = review_setup(out)
    return out, engine, users_by_name(engine)


def _items(engine):
    with engine.connect() as conn:
        return {r.original: r for r in conn.execute(sa.select(db.items))}


def test_import_makes_one_item_per_flagged_correction_with_context(setup):
    out, engine, _ = setup
    found = _items(engine)
    assert set(found) == {"PHỦ", "Luất", "chỉnh", "12/KH-UBNB", "Dào", "triến", "kêt", "quà"}
    luat = found["Luất"]
    assert (luat.left_ctx, luat.right_ctx) == ("cứ", "tổ")
    assert found["PHỦ"].right_ctx == "" and found["PHỦ"].kind == "header_field"
    assert luat.line_bbox[0] <= luat.bbox[0] and luat.line_bbox[2] >= luat.bbox[2]
    assert luat.line_text.startswith("Căn cứ Luất")
    summary = store.import_folder(engine, out)
    assert summary.documents == 0 and summary.unchanged == 1


def test_reimport_keeps_decisions(setup):
    out, engine, users = setup
    item = _items(engine)["Luất"]
    store.decide(engine, users["ana"], item.id, item.version, "accept")
    doc = Document.from_json((out / "cv_001.json").read_text())
    doc.corrections = [c for c in doc.corrections if c.original != "quà"]  # a rerun no longer flags one word
    (out / "cv_001.json").write_text(doc.to_json())
    summary = store.import_folder(engine, out)
    assert summary.documents == 1 and summary.dropped_decisions == 0
    found = _items(engine)
    assert "quà" not in found and found["Luất"].action == "accept"


def test_decide_checks_version_and_audits(setup):
    _, engine, users = setup
    item = _items(engine)["chỉnh"]
    decided = store.decide(engine, users["ana"], item.id, item.version, "pick", choice=1)
    assert decided.value == "chinh" and decided.version == item.version + 1
    with pytest.raises(store.Conflict) as conflict:
        store.decide(engine, users["binh"], item.id, item.version, "keep")
    assert conflict.value.item.value == "chinh"
    with pytest.raises(store.InvalidDecision):
        store.decide(engine, users["binh"], item.id, decided.version, "pick", choice=7)
    with pytest.raises(store.InvalidDecision):
        store.decide(engine, users["binh"], item.id, decided.version, "edit", value="   ")
    store.decide(engine, users["binh"], item.id, decided.version, "edit", value=" chính ")
    rows = store.audit_rows(engine, item.id)
    assert [(r.user_name, r.action, r.old_value, r.new_value) for r in rows] == [
        ("ana", "pick", None, "chinh"), ("binh", "edit", "chinh", "chính")]


def test_undo_reopens_my_last_untouched_decision(setup):
    _, engine, users = setup
    found = _items(engine)
    first, second = found["Dào"], found["triến"]
    store.decide(engine, users["ana"], first.id, first.version, "accept")
    store.decide(engine, users["ana"], second.id, second.version, "keep")
    last = store.last_undoable(engine, users["ana"])
    assert last.item_id == second.id
    store.reopen(engine, users["ana"], last.item_id, last.version)
    assert _items(engine)["triến"].action is None
    assert store.last_undoable(engine, users["ana"]).item_id == first.id
    assert store.last_undoable(engine, users["binh"]) is None
    assert store.progress(engine) == (1, 8)


def test_export_applies_every_decision_to_text_fields_and_corrections(setup):
    out, engine, users = setup
    found = _items(engine)
    decisions = {"PHỦ": ("accept", None, None), "Luất": ("accept", None, None), "chỉnh": ("edit", "chính", None),
                 "12/KH-UBNB": ("accept", None, None), "Dào": ("pick", None, 1), "kêt": ("keep", None, None)}
    for original, (action, value, choice) in decisions.items():
        item = found[original]
        store.decide(engine, users["ana"], item.id, item.version, action, value=value, choice=choice)
    [(path, applied, warnings)] = export_folder(engine, out)
    assert path.name == "cv_001.reviewed.json" and applied == 6 and warnings == []
    doc = Document.from_json(path.read_text())
    assert "ỦY BAN NHÂN DÂN HUYỆN AN PHÚ\nCăn cứ Luật Tổ chức chính quyền" in doc.text
    assert "số 12/KH-UBND ngày" in doc.text and "Giao Phòng Giáo dục và Đảo tạo triến" in doc.text
    assert "kêt quà" in doc.text
    for word in doc.words():
        assert doc.text[word.span[0]:word.span[1]] == word.text
    by_original = {c.original: c for c in doc.corrections}
    assert by_original["Dào"].corrected == "Đảo" and not by_original["Dào"].flagged
    assert by_original["kêt"].corrected == "kêt" and not by_original["kêt"].flagged
    assert by_original["triến"].flagged and by_original["quà"].flagged
    for corr in doc.corrections:
        assert doc.text[corr.span[0]:corr.span[1]] == (corr.original if corr.flagged else corr.corrected)
    assert doc.quality.flagged == 2
    assert doc.header.issuing_agency == "ỦY BAN NHÂN DÂN HUYỆN AN PHÚ"
    assert not doc.header.evidence["issuing_agency"].flagged
    assert doc.references[0].number == "12/KH-UBND" and not doc.references[0].mentions[0].flagged
    mention = doc.references[0].mentions[0]
    assert doc.text[mention.span[0]:mention.span[1]] == "12/KH-UBND"
    assert doc.legal_bases[0].text.startswith("Căn cứ Luật Tổ chức chính quyền")
    section = doc.sections[0]
    assert section.text == doc.text[section.span[0]:section.span[1]] and section.text.startswith("Giao")
    log = doc.corrections if HAS_DECISION_FIELD else json.loads((out / "cv_001.review-log.json").read_text())
    assert len([e for e in log if (e.decision if HAS_DECISION_FIELD else e)]) == 6
    if not HAS_DECISION_FIELD:
        assert {e["user"] for e in log} == {"ana"} and all(e["at"].endswith("Z") for e in log)


def test_learned_rules_need_two_users_or_an_admin(setup, tmp_path):
    _, engine, users = setup
    item = _items(engine)["Luất"]
    store.decide(engine, users["ana"], item.id, item.version, "accept")
    fixes, keeps, _ = learned_rules(engine)
    assert fixes == [{"original": "Luất", "corrected": "Luật", "left": "cứ", "right": "tổ", "decisions": 1,
                      "approved": False}]
    approve_rule(engine, users["boss"], "fix", "Luất", "Luật", "cứ", "tổ")
    kept = _items(engine)["kêt"]
    store.decide(engine, users["boss"], kept.id, kept.version, "keep")
    fixes, keeps, _ = learned_rules(engine)
    assert fixes[0]["approved"] is True
    assert keeps == [{"word": "kêt", "left": "cáo", "right": "quà", "decisions": 1, "approved": True}]
    folder = tmp_path / "learned"
    write_learned(engine, folder)
    lines = (folder / "fixes.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["corrected"] for x in lines] == ["Luật"]
    assert (folder / "lexicon.txt").read_text() == ""


def test_a_decision_on_a_split_word_merges_its_pieces(tmp_path):
    from test_review_support import make_output

    from pipeline.model import Correction
    from pipeline.review.export import Decision, apply_decisions

    doc = Document.from_json(make_output(tmp_path / "o").read_text())
    pieces = [w for w in doc.words() if w.id in ("p1-b1-l4-w7", "p1-b1-l4-w8")]  # "tạo triến"
    doc.corrections.append(Correction(word_ids=[w.id for w in pieces], page=1, span=(pieces[0].span[0], pieces[1].span[1]),
                                      original="tạo triến", corrected="tạo triển", confidence=0.3, flagged=True))
    position = len(doc.corrections) - 1
    warnings = apply_decisions(doc, [Decision(position, "tạo triến", "edit", "tạotriển", "ana", "2026-01-01T00:00:00Z")])
    assert warnings == []
    assert "Dào tạotriển khai" in doc.text
    assert [w.id for w in doc.words()].count("p1-b1-l4-w8") == 0
    corr = doc.corrections[position]
    assert doc.text[corr.span[0]:corr.span[1]] == "tạotriển" and not corr.flagged
    for word in doc.words():
        assert doc.text[word.span[0]:word.span[1]] == word.text
    stale = apply_decisions(doc, [Decision(0, "not the reading", "keep", "x", "ana", "2026-01-01T00:00:00Z")])
    assert stale and "no longer matches" in stale[0]
