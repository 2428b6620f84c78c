"""Database tables of the review workspace and the schema upgrade.

The tables are declared once here for queries; the schema itself is created and
changed only by the Alembic migrations in ``migrations/versions`` (keep both in
step). Any SQLAlchemy URL works; SQLite and PostgreSQL are the tested ones.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_TABLE = "sohoa_review_version"

metadata = sa.MetaData()

users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

documents = sa.Table(
    "documents", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("root", sa.String(1000), nullable=False),
    sa.Column("stem", sa.String(1000), nullable=False),
    sa.Column("json_sha256", sa.String(64), nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("root", "stem", name="uq_documents_root_stem"),
)

pages = sa.Table(
    "pages", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("image_path", sa.String(1000), nullable=True),
    sa.Column("width", sa.Integer, nullable=True),
    sa.Column("height", sa.Integer, nullable=True),
    sa.UniqueConstraint("document_id", "number", name="uq_pages_document_number"),
)

items = sa.Table(
    "items", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),  # index in Document.corrections
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("page", sa.Integer, nullable=True),
    sa.Column("bbox", sa.JSON, nullable=True),
    sa.Column("line_bbox", sa.JSON, nullable=True),
    sa.Column("word_ids", sa.JSON, nullable=False),
    sa.Column("original", sa.Text, nullable=False),
    sa.Column("suggestion", sa.Text, nullable=False),
    sa.Column("alternatives", sa.JSON, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("left_ctx", sa.String(200), nullable=False),
    sa.Column("right_ctx", sa.String(200), nullable=False),
    sa.Column("line_text", sa.Text, nullable=False),
    sa.Column("action", sa.String(10), nullable=True),  # None = open; accept|pick|edit|keep
    sa.Column("value", sa.Text, nullable=True),
    sa.Column("decided_by", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.UniqueConstraint("document_id", "position", name="uq_items_document_position"),
)

audit = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="SET NULL"), nullable=True),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("old_action", sa.String(10), nullable=True),
    sa.Column("old_value", sa.Text, nullable=True),
    sa.Column("new_action", sa.String(10), nullable=True),
    sa.Column("new_value", sa.Text, nullable=True),
    sa.Column("version", sa.Integer, nullable=True),  # item version after the change
)

sessions = sa.Table(
    "sessions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)

login_failures = sa.Table(
    "login_failures", metadata,
    sa.Column("key", sa.String(300), primary_key=True),  # user name | client address
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
)

approvals = sa.Table(
    "approvals", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False),  # fix | keep
    sa.Column("original", sa.String(200), nullable=False),
    sa.Column("corrected", sa.String(200), nullable=False),
    sa.Column("left_ctx", sa.String(200), nullable=False),
    sa.Column("right_ctx", sa.String(200), nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("kind", "original", "corrected", "left_ctx", "right_ctx", name="uq_approvals_rule"),
)

lexicon = sa.Table(
    "lexicon", metadata,
    sa.Column("word", sa.String(200), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: they were stored as UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def make_engine(url: str) -> Engine:
    engine = sa.create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")  # several server workers may write at once
    cursor.close()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
