"""Helpers for the moderator workspace tests: a world of sites, accounts and comments; signing in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from commentdesk.services import accounts
from commentdesk.services.sites import create_site
from commentdesk.store import repository as repo
from commentdesk.store.models import Article, Comment, CommentStatus, utcnow

PASSWORD = "correct horse battery"
ARTICLE_BODY = (
    "The city council voted on Tuesday to build protected cycle lanes along the harbour road. "
    "The lanes will cost four million euros and open next spring."
)


@dataclass
class World:
    app: object
    site_ids: dict[str, int] = field(default_factory=dict)
    article_ids: dict[str, int] = field(default_factory=dict)

    def add_comment(
        self,
        text: str,
        *,
        site: str = "news",
        article: str = "cycle",
        status: str = CommentStatus.PENDING,
        name: str = "Reader",
        priority: float = 0.5,
        reasons: list | None = None,
        scores: dict | None = None,
        parent_id: int | None = None,
        age_minutes: float = 10,
        system_decision: str | None = None,
    ) -> int:
        """Store a comment as moderation would have, with its automatic event; returns its id."""
        decision = system_decision or {"published": "publish", "pending": "hold", "rejected": "reject"}[status]
        with self.app.state.sessions() as session:
            site_id = self.site_ids[site]
            commenter = repo.commenter_for(session, site_id, f"id-{site}-{name}", name, None)
            parent = session.get(Comment, parent_id) if parent_id else None
            comment = Comment(
                site_id=site_id,
                article_id=self.article_ids[article],
                parent_id=parent_id,
                root_id=parent.root_id if parent else None,
                depth=parent.depth + 1 if parent else 0,
                commenter_id=commenter.id,
                author_name=name,
                text=text,
                html=f"<p>{text}</p>",
                status=status,
                system_decision=decision,
                priority=priority,
                reasons=reasons
                if reasons is not None
                else [{"code": "suspect_word", "message": "It contains words that a moderator checks.", "evidence": []}],
                scores=scores if scores is not None else {"abuse": 0.4, "relevance": 0.8, "spam": 0.0},
                model_versions={"abuse": "test-1"},
                created_at=utcnow() - timedelta(minutes=age_minutes),
            )
            repo.add_comment(
                session, comment, actor_reasons=comment.reasons, scores=comment.scores, model_versions=comment.model_versions
            )
            session.commit()
            return comment.id

    def comment(self, comment_id: int) -> Comment:
        with self.app.state.sessions() as session:
            return session.get(Comment, comment_id)

    def add_user(self, username: str, role: str = "moderator", sites: list[str] | None = None) -> int:
        with self.app.state.sessions() as session:
            site_ids = [self.site_ids[slug] for slug in sites] if sites else None
            user = accounts.create_user(session, username, PASSWORD, role, site_ids)
            session.commit()
            return user.id


def build_world(app) -> World:
    """Sites 'news' and 'sport', an article on each, an admin 'chief' and a moderator 'mod'."""
    built = World(app)
    with app.state.sessions() as session:
        for slug, name in (("news", "The Daily Example"), ("sport", "Example Sport")):
            site, _key = create_site(
                session, slug, name, policy={"flood_per_minute_commenter": 1000, "flood_per_minute_address": 1000}
            )
            built.site_ids[slug] = site.id
        for key, slug, title in (
            ("cycle", "news", "City council approves cycle lanes"),
            ("cup", "sport", "Harbour FC wins the cup"),
        ):
            article = Article(site_id=built.site_ids[slug], url=f"https://{slug}.example/{key}", title=title, body=ARTICLE_BODY)
            session.add(article)
            session.flush()
            built.article_ids[key] = article.id
        session.commit()
    built.add_user("chief", "admin")
    built.add_user("mod")
    return built


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def login(client, username: str, password: str = PASSWORD):
    """Sign in through the form, as a browser does; returns the response (a redirect on success)."""
    page = client.get("/moderate/login")
    return client.post(
        "/moderate/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )


def session_csrf(client) -> str:
    """The signed-in session's CSRF token, as the pages carry it."""
    page = client.get("/moderate/queue/held")
    found = re.search(r'data-csrf="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)
