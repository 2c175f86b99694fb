"""Shared fixtures: an app on SQLite or PostgreSQL, the real moderation models, a live server.

Every test that takes `app` (or `client`) runs once per database backend. PostgreSQL tests
use COMMENTDESK_TEST_PG_URL (default: the local server's `test` database) and are skipped,
with the reason shown, when no server answers.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
import uuid
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from commentdesk.app import create_app
from commentdesk.config import Settings
from commentdesk.moderation.pipeline import ModerationModels
from commentdesk.services import accounts
from commentdesk.services.sites import create_site
from commentdesk.store.db import make_engine, migrate

PG_URL = os.environ.get("COMMENTDESK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = [b.strip() for b in os.environ.get("COMMENTDESK_TEST_DATABASES", "sqlite,postgres").split(",") if b.strip()]


def _postgres_problem() -> str | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as error:  # any failure means: no usable server here
        return f"PostgreSQL not reachable at {make_url(PG_URL).render_as_string(hide_password=True)}: {type(error).__name__}"


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    problem = _postgres_problem()
    if problem:
        pytest.skip(problem)
    return PG_URL


# Argon2 at its production cost takes about 0.2 s per hash or check on a CI core, and most
# workspace tests create two accounts and sign one in: the suite hashes at the lowest cost
# instead. Servers started as processes, and tests that take `production_password_hashing`,
# hash as production does.
QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _hash_with(patch: pytest.MonkeyPatch, hasher: PasswordHasher) -> None:
    patch.setattr(accounts, "_hasher", hasher)
    patch.setattr(accounts, "_DUMMY_HASH", hasher.hash("not a password anyone has"))


@pytest.fixture(autouse=True, scope="session")
def _quick_password_hashing():
    with pytest.MonkeyPatch.context() as patch:
        _hash_with(patch, QUICK_HASHER)
        yield


@pytest.fixture
def production_password_hashing(monkeypatch):
    _hash_with(monkeypatch, PasswordHasher())


@pytest.fixture(scope="session")
def models() -> ModerationModels:
    """The real embedding, abuse and relevance models, loaded once for the whole run."""
    return ModerationModels(timeout_ms=20_000).load()


@pytest.fixture(scope="session")
def _migrated_templates(tmp_path_factory):
    """One migrated database per backend for this test process, made on first use: each test
    gets a copy of it, which takes a few milliseconds where migrating takes a few hundred."""
    made: dict[str, str] = {}

    def template(backend: str, admin_url: str | None = None) -> str:
        if backend not in made:
            if backend == "sqlite":
                path = tmp_path_factory.mktemp("template") / "template.sqlite3"
                url = f"sqlite:///{path}"
            else:
                assert admin_url is not None
                url = _create_database(admin_url, f"cd_template_{uuid.uuid4().hex[:12]}")
            engine = make_engine(url)
            migrate(engine)
            engine.dispose()  # a PostgreSQL template must have no connection when it is copied
            made[backend] = url
        return made[backend]

    yield template
    if "postgres" in made:
        _drop_database(PG_URL, make_url(made["postgres"]).database)  # PG_URL: the admin URL


def _create_database(admin_url: str, name: str, template: str | None = None) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop_database(admin_url: str, name: str | None) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path) -> str:
    """A database with no tables at all (for the tests of the migrations themselves)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    admin_url = request.getfixturevalue("postgres_admin_url")
    url = _create_database(admin_url, f"cd_test_{uuid.uuid4().hex[:12]}")
    yield url
    _drop_database(admin_url, make_url(url).database)


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path, _migrated_templates) -> str:
    """A database already migrated to the newest revision, as every server start leaves it."""
    if request.param == "sqlite":
        source = sqlite3.connect(make_url(_migrated_templates("sqlite")).database)
        target = sqlite3.connect(tmp_path / "test.sqlite3")
        with target:
            source.backup(target)
        source.close()
        target.close()
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    admin_url = request.getfixturevalue("postgres_admin_url")
    template = make_url(_migrated_templates("postgres", admin_url)).database
    url = _create_database(admin_url, f"cd_test_{uuid.uuid4().hex[:12]}", template=template)
    yield url
    _drop_database(admin_url, make_url(url).database)


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    # A post waits for its check as long as it takes: on a loaded test machine the default two
    # seconds can pass, and the post would be answered "being checked" instead of decided. The
    # tests of that path set a short wait of their own.
    return Settings(data_dir=tmp_path / "data", database_url=database_url, secret_key="test-secret", check_wait_ms=60_000)


@pytest.fixture
def app(settings, models):
    return create_app(settings, models=models)


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def site_key(client) -> tuple[str, str]:
    """A site named 'news' with a relaxed flood limit; returns (slug, api key)."""
    app = client.app
    with app.state.sessions() as session:
        _site, key = create_site(
            session, "news", "The Daily Example", policy={"flood_per_minute_commenter": 1000, "flood_per_minute_address": 1000}
        )
        session.commit()
    return "news", key


@pytest.fixture
def auth(site_key) -> dict[str, str]:
    return {"Authorization": f"Bearer {site_key[1]}"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    def __init__(self, app) -> None:
        import uvicorn

        self.app = app
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


@pytest.fixture
def live_server(app):
    server = LiveServer(app).start()
    yield server
    server.stop()


CHROMIUM = Path(os.environ.get("COMMENTDESK_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright; skipped with a reason when absent. One per
    test module: Playwright's synchronous driver keeps an event loop running in the test thread
    while it is open, and later modules' `asyncio.run` would find it there."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    # Assertions wait as long as actions: with the suite on every core, an embed's first requests
    # (sign-in, then the thread) can take more than the default 5 s to land.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
