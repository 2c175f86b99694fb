"""Commands open the database one way (migrated, closed after) and refuse an unknown site in one wording."""

from pathlib import Path

import pytest
from sqlalchemy import inspect

from commentdesk.cli import build_parser, main
from commentdesk.commands.common import store_session
from commentdesk.store import db

DISQUS_EXPORT = Path(__file__).parent.parent / "fixtures" / "importers" / "disqus.xml"


def test_the_session_is_on_the_database_the_flags_name_and_migrated(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    args = build_parser().parse_args(["migrate", "--database-url", url])
    with store_session(args) as (settings, session):
        assert settings.resolved_database_url() == url
        assert {"sites", "comments"} <= set(inspect(session.get_bind()).get_table_names())


def test_the_engine_is_closed_even_when_the_command_fails(tmp_path, monkeypatch):
    engines = []

    def recording_engine(url):
        engine = make_engine(url)
        engines.append(engine)
        monkeypatch.setattr(engine, "dispose", lambda: engines.append("disposed"))
        return engine

    make_engine = db.make_engine
    monkeypatch.setattr(db, "make_engine", recording_engine)
    args = build_parser().parse_args(["migrate", "--database-url", f"sqlite:///{tmp_path / 'x.sqlite3'}"])
    with pytest.raises(RuntimeError, match="half-way"), store_session(args):
        raise RuntimeError("half-way")
    assert engines[-1] == "disposed"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["export", "--site", "ghost"], "error: no site 'ghost'\n"),
        (["sites", "rotate-key", "ghost"], "error: no site 'ghost'\n"),
        (["sites", "sso", "ghost", "--off"], "error: no site 'ghost'\n"),
        (
            ["import", "disqus", str(DISQUS_EXPORT), "--site", "ghost"],
            "error: no site 'ghost' (create it with: commentdesk sites add ghost --name ...)\n",
        ),
    ],
)
def test_an_unknown_site_is_refused_in_one_wording(tmp_path, capsys, command, message):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert main(["sites", "add", "news", "--name", "News", "--database-url", url]) == 0
    capsys.readouterr()
    assert main([*command, "--database-url", url]) == 2
    captured = capsys.readouterr()
    assert captured.err == message and "API key" not in captured.out


def test_site_actions_reach_the_named_site(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert main(["sites", "add", "news", "--name", "News", "--database-url", url]) == 0
    first_key = capsys.readouterr().out.rsplit(" ", 1)[1].strip()
    assert main(["sites", "rotate-key", "news", "--database-url", url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("new API key for news (shown once): ") and first_key not in out
