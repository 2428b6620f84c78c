"""``sohoa review`` commands: import, user add (password from stdin), export, database URL."""

from __future__ import annotations

import argparse
import io
import json

import pytest

pytest.importorskip("sqlalchemy")
pytest.importorskip("argon2")

import sqlalchemy as sa  # noqa: E402
from test_review_support import make_output  # noqa: E402

from pipeline.commands import review  # noqa: E402
from pipeline.errors import ExitCode  # noqa: E402
from pipeline.review import db  # noqa: E402


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sohoa")
    review.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_import_user_export_round_trip(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    make_output(out)
    monkeypatch.delenv(review.DB_ENV, raising=False)
    assert run(["review", "import", str(out)]) == 0
    assert "imported 1 document(s) with 8 new item(s)" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("a long passphrase\n"))
    assert run(["review", "user", "add", "lan", "--role", "admin", "--password-stdin", "-o", str(out)]) == 0
    engine = db.make_engine(f"sqlite:///{out / 'review.sqlite'}")
    with engine.connect() as conn:
        user = conn.execute(sa.select(db.users)).one()
    assert user.name == "lan" and user.role == "admin" and "passphrase" not in user.password_hash
    assert run(["review", "export", str(out)]) == 0
    reviewed = json.loads((out / "cv_001.reviewed.json").read_text(encoding="utf-8"))
    assert sum(c["flagged"] for c in reviewed["corrections"]) == 8  # nothing decided yet
    assert (out / "learned" / "fixes.jsonl").is_file() and (out / "learned" / "lexicon.txt").is_file()
    assert run(["review", "import", str(out)]) == 0  # the reviewed JSON is not imported as a document
    assert "0 document(s)" in capsys.readouterr().out


def test_database_url_choice(tmp_path, monkeypatch):
    monkeypatch.delenv(review.DB_ENV, raising=False)
    assert review.database_url("postgresql+psycopg://review@db/sohoa", tmp_path) == "postgresql+psycopg://review@db/sohoa"
    assert review.database_url(None, tmp_path) == f"sqlite:///{tmp_path.resolve()}/review.sqlite"
    monkeypatch.setenv(review.DB_ENV, "sqlite:////srv/review.sqlite")
    assert review.database_url(None, None) == "sqlite:////srv/review.sqlite"
    monkeypatch.delenv(review.DB_ENV)
    with pytest.raises(review.ReviewArgsError) as missing:
        review.database_url(None, None)
    assert missing.value.exit_code == ExitCode.bad_args


def test_short_password_is_refused(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(review.SohoaError) as refused:
        run(["review", "user", "add", "lan", "--password-stdin", "-o", str(out)])
    assert refused.value.exit_code == ExitCode.bad_args


def test_serve_defaults_to_loopback():
    parser = argparse.ArgumentParser(prog="sohoa")
    review.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["review", "serve", "out"])
    assert args.host == "127.0.0.1" and args.port == review.DEFAULT_PORT
    assert review._is_loopback("127.0.0.1") and review._is_loopback("::1") and not review._is_loopback("0.0.0.0")
