"""`--moderate`: commentdesk's own moderation decides instead of the source's approval."""

import pytest

from commentdesk.commands import import_comments as command
from commentdesk.moderation.pipeline import Pipeline

from .conftest import SITE

EXPORT = """<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <thread dsq:id="1"><link>https://news.example.com/2024/05/harbour-tunnel</link>
    <title>Council approves the harbour tunnel</title></thread>
  <post dsq:id="10"><message><![CDATA[<p>The harbour tunnel will cost the council far more than its estimate.</p>]]></message>
    <createdAt>2024-05-02T09:15:00Z</createdAt><author><name>Alice</name></author><thread dsq:id="1"/></post>
  <post dsq:id="11"><message><![CDATA[<p>You are a fucking moron and so is the council.</p>]]></message>
    <createdAt>2024-05-02T09:20:00Z</createdAt><author><name>Mallory</name></author><thread dsq:id="1"/>
    <parent dsq:id="10"/></post>
  <post dsq:id="12"><message><![CDATA[<p>Will the ferry keep running while they dig the tunnel?</p>]]></message>
    <createdAt>2024-05-02T09:25:00Z</createdAt><isApproved>false</isApproved><author><name>Carol</name></author>
    <thread dsq:id="1"/></post>
</disqus>
"""


@pytest.fixture
def moderated(monkeypatch, models):
    # The command's own model loading is replaced by the models this test run already loaded.
    monkeypatch.setattr(command, "_pipeline", lambda _settings: Pipeline(models))


def test_moderation_decides_and_its_scores_are_kept(store, moderated, tmp_path, capsys):
    source = tmp_path / "export.xml"
    source.write_text(EXPORT)
    assert store.run("import", "disqus", source, "--site", SITE, "--moderate") == 0
    c = store.by_source()
    abusive, pending = c["disqus:11"], c["disqus:12"]
    for comment in c.values():
        assert comment.model_versions and "abuse" in comment.scores and comment.system_decision != "imported"
    assert abusive.status == "rejected" and abusive.system_decision == "reject"
    assert any(reason["code"] == "banned_word" for reason in abusive.reasons)
    # Waiting for review in the source: stays in the queue, now with scores for its priority.
    assert (pending.status, pending.system_decision) == ("pending", "hold")
    assert "rejected 1" in capsys.readouterr().out
