"""Files and databases that commands read: a missing or malformed one is reported in one line.

A command handler wrapped with `reports_input_errors` prints `error: WHAT. WHAT TO DO` on stderr
and exits with status 2 instead of ending in a traceback, so an operator sees at once which file
is wrong and how to fix it.
"""

from __future__ import annotations

import csv
import functools
import json
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Literal

EXIT_BAD_INPUT = 2


class InputError(Exception):
    """A file, folder or database a command reads is missing or unusable; the message says what to do."""


# What each kind of path must be, and how the report names the wrong one.
_PATH_KINDS = {"folder": Path.is_dir, "file": Path.is_file}


def require_path(path: Path, kind: Literal["folder", "file"], what: str, fix: str) -> Path:
    """`path` if it exists and is a `kind`; otherwise InputError naming `what` is wrong and the `fix`."""
    if not path.exists():
        raise InputError(f"{what} {path} does not exist. {fix}")
    if not _PATH_KINDS[kind](path):
        raise InputError(f"{what} {path} is not a {kind}. {fix}")
    return path


def require_database(url: str, fix: str) -> str:
    """A database to read from: an SQLite file must already exist (opening one would create it empty)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(f"{url!r} is not a database URL (e.g. sqlite:///data/commentdesk.sqlite3). {fix}") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        require_path(Path(parsed.database), "file", "the database", fix)
    return url


def one_line(error: BaseException) -> str:
    """The problem in one line, without Python's wording where a plainer one exists."""
    if isinstance(error, InputError):
        return str(error)
    if isinstance(error, OSError) and error.filename:
        return f"cannot read {error.filename}: {(error.strerror or str(error)).lower()}."
    if isinstance(error, UnicodeDecodeError):
        return f"a file is not UTF-8 text (byte {error.start})."
    if isinstance(error, json.JSONDecodeError):
        return f"a file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
    if isinstance(error, (csv.Error, sqlite3.DatabaseError)):
        return f"a file is malformed: {error}."
    return " ".join(str(error).split()) or type(error).__name__


# What a file problem looks like from deep inside a command: reading, decoding, parsing.
FILE_PROBLEMS = (InputError, OSError, UnicodeDecodeError, json.JSONDecodeError, csv.Error, sqlite3.DatabaseError)


def reports_input_errors(fix: str) -> Callable:
    """Wrap a command handler: file problems become one line with `fix` (what to do) and exit status 2."""

    def wrap(handler: Callable) -> Callable:
        @functools.wraps(handler)
        def run(args) -> int:
            try:
                return handler(args)
            except FILE_PROBLEMS as error:
                message = one_line(error)
                advice = "" if isinstance(error, InputError) else f" {fix}"
                print(f"error: {message}{advice}", file=sys.stderr)
                return EXIT_BAD_INPUT

        return run

    return wrap
