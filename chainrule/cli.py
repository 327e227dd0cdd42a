"""The ``chainrule`` command: ``train`` (an MLP on a toy data set, with pictures),
``graph`` (an expression's computation graph with its gradients) and ``check`` (its
gradient against finite differences and, with sympy, the exact derivative).

Errors are one line on stderr, ``chainrule: error: ...``, and an exit status: 2 for bad
usage (an option, an expression), 1 for a failure (a domain error, a file that cannot be
written); never a traceback. Outputs are written whole or not at all. Every input is
bounded (``chainrule.options.BOUNDS``). Signals and a closed standard output are handled by
``chainrule.launch``, the program's entry point.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from autograd import GradcheckError
from autograd.viz import RendererNotFoundError, RenderError
from chainrule import __version__
from chainrule.expr import ExpressionError
from chainrule.expr_commands import add_check_command, add_graph_command
from chainrule.options import (
    CHECK_EXAMPLE,
    FAILURE,
    GRAPH_EXAMPLE,
    TRAIN_EXAMPLE,
    USAGE,
    CommandError,
    UsageError,
)
from chainrule.train_command import add_train_command


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (the usage summary is in --help)."""

    def error(self, message: str) -> NoReturn:
        if self.prog.endswith(("graph", "check")) and "EXPR" in message:
            message += ' (an EXPR starting with "-" reads as an option: write it "(-x)*y")'
        _fail(f"{message} (see {self.prog} --help)", USAGE)


def _fail(message: str, status: int) -> NoReturn:
    one_line = " ".join(message.split())
    sys.stderr.write(f"chainrule: error: {one_line}\n")
    raise SystemExit(status)


def build_parser() -> argparse.ArgumentParser:
    """The ``chainrule`` argument parser with its three sub-commands."""
    parser = _Parser(
        prog="chainrule",
        description="Scalar reverse-mode automatic differentiation that explains itself.",
        epilog=f"examples:\n  {TRAIN_EXAMPLE}\n  {GRAPH_EXAMPLE}\n  {CHECK_EXAMPLE}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"chainrule {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    add_train_command(commands)
    add_graph_command(commands)
    add_check_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return USAGE
    try:
        status: int = args.run(args)
    except (ExpressionError, UsageError) as err:
        _fail(str(err), USAGE)
    except (CommandError, GradcheckError, RendererNotFoundError, RenderError) as err:
        _fail(str(err), FAILURE)
    except OSError as err:
        _fail(_os_message(err), FAILURE)
    except (ValueError, ArithmeticError) as err:  # the engine's domain and overflow errors
        _fail(str(err), FAILURE)
    return status


def _os_message(err: OSError) -> str:
    """``cannot write out/model.json: Permission denied`` rather than errno noise."""
    if err.filename is None:
        return str(err)
    return f"cannot write {err.filename}: {err.strerror or err}"
