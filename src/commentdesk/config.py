"""Settings: every setting is a command-line flag with an environment-variable twin.

The environment name is the flag's name upper-cased with a COMMENTDESK_ prefix:
``--database-url`` and ``COMMENTDESK_DATABASE_URL``. A flag given on the command line wins.
"""

from __future__ import annotations

import argparse
import os
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path

ENV_PREFIX = "COMMENTDESK_"
BACKGROUND_CONNECTIONS = 6
SPARE_WORKER_THREADS = 8


@dataclass
class Settings:
    data_dir: Path = field(default=Path("data"), metadata={"help": "Directory for the SQLite database and the instance secret."})
    database_url: str = field(default="", metadata={"help": "SQLAlchemy URL (postgresql+psycopg://... or sqlite:///...). Empty: SQLite under --data-dir."})
    host: str = field(default="127.0.0.1", metadata={"help": "Address to listen on."})
    port: int = field(default=8000, metadata={"help": "Port to listen on."})
    secret_key: str = field(default="", metadata={"help": "Secret for hashing e-mail and network addresses and signing sessions. Empty: generated once and kept under --data-dir."})
    forwarded_allow_ips: str = field(default="", metadata={"help": "Addresses of reverse proxies whose X-Forwarded-For header gives the reader's address (comma-separated, or *). Empty: trust none."})
    public_url: str = field(default="", metadata={"help": "Public base URL of this server, used in the embed snippet. Empty: taken from each request."})
    models_dir: Path | None = field(default=None, metadata={"help": "Where `commentdesk train --install` puts site-trained model weights. Empty: <data-dir>/models."})
    model_timeout_ms: int = field(default=30_000, metadata={"help": "Time budget for the models' own work on one comment, counted from when they start on it (not while it waits its turn); a model that takes longer is stuck, and the comment is held for review. What a reader waits is --check-wait-ms."})
    check_wait_ms: int = field(default=2000, metadata={"help": "How long a post waits for its check; past it (the server is busy) the comment is stored, the reader told it is being checked, and it is decided as soon as the models are free."})
    model_variant: str = field(default="default", metadata={"help": "Shipped abuse model to use when no site-trained one is installed: default (linear model on the sentence embedding) or finetuned (fine-tuned MiniLM layer: better on hate speech, but holds more neutral mentions of groups; see the model card)."})
    load_models: bool = field(default=True, metadata={"help": "Load the moderation models (turn off only to run without automatic moderation: every comment is then held)."})
    max_comment_chars: int = field(default=5000, metadata={"help": "Longest comment accepted, in characters."})
    max_body_bytes: int = field(default=200_000, metadata={"help": "Largest request body accepted, in bytes."})
    max_active_requests: int = field(default=32, metadata={"help": "Requests worked on at once by one server process; the database pool and worker threads are sized from it."})
    max_waiting_requests: int = field(default=1024, metadata={"help": "Requests that may wait for their turn; beyond it a request is refused at once with 503 and Retry-After."})
    max_wait_ms: int = field(default=10_000, metadata={"help": "Longest a request waits for its turn before it is refused with 503 and Retry-After."})
    workers: int = field(default=0, metadata={"help": "Web worker processes of `serve` (they share one moderation process). 0: one per CPU core."})
    deliver_webhooks: bool = field(default=True, metadata={"help": "Deliver the sites' webhooks from this server (every server of a shared database may: each delivery is made by one of them)."})
    webhook_timeout_ms: int = field(default=10_000, metadata={"help": "Time limit for one webhook request, connecting included; a receiver slower than this is tried again later."})
    webhook_max_attempts: int = field(default=12, metadata={"help": "Tries of one webhook delivery before it is marked failed and shown to moderators (with the default waits, two to three and a half hours)."})
    webhook_retry_base_ms: int = field(default=10_000, metadata={"help": "Wait before the second try of a webhook delivery; each later wait doubles (up to an hour), with jitter."})
    access_log: bool = field(default=True, metadata={"help": "Log one line per request."})
    smtp_host: str = field(default="", metadata={"help": "SMTP server for e-mail to readers and moderators. Empty: no e-mail is sent, and readers are not offered it."})
    smtp_port: int = field(default=587, metadata={"help": "SMTP server port."})
    smtp_security: str = field(default="starttls", metadata={"help": "starttls, tls (implicit TLS, usually port 465) or none (only for a relay on this machine)."})
    smtp_username: str = field(default="", metadata={"help": "SMTP user name. Empty: no sign-in."})
    smtp_password: str = field(default="", metadata={"help": "SMTP password."})
    mail_from: str = field(default="", metadata={"help": "From address of every message, e.g. \"The Courier comments <comments@courier.example>\". Required with --smtp-host."})
    mail_per_hour: int = field(default=6, metadata={"help": "Most messages one address receives in an hour; further ones are dropped."})
    digest_to: str = field(default="", metadata={"help": "Comma-separated moderator addresses that receive a digest of the moderation queues. Empty: no digest."})
    digest_hours: int = field(default=24, metadata={"help": "Hours between two digests."})
    notice_contact_days: int = field(default=180, metadata={"help": "Days a notifier's name and e-mail are kept after their notice of illegal content is decided (to answer a complaint about the decision); then they are erased."})
    default_language: str = field(default="en", metadata={"help": "Language of reader pages, the embed, e-mail and the workspace when neither the page, the site nor the browser names a shipped one (en, ur, de; docs/languages.md)."})

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'commentdesk.sqlite3').resolve()}"

    def database_connections(self) -> int:
        """Pool size: one connection per admitted request plus the background work (the read
        cache's connection, the moderation queue's, the webhook deliverer's), so an admitted request never waits for one."""
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


def _env_name(name: str) -> str:
    return ENV_PREFIX + name.upper()


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {text!r}")


def add_settings_arguments(parser: argparse.ArgumentParser, only: set[str] | None = None) -> None:
    """Add one flag per setting (or per setting in ``only``); defaults come from the environment."""
    for spec in fields(Settings):
        if only is not None and spec.name not in only:
            continue
        flag = "--" + spec.name.replace("_", "-")
        help_text = f"{spec.metadata.get('help', '')} [env {_env_name(spec.name)}]"
        if spec.type in ("bool", bool):
            parser.add_argument(flag, dest=spec.name, action=argparse.BooleanOptionalAction, default=None, help=help_text)
        else:
            parser.add_argument(flag, dest=spec.name, default=None, help=help_text)


def settings_from(args: argparse.Namespace | None = None, **overrides) -> Settings:
    """Build settings: defaults, then the environment, then flags, then explicit overrides."""
    settings = Settings()
    for spec in fields(Settings):
        raw = os.environ.get(_env_name(spec.name))
        if args is not None and getattr(args, spec.name, None) is not None:
            raw = getattr(args, spec.name)
        if spec.name in overrides:
            raw = overrides[spec.name]
        if raw is None:
            continue
        setattr(settings, spec.name, _coerce(spec, raw))
    return settings


def _coerce(spec, raw):
    kind = spec.type if isinstance(spec.type, str) else getattr(spec.type, "__name__", str(spec.type))
    if isinstance(raw, str):
        if kind == "bool":
            return _parse_bool(raw)
        if kind == "int":
            return int(raw)
        if kind == "Path":
            return Path(raw)
        if kind == "Path | None":
            return Path(raw) if raw else None
    if kind in ("Path", "Path | None") and not isinstance(raw, Path):
        return Path(raw)
    return raw
