"""Real headless Chromium: log in, review flagged items with the keyboard only, export, check.

Needs Debian's ``chromium`` (/usr/bin/chromium) and the ``playwright`` package; never
``playwright install``. With SOHOA_SCREENSHOTS=1 it saves docs/review_queue.png, docs/review_item.png and
docs/review_document.png.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Screenshots go to docs/ only when asked (SOHOA_SCREENSHOTS=1), so a test run leaves the tree clean.
DOCS = Path(__file__).resolve().parents[1] / "docs" if os.environ.get("SOHOA_SCREENSHOTS") else Path(
    tempfile.gettempdir())
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]



@pytest.fixture()
def server(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    uvicorn = pytest.importorskip("uvicorn")
    if not CHROMIUM.is_file() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    from test_review_support import review_setup

    from pipeline.review.app import create_app

    out = tmp_path / "out"
    engine = review_setup(out)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(engine, out / "learned"), host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield sync_api, f"http://127.0.0.1:{port}", out
    instance.should_exit = True
    thread.join(timeout=10)


def review_cli(argv: list[str]) -> int:
    """``sohoa review ...`` through the command module alone (other commands may be absent)."""
    import argparse

    from pipeline.commands import review

    parser = argparse.ArgumentParser(prog="sohoa")
    review.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args))


def _press(page, key: str) -> None:
    """Press a key that submits a form or follows a link, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def test_keyboard_review_and_export(server):
    from test_review_support import PASSWORD

    sync_api, base, out = server
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/login")
        # typing may start before the browser has applied `autofocus`: wait for it, keys only
        page.wait_for_function("document.activeElement && document.activeElement.name === 'name'")
        page.keyboard.type("lan")
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        _press(page, "Enter")
        assert page.url == f"{base}/"
        assert "0 / 8" in page.text_content(".progress")
        DOCS.mkdir(exist_ok=True)
        page.screenshot(path=str(DOCS / "review_queue.png"), full_page=True)

        _press(page, "Enter")  # start with the first open item
        assert page.text_content("#original") == "PHỦ"
        _press(page, "Enter")  # accept PHÚ (a header-field flag)
        assert page.text_content("#original") == "Luất"
        page.wait_for_function("document.querySelector('img.crop').complete")
        page.screenshot(path=str(DOCS / "review_item.png"), full_page=True)
        _press(page, "Enter")  # accept Luật
        assert page.text_content("#original") == "chỉnh"
        page.keyboard.press("e")
        page.keyboard.press("Control+A")
        page.keyboard.type("chính")
        _press(page, "Enter")  # edit -> chính
        assert page.text_content("#original") == "12/KH-UBNB"
        _press(page, "Enter")  # accept the reference number 12/KH-UBND
        assert page.text_content("#original") == "Dào"
        _press(page, "2")  # second alternative: Dạo
        assert page.text_content("#original") == "triến"
        _press(page, "k")  # keep
        assert page.text_content("#original") == "kêt"
        _press(page, "Enter")  # accept kết ...
        assert page.text_content("#original") == "quà"
        _press(page, "u")  # ... and undo it: back on kêt, open again
        assert page.text_content("#original") == "kêt" and "Open" in page.text_content("#state")
        _press(page, "k")  # keep kêt
        assert page.text_content("#original") == "quà"
        _press(page, "p")
        assert page.text_content("#original") == "kêt" and "keep" in page.text_content("#state")
        _press(page, "n")
        assert page.text_content("#original") == "quà"
        assert "document 7/8" in page.text_content("#progress")
        page.click("text=cv_001")  # the document view: page image with the flagged words outlined
        assert page.locator(".pagebox a.box").count() == 8 and page.locator(".pagebox a.box.done").count() == 7
        page.screenshot(path=str(DOCS / "review_document.png"), full_page=True)
        browser.close()

    assert review_cli(["review", "export", str(out)]) == 0
    doc = json.loads((out / "cv_001.reviewed.json").read_text(encoding="utf-8"))
    decided = {c["original"]: (c["corrected"], c["flagged"]) for c in doc["corrections"]}
    assert decided == {
        "PHỦ": ("PHÚ", False), "Luất": ("Luật", False), "chỉnh": ("chính", False),
        "12/KH-UBNB": ("12/KH-UBND", False), "Dào": ("Dạo", False), "triến": ("triến", False),
        "kêt": ("kêt", False), "quà": ("quả", True),  # left open: still the engine's flagged suggestion
    }
    assert "AN PHÚ\nCăn cứ Luật Tổ chức chính quyền" in doc["text"] and "Dạo tạo triến" in doc["text"]
    assert "kêt quà" in doc["text"]
    learned = (out / "learned" / "fixes.jsonl").read_text(encoding="utf-8")
    assert '"corrected": "Luật"' in learned and '"corrected": "kết"' not in learned  # the undone accept is gone
