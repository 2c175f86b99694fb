"""`commentdesk serve`: the web service, with one moderation process for its workers."""

from __future__ import annotations

from commentdesk.config import add_settings_arguments, settings_from

# Every server setting; `demo` offers the same less the ones it decides itself.
SERVER_SETTINGS = {"data_dir", "database_url", "host", "port", "secret_key", "public_url", "models_dir", "forwarded_allow_ips",
                   "model_timeout_ms", "load_models", "max_comment_chars", "max_body_bytes",
                   "max_active_requests", "max_waiting_requests", "max_wait_ms", "workers", "access_log",
                   "check_wait_ms", "model_variant", "deliver_webhooks", "webhook_timeout_ms", "webhook_max_attempts",
                   "webhook_retry_base_ms",
                   "smtp_host", "smtp_port", "smtp_security", "smtp_username", "smtp_password", "mail_from", "mail_per_hour",
                   "digest_to", "digest_hours", "notice_contact_days"}


def register(commands) -> None:
    serve = commands.add_parser("serve", help="Run the web service.")
    add_settings_arguments(serve, SERVER_SETTINGS)
    serve.set_defaults(handler=run)


def run(args) -> int:
    from commentdesk.serving import serve

    return serve(settings_from(args))
