"""The reader page fixtures, shared with tests/web."""

from tests.web.conftest import make_article, post_comment  # noqa: F401 - fixtures
