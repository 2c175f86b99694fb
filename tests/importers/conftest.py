"""A migrated store with one site, and a way to run the import and export commands against it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from commentdesk.cli import main
from commentdesk.config import Settings
from commentdesk.services.sites import create_site
from commentdesk.store.db import make_engine, migrate, session_factory
from commentdesk.store.models import Article, Comment, Commenter, ModerationEvent

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "importers"
SECRET = "test-secret"
SITE = "news"


@dataclass
class Store:
    settings: Settings
    sessions: sessionmaker[Session]

    def run(self, *argv: str) -> int:
        """Run `commentdesk import ...` against this store."""
        return main(
            [
                *map(str, argv),
                "--database-url",
                self.settings.database_url,
                "--secret-key",
                SECRET,
                "--data-dir",
                str(self.settings.data_dir),
            ]
        )

    def export(self, *argv: str) -> int:
        return main(
            ["export", *map(str, argv), "--database-url", self.settings.database_url, "--data-dir", str(self.settings.data_dir)]
        )

    def by_source(self) -> dict[str, Comment]:
        with self.sessions() as session:
            return {comment.source_id: comment for comment in session.scalars(select(Comment))}

    def counts(self) -> dict[str, int]:
        with self.sessions() as session:
            return {
                model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (Article, Comment, Commenter, ModerationEvent)
            }


@pytest.fixture
def store(settings) -> Store:
    engine = make_engine(settings.database_url)
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        create_site(session, SITE, "The Daily Example", policy={"banned_words": ["fuck*"]})
        session.commit()
    yield Store(settings, sessions)
    engine.dispose()
