"""The review store on PostgreSQL: migrations, import, locking, export, learned rules.

Runs only when SOHOA_REVIEW_PG_URL names a throw-away database (its tables are dropped),
e.g. postgresql+psycopg://sohoa_review:PASSWORD@localhost/sohoa_review_test.
"""

from __future__ import annotations

import os
import threading

import pytest

PG_URL = os.environ.get("SOHOA_REVIEW_PG_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="SOHOA_REVIEW_PG_URL is not set")


@pytest.fixture()
def pg_engine():
    pytest.importorskip("psycopg")
    import sqlalchemy as sa

    from pipeline.review import db

    engine = db.make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {db.VERSION_TABLE}"))
        db.metadata.drop_all(conn)
    db.upgrade(engine)
    yield engine
    engine.dispose()


def test_review_flow_on_postgresql(tmp_path, pg_engine):
    from test_review_support import TEMPLATE_USERS, add_users, make_output, users_by_name

    from pipeline.model import Document
    from pipeline.review import db, store
    from pipeline.review.export import export_folder
    from pipeline.review.learned import learned_rules

    out = tmp_path / "out"
    make_output(out)
    db.upgrade(pg_engine)  # idempotent
    assert store.import_folder(pg_engine, out).items == 8
    assert store.import_folder(pg_engine, out).unchanged == 1
    add_users(pg_engine, *TEMPLATE_USERS[:2])
    users = users_by_name(pg_engine)
    queue = store.queue(pg_engine)
    assert [(d.open, d.total) for d in queue] == [(8, 8)]
    items = store.document_items(pg_engine, queue[0].id)
    target = items[1]
    results: list[str] = []
    barrier = threading.Barrier(4)

    def clerk(index: int) -> None:
        barrier.wait()
        try:
            store.decide(pg_engine, users[("ana", "binh")[index % 2]], target.id, target.version, "accept")
            results.append("ok")
        except store.Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=clerk, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["conflict"] * 3 + ["ok"]
    assert len(store.audit_rows(pg_engine, target.id)) == 1
    assert store.next_open(pg_engine, target.id) == items[2].id
    [(path, applied, warnings)] = export_folder(pg_engine, out)
    assert applied == 1 and not warnings
    doc = Document.from_json(path.read_text(encoding="utf-8"))
    assert "Căn cứ Luật Tổ chức" in doc.text
    fixes, _, _ = learned_rules(pg_engine)
    assert [(f["original"], f["corrected"], f["decisions"]) for f in fixes] == [("Luất", "Luật", 1)]
