"""The command line as a whole: version, usage, the module entry points, and the export command's
file handling (written whole or not at all)."""

from __future__ import annotations

import json
import runpy
import sys

import pytest

from commentdesk import __version__
from commentdesk.cli import main


def test_the_version_is_printed_and_the_program_ends_cleanly(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"commentdesk {__version__}\n"


def test_no_command_shows_the_usage_and_exits_2(capsys):
    with pytest.raises(SystemExit) as stopped:
        main([])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: commentdesk") and "COMMAND" in err


def test_an_unknown_command_is_named(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["publish"])
    assert stopped.value.code == 2
    assert "invalid choice: 'publish'" in capsys.readouterr().err


@pytest.mark.filterwarnings("ignore:.*found in sys.modules:RuntimeWarning")  # the tests imported it already
@pytest.mark.parametrize("module", ["commentdesk.commands", "commentdesk.cli"])
def test_both_module_entry_points_run_the_same_command_line(tmp_path, monkeypatch, capsys, module):
    url = f"sqlite:///{tmp_path / 'entry.sqlite3'}"
    monkeypatch.setattr(sys, "argv", [module, "sites", "add", "news", "--name", "News", "--database-url", url])
    with pytest.raises(SystemExit) as stopped:
        runpy.run_module(module, run_name="__main__")
    assert stopped.value.code == 0
    assert capsys.readouterr().out.startswith("site news created; API key (shown once): cd_")


@pytest.fixture
def url(tmp_path, capsys) -> str:
    """An SQLite database with the site 'news' and no comments."""
    database = f"sqlite:///{tmp_path / 'export.sqlite3'}"
    assert main(["sites", "add", "news", "--name", "News", "--database-url", database]) == 0
    capsys.readouterr()
    return database


def test_an_empty_site_exports_an_empty_file(url, tmp_path, capsys):
    target = tmp_path / "deep" / "folder" / "comments.jsonl"
    assert main(["export", "--site", "news", "-o", str(target), "--database-url", url]) == 0
    assert target.read_text() == ""
    assert "exported 0 comments of site 'news'" in capsys.readouterr().err
    assert [path.name for path in target.parent.iterdir()] == ["comments.jsonl"]


def test_an_export_replaces_an_older_file_whole(url, tmp_path, capsys):
    target = tmp_path / "comments.jsonl"
    target.write_text(json.dumps({"old": True}) + "\n")
    assert main(["export", "--site", "news", "-o", str(target), "--database-url", url]) == 0
    assert target.read_text() == ""


def test_an_export_to_a_folder_is_refused_and_leaves_no_partial_file(url, tmp_path, capsys):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "inside.txt").write_text("kept")
    assert main(["export", "--site", "news", "-o", str(taken), "--database-url", url]) == 2
    assert "is a folder: give the name of the file to write" in capsys.readouterr().err
    assert _beside_the_database(tmp_path) == ["taken"]
    assert (taken / "inside.txt").read_text() == "kept"


def _beside_the_database(folder):
    """What else is in the folder: the database and its own files (lock file, journal) left out."""
    return sorted(path.name for path in folder.iterdir() if not path.name.startswith("export.sqlite3"))


def test_an_export_that_fails_midway_leaves_no_partial_file(url, tmp_path, monkeypatch):
    from commentdesk.importers import export

    def broken(rows, handle):
        handle.write("half a line")
        raise OSError("disk full")

    monkeypatch.setattr(export, "write_jsonl", broken)
    target = tmp_path / "comments.jsonl"
    with pytest.raises(OSError, match="disk full"):
        main(["export", "--site", "news", "-o", str(target), "--database-url", url])
    assert _beside_the_database(tmp_path) == []


@pytest.mark.parametrize("statuses", ["", " , ", "published,spam", "PUBLISHED"])
def test_unknown_statuses_are_refused_before_the_database_is_opened(tmp_path, capsys, statuses):
    url = f"sqlite:///{tmp_path / 'never.sqlite3'}"
    assert main(["export", "--site", "news", "--status", statuses, "--database-url", url]) == 2
    assert capsys.readouterr().err == "error: --status takes a comma-separated list of published, pending, rejected\n"
    assert not (tmp_path / "never.sqlite3").exists()


def test_exporting_an_unknown_site_names_it(url, capsys):
    assert main(["export", "--site", "gazette", "--database-url", url]) == 2
    assert capsys.readouterr().err == "error: no site 'gazette'\n"
