"""Helpers for the review tests: a tiny output folder (page image drawn with PIL + a
Document with flagged corrections and real boxes), users and logged-in clients.

No tests here; the review test modules import it.
"""

from __future__ import annotations

import atexit
import hashlib
import re
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from pipeline.model import (
    Block,
    Correction,
    Document,
    Evidence,
    ImageRef,
    LegalBasis,
    Line,
    Mention,
    Page,
    Reference,
    Section,
    Source,
    Word,
)
from pipeline.textbuild import rebuild_text

FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
)
PASSWORD = "correct horse battery"

# (true line drawn on the page, {word index: (OCR reading, suggestion, alternatives, kind)})
LINES: list[tuple[str, dict[int, tuple[str, str, list[str], str]]]] = [
    ("ỦY BAN NHÂN DÂN HUYỆN AN PHÚ", {6: ("PHỦ", "PHÚ", ["PHU", "PHỦ"], "header_field")}),
    ("Căn cứ Luật Tổ chức chính quyền địa phương;", {2: ("Luất", "Luật", ["Lật", "Luất"], "word"),
                                                      5: ("chỉnh", "chính", ["chinh", "chình"], "word")}),
    ("Thực hiện Kế hoạch số 12/KH-UBND ngày 15 tháng 3 năm 2025.",
     {5: ("12/KH-UBNB", "12/KH-UBND", ["12/KH-UBNĐ"], "reference")}),
    ("Giao Phòng Giáo dục và Đào tạo triển khai thực hiện.", {5: ("Dào", "Đào", ["Đảo", "Dạo"], "word"),
                                                              7: ("triến", "triển", ["triền"], "word")}),
    ("Các đơn vị báo cáo kết quả về Ủy ban nhân dân huyện.", {5: ("kêt", "kết", ["kệt", "két"], "word"),
                                                             6: ("quà", "quả", ["quá", "qua"], "word")}),
]


def _font(size: int) -> ImageFont.ImageFont:
    for candidate in FONT_PATHS:
        if Path(candidate).is_file():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size)


