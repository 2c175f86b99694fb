"""`commentdesk eval` options: which evaluations each --set runs and with which data, what the
reports and the printed summary carry, the --transfer path with and without a previous model, and
--suite. The evaluations themselves are stand-ins that record their calls; the reports are real."""

from __future__ import annotations

import json

import pytest

from commentdesk.cli import main
from commentdesk.evaluation import evaluate, suites, transfer
from commentdesk.evaluation.evaluate import SetResult
from commentdesk.moderation.models import abuse_finetuned, relevance


class Model:
    def __init__(self, version):
        self.version = version
        self.recommended_thresholds = {"hold": 0.4, "reject": 0.9}


@pytest.fixture
def calls(monkeypatch, tmp_path):
    """Every evaluation replaced by one that records (what, set, data folder)."""
    seen = []
    abuse_model, relevance_model = Model("abuse-x"), Model("relevance-y")

    def abuse_set(model, name, data_dir, out_dir, cache_dir=None):
        assert model is abuse_model
        seen.append(("abuse", name, data_dir, cache_dir))
        return SetResult(name, "abuse", {"n": 3, "roc_auc": 0.75})

    def bias(model, data_dir, cache_dir=None):
        seen.append(("fairness", "bias_madlibs", data_dir, cache_dir))
        return SetResult("bias_madlibs", "fairness", {"n": 2})

    def robustness(model, data_dir, cache_dir=None):
        seen.append(("robustness", "robustness", data_dir, cache_dir))
        return SetResult("robustness", "robustness", {"originals_caught": 1})

    def relevance_sets(model, data_dir, out_dir, cache_dir=None):
        assert model is relevance_model
        seen.append(("relevance", "semeval", data_dir, cache_dir))
        return [SetResult("relevance-semeval", "relevance", {"hold_threshold": 0.4})]

    monkeypatch.setattr(evaluate, "evaluate_abuse_set", abuse_set)
    monkeypatch.setattr(evaluate, "evaluate_bias_madlibs", bias)
    monkeypatch.setattr(evaluate, "evaluate_robustness", robustness)
    monkeypatch.setattr(evaluate, "evaluate_relevance", relevance_sets)
    monkeypatch.setattr(abuse_finetuned, "load_abuse_model", lambda weights_dir=None: abuse_model)
    monkeypatch.setattr(relevance.RelevanceModel, "load", classmethod(lambda cls, weights_dir=None: relevance_model))
    return seen


def run_eval(capsys, *options):
    code = main(["eval", *options])
    captured = capsys.readouterr()
    return code, captured.out


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ("c3", [("abuse", "c3")]),
        ("wiki", [("abuse", "wiki")]),
        ("bias_madlibs", [("fairness", "bias_madlibs")]),
        ("robustness", [("robustness", "robustness")]),
        ("semeval", [("relevance", "semeval")]),
        (
            "all",
            [("abuse", name) for name in evaluate.ABUSE_EVAL_SETS]
            + [("fairness", "bias_madlibs"), ("robustness", "robustness"), ("relevance", "semeval")],
        ),
    ],
)
def test_each_set_option_runs_its_evaluations_only(calls, capsys, tmp_path, chosen, expected):
    code, _out = run_eval(capsys, "--set", chosen, "--data-dir", str(tmp_path), "--out", str(tmp_path / "out"))
    assert code == 0
    assert [(what, name) for what, name, _data, _cache in calls] == expected
    assert all(data == tmp_path for _w, _n, data, _c in calls)


def test_the_cache_folder_option_reaches_every_evaluation(calls, capsys, tmp_path):
    run_eval(
        capsys,
        "--set",
        "all",
        "--data-dir",
        str(tmp_path),
        "--out",
        str(tmp_path / "out"),
        "--cache-dir",
        str(tmp_path / "cache"),
    )
    assert {cache for _w, _n, _d, cache in calls} == {tmp_path / "cache"}


