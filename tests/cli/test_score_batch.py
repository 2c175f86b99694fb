"""`commentdesk score` as a batch tool: a progress bar on a terminal, the contract in --help,
and a held line only when a model really fails."""

import io
import json
import subprocess
import sys

import pytest

from commentdesk.moderation.pipeline import ModerationModels
from commentdesk.moderation.scorer import Scorer, run

ARTICLE = {
    "title": "Council extends the tram line",
    "body": "The council voted to extend the tram line to the northern suburbs by 2029.",
}


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _lines(count: int) -> io.StringIO:
    return io.StringIO(
        "".join(
            json.dumps({"id": n, "article": ARTICLE, "text": f"The tram extension is overdue ({n}).", "parent": None}) + "\n"
            for n in range(count)
        )
    )


class BrokenEmbedder:
    version = "broken"

    def encode(self, texts):
        raise RuntimeError("weights missing")


def _broken_models() -> ModerationModels:
    models = ModerationModels(timeout_ms=None)
    models._loaded = True  # the stub stands in for the real weights
    models.embedder = BrokenEmbedder()
    return models


def test_a_failing_model_gives_held_lines_with_the_reason():
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run(_lines(3), stdout, stderr, Scorer(models=_broken_models())) == 0
    outputs = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert [out["id"] for out in outputs] == [0, 1, 2]
    for out in outputs:
        assert out["decision"] == "hold"
        assert [reason["code"] for reason in out["reasons"]] == ["model_unavailable"]


def test_a_terminal_sees_a_progress_bar_with_lines_per_second():
    stdout, stderr = io.StringIO(), Terminal()
    run(_lines(5), stdout, stderr, Scorer(models=_broken_models()))
    assert "lines/s" in stderr.getvalue()
    assert len(stdout.getvalue().splitlines()) == 5  # the bar never reaches stdout


def test_a_log_file_gets_plain_lines_without_a_bar():
    stdout, stderr = io.StringIO(), io.StringIO()
    run(_lines(5), stdout, stderr, Scorer(models=_broken_models()))
    assert "lines/s" not in stderr.getvalue() and "\r" not in stderr.getvalue()
    assert "done, 5 comments" in stderr.getvalue()


def test_help_describes_the_input_and_output_lines():
    result = subprocess.run(
        [sys.executable, "-m", "commentdesk.cli", "score", "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0
    for words in (
        '"article": {"title": str, "body": str}',
        '"parent": str or null',
        '"decision": "publish" | "hold" | "reject"',
        '"relevance": 0-1 (higher = more on-topic)',
        '"reasons": [{"code": str, "message": str}',
        "invalid_input",
        "stderr",
    ):
        assert words in result.stdout


@pytest.mark.models
def test_lines_are_scored_by_the_real_models_without_timeouts(models):
    stdout = io.StringIO()
    run(_lines(40), stdout, io.StringIO(), Scorer(models=models))
    outputs = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert len(outputs) == 40
    assert not [out for out in outputs if any(reason["code"].startswith("model_") for reason in out["reasons"])]
