"""Evaluation helpers: perturbations, policy metrics, data decoding and the CLI wiring."""

import numpy as np

from commentdesk.evaluation.datasets import decode_escaped, stable_fraction
from commentdesk.evaluation.metrics import policy_metrics
from commentdesk.evaluation.perturb import PERTURBATIONS, perturb
from commentdesk.moderation.models.abuse import lexical_text as normalise


def test_perturbations_are_deterministic_and_change_the_abusive_word():
    text = "You are a stupid idiot."
    for kind in PERTURBATIONS:
        a, b = perturb(text, kind), perturb(text, kind)
        assert a == b
        assert a != text


def test_spacing_and_lookalikes_are_undone_by_the_normaliser():
    text = "what an idiot"
    assert "idiot" in normalise(perturb(text, "spacing")).replace(" ", "")
    assert normalise(perturb(text, "lookalike_unicode")) == "what an idiot"


def test_policy_metrics():
    y = np.array([0, 0, 0, 1, 1])
    prob = np.array([0.1, 0.6, 0.2, 0.95, 0.3])
    m = policy_metrics(y, prob, hold=0.5, reject=0.9)
    assert m["over_moderation"] == 1 / 3
    assert m["under_moderation"] == 0.5
    assert m["recall_at_reject"] == 0.5
    assert m["precision_at_hold"] == 0.5


def test_decode_escaped_kaggle_text():
    assert decode_escaped('"You\\xe2\\x80\\x99re\\nright"') == "You\u2019re right"


def test_stable_fraction_is_stable():
    assert stable_fraction("c3:123") == stable_fraction("c3:123")
    assert 0 <= stable_fraction("x") < 1


def test_cli_registration():
    from commentdesk.commands import build_parser

    parser = build_parser()
    args = parser.parse_args(["eval", "--set", "c3", "--data-dir", "d", "--out", "o"])
    assert args.eval_set == "c3" and callable(args.handler)
    args = parser.parse_args(["train", "--data-dir", "d"])
    assert callable(args.handler)


def test_next_version_counts_up_within_a_day(tmp_path):
    import json
    from datetime import date

    from commentdesk.evaluation.retraining import next_version

    meta = tmp_path / "abuse.json"
    assert next_version("abuse", meta, date(2026, 1, 2)) == "abuse-2026.01.02-1"
    meta.write_text(json.dumps({"version": "abuse-2026.01.02-3"}))
    assert next_version("abuse", meta, date(2026, 1, 2)) == "abuse-2026.01.02-4"
    assert next_version("abuse", meta, date(2026, 1, 3)) == "abuse-2026.01.03-1"


def test_the_evaluation_report_leads_with_the_transfer_and_suite_reports_beside_it(tmp_path):
    from commentdesk.evaluation.report import write_reports

    (tmp_path / "transfer.md").write_text("# t\n")
    (tmp_path / "suites-after").mkdir()
    (tmp_path / "suites-after" / "suites.md").write_text("# s\n")
    write_reports([], tmp_path, {"abuse model": "x"})
    text = (tmp_path / "README.md").read_text()
    assert text.index("Read first") < len(text)
    assert "[transfer.md](transfer.md)" in text and "[suites-after/suites.md](suites-after/suites.md)" in text
    assert "transfer-pooled.md" not in text  # only reports that exist are linked
    empty = tmp_path / "empty"
    write_reports([], empty, {})
    assert "Read first" not in (empty / "README.md").read_text()
