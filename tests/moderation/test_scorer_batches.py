"""`commentdesk score` as a batch: how input is grouped, what it reports while it runs, the
article cache's bound, and lines whose models fail. The models are canned."""

from __future__ import annotations

import io
import json
import os
import threading

import pytest
from tests.moderation.doubles import CannedModels

from commentdesk.moderation import scorer as scorer_module
from commentdesk.moderation.scorer import CHUNK_LINES, Scorer, run
from commentdesk.moderation.types import HOLD, PUBLISH, REJECT, ModelSignals


def record(record_id, text="Holding rates is the cautious choice here.", title="Rates held", **extra) -> str:
    return json.dumps({"id": record_id, "article": {"title": title, "body": "The bank held rates."}, "text": text, **extra})


def score_all(text: str, models: CannedModels | None = None) -> tuple[list[dict], str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run(io.StringIO(text), stdout, stderr, scorer=Scorer(models=models or CannedModels())) == 0
    return [json.loads(line) for line in stdout.getvalue().splitlines()], stderr.getvalue()


def test_a_line_whose_models_fail_is_held_and_says_why():
    results, _ = score_all(record(1) + "\n" + record(2, text="this one breaks the model") + "\n", CannedModels(failing="breaks"))
    assert results[0]["decision"] == PUBLISH
    assert results[1]["decision"] == HOLD
    assert results[1]["reasons"] == [
        {"code": "model_unavailable", "message": "Automatic checks could not run, so a moderator will read it."}
    ]


def test_the_rules_run_on_each_line_and_fill_their_columns():
    lines = [
        record("links", text="Buy now at https://a.com/x https://b.com/y https://c.com/z"),
        record("slur", text="what a retard"),
        record("insult", text="the governor is an idiot"),
    ]
    results, _ = score_all("\n".join(lines) + "\n")
    by_id = {result["id"]: result for result in results}
    assert by_id["links"]["decision"] == REJECT and by_id["links"]["spam"] >= 0.9
    assert [reason["code"] for reason in by_id["links"]["reasons"]] == ["too_many_links", "contact_bait"]
    assert by_id["slur"]["decision"] == REJECT and by_id["slur"]["reasons"][0]["code"] == "banned_word"
    assert by_id["insult"]["decision"] == HOLD and by_id["insult"]["reasons"][0]["code"] == "suspect_word"
    assert all(set(result) == {"id", "decision", "abuse", "relevance", "spam", "reasons"} for result in results)


@pytest.mark.parametrize("record_id", [None, 0, "", "x-1", [1, 2], {"site": "a", "n": 3}, 1.5, True])
def test_any_json_value_is_a_usable_id_and_comes_back_unchanged(record_id):
    results, _ = score_all(record(record_id) + "\n")
    assert results[0]["id"] == record_id and results[0]["decision"] == PUBLISH


def test_windows_line_ends_and_surrounding_spaces_are_fine():
    results, _ = score_all("  " + record(1) + "  \r\n" + record(2) + "\r\n")
    assert [(result["id"], result["decision"]) for result in results] == [(1, PUBLISH), (2, PUBLISH)]


def test_bad_lines_between_good_ones_keep_their_place():
    text = "\n".join([record(1), "{broken", record(3), json.dumps({"id": 4, "text": "no article"})]) + "\n"
    results, _ = score_all(text)
    assert [result["id"] for result in results] == [1, None, 3, 4]
    assert [result["decision"] for result in results] == [PUBLISH, HOLD, PUBLISH, HOLD]
    assert results[1]["reasons"][0]["message"].startswith("not JSON")


def test_a_log_gets_a_progress_line_every_five_hundred_comments():
    results, stderr = score_all("".join(record(number) + "\n" for number in range(1000)))
    assert len(results) == 1000
    assert [line for line in stderr.splitlines() if "scored" in line] == [
        "commentdesk score: 500 comments scored",
        "commentdesk score: 1000 comments scored",
    ]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_live_bar_instead_of_progress_lines():
    stderr = Terminal()
    run(io.StringIO(record(1) + "\n" + record(2) + "\n"), io.StringIO(), stderr, scorer=Scorer(models=CannedModels()))
    shown = stderr.getvalue()
    assert "lines" in shown and "comments scored" not in shown
    assert shown.rstrip().endswith("done, 2 comments")


class Closed(io.StringIO):
    def isatty(self) -> bool:
        raise ValueError("I/O operation on closed file")


def test_a_stream_that_cannot_say_whether_it_is_a_terminal_is_a_log():
    assert scorer_module._is_terminal(Closed()) is False
    assert scorer_module._is_terminal(object()) is False


def test_lines_are_grouped_in_chunks_blank_lines_kept_to_be_answered():
    lines = [f"line {number}\n" for number in range(CHUNK_LINES * 2 + 5)] + ["\n", "   \n"]
    chunks = list(scorer_module._chunks(iter(lines)))
    assert [len(chunk) for chunk in chunks] == [CHUNK_LINES, CHUNK_LINES, 7]
    assert [line for chunk in chunks for line in chunk] == lines


def test_lines_typed_one_by_one_are_answered_without_waiting_for_a_full_chunk():
    read_end, write_end = os.pipe()
    reader, writer = os.fdopen(read_end), os.fdopen(write_end, "w")
    chunks: list[list[str]] = []
    got_first = threading.Event()

    def consume():
        for chunk in scorer_module._chunks(reader):
            chunks.append(chunk)
            got_first.set()

    consumer = threading.Thread(target=consume, daemon=True)
    consumer.start()
    writer.write("one\ntwo\n")
    writer.flush()
    assert got_first.wait(timeout=10), "the first lines waited for a full chunk"
    writer.write("three\n")
    writer.close()
    consumer.join(timeout=10)
    reader.close()
    assert [line for chunk in chunks for line in chunk] == ["one\n", "two\n", "three\n"]


def test_the_article_cache_keeps_the_most_recent_articles_only():
    models = CannedModels()
    scorer = Scorer(models=models)
    for number in range(257):
        scorer.score_line(record(number, title=f"Article {number}"))
    scorer.score_line(record("again-last", title="Article 256"))
    scorer.score_line(record("again-first", title="Article 0"))
    assert models.passages_given[-2:] == [True, False]  # the oldest article was let go


def test_an_article_used_again_stays_in_the_cache():
    models = CannedModels()
    scorer = Scorer(models=models)
    scorer.score_line(record(0, title="Kept"))
    for number in range(1, 300):
        scorer.score_line(record(number, title=f"Article {number}"))
        if number % 100 == 0:
            scorer.score_line(record(f"kept-{number}", title="Kept"))
    scorer.score_line(record("kept-end", title="Kept"))
    assert models.passages_given[-1] is True


def test_a_line_whose_models_give_no_passages_is_not_cached():
    class NoPassages(CannedModels):
        def signals(self, candidate) -> ModelSignals:
            self.passages_given.append(candidate.passages is not None)
            return ModelSignals(failures={"relevance": "error: down"}, versions=self.versions)

    models = NoPassages()
    scorer = Scorer(models=models)
    scorer.score_line(record(1))
    scorer.score_line(record(2))
    assert models.passages_given == [False, False]


def test_the_default_scorer_waits_for_its_models_however_long_they_take():
    default = Scorer()
    assert default.models.timeout_s is None and not default.models._loaded
