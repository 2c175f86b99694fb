"""The labeled-set loaders on small files written by the tests in each set's own layout: labels
under each set's definition, categories, groups that keep a topic on one side of the split, and
the escaped and marked-up text some sets store."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from commentdesk.evaluation import datasets, labeled_sets
from commentdesk.evaluation.datasets import AbuseSet, decode_escaped, stable_fraction


def write_csv(path, header, rows, delimiter=","):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        if delimiter == ",":
            writer = csv.writer(handle)
        else:  # the TSV sets are written unquoted
            writer = csv.writer(handle, delimiter=delimiter, quoting=csv.QUOTE_NONE, escapechar="\\")
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def c3(tmp_path):
    header = [
        "article_id",
        "comment_text",
        "crowd_toxicity_level",
        "toxicity_characteristics",
        "non_constructive_characteristics",
    ]
    rows = [
        ["a1", "Thoughtful point about rates.", "1.0", "personal_attack:0", "non_relevant:0"],
        ["a1", "You are an idiot.", "2.5", "personal_attack:3\nteasing:1", "non_relevant:0"],
        ["a2", "Nice weather today.", "", "", "non_relevant:3"],
        ["a2", "Borderline rude.", "1.5", "personal_attack:2\nbad line\nnoise:x", "non_relevant:1"],
    ]
    write_csv(tmp_path / "c3" / "C3_anonymized.csv", header, rows)
    return tmp_path


def test_c3_labels_graded_levels_insults_and_article_groups(c3):
    loaded = datasets.load_c3(c3)
    assert loaded.name == "c3" and len(loaded) == 4 and loaded.domain == "news"
    assert loaded.labels.tolist() == [0, 1, 0, 0]  # toxic from a crowd level of 2
    assert loaded.soft_labels.tolist() == pytest.approx([0.0, 1.0, 0.0, 0.5])  # an empty level counts as 1
    assert loaded.categories["insult"].tolist() == [0.0, 1.0, 0.0, 1.0]
    assert all(math.isnan(value) for value in loaded.categories["threat"])
    assert loaded.groups.tolist() == ["a1", "a1", "a2", "a2"]
    # Every comment of an article lands on the same side of the split.
    assert len(set(loaded.split[:2])) == 1 and len(set(loaded.split[2:])) == 1
    assert np.array_equal(loaded.targets(), loaded.soft_labels)


def test_c3_off_topic_votes_and_threads(c3):
    rows = datasets.c3_relevance_rows(c3)
    assert [row["off_topic_votes"] for row in rows] == ["0", "0", "3", "1"]
    threads = {thread.thread_id: thread for thread in datasets.load_c3_threads(c3)}
    assert threads["a2"].relevant == [0.0, 1.0] and threads["a1"].relevant == [1.0, 1.0]
    assert threads["a1"].comments[1] == "You are an idiot." and threads["a1"].split in ("train", "test")


def test_ucc_abusive_is_hostile_or_antagonising_and_val_trains(tmp_path):
    header = ["_unit_id", "comment", "hostile", "antagonize", "generalisation_unfair"]
    write_csv(tmp_path / "ucc" / "val.csv", header, [["1", "calm", "0", "0", "0"], ["2", "mean", "0", "1", "1.0"]])
    write_csv(tmp_path / "ucc" / "test.csv", header, [["3", "hostile", "1", "0", "0"]])
    loaded = datasets.load_ucc(tmp_path)
    assert loaded.texts == ["calm", "mean", "hostile"]
    assert loaded.labels.tolist() == [0, 1, 1] and loaded.split.tolist() == ["train", "train", "test"]
    assert loaded.categories["insult"].tolist() == [0.0, 1.0, 0.0]
    assert loaded.categories["identity_attack"].tolist() == [0.0, 1.0, 0.0]
    assert loaded.groups.tolist() == ["ucc:1", "ucc:2", "ucc:3"]


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ('"You\\nare a fool"', "You are a fool"),
        ('"It\\xe2\\x80\\x99s fine"', "It\u2019s fine"),
        ('"caf\\xe9"', "caf\xe9"),
        ("  plain   text  ", "plain text"),
        ('"non\\xa0breaking"', "non breaking"),
        ('"', '"'),
    ],
)
def test_kaggle_texts_are_unescaped(raw, text):
    assert decode_escaped(raw) == text


def test_kaggle_insults_label_insults_from_train_and_test_files(tmp_path):
    header = ["Insult", "Date", "Comment"]
    write_csv(tmp_path / "kaggle_insults" / "train.csv", header, [["1", "", '"you\\nfool"'], ["0", "", '"hello"']])
    write_csv(tmp_path / "kaggle_insults" / "test_with_solutions.csv", header, [["0", "", '"thanks"']])
    loaded = datasets.load_kaggle_insults(tmp_path)
    assert loaded.texts == ["you fool", "hello", "thanks"] and loaded.labels.tolist() == [1, 0, 0]
    assert loaded.split.tolist() == ["train", "train", "test"] and loaded.domain == "forum"
    assert loaded.categories["insult"].tolist() == [1.0, 0.0, 0.0]
    assert len(set(loaded.groups)) == 3


def test_olid_offensive_tweets_and_their_targets(tmp_path):
    header = ["id", "tweet", "subtask_a", "subtask_b", "subtask_c"]
    rows = [
        ["1", "@USER you &amp; your lies", "OFF", "TIN", "IND"],
        ["2", "they all are", "OFF", "TIN", "GRP"],
        ["3", "lovely day", "NOT", "NULL", "NULL"],
    ]
    write_csv(tmp_path / "olid" / "olid-training-v1.0.tsv", header, rows, delimiter="\t")
    loaded = datasets.load_olid(tmp_path)
    assert loaded.texts[0] == "@USER you & your lies"
    assert loaded.labels.tolist() == [1, 1, 0]
    assert loaded.categories["insult"].tolist() == [1.0, 0.0, 0.0]
    assert loaded.categories["identity_attack"].tolist() == [0.0, 1.0, 0.0]
    assert loaded.domain == "tweets"


def test_davidson_hate_and_offensive_are_abusive_and_mentions_are_masked(tmp_path):
    header = ["", "count", "hate_speech", "offensive_language", "neither", "class", "tweet"]
    rows = [
        ["0", "3", "2", "1", "0", "0", "RT @bob: hateful &amp; vile"],
        ["1", "3", "0", "3", "0", "1", "@ann offensive"],
        ["2", "3", "0", "0", "3", "2", "just words"],
    ]
    write_csv(tmp_path / "davidson" / "labeled_data.csv", header, rows)
    loaded = datasets.load_davidson(tmp_path)
    assert loaded.texts == ["@USER hateful & vile", "@USER offensive", "just words"]
    assert loaded.labels.tolist() == [1, 1, 0]
    assert loaded.categories["identity_attack"].tolist() == [1.0, 0.0, 0.0]
    assert loaded.categories["obscenity"].tolist() == [0.0, 1.0, 0.0]


def test_wiki_and_madlibs_are_kept_for_testing_only(tmp_path):
    write_csv(
        tmp_path / "wiki_toxicity_test" / "toxicity_nonfuzzed_testset.csv",
        ["rev_id", "comment", "toxic"],
        [["10", "a\n\nspaced   comment", "True"], ["11", "fine", "False"]],
    )
    write_csv(
        tmp_path / "bias_madlibs" / "bias_madlibs_77k.csv",
        ["Text", "Label", "Template"],
        [["gay people are great", "NOT_BAD", "t1"], ["gay people are awful", "BAD", "t2"]],
    )
    wiki = datasets.load_wiki(tmp_path)
    assert wiki.texts == ["a spaced comment", "fine"] and wiki.labels.tolist() == [1, 0]
    assert set(wiki.split) == {"test"} and wiki.categories == {}
    madlibs = labeled_sets.load_abuse_set("bias_madlibs", tmp_path)
    assert madlibs.labels.tolist() == [0, 1] and set(madlibs.split) == {"test"} and madlibs.domain == "synthetic"


def test_a_missing_set_file_is_an_error_not_an_empty_set(tmp_path):
    with pytest.raises(FileNotFoundError):
        datasets.load_c3(tmp_path)


def test_semeval_threads_keep_their_comments_and_labels(tmp_path):
    base = tmp_path / "semeval2015_cqa"
    base.mkdir()
    question = """<Root><Question QID="Q1"><QSubject>Visa renewal</QSubject><QBody>How long
      does it take?</QBody><Comment CID="Q1_C1"><CBody>About two weeks.</CBody></Comment>
      <Comment CID="Q1_C2"><CBody>Nice car btw</CBody></Comment><Comment CID="Q1_C3"><CBody>  </CBody></Comment>
      <Comment CID="Q1_C4"><CBody>No label for me</CBody></Comment></Question></Root>"""
    (base / "CQA-QL-devel-input.xml").write_text(question, encoding="utf-8")
    (base / "CQA-QL-devel-gold.txt").write_text("Q1_C1\tGood\nQ1_C2\tDialogue\n", encoding="utf-8")
    (base / "test_task3_English.xml").write_text("<Root/>", encoding="utf-8")
    (base / "CQA-QL-test-gold.txt").write_text("", encoding="utf-8")
    threads = datasets.load_semeval(tmp_path)
    assert len(threads) == 1
    thread = threads[0]
    assert (thread.thread_id, thread.title, thread.body, thread.split) == (
        "Q1",
        "Visa renewal",
        "How long does it take?",
        "train",
    )
    assert thread.comments == ["About two weeks.", "Nice car btw", "No label for me"]
    assert thread.relevant[:2] == [1.0, 0.0] and math.isnan(thread.relevant[2])


def test_semeval_refuses_entity_expansion(tmp_path):
    base = tmp_path / "semeval2015_cqa"
    base.mkdir()
    bomb = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><Root>&b;</Root>'
    (base / "CQA-QL-devel-input.xml").write_text(bomb, encoding="utf-8")
    (base / "CQA-QL-devel-gold.txt").write_text("", encoding="utf-8")
    with pytest.raises(Exception, match="(?i)entit"):
        datasets.load_semeval(tmp_path)


def test_stable_fractions_are_deterministic_and_spread():
    values = [stable_fraction(f"key-{number}") for number in range(2000)]
    assert values[:3] == [stable_fraction("key-0"), stable_fraction("key-1"), stable_fraction("key-2")]
    assert all(0 <= value < 1 for value in values)
    assert 0.15 < sum(value < 0.2 for value in values) / len(values) < 0.25


def test_a_subset_keeps_every_column_aligned():
    full = AbuseSet(
        "s",
        ["a", "b", "c"],
        np.array([0, 1, 0], np.int8),
        np.array(["g1", "g2", "g3"]),
        np.array(["train", "test", "train"]),
        {"insult": np.array([0.0, 1.0, np.nan], np.float32)},
        soft_labels=np.array([0.1, 0.9, 0.2], np.float32),
    )
    part = full.subset(np.array([False, True, True]))
    assert part.texts == ["b", "c"] and part.labels.tolist() == [1, 0] and part.groups.tolist() == ["g2", "g3"]
    assert part.split.tolist() == ["test", "train"] and part.categories["insult"][0] == 1.0
    assert part.soft_labels.tolist() == pytest.approx([0.9, 0.2])
    plain = AbuseSet("p", ["x"], np.array([1], np.int8), np.array(["g"]), np.array(["test"]))
    assert plain.targets().dtype == np.float32 and plain.subset(np.array([True])).soft_labels is None


def test_the_default_data_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COMMENTDESK_LABELED_DATA", str(tmp_path))
    assert datasets.default_data_dir() == tmp_path
    monkeypatch.delenv("COMMENTDESK_LABELED_DATA")
    assert datasets.default_data_dir().parts[-2:] == ("shared", "data")
