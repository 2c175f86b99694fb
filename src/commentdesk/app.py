"""The ASGI application: public API, reader pages, moderator workspace and static files."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

from commentdesk import __version__
from commentdesk.api import admission, errors
from commentdesk.api.admission import AdmissionControl
from commentdesk.api.cached_reads import CachedReads
from commentdesk.api.cors import PublicApiCORS
from commentdesk.api.head import HeadAsGet
from commentdesk.api.language_routes import router as language_router
from commentdesk.api.limits import BodySizeLimit
from commentdesk.api.reader_routes import router as reader_api_router
from commentdesk.api.routes import router as api_router
from commentdesk.api.webhooks import router as webhooks_router
from commentdesk.config import Settings
from commentdesk.i18n.request_language import RequestLanguage
from commentdesk.moderation.pipeline import Models, ModerationModels, Pipeline
from commentdesk.services import notices
from commentdesk.services.article_passages import ArticlePassageKeeper
from commentdesk.services.moderation_queue import ModerationQueue
from commentdesk.services.notifications.notice_mail import NoticeMailer
from commentdesk.services.notifications.notifier import Notifier
from commentdesk.services.notifications.sender import MailSender
from commentdesk.services.posting import CommentPoster
from commentdesk.services.read_cache import close_cache
from commentdesk.services.webhook_delivery import WebhookDeliverer
from commentdesk.store.db import make_engine, migrate, session_factory
from commentdesk.web import mail, notice_pages, reader, reader_accounts, static_files
from commentdesk.web import moderate as workspace
from commentdesk.web.moderate import not_found as workspace_not_found
from commentdesk.web.moderate import refused as workspace_refused
from commentdesk.web.moderate.framing import NoFraming

log = logging.getLogger(__name__)
# Every router the app serves, in the order they are matched; a part that fails to import stops
# the app with its error rather than leaving its pages out.
ROUTERS = (
    api_router,
    webhooks_router,
    reader_api_router,
    language_router,
    reader.router,
    reader_accounts.router,
    notice_pages.router,
    workspace.router,
    mail.router,
)


def create_app(settings: Settings, models: Models | None = None, *, sweep_passages: bool = True) -> FastAPI:
    """The app. `sweep_passages`: whether its start queues the recent articles without current
    passages (services/article_passages.py); false only in the second and later web workers of
    one `commentdesk serve`, whose first worker does it for them all."""
    engine = make_engine(settings.resolved_database_url(), connections=settings.database_connections())
    models = models or ModerationModels(
        timeout_ms=settings.model_timeout_ms,
        enabled=settings.load_models,
        models_dir=settings.resolved_models_dir(),
        variant=settings.model_variant,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Worker threads for blocking handlers, sized with the pool and the admission limit.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads()
        migrate(engine)
        # Notifiers' addresses stored in the clear by an older version: encrypted before any request.
        with app.state.sessions() as session:
            notices.encrypt_plain_contacts(session, app.state.notifier.addresses)
        models.load()
        app.state.moderation_queue.start()
        app.state.article_passages.start()
        if settings.deliver_webhooks:
            app.state.webhook_deliverer.start()
        app.state.mail_sender.start()
        yield
        app.state.mail_sender.stop()
        if settings.deliver_webhooks:
            app.state.webhook_deliverer.stop()
        app.state.article_passages.stop()
        app.state.moderation_queue.stop()
        close_cache(app)
        engine.dispose()

    app = FastAPI(
        title="commentdesk",
        version=__version__,
        lifespan=lifespan,
        description="Comments for news sites, moderated on arrival: published if on-topic and not abusive.",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.secret = settings.resolved_secret()
    app.state.pipeline = Pipeline(models)
    app.state.moderation_queue = ModerationQueue(
        app.state.sessions, app.state.pipeline, check_wait_s=settings.check_wait_ms / 1000
    )
    # Articles created or given a new text are embedded for the site's bank in the background,
    # and, from the start, the recent ones whose passages are missing or of another embedder.
    app.state.article_passages = ArticlePassageKeeper(app.state.sessions, models, sweep=sweep_passages)
    app.state.webhook_deliverer = WebhookDeliverer(
        app.state.sessions,
        timeout_s=settings.webhook_timeout_ms / 1000,
        max_attempts=settings.webhook_max_attempts,
        retry_base_s=settings.webhook_retry_base_ms / 1000,
    )
    # E-mail to readers who asked and to notifiers of illegal content, written to the outbox with
    # the change that causes it.
    app.state.notifier = Notifier(settings, app.state.secret)
    app.state.notifier.install(app.state.sessions)
    app.state.notice_mailer = NoticeMailer(settings, app.state.notifier.addresses)
    app.state.notice_mailer.install(app.state.sessions)
    app.state.mail_sender = MailSender(app.state.sessions, settings, app.state.notifier.addresses)
    app.state.poster = CommentPoster(
        app.state.pipeline,
        app.state.secret,
        settings.max_comment_chars,
        queue=app.state.moderation_queue,
        notifier=app.state.notifier,
    )

    errors.install(app)
    admission.install(app)
    workspace_not_found.install(app)
    workspace_refused.install(app, workspace.router.prefix)
    for router in ROUTERS:
        app.include_router(router)
    static_files.install(app)
    # Fresh page-load reads answered before routing; inside admission control, so they take a turn.
    app.add_middleware(CachedReads)
    # Inside CORS, so that a publisher's page can read a 503 and its Retry-After.
    app.add_middleware(
        AdmissionControl,
        max_active=settings.max_active_requests,
        max_active_writes=settings.max_active_writes,
        max_waiting=settings.max_waiting_requests,
        max_wait_s=settings.max_wait_ms / 1000,
    )
    # An unforeseen exception's 500, inside CORS and the framing rule, so that it carries their headers too.
    app.add_middleware(errors.UnexpectedErrors)
    # The embed script calls the API from publishers' pages; no cookies cross origins. Only the API.
    app.add_middleware(
        PublicApiCORS,
        allow_origins=["*"],
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        expose_headers=["Retry-After"],
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    # HEAD goes on as a GET without its body: outside CORS, admission control and the read cache,
    # so each applies to it as to the GET.
    app.add_middleware(HeadAsGet)
    # Outside the limits and admission control, so that their refusals carry it too.
    app.add_middleware(NoFraming, prefix=workspace.router.prefix)
    # Outermost: every part of the request (errors too) is worded in the reader's language.
    app.add_middleware(RequestLanguage, default_language=settings.default_language)
    return app
