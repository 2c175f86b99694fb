"""Fill an empty database with the demo site, its articles and readers' comments."""

from __future__ import annotations

import html
import sys
from datetime import datetime, timedelta

from commentdesk.demo.content import ARTICLES, SITE
from commentdesk.services.accounts import create_user, user_by_name
from commentdesk.services.comment_input import PostingError
from commentdesk.services.sites import create_site
from commentdesk.store import comments
from commentdesk.store import repository as repo
from commentdesk.store.db import migrate
from commentdesk.store.models import Comment

# The demo's moderator account, printed when the demo starts. A demo is public by nature; a real
# installation creates its accounts with `commentdesk users add`.
DEMO_MODERATOR = ("editor", "demo-password")

DEMO_POLICY = {
    # Two top-level comments per page, so VIEW MORE COMMENTS shows up in the small demo threads.
    "page_size": 2,
}


def seed_demo(app, out=sys.stderr) -> bool:
    """Seed once; returns False when the demo site is already there."""
    migrate(app.state.engine)
    sessions = app.state.sessions
    with sessions() as session:
        if repo.site_by_slug(session, SITE["slug"]) is not None:
            return False
        site, key = create_site(session, SITE["slug"], SITE["name"], policy=DEMO_POLICY)
        if user_by_name(session, DEMO_MODERATOR[0]) is None:
            create_user(session, DEMO_MODERATOR[0], DEMO_MODERATOR[1], "admin")
        session.commit()
    settings = app.state.settings
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "demo-api-key.txt").write_text(key + "\n")
    print(
        f"commentdesk demo: site '{SITE['slug']}' created; its API key is in {settings.data_dir / 'demo-api-key.txt'}", file=out
    )

    app.state.pipeline.models.load()
    poster = app.state.poster
    outcomes = {"published": 0, "pending": 0, "rejected": 0}
    for spec in ARTICLES:
        with sessions() as session:
            demo_site = repo.site_by_slug(session, SITE["slug"])
            if demo_site is None:
                raise RuntimeError("the demo site was removed while it was being seeded")
            published_at = datetime.fromisoformat(spec["published_at"])
            article, _ = repo.upsert_article(
                session,
                demo_site,
                spec["url"],
                title=spec["title"],
                body=spec["body"],
                author=spec["author"],
                published_at=published_at,
            )
            session.commit()
            ids: dict[str, int] = {}
            for key_name, author, text, minutes, parent_key in spec["comments"]:
                try:
                    posted = poster.post(
                        session,
                        article,
                        author_name=author,
                        author_email=None,
                        text=text,
                        parent_id=ids.get(parent_key) if parent_key else None,
                        defer_when_busy=False,
                    )
                except PostingError as error:  # e.g. replying to a comment the models held
                    print(f"  skipped {key_name}: {error.message}", file=out)
                    continue
                comment = posted.comment
                ids[key_name] = comment.id
                _backdate(session, comment, published_at + timedelta(minutes=minutes))
                outcomes[comment.status] += 1
                # Committed one by one: the next post counts floods in a transaction of its own,
                # which on SQLite must not wait for this one's write lock.
                session.commit()
            session.commit()
        print(f"  {spec['title']}", file=out)
    print(
        f"commentdesk demo: {outcomes['published']} published, {outcomes['pending']} held for review, "
        f"{outcomes['rejected']} rejected by the models",
        file=out,
    )
    return True


def announce(app, base_url: str, out=sys.stderr) -> None:
    """What a newcomer needs at start: where to read, where to moderate, and how to embed one article."""
    spec = ARTICLES[0]
    with app.state.sessions() as session:
        site = repo.site_by_slug(session, SITE["slug"])
        article = repo.article_by_url(session, site.id, spec["url"]) if site else None
        article_id = article.id if article else None
    print(f"commentdesk demo: open {base_url}/ (data in {app.state.settings.data_dir})", file=out)
    print(f"commentdesk demo: moderators sign in at {base_url}/moderate as {DEMO_MODERATOR[0]} / {DEMO_MODERATOR[1]}", file=out)
    if article_id is None:
        return
    print(f'commentdesk demo: the article "{spec["title"]}"', file=out)
    print(f"  commentdesk's page for it:  {base_url}/articles/{article_id}", file=out)
    print(
        f"  the same page in Urdu:      {base_url}/articles/{article_id}?lang=ur  (right to left; ?lang=de for German)", file=out
    )
    print(f"  registered under the URL:   {spec['url']}  (site '{SITE['slug']}')", file=out)
    print("  to show its comments on any page of yours, paste:", file=out)
    print(embed_snippet(base_url, SITE["slug"], spec["url"]), file=out)


def embed_snippet(base_url: str, site_slug: str, article_url: str) -> str:
    """The two tags of docs/embedding.md for one registered article."""
    return (
        f'<div id="commentdesk"></div>\n'
        f'<script src="{base_url}/static/embed.js" data-site="{html.escape(site_slug)}" '
        f'data-url="{html.escape(article_url)}" async></script>'
    )


def _backdate(session, comment: Comment, when: datetime) -> None:
    """Give a seeded comment the time a reader would have posted it."""
    comments.backdate(session, comment.id, when)
