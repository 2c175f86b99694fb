"""The hate-speech set loaders on small files in each set's layout: labels, graded targets, the
heads each set can speak for (NaN where it says nothing), and groups that keep pairs together."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest

from commentdesk.evaluation import datasets, hate_datasets, labeled_sets
from commentdesk.evaluation.hate_datasets import HEADS
from commentdesk.evaluation.labeled_sets import COMMERCIAL_SETS, LICENCES


def write_csv(path, header, rows, delimiter=","):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)


def write_jsonl(path, records):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")


def nan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def test_toxic_spans_grade_by_the_share_of_raters_and_type_spans_by_a_third(tmp_path):
    base = tmp_path / "toxic_spans"
    write_csv(
        base / "comments.csv",
        ["comment_id", "comment_text"],
        [["c1", "You idiot."], ["c2", "Fine words."], ["c3", "Too few raters."]],
    )
    annotations = [["c1", f"a{n}", "False"] for n in range(3)] + [
        ["c2", "b0", "True"],
        ["c2", "b1", "True"],
        ["c2", "b2", "False"],
        ["c3", "z0", "False"],
    ]
    write_csv(base / "annotations.csv", ["comment_id", "annotation", "not toxic"], annotations)
    write_csv(base / "spans.csv", ["annotation", "type"], [["a0", "Insult"], ["a1", "Insult"], ["a2", "Threat"], ["b2", "Other"]])
    loaded = hate_datasets.load_toxic_spans(tmp_path)
    assert loaded.texts == ["You idiot.", "Fine words."]  # c3 has too few raters
    assert loaded.labels.tolist() == [1, 0]
    assert loaded.soft_labels.tolist() == pytest.approx([1.0, 1 / 3])
    assert loaded.categories["insult"].tolist() == [1.0, 0.0]
    assert loaded.categories["threat"].tolist() == [1.0, 0.0]  # one of three raters is a third
    assert all(nan(value) for value in loaded.categories["dehumanisation"].tolist())


def test_dynahate_pairs_share_a_group_and_types_become_heads(tmp_path):
    base = tmp_path / "dynahate"
    header = ["text", "label", "acl.id", "acl.id.matched", "type"]
    write_csv(
        base / "dynahate_dev.csv",
        header,
        [["They are  vermin", "hate", "acl2", "acl1", "dehumanization"], ["They are people", "nothate", "acl1", "acl2", "none"]],
    )
    write_csv(base / "dynahate_test.csv", header, [["We will hurt them", "hate", "acl9", "", "threatening"]])
    loaded = hate_datasets.load_dynahate(tmp_path)
    assert loaded.texts[0] == "They are vermin"
    assert loaded.labels.tolist() == [1, 0, 1] and loaded.split.tolist() == ["train", "train", "test"]
    assert loaded.groups[0] == loaded.groups[1] == "dh:acl1" and loaded.groups[2] == "dh:acl9"
    assert loaded.categories["dehumanisation"].tolist() == [1.0, 0.0, 0.0]
    assert loaded.categories["threat"].tolist() == [0.0, 0.0, 1.0]
    assert loaded.categories["identity_attack"].tolist() == [1.0, 0.0, 1.0]


def test_implicit_hate_types_speak_only_where_the_set_typed_the_post(tmp_path):
    base = tmp_path / "implicit_hate"
    write_csv(
        base / "implicit_hate_v1_stg1_posts.tsv",
        ["post", "class"],
        [
            ["they should all go", "implicit_hate"],
            ["explicit slur here", "explicit_hate"],
            ["nice day", "not_hate"],
            ["untyped hate", "implicit_hate"],
        ],
        delimiter="\t",
    )
    write_csv(
        base / "implicit_hate_v1_stg2_posts.tsv",
        ["post", "implicit_class"],
        [["they should all go", "incitement"]],
        delimiter="\t",
    )
    loaded = hate_datasets.load_implicit_hate(tmp_path)
    assert loaded.labels.tolist() == [1, 1, 0, 1]
    incitement = loaded.categories["incitement"].tolist()
    assert incitement[:3] == [1.0, 0.0, 0.0] and nan(incitement[3])  # a hate post without a type says nothing
    assert loaded.categories["threat"].tolist()[:3] == [0.0, 0.0, 0.0]


def test_hatexplain_needs_a_majority_and_splits_hate_from_offence(tmp_path):
    base = tmp_path / "hatexplain"
    write_jsonl(base / "hatexplain_train_text_label.jsonl", [{"text": "train  text", "label": "offensive"}])
    write_jsonl(
        base / "hatexplain_val.jsonl",
        [
            {
                "post_tokens": ["they", "are", "bad"],
                "annotators": [{"label": "hatespeech"}, {"label": "hatespeech"}, {"label": "normal"}],
            },
            {
                "post_tokens": ["no", "majority"],
                "annotators": [{"label": "hatespeech"}, {"label": "offensive"}, {"label": "normal"}],
            },
        ],
    )
    write_jsonl(
        base / "hatexplain_test.jsonl",
        [{"post_tokens": ["hello"], "annotators": [{"label": "normal"}, {"label": "normal"}, {"label": "offensive"}]}],
    )
    loaded = hate_datasets.load_hatexplain(tmp_path)
    assert loaded.texts == ["train text", "they are bad", "hello"]
    assert loaded.labels.tolist() == [1, 1, 0] and loaded.split.tolist() == ["train", "train", "test"]
    assert loaded.categories["identity_attack"].tolist() == [0.0, 1.0, 0.0]
    insult = loaded.categories["insult"].tolist()
    assert insult[0] == 1.0 and nan(insult[1]) and insult[2] == 0.0


def test_toxigen_grades_machine_statements_from_one_to_five(tmp_path):
    write_jsonl(
        tmp_path / "toxigen" / "annotated_train.jsonl",
        [
            {"text": "statement one", "toxicity_human": 1},
            {"text": "statement two", "toxicity_human": 3},
            {"text": "statement three", "toxicity_human": 5},
        ],
    )
    loaded = hate_datasets.load_toxigen(tmp_path)
    assert loaded.labels.tolist() == [0, 1, 1]
    assert loaded.soft_labels.tolist() == pytest.approx([0.0, 2 / 3, 1.0])
    assert loaded.domain == "synthetic"


def test_cad_drops_empty_posts_and_line_break_markers(tmp_path):
    base = tmp_path / "cad"
    write_jsonl(
        base / "cad_train_binary.jsonl", [{"text": "first[linebreak]line", "label": "normal"}, {"text": "  ", "label": "normal"}]
    )
    write_jsonl(base / "cad_val_binary.jsonl", [{"text": "hateful", "label": "IdentityDirectedAbuse"}])
    write_jsonl(base / "cad_test_binary.jsonl", [{"text": "test post", "label": "normal"}])
    loaded = hate_datasets.load_cad(tmp_path)
    assert loaded.texts == ["first line", "hateful", "test post"]
    assert loaded.labels.tolist() == [0, 1, 0] and loaded.split.tolist() == ["train", "train", "test"]


def test_wiki_context_keeps_a_discussion_on_one_side(tmp_path):
    write_csv(
        tmp_path / "wiki_context_toxicity" / "gc.csv",
        ["id", "text", "label"],
        [["100.1", "reply one", "1"], ["100.2", "reply two", "0"], ["200.1", "other page", "0"]],
    )
    loaded = hate_datasets.load_wiki_context(tmp_path)
    assert loaded.labels.tolist() == [1, 0, 0] and loaded.groups.tolist() == ["wc:100", "wc:100", "wc:200"]
    assert loaded.split[0] == loaded.split[1]


def test_every_set_maps_onto_the_same_heads(tmp_path):
    write_csv(tmp_path / "wiki_context_toxicity" / "gc.csv", ["id", "text", "label"], [["1.1", "x", "0"]])
    loaded = labeled_sets.load_abuse_set("wiki_context", tmp_path)
    assert set(loaded.categories) == set(HEADS)


def test_every_set_has_a_licence_and_the_commercial_list_follows_it():
    for name in list(datasets.ABUSE_SETS) + list(hate_datasets.LOADERS) + ["seeds"]:
        assert name in LICENCES, name
    assert "davidson" in COMMERCIAL_SETS and "c3" not in COMMERCIAL_SETS
    assert all(LICENCES[name][1] for name in COMMERCIAL_SETS)


def test_an_unknown_set_name_is_an_error(tmp_path):
    with pytest.raises(KeyError):
        labeled_sets.load_abuse_set("no_such_set", tmp_path)


def test_columns_fill_unknown_heads_with_nan():
    columns = hate_datasets._columns(2, insult=[1.0, 0.0])
    assert columns["insult"].tolist() == [1.0, 0.0] and all(nan(v) for v in columns["threat"].tolist())
    assert isinstance(columns["insult"], np.ndarray)