def test_the_data_folder_defaults_to_the_environment(calls, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("COMMENTDESK_LABELED_DATA", str(tmp_path / "labeled"))
    run_eval(capsys, "--set", "c3", "--out", str(tmp_path / "out"))
    assert calls[0][2] == tmp_path / "labeled"


def test_the_reports_name_the_models_and_their_thresholds(calls, capsys, tmp_path):
    out = tmp_path / "out"
    code, printed = run_eval(capsys, "--set", "all", "--data-dir", str(tmp_path), "--out", str(out))
    summary = json.loads(printed)
    assert code == 0 and summary["results"]["c3"] == {"n": 3, "roc_auc": 0.75}
    assert summary["reports"] == {
        "json": str(out / "metrics.json"),
        "markdown": str(out / "README.md"),
        "html": str(out / "report.html"),
    }
    header = json.loads((out / "metrics.json").read_text())["header"]
    assert header["abuse model"] == "abuse-x" and header["relevance model"] == "relevance-y"
    assert header["command"] == f"commentdesk eval --set all --data-dir DATA --out {out}"
    assert header["relevance thresholds"] == {"hold": 0.4, "reject": 0.9}


def test_without_the_relevance_set_the_header_names_no_relevance_model(calls, capsys, tmp_path):
    out = tmp_path / "out"
    run_eval(capsys, "--set", "c3", "--data-dir", str(tmp_path), "--out", str(out))
    header = json.loads((out / "metrics.json").read_text())["header"]
    assert "relevance model" not in header and header["abuse thresholds"] == {"hold": 0.4, "reject": 0.9}


@pytest.fixture
def transfer_calls(monkeypatch):
    seen = {}

    def run_transfer(data_dir, out_path, cache_dir=None):
        seen["run"] = (data_dir, out_path, cache_dir)
        return {
            "fold_cap": 10,
            "folds": {"c3": {"rows": 4, "abusive": 2, "roc_auc": 0.8}},
            "mean_roc_auc": 0.8,
            "worst_roc_auc": 0.8,
        }

    def baseline(data_dir, weights_dir, out_path, cache_dir=None):
        seen["baseline"] = (weights_dir, out_path)
        return {"c3": 0.9}

    monkeypatch.setattr(transfer, "run_transfer", run_transfer)
    monkeypatch.setattr(transfer, "baseline", baseline)
    return seen


def test_transfer_writes_its_report_and_prints_the_headline(transfer_calls, capsys, tmp_path):
    out = tmp_path / "out"
    code, printed = run_eval(capsys, "--transfer", "--data-dir", str(tmp_path), "--out", str(out))
    assert code == 0 and transfer_calls["run"] == (tmp_path, out / "transfer.json", None)
    assert "baseline" not in transfer_calls
    assert json.loads(printed) == {"report": str(out / "transfer.md"), "mean_roc_auc": 0.8, "worst_roc_auc": 0.8}
    assert "| c3 | 4 | 2 | 0.800 |  |" in (out / "transfer.md").read_text()


def test_transfer_with_weights_sets_the_previous_model_beside_each_fold(transfer_calls, capsys, tmp_path):
    out = tmp_path / "out"
    run_eval(capsys, "--transfer", "--data-dir", str(tmp_path), "--out", str(out), "--weights-dir", str(tmp_path / "old"))
    assert transfer_calls["baseline"] == (tmp_path / "old", out / "transfer-previous.json")
    assert "| c3 | 4 | 2 | 0.800 | 0.900 |" in (out / "transfer.md").read_text()


def test_transfer_refuses_a_missing_data_folder(transfer_calls, capsys, tmp_path):
    code = main(["eval", "--transfer", "--data-dir", str(tmp_path / "none"), "--out", str(tmp_path / "out")])
    assert code != 0 and "run" not in transfer_calls
    assert "none" in capsys.readouterr().err


def test_suites_print_their_reports_and_summary(monkeypatch, capsys, tmp_path):
    seen = {}

    def judge(which, out_dir, scorer, command=None):
        seen.update(which=which, out_dir=out_dir, command=command)
        functional = {
            key: 0.9
            for key in (
                "n",
                "accuracy",
                "abuse_view_accuracy",
                "mean_functionality_accuracy",
                "worst_functionality_accuracy",
                "abuse_roc_auc",
                "model_failures",
            )
        }
        functional.update(
            functionalities_below_target=[],
            per_functionality={"slur": {"accuracy": 0.9, "abuse_view_accuracy": 0.8, "mistakes": []}},
        )
        return {"json": out_dir / "suites.json", "markdown": out_dir / "suites.md", "results": {"functional": functional}}

    monkeypatch.setattr(suites, "run_suites", judge)
    out = tmp_path / "out"
    code, printed = run_eval(capsys, "--suite", "functional", "--out", str(out))
    assert code == 0 and seen == {
        "which": "functional",
        "out_dir": out,
        "command": f"commentdesk eval --suite functional --out {out}",
    }
    summary = json.loads(printed)
    assert summary["reports"] == {"json": str(out / "suites.json"), "markdown": str(out / "suites.md")}
    assert summary["results"]["functional"]["accuracy"] == 0.9
    assert summary["results"]["functional"]["per_functionality"] == {"slur": {"accuracy": 0.9, "abuse_view_accuracy": 0.8}}


def test_a_suite_that_cannot_be_read_is_reported_as_an_error(monkeypatch, capsys, tmp_path):
    def judge(which, out_dir, scorer, command=None):
        raise suites.SuiteError("functional.jsonl:3: not JSON")

    monkeypatch.setattr(suites, "run_suites", judge)
    assert main(["eval", "--suite", "all", "--out", str(tmp_path / "out")]) == 2
    assert "error: functional.jsonl:3: not JSON" in capsys.readouterr().err
