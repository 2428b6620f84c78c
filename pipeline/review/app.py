"""The review web application (FastAPI, server-rendered Jinja2, a little vanilla JS).

Every route except the login page needs a session; every POST needs the session's
CSRF token (the login form has its own double-submit token). Images are looked up
by item id or document id + page number, never by a path from the request.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine

from . import store
from .images import crop_around, load_page, png_bytes, safe_image_path
from .learned import add_lexicon_word, approve_rule, learned_rules, write_learned
from .security import (
    Session,
    authenticate,
    close_session,
    load_session,
    open_session,
    retry_after,
    same_token,
    throttle_key,
)

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
SESSION_COOKIE = "sohoa_session"
LOGIN_CSRF_COOKIE = "sohoa_login_csrf"
CSP = (
    "default-src 'none'; img-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'"
)


class NotAuthenticated(Exception):
    pass


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Settings:
    engine: Engine
    learned_dir: Path | None
    secure_cookies: bool = False


def create_app(engine: Engine, learned_dir: Path | None, *, secure_cookies: bool = False) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = Settings(engine, learned_dir, secure_cookies)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    _install_handlers(app, templates)
    _add_auth_routes(app, templates)
    _add_review_routes(app, templates)
    _add_admin_routes(app, templates)
    return app


# --- plumbing ----------------------------------------------------------------


def _install_handlers(app: FastAPI, templates: Jinja2Templates) -> None:
    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, _exc: NotAuthenticated):
        if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            return RedirectResponse("/login", status_code=303)
        return Response("login required", status_code=401, media_type="text/plain")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        # a malformed id in the path ("../../etc/passwd") is simply not found
        in_path = any(error.get("loc", ("",))[0] == "path" for error in exc.errors())
        return Response("not found" if in_path else "bad request", status_code=404 if in_path else 400,
                        media_type="text/plain")

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused):
        return Response(exc.message, status_code=exc.status, media_type="text/plain")


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _session(request: Request) -> Session:
    session = load_session(_settings(request).engine, request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise NotAuthenticated()
    return session


def _check_csrf(session: Session, token: str) -> None:
    if not same_token(session.csrf, token):
        raise Refused(403, "invalid or missing CSRF token")


def _admin(request: Request) -> Session:
    session = _session(request)
    if not session.user.is_admin:
        raise Refused(403, "admins only")
    return session


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _secure(request: Request) -> bool:
    return _settings(request).secure_cookies or request.url.scheme == "https"


def _refresh_learned(request: Request) -> None:
    """Rewrite the learned folder; the decision is already stored, so a write error only warns
    (the next decision or ``sohoa review export`` writes it again)."""
    settings = _settings(request)
    if settings.learned_dir is None:
        return
    try:
        write_learned(settings.engine, settings.learned_dir)
    except OSError as exc:
        log.warning("cannot write the learned folder %s: %s", settings.learned_dir, exc)


# --- login -------------------------------------------------------------------


def _add_auth_routes(app: FastAPI, templates: Jinja2Templates) -> None:
    def login_page(request: Request, message: str = "", status: int = 200) -> Response:
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
        response = templates.TemplateResponse(
            request, "login.html", {"csrf": token, "message": message, "user": None}, status_code=status
        )
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), path="/login")
        return response

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request):
        return login_page(request)

    @app.post("/login")
    def login(request: Request, name: str = Form(""), password: str = Form(""), csrf: str = Form("")):
        if not same_token(request.cookies.get(LOGIN_CSRF_COOKIE), csrf):
            raise Refused(403, "invalid or missing CSRF token; reload the login page")
        engine = _settings(request).engine
        wait = retry_after(engine, throttle_key(name, _client(request)))
        if wait > 0:
            response = login_page(request, f"Too many wrong passwords: try again in {int(wait) + 1} s.", 429)
            response.headers["Retry-After"] = str(int(wait) + 1)
            return response
        user = authenticate(engine, name, password, _client(request))
        if user is None:
            return login_page(request, "Wrong name or password.", 401)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            SESSION_COOKIE, open_session(engine, user), httponly=True, samesite="strict", secure=_secure(request), path="/"
        )
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
        return response

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")):
        session = _session(request)
        _check_csrf(session, csrf)
        close_session(_settings(request).engine, session)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response


# --- review ------------------------------------------------------------------


def _add_review_routes(app: FastAPI, templates: Jinja2Templates) -> None:
    def page(request: Request, session: Session, name: str, status: int = 200, **context) -> Response:
        context.update(user=session.user, csrf=session.csrf)
        return templates.TemplateResponse(request, name, context, status_code=status)

    @app.get("/", response_class=HTMLResponse)
    def queue(request: Request):
        session = _session(request)
        engine = _settings(request).engine
        return page(request, session, "queue.html", documents=store.queue(engine),
                    progress=store.progress(engine), next_item=store.next_open(engine))

    @app.get("/doc/{doc_id}", response_class=HTMLResponse)
    def document(request: Request, doc_id: int):
        session = _session(request)
        engine = _settings(request).engine
        row = store.get_document(engine, doc_id)
        if row is None:
            raise Refused(404, "no such document")
        doc_items = store.document_items(engine, doc_id)
        return page(request, session, "document.html", document=row, pages=store.document_pages(engine, doc_id),
                    items=doc_items, progress=store.progress(engine, doc_id))

    @app.get("/doc/{doc_id}/page/{number}/image")
    def page_image(request: Request, doc_id: int, number: int):
        _session(request)
        row = store.get_page(_settings(request).engine, doc_id, number)
        path = safe_image_path(row.root, row.image_path) if row else None
        if path is None:
            raise Refused(404, "no such page image")
        return FileResponse(path)

    @app.get("/item/{item_id}", response_class=HTMLResponse)
    def item_view(request: Request, item_id: int):
        session = _session(request)
        return item_page(request, session, item_id)

    def item_page(request: Request, session: Session, item_id: int, status: int = 200, message: str = "") -> Response:
        engine = _settings(request).engine
        item = store.get_item(engine, item_id)
        if item is None:
            raise Refused(404, "no such item")
        previous, following = store.neighbours(engine, item_id)
        page_row = store.get_page(engine, item.document_id, item.page) if item.page else None
        return page(
            request, session, "item.html", status=status, item=item, message=message,
            has_image=bool(page_row and page_row.image_path),
            previous=previous, following=following, progress=store.progress(engine, item.document_id),
            overall=store.progress(engine), line=_line_parts(item), history=store.audit_rows(engine, item_id),
        )

    @app.get("/item/{item_id}/crop")
    def item_crop(request: Request, item_id: int):
        _session(request)
        engine = _settings(request).engine
        item = store.get_item(engine, item_id)
        if item is None or item.page is None:
            raise Refused(404, "no such item image")
        row = store.get_page(engine, item.document_id, item.page)
        path = safe_image_path(row.root, row.image_path) if row else None
        if path is None:
            raise Refused(404, "no such item image")
        image = crop_around(load_page(path), item.bbox, item.line_bbox)
        return Response(png_bytes(image), media_type="image/png")

    @app.post("/item/{item_id}/decide")
    def decide(request: Request, item_id: int, csrf: str = Form(""), version: int = Form(0),
               do: str = Form(""), value: str = Form("")):
        session = _session(request)
        _check_csrf(session, csrf)
        engine = _settings(request).engine
        action, _, choice = do.partition(":")
        try:
            store.decide(engine, session.user, item_id, version, action, value=value,
                         choice=int(choice) if choice.isdigit() else None)
        except KeyError:
            raise Refused(404, "no such item") from None
        except store.InvalidDecision as exc:
            return item_page(request, session, item_id, 400, str(exc))
        except store.Conflict as exc:
            return item_page(request, session, item_id, 409,
                             f"Another reviewer changed this item first (now version {exc.item.version}). "
                             "Check the current decision below before deciding again.")
        _refresh_learned(request)
        following = store.next_open(engine, after_item=item_id)
        return RedirectResponse(f"/item/{following}" if following else "/", status_code=303)

    @app.post("/undo")
    def undo(request: Request, csrf: str = Form(""), item_id: int = Form(0), version: int = Form(0)):
        session = _session(request)
        _check_csrf(session, csrf)
        engine = _settings(request).engine
        item = store.get_item(engine, item_id) if item_id else None
        if item is None or item.action is None:
            last = store.last_undoable(engine, session.user)
            if last is None:
                return RedirectResponse(f"/item/{item_id}" if item else "/", status_code=303)
            item_id, version = last.item_id, last.version
        try:
            store.reopen(engine, session.user, item_id, version)
        except KeyError:
            raise Refused(404, "no such item") from None
        except store.Conflict:
            return item_page(request, session, item_id, 409, "Another reviewer changed this item: nothing undone.")
        _refresh_learned(request)
        return RedirectResponse(f"/item/{item_id}", status_code=303)

    @app.get("/assets/review.js")
    def script(request: Request):
        _session(request)
        return FileResponse(HERE / "static" / "review.js", media_type="text/javascript")


def _line_parts(item) -> tuple[str, str, str]:
    """The line split around the flagged reading, to show it highlighted in text too."""
    line = item.line_text or ""
    index = line.find(item.original)
    if index < 0:
        return line, "", ""
    return line[:index], item.original, line[index + len(item.original):]


# --- admin -------------------------------------------------------------------


def _add_admin_routes(app: FastAPI, templates: Jinja2Templates) -> None:
    @app.get("/learned", response_class=HTMLResponse)
    def learned(request: Request):
        session = _admin(request)
        fixes, keeps, words = learned_rules(_settings(request).engine)
        return templates.TemplateResponse(request, "learned.html", {
            "user": session.user, "csrf": session.csrf, "fixes": fixes, "keeps": keeps, "words": words,
        })

    @app.post("/learned/approve")
    def approve(request: Request, csrf: str = Form(""), kind: str = Form(""), original: str = Form(""),
                corrected: str = Form(""), left: str = Form(""), right: str = Form("")):
        session = _admin(request)
        _check_csrf(session, csrf)
        if kind not in ("fix", "keep") or not original:
            raise Refused(400, "kind must be fix or keep, with the original word")
        approve_rule(_settings(request).engine, session.user, kind, original, corrected or original, left, right)
        _refresh_learned(request)
        return RedirectResponse("/learned", status_code=303)

    @app.post("/lexicon")
    def lexicon_add(request: Request, csrf: str = Form(""), word: str = Form("")):
        session = _admin(request)
        _check_csrf(session, csrf)
        if not add_lexicon_word(_settings(request).engine, session.user, word):
            raise Refused(400, "a lexicon entry is one word of 1-200 characters")
        _refresh_learned(request)
        return RedirectResponse("/learned", status_code=303)
