"""Every command is wired by name: all of them are offered, and a part that cannot be imported
stops the program with its error instead of silently going missing."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

import pytest

from commentdesk.commands import build_parser
from commentdesk.importers.sources import SOURCES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "importers"
COMMANDS = {"serve", "demo", "score", "migrate", "sites", "users", "import", "export", "eval", "train", "dsa"}


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    return dict(found[0].choices) if found else {}


def test_every_command_is_offered_with_a_handler():
    offered = subcommands(build_parser())
    assert set(offered) == COMMANDS
    for name, parser in offered.items():
        handler = parser.get_default("handler")
        inner = subcommands(parser)
        assert callable(handler) or all(callable(sub.get_default("handler")) for sub in inner.values()), name


def test_every_import_source_is_a_subcommand_with_its_own_flags(tmp_path):
    parser = build_parser()
    assert set(subcommands(subcommands(parser)["import"])) == set(SOURCES)
    args = parser.parse_args(
        ["import", "isso", str(tmp_path / "comments.db"), "--site", "news", "--base-url", "https://news.example"]
    )
    assert args.base_url == "https://news.example" and args.import_source == "isso"
    with pytest.raises(SystemExit):
        parser.parse_args(["import", "disqus", "export.xml", "--site", "news", "--base-url", "https://news.example"])


def test_an_importer_reads_through_its_row():
    from contextlib import ExitStack

    from commentdesk.importers.records import SourceComment, SourceThread

    with ExitStack() as resources:
        records = list(SOURCES["wordpress"].read(FIXTURES / "wordpress.xml", argparse.Namespace(), resources))
    assert {SourceThread, SourceComment} <= {type(record) for record in records}


@pytest.mark.parametrize(
    ("broken", "importer"),
    [
        ("commentdesk.commands.dsa", "commentdesk.commands"),
        ("commentdesk.web.mail", "commentdesk.app"),
    ],
)
def test_a_part_that_fails_to_import_fails_loudly(monkeypatch, broken, importer):
    monkeypatch.setitem(sys.modules, broken, None)  # importing it now raises ImportError
    parent, _, name = broken.rpartition(".")
    monkeypatch.delattr(sys.modules[parent], name, raising=False)
    monkeypatch.delitem(sys.modules, importer)
    with pytest.raises(ImportError, match=broken):
        importlib.import_module(importer)


@pytest.mark.parametrize("command", ["score", "import"])
def test_the_commands_that_run_the_models_take_the_servers_choice_of_weights(tmp_path, monkeypatch, command):
    import commentdesk.moderation.pipeline
    from commentdesk.cli import main

    class Loading(Exception):
        pass

    chosen = []

    def models(**kwargs):
        chosen.append((kwargs["models_dir"], kwargs["variant"]))
        raise Loading

    monkeypatch.setattr(commentdesk.moderation.pipeline, "ModerationModels", models)
    database = ["--database-url", f"sqlite:///{tmp_path / 'cd.sqlite3'}"]
    argv = ["score"]
    if command == "import":
        assert main(["sites", "add", "news", "--name", "News", *database]) == 0
        argv = ["import", "disqus", str(FIXTURES / "disqus.xml"), "--site", "news", "--moderate", "--secret-key", "s", *database]
    with pytest.raises(Loading):
        main([*argv, "--models-dir", str(tmp_path / "models"), "--model-variant", "finetuned"])
    assert chosen == [(tmp_path / "models", "finetuned")]


def test_every_option_and_action_explains_itself_in_help():
    def parsers(parser, path):
        yield path, parser
        for name, sub in subcommands(parser).items():
            yield from parsers(sub, [*path, name])

    unexplained = []
    for path, parser in parsers(build_parser(), []):
        if path and not parser.description:  # its own --help says what it does
            unexplained.append(" ".join(path))
        for action in parser._actions:
            if not action.help and not isinstance(action, argparse._SubParsersAction):
                unexplained.append(" ".join([*path, action.dest]))
    assert unexplained == []
