"""The one-line reports of unusable input files that every command gives, at the helper level."""

from __future__ import annotations

import csv
import json
import sqlite3

import pytest

from commentdesk.input_errors import (
    EXIT_BAD_INPUT,
    InputError,
    one_line,
    reports_input_errors,
    require_database,
    require_path,
)


def test_a_missing_or_wrong_kind_of_path_is_named_with_the_fix(tmp_path):
    with pytest.raises(InputError, match=r"the data folder .*missing does not exist\. Point --data-dir at it\."):
        require_path(tmp_path / "missing", "folder", "the data folder", "Point --data-dir at it.")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(InputError, match="is not a folder"):
        require_path(tmp_path / "file.txt", "folder", "the data folder", "fix")
    with pytest.raises(InputError, match="is not a file"):
        require_path(tmp_path, "file", "the labeled file", "fix")
    assert require_path(tmp_path / "file.txt", "file", "the labeled file", "fix") == tmp_path / "file.txt"
    assert require_path(tmp_path, "folder", "the data folder", "fix") == tmp_path


def test_a_database_to_read_must_exist_when_it_is_a_file(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        require_database(f"sqlite:///{tmp_path / 'none.sqlite3'}", "fix")
    with pytest.raises(InputError, match="is not a database URL"):
        require_database("::not a url::", "fix")
    (tmp_path / "db.sqlite3").write_bytes(b"")
    assert require_database(f"sqlite:///{tmp_path / 'db.sqlite3'}", "fix").endswith("db.sqlite3")
    assert require_database("sqlite://", "fix") == "sqlite://"
    assert require_database("postgresql+psycopg://u@db/x", "fix").startswith("postgresql")


def test_each_kind_of_file_problem_reads_as_one_plain_line(tmp_path):
    try:
        open(tmp_path / "nothing.json")
    except OSError as error:
        assert one_line(error) == f"cannot read {tmp_path / 'nothing.json'}: no such file or directory."
    try:
        b"\xff\xfe bad".decode("utf-8")
    except UnicodeDecodeError as error:
        assert one_line(error) == "a file is not UTF-8 text (byte 0)."
    try:
        json.loads('{"a": }')
    except json.JSONDecodeError as error:
        assert one_line(error).startswith("a file is not valid JSON (line 1, column 7")
    assert one_line(csv.Error("line contains NUL")) == "a file is malformed: line contains NUL."
    assert one_line(sqlite3.DatabaseError("file is not a database")) == "a file is malformed: file is not a database."
    assert one_line(ValueError("  spread\n over   lines ")) == "spread over lines"
    assert one_line(ValueError()) == "ValueError"


def test_a_wrapped_command_reports_file_problems_and_exits_2(capsys):
    @reports_input_errors("Check the file.")
    def command(args):
        if args == "missing":
            raise InputError("the file x does not exist. Give another.")
        if args == "json":
            json.loads("nope")
        return 0

    assert command("fine") == 0
    assert command("missing") == EXIT_BAD_INPUT
    assert capsys.readouterr().err == "error: the file x does not exist. Give another.\n"
    assert command("json") == EXIT_BAD_INPUT
    said = capsys.readouterr().err
    assert said.startswith("error: a file is not valid JSON") and said.rstrip().endswith("Check the file.")
    assert command.__name__ == "command"


def test_other_errors_are_not_swallowed():
    @reports_input_errors("fix")
    def command(_args):
        raise RuntimeError("a bug, not a bad file")

    with pytest.raises(RuntimeError):
        command(None)
