"""Decisions feed the learned folder; the correction engine then applies them, in context only.

Uses ``pipeline.correction.Corrector.load(learned_dir=...)`` (notes/correction_api.md);
skipped when the engine or its models are not there.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")
pytest.importorskip("argon2")
correction = pytest.importorskip("pipeline.correction")
if not hasattr(correction, "Corrector"):
    pytest.skip("the correction engine is not built yet", allow_module_level=True)

import sqlalchemy as sa  # noqa: E402
from test_review_support import make_output, review_setup, users_by_name  # noqa: E402

from pipeline.review import db, store  # noqa: E402
from pipeline.review.learned import write_learned  # noqa: E402

CONFUSION = "Ban quản lý khu Mộ Đúc báo cáo kết quả."  # a misread place name that is itself a word
MAX_CHANGED_SHARE = 0.001  # correct text: at most 0.1 % of syllables may change


@pytest.fixture(scope="module")
def corrector_class():
    try:
        correction.Corrector.load()
    except Exception as exc:  # models not built in this checkout
        pytest.skip(f"the correction engine cannot load its models: {exc}")
    return correction.Corrector


def _engine_lines(corrector, texts: list[str]) -> list[tuple[str, dict]]:
    """Lines for ``make_output`` whose flags are what the engine flags in them (a real rerun)."""
    lines = []
    for text in texts:
        result = corrector.correct(text)
        starts = {}
        position = 0
        for index, word in enumerate(text.split(" ")):
            starts[index] = (position, position + len(word))
            position += len(word) + 1
        flags = {}
        for change in result.changes:
            if not change.flagged:
                continue
            index = next(i for i, (s, e) in starts.items() if s <= change.start < e)
            alternatives = [a for a in change.alternatives if a != change.corrected]
            flags[index] = (text.split(" ")[index], change.corrected, alternatives, "word")
        lines.append((text, flags))
    return lines


def _flag(corrector, text: str, word: str):
    return next((c for c in corrector.correct(text).changes if c.original == word), None)


def test_two_clerks_fix_once_then_the_engine_applies_it_in_that_context(tmp_path, corrector_class):
    base = corrector_class.load()
    before = _flag(base, CONFUSION, "Đúc")
    assert before is not None and before.flagged and "Đức" in before.alternatives
    out = tmp_path / "out"
    make_output(out, "a2", _engine_lines(base, ["Kính gửi: Ban quản lý khu Mộ Đúc báo cáo gấp."]))
    engine = review_setup(out, "a1", _engine_lines(base, [CONFUSION]))
    users = users_by_name(engine)
    with engine.connect() as conn:
        items = [r for r in conn.execute(sa.select(db.items).where(db.items.c.original == "Đúc").order_by(db.items.c.id))]
    assert len(items) == 2 and {(i.left_ctx, i.right_ctx) for i in items} == {("mộ", "báo")}
    learned = out / "learned"

    choice = items[0].alternatives.index("Đức") + 1
    store.decide(engine, users["ana"], items[0].id, items[0].version, "pick", choice=choice)
    write_learned(engine, learned)
    rerun = "Ban quản lý khu Mộ Đúc báo cáo tình hình dịch bệnh."
    one = _flag(corrector_class.load(learned_dir=learned), rerun, "Đúc")
    assert one is not None and one.flagged, "one clerk's decision alone must not apply automatically"
    assert "Đức" in (one.corrected, *one.alternatives[:1])

    store.decide(engine, users["binh"], items[1].id, items[1].version, "edit", value="Đức")
    write_learned(engine, learned)
    taught = corrector_class.load(learned_dir=learned)
    result = taught.correct(rerun)
    assert "khu Mộ Đức báo cáo" in result.text
    assert not any(c.flagged for c in result.changes if c.original == "Đúc")
    elsewhere = "Về việc chuyển hồ sơ, Đúc cho biết sẽ họp."  # same reading, another context
    assert taught.correct(elsewhere).text == base.correct(elsewhere).text, "a learned fix applies only in its context"


def test_one_clerks_slip_does_not_spread(tmp_path, corrector_class):
    base = corrector_class.load()
    out = tmp_path / "out"
    engine = review_setup(out, "slip", _engine_lines(base, [CONFUSION]))
    user = users_by_name(engine)["ana"]
    with engine.connect() as conn:
        item = conn.execute(sa.select(db.items).where(db.items.c.original == "Đúc")).one()
    store.decide(engine, user, item.id, item.version, "edit", value="Đực")  # a slip, decided ten times over
    for _ in range(3):
        current = store.get_item(engine, item.id)
        store.decide(engine, user, item.id, current.version, "edit", value="Đực")
    write_learned(engine, out / "learned")
    result = corrector_class.load(learned_dir=out / "learned").correct(CONFUSION)
    assert "Mộ Đực" not in result.text


def _heldout_texts(shared_dir: Path, syllables: int) -> list[str]:
    from pipeline.resources import models_dir

    ids_file = models_dir() / "heldout_ids.txt"
    heldout = set(ids_file.read_text().split()) if ids_file.is_file() else None
    texts, count = [], 0
    with gzip.open(shared_dir / "corpus" / "vbpl_legal_vi.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if heldout is not None and record["id"] not in heldout:
                continue
            texts.append(record["text"])
            count += len(record["text"].split())
            if count >= syllables:
                break
    return texts


@pytest.mark.shared
@pytest.mark.slow
def test_learned_folder_keeps_correct_text_unchanged(tmp_path, shared_dir, corrector_class):
    """With a learned folder in use, correct legal text changes in at most 0.1 % of syllables."""
    learned = tmp_path / "learned"
    learned.mkdir()
    fixes = [
        {"original": "Đúc", "corrected": "Đức", "left": "mộ", "right": "báo", "decisions": 2, "approved": False},
        {"original": "Luất", "corrected": "Luật", "left": "cứ", "right": "tổ", "decisions": 3, "approved": True},
        {"original": "quà", "corrected": "quả", "left": "kết", "right": "về", "decisions": 2, "approved": False},
        {"original": "tô", "corrected": "tổ", "left": "luật", "right": "chức", "decisions": 2, "approved": False},
    ]
    (learned / "fixes.jsonl").write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in fixes), "utf-8")
    (learned / "keep.jsonl").write_text(json.dumps(
        {"word": "Đúc", "left": "xã", "right": "phong", "decisions": 2, "approved": False}, ensure_ascii=False) + "\n")
    (learned / "lexicon.txt").write_text("Tịnh\nĐúc\n", encoding="utf-8")
    corrector = corrector_class.load(learned_dir=learned)
    texts = _heldout_texts(shared_dir, 20_000)
    syllables = changed = 0
    for text in texts:
        result = corrector.correct(text)
        syllables += len(text.split())
        changed += sum(not c.flagged and c.corrected != c.original for c in result.changes)
    assert syllables >= 5_000
    print(f"learned folder loaded: {changed} of {syllables} syllables changed ({changed / syllables:.4%})")
    assert changed / syllables <= MAX_CHANGED_SHARE
