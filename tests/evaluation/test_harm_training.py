"""The harm model's training helpers and the pooled transfer report, on small made-up data."""

import numpy as np

from commentdesk.evaluation import train_harm, transfer_pooled


def test_rows_keep_unknown_heads_as_nan():
    rows = train_harm.Rows()
    rows.add("I will hurt you.", "seeds", "train", 6.0, ("violence",))
    rows.add("A civil remark.", "dynahate", "train", 0.5, (), ("sexual", "disability"))
    source, split, weight, targets = rows.arrays()
    assert list(source) == ["seeds", "dynahate"] and list(weight) == [6.0, 0.5]
    assert list(targets["violence"]) == [1.0, 0.0]
    assert targets["sexual"][0] == 0.0 and np.isnan(targets["sexual"][1])


def test_a_head_learns_a_separable_direction_and_balances_its_classes():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 8))
    y = (x[:, 0] > 1.0).astype(float)  # few positives
    y[:5] = np.nan  # unknown rows are left out
    w, b = train_harm.fit_head(x, y, np.ones(len(y)))
    scores = train_harm._sigmoid(x @ w + b)
    known = ~np.isnan(y)
    assert scores[known][y[known] == 1].mean() > 0.7 > 0.3 > scores[known][y[known] == 0].mean()
    oof = train_harm.out_of_fold(x, y, np.ones(len(y)), folds=4)
    assert np.isnan(oof).sum() == 0 and oof.shape == (400,)


def test_the_threshold_holds_at_most_the_budget_of_each_negative_group_and_never_below_half():
    low = np.linspace(0, 0.4, 1000)
    assert train_harm.lowest_threshold([low], 0.01) == 0.5
    high = np.linspace(0, 0.9, 1001)
    level = train_harm.lowest_threshold([low, high], 0.01)
    assert np.mean(high >= level) <= 0.01 and level < 0.9


def test_the_pooled_transfer_report_marks_sets_the_shipped_model_learned_from():
    fold = {"todays_data": 0.7, "all_data": 0.75, "shipped_model": 0.8, "shipped_model_saw_it": True}
    other = {"todays_data": 0.6, "all_data": 0.65, "shipped_model": 0.55, "shipped_model_saw_it": False}
    results = {
        "folds": {"c3": fold, "cad": other},
        "summary": {
            "todays_data": {"mean": 0.65, "worst": 0.6},
            "all_data": {"mean": 0.7, "worst": 0.65},
            "shipped_model": {"mean": 0.675, "worst": 0.55},
        },
    }
    table = transfer_pooled.markdown(results)
    assert "| c3 | 0.700 | 0.750 | 0.800 (learned from it) |" in table
    assert "| cad | 0.600 | 0.650 | 0.550 |" in table
    assert "**0.700** (0.650)" in table


def test_semeval_2016_threads_skip_repeated_threads_and_unlabeled_comments(tmp_path):
    import csv

    from commentdesk.evaluation import relevance_transfer

    folder = tmp_path / "semeval2016_cqa"
    folder.mkdir()
    columns = [
        "RELQ_ID",
        "RelQSubject",
        "RelQBody",
        "SubtaskA_Skip_Because_Same_As_RelQuestion_ID",
        "RELC_ID",
        "RELC_RELEVANCE2RELQ",
        "RelCText",
    ]
    rows = [
        ["Q1_R1", "Good bank", "Which bank in Doha?", "", "Q1_R1_C1", "Good", "Try the national bank."],
        ["Q1_R1", "Good bank", "Which bank in Doha?", "", "Q1_R1_C2", "Bad", "Thanks   all!"],
        ["Q1_R1", "Good bank", "Which bank in Doha?", "", "Q1_R1_C2", "Bad", "Thanks all!"],  # the same comment again
        ["Q2_R1", "Visa", "How long for a visa?", "Q1_R1", "Q2_R1_C1", "Good", "A repeat of another thread."],
        ["Q3_R1", "Cars", "Cheap cars?", "", "Q3_R1_C1", "", "No label."],
    ]
    for name in relevance_transfer.FILES:
        with open(folder / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(rows if name == relevance_transfer.FILES[0] else [])
    threads = relevance_transfer.load_threads(tmp_path)
    assert len(threads) == 1
    assert threads[0]["comments"] == ["Try the national bank.", "Thanks all!"]
    assert threads[0]["labels"] == [1, 0]
