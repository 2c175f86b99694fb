"""The `commentdesk` command line: one module per subcommand, wired here in the order --help lists them.

Each module has `register(subparsers)`, which adds its parser and sets `handler` (args -> exit
status). The modules are imported here by name, so one that fails to import stops every command
with its error instead of vanishing from the list. They import what their work needs inside the
handler, so `commentdesk --help` stays quick.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys

from commentdesk import __version__
from commentdesk.commands import (
    demo,
    dsa,
    evaluate,
    export,
    import_comments,
    migrate,
    score,
    serve,
    sites,
    train,
    users,
)
from commentdesk.commands.common import EXIT_INTERRUPTED, EXIT_OUTPUT_CLOSED, CommandError, fail
from commentdesk.config import ModelRuntimeSettings, SettingsError, checked

COMMANDS = (serve, demo, score, migrate, sites, users, import_comments, export, evaluate, train, dsa)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="commentdesk", description="Self-hosted comments for news sites, moderated on arrival.")
    parser.add_argument("--version", action="version", version=f"commentdesk {__version__}")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subcommands)
    _describe_with_summaries(parser)
    return parser


def _describe_with_summaries(parser: argparse.ArgumentParser) -> None:
    """Head each (sub)command's own --help with the summary its parent lists it by, unless it has
    a description of its own: `commentdesk sites add --help` then says what it does."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for listed in action._choices_actions:
                sub = action.choices[listed.dest]
                sub.description = sub.description or listed.help
                _describe_with_summaries(sub)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    args = build_parser().parse_args(argv)
    try:
        # The embedder's variables are not flags (every process shares it), so no command checks
        # them itself: checked here, a wrong one stops any command before it starts, not a model load.
        checked(ModelRuntimeSettings)
        return args.handler(args) or 0
    except (SettingsError, CommandError) as error:  # a wrong flag, variable or database: said in one line
        return fail(str(error))
    except KeyboardInterrupt:  # Ctrl-C: what was under way is rolled back by its own code; no traceback
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `commentdesk export ... | head`: the reader has all it wanted
        _silence_stdout()
        return EXIT_OUTPUT_CLOSED


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush of the closed pipe raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):  # not a real file (captured output)
        pass
