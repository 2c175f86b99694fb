"""Settings: every setting is a command-line flag with an environment-variable twin.

The environment name is the flag's name upper-cased with a COMMENTDESK_ prefix:
``--database-url`` and ``COMMENTDESK_DATABASE_URL``. A flag given on the command line wins over
the environment, which wins over the default. pydantic-settings reads the environment and checks
every value (ports in range, positive limits, known choices), so a wrong value stops the command
at start with a message that names the flag and its variable.

This module is the one place that reads COMMENTDESK_ variables. Three groups:

- `Settings`: the server's settings, offered as flags by the commands that use them
  (`add_settings_arguments`) and read with `settings_from(args)`;
- `EvaluationSettings`: the labeled data and embedding cache of `commentdesk eval` and `train`
  (their `--data-dir` and `--cache-dir`);
- `ModelRuntimeSettings`: how this process runs MiniLM (backend, export cache). The embedder is
  shared by everything in a process and by the processes `serve` starts, so these are read from
  the environment, which those processes inherit, and are not flags.
"""

from __future__ import annotations

import argparse
import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from commentdesk.i18n import LANGUAGES
from commentdesk.services.comment_input import MAX_COMMENT_CHARS

ENV_PREFIX = "COMMENTDESK_"
BACKGROUND_CONNECTIONS = 7
SPARE_WORKER_THREADS = 8
# Never echoed back in an error message.
SECRET_SETTINGS = {"secret_key", "smtp_password"}

# Shipped variants of the abuse model (see the model card; moderation/models/registry.py finds
# each one's weights): "default", the linear model on the sentence embedding; "finetuned", all six
# MiniLM layers fine-tuned, which transfers better to sets never trained on but runs a second
# encoder pass per comment (see the model card for why it is not the default).
VARIANTS = ("default", "finetuned")
ModelVariant = Literal[VARIANTS]  # type: ignore[valid-type]


def setting(default, help: str, **checks):
    """One setting: its default, its help text (shown by --help) and its checks (ge=, le=, ...)."""
    return Field(default, description=help, **checks)


