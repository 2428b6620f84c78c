"""Two clerks deciding the same item: one wins, the other gets 409 and sees the decision; nothing lost."""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
pytest.importorskip("argon2")

from fastapi.testclient import TestClient  # noqa: E402
from test_review_support import csrf_of, login, review_setup, users_by_name, version_of  # noqa: E402

from pipeline.review import store  # noqa: E402
from pipeline.review.app import create_app  # noqa: E402


@pytest.fixture()
def env(tmp_path):
    out = tmp_path / "out"
    engine = review_setup(out)
    return create_app(engine, out / "learned"), engine


def test_second_decision_on_a_stale_version_gets_409(env):
    app, engine = env
    ana, binh = TestClient(app), TestClient(app)
    login(ana, "ana")
    login(binh, "binh")
    page_a, page_b = ana.get("/item/2"), binh.get("/item/2")
    assert version_of(page_a.text) == version_of(page_b.text)
    first = ana.post("/item/2/decide", data={"csrf": csrf_of(page_a.text), "version": version_of(page_a.text),
                                             "do": "accept"}, follow_redirects=False)
    second = binh.post("/item/2/decide", data={"csrf": csrf_of(page_b.text), "version": version_of(page_b.text),
                                               "do": "keep"}, follow_redirects=False)
    assert first.status_code == 303 and second.status_code == 409
    item = store.get_item(engine, 2)
    assert item.action == "accept" and item.value == item.suggestion
    assert "Another reviewer" in second.text and "by ana" in second.text  # the loser sees the current decision
    assert [r.user_name for r in store.audit_rows(engine, 2)] == ["ana"]
    # the loser may still decide, knowingly, on the version now shown
    retry = binh.post("/item/2/decide", data={"csrf": csrf_of(second.text), "version": version_of(second.text),
                                              "do": "keep"}, follow_redirects=False)
    assert retry.status_code == 303
    rows = store.audit_rows(engine, 2)
    assert [(r.user_name, r.old_value, r.new_value) for r in rows] == [
        ("ana", None, item.suggestion), ("binh", item.suggestion, item.original)]


def test_racing_threads_exactly_one_wins(env):
    _, engine = env
    users = [users_by_name(engine)["ana"], users_by_name(engine)["binh"]]
    item = store.get_item(engine, 3)
    barrier = threading.Barrier(6)
    results: list[str] = []

    def clerk(index: int) -> None:
        barrier.wait()
        try:
            store.decide(engine, users[index % 2], item.id, item.version, "edit", value=f"reading{index}")
            results.append("ok")
        except store.Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=clerk, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["conflict"] * 5 + ["ok"]
    final = store.get_item(engine, 3)
    rows = store.audit_rows(engine, 3)
    assert len(rows) == 1 and rows[0].new_value == final.value and final.version == item.version + 1
