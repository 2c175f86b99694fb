"""Walking replies and top-level comments with cursors on both databases: replies at the same
moment, exactly a page's worth, cursors that are not this server's, and what a page never shows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from commentdesk.store import repository as repo
from commentdesk.store.models import utcnow
from db_fixtures import add_article, add_comment


def _replies(session, site, count, *, same_moment=False):
    article = add_article(session, site)
    root = add_comment(session, article, "root", author="Root")
    base = utcnow() - timedelta(hours=1)
    made = []
    for number in range(count):
        reply = add_comment(session, article, f"reply {number}", parent=root, author=f"P{number}")
        reply.created_at = base if same_moment else base + timedelta(seconds=number)
        made.append(reply)
    session.commit()
    return article, root, made


def _walk_replies(session, root_id, limit):
    seen, cursor, pages = [], None, 0
    while True:
        page, cursor = repo.reply_page(session, root_id, cursor, limit)
        seen += [reply.id for reply in page]
        pages += 1
        if cursor is None:
            return seen, pages


def test_replies_at_the_same_moment_are_walked_in_id_order_without_loss_or_repeat(session, site):
    _article, root, made = _replies(session, site, 5, same_moment=True)
    seen, pages = _walk_replies(session, root.id, 2)
    assert seen == [reply.id for reply in made] and pages == 3


def test_exactly_a_page_of_replies_gives_no_cursor(session, site):
    _article, root, made = _replies(session, site, 3)
    page, cursor = repo.reply_page(session, root.id, None, 3)
    assert [reply.id for reply in page] == [reply.id for reply in made] and cursor is None


def test_a_thread_with_exactly_the_shown_replies_offers_no_more(session, site):
    article, root, _made = _replies(session, site, repo.REPLIES_PER_THREAD)
    page = repo.thread_page(session, article.id, None, 10)
    assert len(page.replies[root.id]) == repo.REPLIES_PER_THREAD and page.more_replies[root.id] is None


def test_a_reply_page_size_is_kept_between_one_and_the_maximum(session, site):
    _article, root, _made = _replies(session, site, 3)
    assert len(repo.reply_page(session, root.id, None, 0)[0]) == 1
    assert len(repo.reply_page(session, root.id, None, 10_000)[0]) == 3


def test_held_and_rejected_replies_are_never_on_a_page(session, site):
    article, root, made = _replies(session, site, 2)
    add_comment(session, article, "held reply", "pending", parent=root, author="H")
    add_comment(session, article, "rejected reply", "rejected", parent=root, author="R")
    session.commit()
    page, _cursor = repo.reply_page(session, root.id, None, 10)
    assert [reply.text for reply in page] == ["reply 0", "reply 1"]
    assert repo.thread_page(session, article.id, None, 10).replies[root.id] == page


@pytest.mark.parametrize("reader", ["thread", "replies"])
def test_a_cursor_this_server_did_not_give_out_is_refused_by_both_readers(session, site, reader):
    article, root, _made = _replies(session, site, 1)
    with pytest.raises(repo.InvalidCursor):
        if reader == "thread":
            repo.thread_page(session, article.id, "bm90IGEgY3Vyc29y", 10)
        else:
            repo.reply_page(session, root.id, "bm90IGEgY3Vyc29y", 10)


def test_a_cursor_from_one_thread_reads_nothing_wrong_in_another(session, site):
    article, root, _made = _replies(session, site, 3)
    other_article = add_article(session, site, url="https://news.example/other")
    other_root = add_comment(session, other_article, "other root", author="O")
    add_comment(session, other_article, "other reply", parent=other_root, author="Q")
    session.commit()
    _page, cursor = repo.reply_page(session, root.id, None, 1)
    rest, _next = repo.reply_page(session, other_root.id, cursor, 10)
    assert all(reply.root_id == other_root.id for reply in rest)


def test_a_page_names_the_parents_of_nested_replies(session, site):
    article, root, made = _replies(session, site, 1)
    nested = add_comment(session, article, "answer to reply 0", parent=made[0], author="Nia")
    nested.created_at = made[0].created_at + timedelta(seconds=30)
    session.commit()
    page = repo.thread_page(session, article.id, None, 10)
    assert [reply.text for reply in page.replies[root.id]] == ["reply 0", "answer to reply 0"]
    assert page.parent_names == {root.id: "Root", made[0].id: "P0"}


@pytest.mark.parametrize("status", ["rejected", "pending"])
def test_a_top_level_comment_taken_out_of_view_keeps_its_published_replies_in_the_thread(session, site, status):
    from commentdesk.store import comments

    article, root, made = _replies(session, site, 2)
    later = add_comment(session, article, "a later top-level comment", author="L")
    later.created_at = utcnow()
    alone = add_comment(session, article, "rejected without replies", author="Z")
    comments.change_status(session, alone, "rejected", actor="moderator", actor_name="M")
    comments.change_status(session, root, status, actor="moderator", actor_name="M")
    session.commit()
    page = repo.thread_page(session, article.id, None, 10)
    assert [comment.id for comment in page.roots] == [later.id, root.id]
    assert [reply.id for reply in page.replies[root.id]] == [reply.id for reply in made]
    # Paged one top-level comment at a time, the placeholder takes its place in the order.
    first = repo.thread_page(session, article.id, None, 1)
    second = repo.thread_page(session, article.id, first.next_cursor, 1)
    assert [c.id for c in first.roots] == [later.id] and [c.id for c in second.roots] == [root.id]
    assert second.next_cursor is None
