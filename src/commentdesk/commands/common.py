"""What several commands share: opening the database, and a one-line error.

A problem found deep inside a command (a database that cannot be opened, a password that cannot
be read) is raised as `CommandError`; `commands.main` reports it as one `error: ...` line with
exit status 2, so no command ends such a problem in a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from commentdesk.config import Settings, settings_from

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Exit status of a command refused for its input (a missing file, an unknown site, a wrong value).
EXIT_BAD_INPUT = 2
# Exit status after Ctrl-C, as a shell reports a process ended by SIGINT (128 + 2).
EXIT_INTERRUPTED = 130
# Exit status when stdout was closed early (a pipe into `head`), as a shell reports SIGPIPE (128 + 13).
EXIT_OUTPUT_CLOSED = 141
# The settings a command that only reads or writes the database offers as flags.
DATABASE_SETTINGS = {"data_dir", "database_url"}
# The settings that choose the weights, offered by the commands that run the models as the server does.
MODEL_SETTINGS = {"models_dir", "model_variant"}


class CommandError(Exception):
    """The command cannot go on; the message, one line for the operator, says why."""


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def server_models(settings: Settings, timeout_ms: int | None):
    """The models the server would run with these settings: site-trained weights when `train
    --install` activated them, else the shipped variant chosen."""
    from commentdesk.moderation.pipeline import ModerationModels

    return ModerationModels(timeout_ms=timeout_ms, models_dir=settings.resolved_models_dir(), variant=settings.model_variant)


def open_store(args, settings: Settings | None = None):
    """(settings, engine, session factory) for the database the flags name, migrated first."""
    from alembic.util.exc import CommandError as MigrationError
    from sqlalchemy.exc import SQLAlchemyError

    from commentdesk.store.db import make_engine, migrate, session_factory

    settings = settings or settings_from(args)
    url = _usable_database_url(settings)
    engine = make_engine(url)
    try:
        migrate(engine)
    except (SQLAlchemyError, MigrationError) as error:  # unreachable, refused, not a database, from a newer version
        engine.dispose()
        raise _unopened(url, error) from None
    except BaseException:
        engine.dispose()
        raise
    return settings, engine, session_factory(engine)


def _usable_database_url(settings: Settings) -> str:
    """The settings' database URL once it is known to name a database this machine can open;
    the folder of an SQLite file is made here, where a problem with it can be named."""
    from sqlalchemy.engine import make_url

    from commentdesk.store.db import check_database_url

    url = settings.resolved_database_url()
    try:
        check_database_url(url)
    except ValueError as error:
        raise CommandError(f"--database-url: {error}") from None
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).parent
        named = f"--data-dir {settings.data_dir}" if not settings.database_url else f"the database's folder {folder}"
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{named} is not a folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"{named} cannot be created: {(error.strerror or str(error)).lower()}") from None
    return url


def _unopened(url: str, error: BaseException) -> CommandError:
    """A one-line report of a database that could not be opened or migrated (its password hidden)."""
    from sqlalchemy.engine import make_url

    shown = make_url(url).render_as_string(hide_password=True)
    problem = " ".join(str(getattr(error, "orig", None) or error).split())
    return CommandError(f"cannot open the database {shown}: {problem}")


def instance_secret(settings: Settings) -> str:
    """The instance secret, which hashes readers' addresses; kept under --data-dir when not given."""
    try:
        return settings.resolved_secret()
    except OSError as error:
        raise CommandError(
            f"--data-dir {settings.data_dir}: cannot keep the instance secret there "
            f"({(error.strerror or str(error)).lower()}); give --secret-key or a writable folder"
        ) from None


def check_server_store(args, settings: Settings) -> None:
    """What a server needs before it starts anything: its database opened and migrated, and its
    secret; a problem with either is one line, not a traceback from a worker."""
    _settings, engine, _sessions = open_store(args, settings)
    engine.dispose()  # no connection may cross the fork of `serve`'s workers
    instance_secret(settings)


@contextmanager
def store_session(args, settings: Settings | None = None) -> Iterator[tuple[Settings, Session]]:
    """(settings, session) on the database the flags name, migrated first; its connections are closed after."""
    settings, engine, sessions = open_store(args, settings)
    try:
        with sessions() as session:
            yield settings, session
    finally:
        engine.dispose()


def no_site(slug: str, hint: str = "") -> int:
    """Refuse a slug that names no site, with ``hint`` (how to create one, say) after it."""
    return fail(f"no site {slug!r}" + (f" ({hint})" if hint else ""))
