"""The ``sohoa`` command. Exceptions become exit codes here and nowhere else."""

from __future__ import annotations

import argparse
import importlib
import sys

from pipeline import __version__
from pipeline.errors import ExitCode, SohoaError

COMMAND_MODULES = ("run", "correct", "eval", "review")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sohoa", description="Scanned Vietnamese official letters to corrected, "
                                                                "structured JSON.")
    parser.add_argument("--version", action="version", version=f"sohoa {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"pipeline.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return int(ExitCode.bad_args)
    try:
        return int(args.func(args))
    except SohoaError as exc:
        print(f"sohoa: error: {exc.one_line()}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("sohoa: interrupted", file=sys.stderr)
        return int(ExitCode.ctrl_c)
    except BrokenPipeError:
        return int(ExitCode.ok)


if __name__ == "__main__":
    sys.exit(main())
