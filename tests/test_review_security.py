"""Security of the review app: sessions on every route, CSRF, ids not paths, throttling, hashes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
pytest.importorskip("argon2")

import sqlalchemy as sa  # noqa: E402
from fastapi.routing import APIRoute  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from test_review_support import PASSWORD, csrf_of, login, review_setup, version_of  # noqa: E402

from pipeline.model import Document  # noqa: E402
from pipeline.review import db, store  # noqa: E402
from pipeline.review.app import create_app  # noqa: E402
from pipeline.review.security import FREE_FAILURES  # noqa: E402

PUBLIC = {("GET", "/login"), ("POST", "/login")}


@pytest.fixture()
def env(tmp_path):
    out = tmp_path / "out"
    engine = review_setup(out)
    (tmp_path / "secret.png").write_bytes((out / "cv_001.pages" / "p0001.png").read_bytes())
    other = Document.from_json((out / "cv_001.json").read_text())
    other.pages[0].image.path = "../secret.png"  # a tampered JSON must not reach outside the folder
    (out / "evil.json").write_text(other.to_json())
    store.import_folder(engine, out)
    app = create_app(engine, out / "learned")
    return app, engine, out


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _routes(app):
    for route in app.routes:
        if isinstance(route, APIRoute):
            for method in route.methods:
                yield method, route.path


def test_every_route_but_login_needs_a_session(env):
    app, _, _ = env
    client = TestClient(app)
    checked = 0
    for method, path in _routes(app):
        if (method, path) in PUBLIC:
            continue
        response = client.request(method, _concrete(path), headers={"accept": "text/html"}, follow_redirects=False,
                                  data={"csrf": "x", "version": "1", "do": "accept"} if method == "POST" else None)
        assert response.status_code in (303, 401), (method, path, response.status_code)
        if response.status_code == 303:
            assert response.headers["location"] == "/login"
        assert "ỦY BAN" not in response.text and b"PNG" not in response.content[:8]
        checked += 1
    assert checked >= 10


def test_post_without_valid_csrf_is_refused(env):
    app, engine, out = env
    client = TestClient(app)
    bare = client.post("/login", data={"name": "ana", "password": PASSWORD}, follow_redirects=False)
    assert bare.status_code == 403
    assert login(client, "ana").status_code == 303
    page = client.get("/item/1")
    version = version_of(page.text)
    for token in (None, "", "forged-token"):
        data = {"version": str(version), "do": "accept"}
        if token is not None:
            data["csrf"] = token
        assert client.post("/item/1/decide", data=data, follow_redirects=False).status_code == 403
        assert client.post("/undo", data={**data, "item_id": "1"}, follow_redirects=False).status_code == 403
        assert client.post("/logout", data=data, follow_redirects=False).status_code == 403
    assert store.get_item(engine, 1).action is None
    good = client.post("/item/1/decide", data={"csrf": csrf_of(page.text), "version": version, "do": "accept"},
                       follow_redirects=False)
    assert good.status_code == 303
    other = TestClient(app)
    login(other, "boss")
    admin_page = other.get("/learned")
    assert other.post("/lexicon", data={"csrf": csrf_of(page.text), "word": "Tịnh"}).status_code == 403
    assert other.post("/lexicon", data={"csrf": csrf_of(admin_page.text), "word": "Tịnh"}).status_code == 200
    assert [r.action for r in store.audit_rows(engine)] == ["accept", "lexicon_add"]
    assert (out / "learned" / "lexicon.txt").read_text(encoding="utf-8") == "Tịnh\n"


def test_paths_and_foreign_ids_get_404(env):
    app, engine, out = env
    client = TestClient(app)
    login(client, "ana")
    evil_doc = next(d.id for d in store.queue(engine) if d.stem == "evil")
    for path in (
        "/item/999", "/item/999/crop", "/doc/999", "/doc/1/page/9/image", "/doc/999/page/1/image",
        f"/doc/{evil_doc}/page/1/image", "/item/..%2F..%2Fetc%2Fpasswd", "/doc/..%2Fsecret.png/page/1/image",
        "/doc/1/page/..%2F..%2Fsecret.png/image", "/item/-1/crop", "/item/1e3",
    ):
        response = client.get(path)
        assert response.status_code == 404, (path, response.status_code)
    own = client.get("/doc/1/page/1/image")
    assert own.status_code == 200 and own.content.startswith(b"\x89PNG")
    page = client.get("/item/1")
    refused = client.post("/item/999/decide", data={"csrf": csrf_of(page.text), "version": 1, "do": "accept"})
    assert refused.status_code == 404


def test_clerks_cannot_use_admin_routes_and_admins_approve_rules(env):
    app, _, out = env
    client = TestClient(app)
    login(client, "ana")
    assert client.get("/learned").status_code == 403
    token = csrf_of(client.get("/").text)
    assert client.post("/lexicon", data={"csrf": token, "word": "x"}).status_code == 403
    rule = {"kind": "fix", "original": "Luất", "corrected": "Luật", "left": "cứ", "right": "tổ"}
    assert client.post("/learned/approve", data={"csrf": token, **rule}).status_code == 403
    page = client.get("/item/2")
    client.post("/item/2/decide", data={"csrf": token, "version": version_of(page.text), "do": "accept"})
    admin = TestClient(app)
    login(admin, "boss")
    learned_page = admin.get("/learned")
    assert learned_page.status_code == 200 and "Luất" in learned_page.text
    assert admin.post("/learned/approve", data={"csrf": "forged", **rule}).status_code == 403
    assert admin.post("/learned/approve", data={"csrf": csrf_of(learned_page.text), **rule}).status_code == 200
    fixes = (out / "learned" / "fixes.jsonl").read_text(encoding="utf-8")
    assert '"approved": true' in fixes and '"decisions": 1' in fixes


def test_repeated_wrong_passwords_are_slowed_down(env):
    app, engine, _ = env
    client = TestClient(app)
    for _ in range(FREE_FAILURES):
        assert login(client, "ana", "wrong password").status_code == 401
    blocked = login(client, "ana")  # even the right password waits now
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
    assert "sohoa_session" not in blocked.headers.get("set-cookie", "")
    with engine.begin() as conn:  # let the delay pass
        conn.execute(db.login_failures.update().values(last_at=db.utcnow() - timedelta(seconds=5)))
    assert login(client, "ana", "still wrong").status_code == 401
    again = login(client, "ana")
    assert again.status_code == 429 and int(again.headers["retry-after"]) >= 2  # the delay grew
    with engine.begin() as conn:
        conn.execute(db.login_failures.update().values(last_at=db.utcnow() - timedelta(seconds=60)))
    assert login(client, "ana").status_code == 303
    with engine.connect() as conn:
        assert conn.execute(sa.select(db.login_failures)).first() is None


def test_database_holds_no_plain_text_password_and_cookies_are_protected(env):
    app, engine, out = env
    client = TestClient(app)
    response = login(client, "ana")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and re.search(r"SameSite=(strict|lax)", cookie, re.I)
    token = client.cookies.get("sohoa_session")
    raw = (out / "review.sqlite").read_bytes()
    assert PASSWORD.encode() not in raw and token.encode() not in raw
    with engine.connect() as conn:
        hashes = [r.password_hash for r in conn.execute(sa.select(db.users))]
    assert all(h.startswith("$argon2id$") for h in hashes)
    headers = client.get("/").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_logout_ends_the_session(env):
    app, _, _ = env
    client = TestClient(app)
    login(client, "ana")
    token = client.cookies.get("sohoa_session")
    client.post("/logout", data={"csrf": csrf_of(client.get("/").text)})
    replay = TestClient(app)
    replay.cookies.set("sohoa_session", token)
    assert replay.get("/", follow_redirects=False).status_code in (303, 401)
