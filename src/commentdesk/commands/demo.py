"""`commentdesk demo`: the full service with demo articles and comments, on its own SQLite database."""

from __future__ import annotations

from pathlib import Path

from commentdesk.commands.serve import SERVER_SETTINGS
from commentdesk.config import add_settings_arguments, settings_from

# Apart from a real installation's data directory, unless --data-dir or its variable says otherwise.
DEMO_DATA_DIR = Path("demo-data")


def register(commands) -> None:
    demo = commands.add_parser("demo", help="Run the service with demo articles and comments on SQLite.")
    add_settings_arguments(demo, SERVER_SETTINGS - {"database_url", "workers"}, defaults={"data_dir": DEMO_DATA_DIR})
    demo.set_defaults(handler=run)


def run(args) -> int:
    import uvicorn

    from commentdesk.app import create_app
    from commentdesk.commands.common import check_server_store
    from commentdesk.demo.seed import announce, seed_demo
    from commentdesk.serving import proxy_options, use_log_level

    settings = settings_from(args, database_url="")
    if "data_dir" not in settings.model_fields_set:
        settings.data_dir = DEMO_DATA_DIR
    use_log_level(settings)
    check_server_store(args, settings)
    app = create_app(settings)
    seed_demo(app)
    announce(app, f"http://{settings.host}:{settings.port}")
    uvicorn.run(
        app, host=settings.host, port=settings.port, log_level="info", access_log=settings.access_log, **proxy_options(settings)
    )
    return 0
