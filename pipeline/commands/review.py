"""``sohoa review``: import outputs for review, serve the web app, manage users, export.

    sohoa review import OUTDIR              # flagged corrections of OUTDIR/**/*.json become items
    sohoa review user add NAME --role clerk -o OUTDIR   # password asked (or --password-stdin)
    sohoa review serve OUTDIR               # http://127.0.0.1:8765
    sohoa review export OUTDIR              # OUTDIR/<stem>.reviewed.json + the learned folder

The database is ``OUTDIR/review.sqlite`` unless ``--db URL`` (or $SOHOA_REVIEW_DB)
names another SQLAlchemy URL, e.g. postgresql+psycopg://review@dbhost/sohoa.
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import os
import sys
from pathlib import Path

from pipeline.errors import ExitCode, MissingDependencyError, SohoaError

DB_ENV = "SOHOA_REVIEW_DB"
DEFAULT_PORT = 8765


class ReviewArgsError(SohoaError):
    exit_code = ExitCode.bad_args
    code = "bad_args"


def register(subparsers) -> None:
    review = subparsers.add_parser("review", help="review flagged corrections in a web app")
    commands = review.add_subparsers(dest="review_command", metavar="COMMAND", required=True)

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--db", metavar="URL", help=f"SQLAlchemy URL (default ${DB_ENV} or OUTDIR/review.sqlite)")

    importer = commands.add_parser("import", help="import OUTDIR/**/*.json documents for review")
    importer.add_argument("outdir", type=Path, metavar="OUTDIR")
    common(importer)
    importer.set_defaults(func=_import)

    serve = commands.add_parser("serve", help="run the review web app")
    serve.add_argument("outdir", type=Path, nargs="?", metavar="OUTDIR")
    common(serve)
    serve.add_argument("--learned", type=Path, metavar="DIR", help="learned folder to keep up to date (default OUTDIR/learned)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; see docs/REVIEW.md)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--secure-cookies", action="store_true", help="mark cookies Secure (behind a TLS proxy)")
    serve.add_argument("--forwarded-allow-ips", default="127.0.0.1",
                       help="proxies whose X-Forwarded-For/-Proto are trusted (default 127.0.0.1)")
    serve.set_defaults(func=_serve)

    user = commands.add_parser("user", help="manage reviewers")
    user_commands = user.add_subparsers(dest="user_command", metavar="COMMAND", required=True)
    add = user_commands.add_parser("add", help="add a user or reset their password and role")
    add.add_argument("name")
    add.add_argument("--role", choices=("clerk", "admin"), default="clerk")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    add.add_argument("-o", "--outdir", type=Path, metavar="OUTDIR", help="output folder holding review.sqlite")
    common(add)
    add.set_defaults(func=_user_add)

    export = commands.add_parser("export", help="write OUTDIR/<stem>.reviewed.json with the decisions applied")
    export.add_argument("outdir", type=Path, metavar="OUTDIR")
    common(export)
    export.add_argument("--learned", type=Path, metavar="DIR", help="learned folder to write (default OUTDIR/learned)")
    export.set_defaults(func=_export)


# --- helpers -----------------------------------------------------------------


def _modules():
    try:
        from pipeline.review import db
    except ImportError as exc:
        raise MissingDependencyError(
            f"the review app needs extra packages ({exc.name} is missing)",
            how_to_fix="pip install 'sohoa[review]'",
        ) from exc
    return db


def database_url(db_option: str | None, outdir: Path | None) -> str:
    url = db_option or os.environ.get(DB_ENV)
    if url:
        return url
    if outdir is None:
        raise ReviewArgsError("no review database given", how_to_fix=f"pass OUTDIR, --db URL or set ${DB_ENV}")
    if not outdir.is_dir():
        raise ReviewArgsError(f"{outdir} is not a folder", how_to_fix="give the output folder of `sohoa run`")
    return f"sqlite:///{(outdir.resolve() / 'review.sqlite').as_posix()}"


def _engine(args, outdir: Path | None):
    db = _modules()
    engine = db.make_engine(database_url(args.db, outdir))
    db.upgrade(engine)
    return engine


def _learned_dir(args, outdir: Path | None) -> Path | None:
    if getattr(args, "learned", None):
        return args.learned
    return outdir / "learned" if outdir else None


# --- handlers ----------------------------------------------------------------


def _import(args) -> int:
    from pipeline.review.store import import_folder

    if not args.outdir.is_dir():
        raise ReviewArgsError(f"{args.outdir} is not a folder", how_to_fix="give the output folder of `sohoa run`")
    summary = import_folder(_engine(args, args.outdir), args.outdir)
    print(f"imported {summary.documents} document(s) with {summary.items} new item(s); "
          f"{summary.unchanged} unchanged; {len(summary.skipped_files)} JSON file(s) not documents")
    if summary.dropped_decisions:
        print(f"warning: {summary.dropped_decisions} decision(s) dropped: their corrections are gone from the re-run documents",
              file=sys.stderr)
    return ExitCode.ok


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat: ") != first:
        raise ReviewArgsError("the passwords differ", how_to_fix="type the same password twice")
    return first


def _user_add(args) -> int:
    from pipeline.review.security import add_user

    engine = _engine(args, args.outdir)
    user = add_user(engine, args.name, args.role, _read_password(args.password_stdin))
    print(f"user {user.name} ({user.role}) saved")
    return ExitCode.ok


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _serve(args) -> int:
    try:
        import uvicorn
    except ImportError as exc:
        raise MissingDependencyError("uvicorn is missing", how_to_fix="pip install 'sohoa[review]'") from exc
    from pipeline.review.app import create_app

    engine = _engine(args, args.outdir)
    learned = _learned_dir(args, args.outdir)
    if learned is None:
        raise ReviewArgsError("no learned folder", how_to_fix="pass OUTDIR or --learned DIR")
    if not _is_loopback(args.host):
        print("warning: serving beyond this machine; put it behind a TLS reverse proxy (docs/REVIEW.md)", file=sys.stderr)
    app = create_app(engine, learned, secure_cookies=args.secure_cookies)
    uvicorn.run(app, host=args.host, port=args.port, proxy_headers=True,
                forwarded_allow_ips=args.forwarded_allow_ips, log_level="info")
    return ExitCode.ok


def _export(args) -> int:
    from pipeline.review.export import export_folder
    from pipeline.review.learned import write_learned

    if not args.outdir.is_dir():
        raise ReviewArgsError(f"{args.outdir} is not a folder", how_to_fix="give the output folder of `sohoa run`")
    engine = _engine(args, args.outdir)
    status = ExitCode.ok
    for path, count, warnings in export_folder(engine, args.outdir):
        print(f"{path}: {count} decision(s) applied")
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
            status = ExitCode.partial_failure
    write_learned(engine, _learned_dir(args, args.outdir))
    return status