class _FromEnvironment(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", protected_namespaces=())

    @field_validator("*", mode="before")
    @classmethod
    def _empty_means_unset(cls, value, info):
        """An empty variable keeps today's meaning: off for a switch, none for an optional folder,
        the default for a folder or an address that must have one. An empty --data-dir would put
        the database in whatever folder the server starts from, and an empty --host would listen
        on every network interface: a variable left blank in a deployment file must mean neither."""
        if value != "":
            return value
        field = cls.model_fields[info.field_name]
        if field.annotation is bool:
            return False
        if field.annotation == (Path | None):
            return None
        if field.annotation in (Path, str) and field.default not in ("", None):
            return field.default
        return value


class Settings(_FromEnvironment):
    data_dir: Path = setting(Path("data"), "Directory for the SQLite database and the instance secret.")
    database_url: str = setting("", "SQLAlchemy URL (postgresql+psycopg://... or sqlite:///...). Empty: SQLite under --data-dir.")
    host: str = setting("127.0.0.1", "Address to listen on.")
    port: int = setting(8000, "Port to listen on.", ge=1, le=65535)
    secret_key: str = setting(
        "",
        "Secret for hashing e-mail and network addresses and signing sessions. Empty: generated once and kept under --data-dir.",
    )
    forwarded_allow_ips: str = setting(
        "",
        "Addresses of reverse proxies whose X-Forwarded-For header gives the reader's address (comma-separated, or *). Empty: trust none.",
    )
    public_url: str = setting("", "Public base URL of this server, used in the embed snippet. Empty: taken from each request.")
    models_dir: Path | None = setting(
        None, "Where `commentdesk train --install` puts site-trained model weights. Empty: <data-dir>/models."
    )
    model_timeout_ms: int = setting(
        30_000,
        "Time budget for the models' own work on one comment, counted from when they start on it (not while it waits its turn); a model that takes longer is stuck, and the comment is held for review. What a reader waits is --check-wait-ms.",
        gt=0,
    )
    check_wait_ms: int = setting(
        2000,
        "How long a post waits for its check; past it (the server is busy) the comment is stored, the reader told it is being checked, and it is decided as soon as the models are free. Keep it well under 30,000: the embed gives up on an answer after 30 s and tells the reader the server could not be reached.",
        ge=0,
    )
    model_variant: ModelVariant = setting(
        "default",
        "Shipped abuse model to use when no site-trained one is installed: default (linear model on the sentence embedding) or finetuned (all six MiniLM layers fine-tuned: better on comments unlike its training sets, a second encoder pass per comment; see the model card).",
    )
    load_models: bool = setting(
        True, "Load the moderation models (turn off only to run without automatic moderation: every comment is then held)."
    )
    max_comment_chars: int = setting(
        5000, f"Longest comment accepted, in characters (at most {MAX_COMMENT_CHARS}).", gt=0, le=MAX_COMMENT_CHARS
    )
    max_body_bytes: int = setting(200_000, "Largest request body accepted, in bytes.", gt=0)
    max_active_requests: int = setting(
        32, "Requests worked on at once by one server process; the database pool and worker threads are sized from it.", gt=0
    )
    max_active_writes: int = setting(
        4,
        "Writes (posts, edits, moderators' actions) worked on at once by one server process, within --max-active-requests; "
        "more only contend for the processor while they wait for the models and the database's writer.",
        gt=0,
    )
    max_waiting_requests: int = setting(
        1024, "Requests that may wait for their turn; beyond it a request is refused at once with 503 and Retry-After.", ge=0
    )
    max_wait_ms: int = setting(
        10_000, "Longest a request waits for its turn before it is refused with 503 and Retry-After.", ge=0
    )
    workers: int = setting(0, "Web worker processes of `serve` (they share one moderation process). 0: one per CPU core.", ge=0)
    deliver_webhooks: bool = setting(
        True,
        "Deliver the sites' webhooks from this server (every server of a shared database may: each delivery is made by one of them).",
    )
    webhook_timeout_ms: int = setting(
        10_000, "Time limit for one webhook request, connecting included; a receiver slower than this is tried again later.", gt=0
    )
    webhook_max_attempts: int = setting(
        12,
        "Tries of one webhook delivery before it is marked failed and shown to moderators (with the default waits, two to three and a half hours).",
        gt=0,
    )
    webhook_retry_base_ms: int = setting(
        10_000, "Wait before the second try of a webhook delivery; each later wait doubles (up to an hour), with jitter.", gt=0
    )
    access_log: bool = setting(True, "Log one line per request.")
    log_level: Literal["debug", "info", "warning", "error"] = setting(
        "warning",
        "Least severe of commentdesk's own log messages written to standard error (debug adds, for each comment posted, the time its flood count, its models and its storing took).",
    )
    smtp_host: str = setting(
        "", "SMTP server for e-mail to readers and moderators. Empty: no e-mail is sent, and readers are not offered it."
    )
    smtp_port: int = setting(587, "SMTP server port.", ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = setting(
        "starttls", "starttls, tls (implicit TLS, usually port 465) or none (only for a relay on this machine)."
    )
    smtp_username: str = setting("", "SMTP user name. Empty: no sign-in.")
    smtp_password: str = setting("", "SMTP password.")
    mail_from: str = setting(
        "", 'From address of every message, e.g. "The Courier comments <comments@courier.example>". Required with --smtp-host.'
    )
    mail_per_hour: int = setting(6, "Most messages one address receives in an hour; further ones are dropped.", gt=0)
    digest_to: str = setting(
        "", "Comma-separated moderator addresses that receive a digest of the moderation queues. Empty: no digest."
    )
    digest_hours: int = setting(24, "Hours between two digests.", gt=0)
    default_language: str = setting(
        "en",
        "Language of reader pages, the embed, e-mail and the workspace when neither the page, the site nor the browser names a shipped one (en, ur, de; docs/languages.md).",
    )
    notice_contact_days: int = setting(
        180,
        "Days a notifier's name and e-mail are kept after their notice of illegal content is decided (to answer a complaint about the decision); then they are erased.",
        gt=0,
    )

    @field_validator("default_language")
    @classmethod
    def _shipped_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"one of {', '.join(LANGUAGES)}")
        return value

    @model_validator(mode="after")
    def _mail_needs_a_sender(self) -> Settings:
        if self.smtp_host and not self.mail_from.strip():
            raise ValueError("--mail-from (COMMENTDESK_MAIL_FROM) is required with --smtp-host")
        return self

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'commentdesk.sqlite3').resolve()}"

    def public_base_url(self, fallback: str | None = None) -> str:
        """This server's address as readers reach it, without a trailing slash: the configured
        public URL (behind a proxy), else `fallback` (a request's own address), else the address
        listened on."""
        return self.public_url.rstrip("/") or (fallback or f"http://{self.host}:{self.port}").rstrip("/")

    def database_connections(self) -> int:
        """Pool size: one connection per admitted request plus the background work (the read
        cache's connection, the moderation queue's, the webhook deliverer's, the mail sender's, the
        article passage keeper's), so an admitted request never waits for one."""
        return self.max_active_requests + BACKGROUND_CONNECTIONS

    def worker_threads(self) -> int:
        """Threads for blocking request work: each admitted request uses at most one at a time;
        the spare ones serve the short hops (static files, form parsing) without a wait."""
        return self.max_active_requests + SPARE_WORKER_THREADS

    def resolved_models_dir(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    def resolved_secret(self) -> str:
        """The instance secret; generated on first use and stored with mode 0600."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret.key"
        if path.exists():
            self.secret_key = path.read_text().strip()
        else:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.secret_key = secrets.token_urlsafe(32)
            path.write_text(self.secret_key)
            path.chmod(0o600)
        return self.secret_key


class EvaluationSettings(_FromEnvironment):
    """Where `commentdesk eval` and `train` find the labeled sets and keep embeddings; each is
    also a flag of those commands (--data-dir, --cache-dir), which wins."""

    labeled_data: Path | None = setting(None, "Folder of labeled sets. Empty: ../shared/data from the working directory.")
    cache_dir: Path | None = setting(None, "Embedding cache of the labeled sets. Empty: ./.cache.")

    def resolved_labeled_data(self) -> Path:
        return self.labeled_data or Path.cwd().parent / "shared" / "data"

    def resolved_cache_dir(self) -> Path:
        return self.cache_dir or Path.cwd() / ".cache"


class ModelRuntimeSettings(_FromEnvironment):
    embedder_backend: Literal["onnx-int8", "onnx", "torch"] = setting(
        "onnx-int8",
        "onnx-int8 (ONNX Runtime with 8-bit weights, about 1.6x faster), onnx (32-bit) or torch; "
        "ONNX Runtime falls back to PyTorch when it fails.",
    )
    model_cache: Path | None = setting(
        None, "Where the ONNX export of MiniLM is kept. Empty: $XDG_CACHE_HOME/commentdesk or ~/.cache/commentdesk."
    )

    def resolved_model_cache(self) -> Path:
        if self.model_cache:
            return self.model_cache
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "commentdesk"


def keep_model_hub_offline() -> None:
    """Tell the model libraries never to reach for a model hub: the weights come from site-packages.
    (Set for this process and its children unless the operator has set them.)"""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class SettingsError(ValueError):
    """A setting with a wrong value; the message names its flag and environment variable."""


def env_name(name: str) -> str:
    return ENV_PREFIX + name.upper()


def flag_name(name: str) -> str:
    return "--" + name.replace("_", "-")


def add_settings_arguments(
    parser: argparse.ArgumentParser,
    only: set[str] | None = None,
    meanings: dict[str, str] | None = None,
    defaults: dict[str, object] | None = None,
) -> None:
    """Add one flag per setting (or per setting in ``only``); unset flags leave the environment's value.
    ``meanings`` replaces the help of a setting that a command uses otherwise than the server, and
    ``defaults`` the default its help shows where the command chooses another."""
    for name, spec in Settings.model_fields.items():
        if only is not None and name not in only:
            continue
        default = (defaults or {}).get(name, spec.default)
        help_text = f"{(meanings or {}).get(name, spec.description)} [env {env_name(name)}{_shown_default(default)}]"
        if spec.annotation is bool:
            parser.add_argument(flag_name(name), dest=name, action=argparse.BooleanOptionalAction, default=None, help=help_text)
        else:
            parser.add_argument(flag_name(name), dest=name, default=None, help=help_text)


def _shown_default(default: object) -> str:
    """The default as --help shows it; an empty one is said by the help itself ("Empty: ...")."""
    if default in ("", None):
        return ""
    if isinstance(default, bool):
        return "; default: on" if default else "; default: off"
    return f"; default: {default}"


def settings_from(args: argparse.Namespace | None = None, **overrides) -> Settings:
    """Build settings: defaults, then the environment, then flags, then explicit overrides."""
    given = {
        name: getattr(args, name) for name in Settings.model_fields if args is not None and getattr(args, name, None) is not None
    }
    given.update(overrides)
    return checked(Settings, **given)


def checked(kind: type[_FromEnvironment], **given):
    """`kind(**given)`, with a wrong value reported as a SettingsError naming flag and variable."""
    try:
        return kind(**given)
    except ValidationError as error:
        raise SettingsError(describe(error, flags=kind is Settings)) from None


def describe(error: ValidationError, flags: bool = True) -> str:
    """One line for the wrong values; `flags=False` for settings that are variables only (the
    model runtime's), which have no flag to name."""
    problems = []
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else ""
        message = item["msg"].removeprefix("Value error, ")
        if not name:  # a rule across settings: its message names them
            problems.append(message)
            continue
        shown = "" if name in SECRET_SETTINGS else f" (got {item.get('input')!r})"
        named = f"{flag_name(name)} / {env_name(name)}" if flags else env_name(name)
        problems.append(f"{named}: {message}{shown}")
    return "; ".join(problems)
