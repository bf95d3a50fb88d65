"""The ``permanence`` command: one entry point that dispatches to the packages.

Each package contributes its subcommands through a ``register(subparsers)`` function in its
``cli`` module; the package is imported only when its command runs would be nicer, but argparse
needs the parsers up front, so the ``cli`` modules keep their imports inside the handlers.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from permanence.errors import PermanenceError
from permanence.pipes import EXIT_BROKEN_PIPE, silence_stdout, stdout_reader_gone
from permanence.runtime import configure_process

__all__ = ["build_parser", "main"]

#: Modules that contribute subcommands, in the order of the data flow.
_COMMAND_MODULES = (
    "ingest.cli",
    "index.cli",
    "assistant_api.cli.commands",
    "eval.cli",
)


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every package's subcommands registered."""
    import importlib

    parser = argparse.ArgumentParser(
        prog="permanence",
        description="Orientation assistant for the social and health network of Neuchâtel.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="More logging.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit code is 0 on success, 1 on a reported error, 2 on bad usage.

    A reader that closes the pipe early (``| head``) ends it quietly with 141, as SIGPIPE would.
    """
    try:
        try:
            code = _run(argv)
        finally:  # flush here, not at exit (argparse's --help exits too), to catch a closed pipe
            sys.stdout.flush()
    except BrokenPipeError:
        if not stdout_reader_gone():
            raise
        silence_stdout()
        return EXIT_BROKEN_PIPE
    return code


def _run(argv: Sequence[str] | None) -> int:
    configure_process()
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        code: int = args.handler(args)
    except PermanenceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    raise SystemExit(main())
