"""`commentdesk serve`: the web service, with one moderation process for its workers."""

from __future__ import annotations

from commentdesk.config import Settings, add_settings_arguments, settings_from

# Every setting is a server setting, offered as a flag by `serve` (and, less the ones it decides
# itself, by `demo`): a new field of `Settings` needs no change here.
SERVER_SETTINGS = set(Settings.model_fields)


def register(commands) -> None:
    serve = commands.add_parser("serve", help="Run the web service.")
    add_settings_arguments(serve, SERVER_SETTINGS)
    serve.set_defaults(handler=run)


def run(args) -> int:
    from commentdesk.commands.common import check_server_store
    from commentdesk.serving import serve

    settings = settings_from(args)
    check_server_store(args, settings)
    return serve(settings)
