"""A moderator's sites as a WHERE clause: the store takes the site ids, never the account."""

from __future__ import annotations

from collections.abc import Iterable


def within_sites(query, column, site_ids: Iterable[int] | None):
    """`query` limited to rows whose `column` (a site id) is one of `site_ids`; None means every site."""
    if site_ids is None:
        return query
    return query.where(column.in_(sorted(site_ids)))
