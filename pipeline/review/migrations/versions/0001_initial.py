"""Initial review schema: users, documents, pages, items, audit, sessions, login failures,
approvals, lexicon.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("root", sa.String(1000), nullable=False),
        sa.Column("stem", sa.String(1000), nullable=False),
        sa.Column("json_sha256", sa.String(64), nullable=False),
        sa.Column("imported_at", _TS, nullable=False),
        sa.UniqueConstraint("root", "stem", name="uq_documents_root_stem"),
    )
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("image_path", sa.String(1000), nullable=True),
        sa.Column("width", sa.Integer, nullable=True),
        sa.Column("height", sa.Integer, nullable=True),
        sa.UniqueConstraint("document_id", "number", name="uq_pages_document_number"),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
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
        sa.Column("action", sa.String(10), nullable=True),
        sa.Column("value", sa.Text, nullable=True),
        sa.Column("decided_by", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("decided_at", _TS, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("document_id", "position", name="uq_items_document_position"),
    )
    op.create_index("ix_items_document", "items", ["document_id"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", _TS, nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="SET NULL"), nullable=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("old_action", sa.String(10), nullable=True),
        sa.Column("old_value", sa.Text, nullable=True),
        sa.Column("new_action", sa.String(10), nullable=True),
        sa.Column("new_value", sa.Text, nullable=True),
        sa.Column("version", sa.Integer, nullable=True),
    )
    op.create_index("ix_audit_user", "audit", ["user_id", "id"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
    )
    op.create_table(
        "login_failures",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_at", _TS, nullable=False),
    )
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("original", sa.String(200), nullable=False),
        sa.Column("corrected", sa.String(200), nullable=False),
        sa.Column("left_ctx", sa.String(200), nullable=False),
        sa.Column("right_ctx", sa.String(200), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.UniqueConstraint("kind", "original", "corrected", "left_ctx", "right_ctx", name="uq_approvals_rule"),
    )
    op.create_table(
        "lexicon",
        sa.Column("word", sa.String(200), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("at", _TS, nullable=False),
    )


def downgrade() -> None:
    for table in ("lexicon", "approvals", "login_failures", "sessions", "audit", "items", "pages", "documents", "users"):
        op.drop_table(table)