def make_output(folder: Path, stem: str = "cv_001", lines=LINES) -> Path:
    """Write ``folder/<stem>.json`` and its page image; returns the JSON path."""
    folder.mkdir(parents=True, exist_ok=True)
    font = _font(34)
    width, line_height, top = 1400, 70, 60
    image = Image.new("RGB", (width, top * 2 + line_height * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    space = draw.textlength(" ", font=font)
    doc_lines: list[Line] = []
    flags: list[tuple[str, tuple]] = []
    for line_index, (text, misreads) in enumerate(lines):
        x, y = 50.0, top + line_index * line_height
        words = []
        for word_index, true_word in enumerate(text.split()):
            draw.text((x, y), true_word, font=font, fill="black")
            x0, y0, x1, y1 = draw.textbbox((x, y), true_word, font=font)
            word_id = f"p1-b1-l{line_index + 1}-w{word_index + 1}"
            reading = misreads.get(word_index, (true_word,))[0]
            words.append(Word(id=word_id, text=reading, confidence=55.0 if word_index in misreads else 92.0,
                              bbox=(int(x0), int(y0), int(x1), int(y1))))
            if word_index in misreads:
                flags.append((word_id, misreads[word_index]))
            x = x1 + space
        box = (min(w.bbox[0] for w in words), min(w.bbox[1] for w in words),
               max(w.bbox[2] for w in words), max(w.bbox[3] for w in words))
        doc_lines.append(Line(id=f"p1-b1-l{line_index + 1}", bbox=box, words=words))
    pages_dir = folder / f"{stem}.pages"
    pages_dir.mkdir(exist_ok=True)
    image_path = pages_dir / "p0001.png"
    image.save(image_path)
    page = Page(number=1, width=image.width, height=image.height,
                image=ImageRef(path=image_path.relative_to(folder).as_posix(),
                               sha256=hashlib.sha256(image_path.read_bytes()).hexdigest()),
                blocks=[Block(id="p1-b1", lines=doc_lines)])
    doc = Document(source=Source(path=f"{stem}.png", sha256="0" * 64, pages=1, kind="image"), pages=[page])
    rebuild_text(doc)
    doc.raw_text = doc.text
    _add_structure(doc, flags)
    path = folder / f"{stem}.json"
    path.write_text(doc.to_json(), encoding="utf-8")
    return path


def _add_structure(doc: Document, flags: list) -> None:
    words = {w.id: w for w in doc.words()}
    for word_id, (reading, suggestion, alternatives, kind) in flags:
        word = words[word_id]
        doc.corrections.append(Correction(
            word_ids=[word_id], page=1, bbox=word.bbox, span=word.span, original=reading, corrected=suggestion,
            confidence=0.4, flagged=True, alternatives=alternatives, kind=kind,
        ))
    first_line = doc.text.split("\n")[0]
    doc.header.issuing_agency = first_line
    doc.header.evidence["issuing_agency"] = Evidence(page=1, flagged=True)
    reference_word = next((w for w in doc.words() if w.text.startswith("12/KH")), None)
    if reference_word is not None:
        doc.references.append(Reference(doc_type="Kế hoạch", number=reference_word.text, mentions=[
            Mention(text=reference_word.text, span=reference_word.span, flagged=True, suggestion="12/KH-UBND")]))
    if "\nGiao" in doc.text:
        start = doc.text.index("\nGiao") + 1
        doc.sections.append(Section(role="tasks", text=doc.text[start:], span=(start, len(doc.text))))
    basis = next((x for x in doc.text.split("\n") if x.startswith("Căn cứ")), None)
    if basis is not None:
        doc.legal_bases.append(LegalBasis(text=basis))
    doc.quality.flagged = len(doc.corrections)


def flagged_words(doc: Document) -> list[str]:
    return [c.original for c in doc.corrections if c.flagged]


TEMPLATE_USERS = (("ana", "clerk"), ("binh", "clerk"), ("lan", "clerk"), ("boss", "admin"))


@lru_cache(maxsize=1)
def _template_database() -> Path:
    """A migrated database with the test users, built once per test run (Argon2 is slow on purpose)."""
    from pipeline.review import db

    folder = Path(tempfile.mkdtemp(prefix="sohoa-review-template-"))
    atexit.register(shutil.rmtree, folder, True)
    engine = db.make_engine(f"sqlite:///{folder / 'review.sqlite'}")
    db.upgrade(engine)
    add_users(engine, *TEMPLATE_USERS)
    engine.dispose()
    return folder / "review.sqlite"


def review_setup(folder: Path, stem: str = "cv_001", lines=LINES):
    """Output folder + review database (users of TEMPLATE_USERS, the document imported); returns the engine."""
    from pipeline.review import db, store

    make_output(folder, stem, lines)
    shutil.copyfile(_template_database(), folder / "review.sqlite")
    engine = db.make_engine(f"sqlite:///{folder / 'review.sqlite'}")
    db.upgrade(engine)  # already at head: a no-op that still goes through Alembic
    store.import_folder(engine, folder)
    return engine


def users_by_name(engine) -> dict:
    import sqlalchemy as sa

    from pipeline.review import db
    from pipeline.review.security import User

    with engine.connect() as conn:
        return {r.name: User(r.id, r.name, r.role) for r in conn.execute(sa.select(db.users))}


def add_users(engine, *names_roles: tuple[str, str]) -> None:
    from pipeline.review.security import add_user

    for name, role in names_roles:
        add_user(engine, name, role, PASSWORD)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def version_of(html: str) -> int:
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match
    return int(match.group(1))


def login(client, name: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post("/login", data={"name": name, "password": password, "csrf": csrf_of(page.text)},
                       follow_redirects=False)
