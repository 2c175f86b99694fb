"""The storage interface, by aggregate: one import for the callers that use several of them.

Every query commentdesk makes lives in `commentdesk.store`; the modules here are split by what they
store (sites, articles, commenters, comments, threads, reports, ...). This module re-exports the
common ones so that `from commentdesk.store import repository as repo` keeps working.
"""

from commentdesk.store.articles import (  # noqa: F401
    PUBLISHED_COUNTS,
    article_by_url,
    article_content_hash,
    cached_passages,
    closing_time,
    comments_closed,
    known_article,
    published_counts,
    store_passages,
    upsert_article,
)
from commentdesk.store.commenters import (  # noqa: F401
    Activity,
    add_commenter,
    commenter_by_identity,
    commenter_for,
    is_banned,
    recent_activity,
    recent_rejections,
)
from commentdesk.store.comments import add_comment, change_status  # noqa: F401
from commentdesk.store.cursors import (  # noqa: F401
    InvalidCursor,
    decode_cursor,
    encode_cursor,
    now_utc,
)
from commentdesk.store.dialect import dialect_insert  # noqa: F401
from commentdesk.store.identity import hash_api_key, keyed_hash  # noqa: F401
from commentdesk.store.reports import add_report, already_reported, nudge_stats  # noqa: F401
from commentdesk.store.sites import site_by_api_key, site_by_slug  # noqa: F401
from commentdesk.store.threads import (  # noqa: F401
    MAX_PAGE_SIZE,
    OUT_OF_VIEW,
    REPLIES_PER_THREAD,
    ThreadPage,
    reply_page,
    shown_author_name,
    thread_page,
)
