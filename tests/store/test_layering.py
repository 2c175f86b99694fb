"""Queries live in the store: services, pages and the API run none of their own, and moderation
works on plain data without the store (docs/storage.md)."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "commentdesk"
QUERY = re.compile(r"select\(|session\.query|session\.execute")


def _sources(*parts: str):
    for part in parts:
        yield from sorted((PACKAGE / part).rglob("*.py"))


def test_services_pages_and_the_api_run_no_query_of_their_own():
    found = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in _sources("services", "web", "api")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if QUERY.search(line)
    ]
    assert found == []


def test_pages_and_the_api_leave_the_transaction_to_the_services():
    found = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in _sources("web", "api")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.(commit|rollback)\(\)", line)
    ]
    assert found == []


def test_moderation_imports_nothing_from_the_store():
    found = [
        str(path.relative_to(PACKAGE))
        for path in _sources("moderation")
        if re.search(r"commentdesk\.store|from commentdesk import store", path.read_text(encoding="utf-8"))
    ]
    assert found == []
