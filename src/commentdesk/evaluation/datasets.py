"""Loaders for the public labeled sets kept outside the repository (``--data-dir``).

Every abuse set is turned into the same shape, :class:`AbuseSet`: texts, a binary "abusive" label
under the set's own definition, a group id (article or thread, so that splits never leak a topic),
a fixed train/test assignment and optional category labels (NaN where a set says nothing).
The relevance sets keep their thread structure (:class:`Thread`).
"""

from __future__ import annotations

import csv
import html
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# The abuse model's categories are the one list; every set's category labels are laid out by it.
from commentdesk.moderation.models.abuse import CATEGORIES

ABUSE_SETS = ("c3", "ucc", "kaggle_insults", "olid", "davidson", "wiki", "bias_madlibs")

csv.field_size_limit(10_000_000)


def default_data_dir() -> Path:
    """``$COMMENTDESK_LABELED_DATA``, else ``../shared/data`` relative to the working directory."""
    from commentdesk.config import EvaluationSettings, checked

    return checked(EvaluationSettings).resolved_labeled_data()


@dataclass
class AbuseSet:
    name: str
    texts: list[str]
    labels: np.ndarray  # 0/1
    groups: np.ndarray  # str: article / thread / row id
    split: np.ndarray  # "train" | "test"
    categories: dict[str, np.ndarray] = field(default_factory=dict)  # 0/1 or NaN
    domain: str = "news"
    # Graded target in [0, 1] for training where a set has more than a yes/no (default: labels).
    soft_labels: np.ndarray | None = None

    def targets(self) -> np.ndarray:
        return self.labels.astype(np.float32) if self.soft_labels is None else self.soft_labels

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, mask: np.ndarray) -> AbuseSet:
        idx = np.flatnonzero(mask)
        return AbuseSet(
            name=self.name,
            texts=[self.texts[i] for i in idx],
            labels=self.labels[idx],
            groups=self.groups[idx],
            split=self.split[idx],
            categories={k: v[idx] for k, v in self.categories.items()},
            domain=self.domain,
            soft_labels=None if self.soft_labels is None else self.soft_labels[idx],
        )


def stable_fraction(key: str) -> float:
    """A deterministic pseudo-random number in [0, 1) for a key (split assignment)."""
    return (zlib.crc32(key.encode("utf-8")) & 0xFFFFFFFF) / 2**32


def split_by_group(groups: list[str], test_share: float, salt: str) -> np.ndarray:
    return np.array(["test" if stable_fraction(salt + g) < test_share else "train" for g in groups])


def read_csv(path: Path, **kwargs) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8", errors="replace") as handle:
        return list(csv.DictReader(handle, **kwargs))


def _votes(cell: str) -> dict[str, int]:
    """Parse C3's ``name:count`` lines."""
    out: dict[str, int] = {}
    for line in cell.splitlines():
        name, _, count = line.partition(":")
        if count.strip().isdigit():
            out[name.strip()] = int(count)
    return out


def category_columns(n: int, names: tuple[str, ...] = CATEGORIES, **known: list[float] | np.ndarray) -> dict[str, np.ndarray]:
    """A float column of ``n`` rows per category in ``names``: the labels a set gives, NaN (unknown) for the rest."""
    columns = {name: np.full(n, np.nan, dtype=np.float32) for name in names}
    for name, values in known.items():
        columns[name] = np.asarray(values, dtype=np.float32)
    return columns


# --------------------------------------------------------------------------- abuse sets


def load_c3(data_dir: Path) -> AbuseSet:
    """Globe and Mail comments (C3). Toxic = crowd toxicity mean >= 2; 20 % of articles held out."""
    rows = read_csv(data_dir / "c3" / "C3_anonymized.csv")
    texts = [r["comment_text"] for r in rows]
    level = np.array([float(r["crowd_toxicity_level"] or 1) for r in rows], dtype=np.float32)
    labels = (level >= 2.0).astype(np.int8)
    groups = [r["article_id"] for r in rows]
    tox = [_votes(r["toxicity_characteristics"]) for r in rows]
    insult = np.array([t.get("personal_attack", 0) >= 2 for t in tox], dtype=np.float32)
    n = len(rows)
    return AbuseSet(
        name="c3",
        texts=texts,
        labels=labels,
        groups=np.array(groups),
        split=split_by_group(groups, 0.2, "c3:"),
        categories=category_columns(n, insult=insult),
        # Mean crowd level 1 (none) .. 2+ (toxic): the graded level ranks comments better than
        # the binary cut alone (held-out ROC-AUC +0.02-0.03 in development).
        soft_labels=np.clip(level - 1.0, 0.0, 1.0),
    )


def c3_relevance_rows(data_dir: Path) -> list[dict[str, str]]:
    """C3 rows with the article id and off-topic votes, for the relevance model."""
    rows = read_csv(data_dir / "c3" / "C3_anonymized.csv")
    return [
        {
            "article_id": r["article_id"],
            "text": r["comment_text"],
            "off_topic_votes": str(_votes(r["non_constructive_characteristics"]).get("non_relevant", 0)),
        }
        for r in rows
    ]


def load_ucc(data_dir: Path) -> AbuseSet:
    """Unhealthy Comment Corpus: abusive = hostile OR antagonize; val.csv trains, test.csv tests."""
    texts, labels, groups, split = [], [], [], []
    insult, identity = [], []
    for part, split_name in (("val", "train"), ("test", "test")):
        for r in read_csv(data_dir / "ucc" / f"{part}.csv"):
            texts.append(r["comment"])
            hostile, antagonize = r["hostile"] == "1", r["antagonize"] == "1"
            labels.append(hostile or antagonize)
            insult.append(float(antagonize))
            identity.append(float(r["generalisation_unfair"] in ("1", "1.0")))
            groups.append(f"ucc:{r['_unit_id']}")
            split.append(split_name)
    n = len(texts)
    return AbuseSet(
        name="ucc",
        texts=texts,
        labels=np.array(labels, dtype=np.int8),
        groups=np.array(groups),
        split=np.array(split),
        categories=category_columns(n, insult=insult, identity_attack=identity),
    )


def decode_escaped(text: str) -> str:
    """Kaggle insults store Python-escaped byte strings in quotes (``\\n``, ``\\xe2\\x80\\x99``)."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    try:
        text = text.encode("latin-1", "backslashreplace").decode("unicode_escape")
        # Escaped UTF-8 byte sequences become real characters; lone latin-1 bytes stay as they are.
        text = text.encode("latin-1").decode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        pass
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def load_kaggle_insults(data_dir: Path) -> AbuseSet:
    texts, labels, split = [], [], []
    for part, split_name in (("train.csv", "train"), ("test_with_solutions.csv", "test")):
        for r in read_csv(data_dir / "kaggle_insults" / part):
            texts.append(decode_escaped(r["Comment"]))
            labels.append(int(r["Insult"]))
            split.append(split_name)
    n = len(texts)
    labels_arr = np.array(labels, dtype=np.int8)
    return AbuseSet(
        name="kaggle_insults",
        texts=texts,
        labels=labels_arr,
        groups=np.array([f"ki:{i}" for i in range(n)]),
        split=np.array(split),
        categories=category_columns(n, insult=labels_arr),
        domain="forum",
    )


def load_olid(data_dir: Path) -> AbuseSet:
    """OLID tweets: OFF; targeted individual -> insult, targeted group -> identity attack."""
    rows = read_csv(data_dir / "olid" / "olid-training-v1.0.tsv", delimiter="\t", quoting=csv.QUOTE_NONE)
    texts = [html.unescape(r["tweet"]) for r in rows]
    off = np.array([r["subtask_a"] == "OFF" for r in rows], dtype=np.int8)
    insult = np.array([r["subtask_c"] == "IND" for r in rows], dtype=np.float32)
    identity = np.array([r["subtask_c"] == "GRP" for r in rows], dtype=np.float32)
    groups = [f"olid:{r['id']}" for r in rows]
    n = len(rows)
    return AbuseSet(
        name="olid",
        texts=texts,
        labels=off,
        groups=np.array(groups),
        split=split_by_group(groups, 0.2, "olid:"),
        categories=category_columns(n, insult=insult, identity_attack=identity),
        domain="tweets",
    )


def load_davidson(data_dir: Path) -> AbuseSet:
    """Davidson tweets: hate or offensive = abusive; hate -> identity attack; offensive -> obscenity."""
    rows = read_csv(data_dir / "davidson" / "labeled_data.csv")
    texts = [html.unescape(re.sub(r"\bRT\s+@\w+:?|@\w+", "@USER", r["tweet"])).strip() for r in rows]
    cls = np.array([int(r["class"]) for r in rows])
    groups = [f"dv:{r['']}" for r in rows]
    return AbuseSet(
        name="davidson",
        texts=texts,
        labels=(cls != 2).astype(np.int8),
        groups=np.array(groups),
        split=split_by_group(groups, 0.2, "davidson:"),
        categories=category_columns(len(rows), identity_attack=(cls == 0), obscenity=(cls == 1)),
        domain="tweets",
    )


def load_wiki(data_dir: Path) -> AbuseSet:
    """Wikipedia talk toxicity sample: kept entirely for testing (an out-of-domain check)."""
    rows = read_csv(data_dir / "wiki_toxicity_test" / "toxicity_nonfuzzed_testset.csv")
    return _test_only_set(
        "wiki",
        texts=[re.sub(r"\s+", " ", r["comment"]).strip() for r in rows],
        labels=[r["toxic"] == "True" for r in rows],
        groups=[f"wiki:{r['rev_id']}" for r in rows],
        domain="wiki",
    )


def load_bias_madlibs(data_dir: Path) -> AbuseSet:
    """Synthetic identity-term templates (fairness check only, never trained on)."""
    rows = read_csv(data_dir / "bias_madlibs" / "bias_madlibs_77k.csv")
    return _test_only_set(
        "bias_madlibs",
        texts=[r["Text"] for r in rows],
        labels=[r["Label"] == "BAD" for r in rows],
        groups=[r["Template"] for r in rows],
        domain="synthetic",
    )


def _test_only_set(name: str, *, texts: list[str], labels: list[bool], groups: list[str], domain: str) -> AbuseSet:
    """A set that is never trained on: every row is in the test split, and no category is labeled."""
    return AbuseSet(
        name=name,
        texts=texts,
        labels=np.array(labels, dtype=np.int8),
        groups=np.array(groups),
        split=np.array(["test"] * len(texts)),
        domain=domain,
    )


LOADERS = {
    "c3": load_c3,
    "ucc": load_ucc,
    "kaggle_insults": load_kaggle_insults,
    "olid": load_olid,
    "davidson": load_davidson,
    "wiki": load_wiki,
    "bias_madlibs": load_bias_madlibs,
}


# --------------------------------------------------------------------------- relevance sets


@dataclass
class Thread:
    """A question/article and its comments, with a relevance label per comment when known."""

    thread_id: str
    title: str
    body: str
    comments: list[str]
    relevant: list[float]  # 1 on-topic, 0 off-topic, NaN unknown
    split: str


SEMEVAL_RELEVANT = {"Good": 1.0, "Potential": 1.0, "Bad": 0.0, "Dialogue": 0.0}


def load_semeval(data_dir: Path) -> list[Thread]:
    """SemEval-2015 Task 3 (Qatar Living) devel + test: Good/Potential vs Bad/Dialogue."""
    from defusedxml import ElementTree

    base = Path(data_dir) / "semeval2015_cqa"
    threads: list[Thread] = []
    for xml_name, gold_name, split in (
        ("CQA-QL-devel-input.xml", "CQA-QL-devel-gold.txt", "train"),
        ("test_task3_English.xml", "CQA-QL-test-gold.txt", "test"),
    ):
        gold = {}
        for line in (base / gold_name).read_text(encoding="utf-8").splitlines():
            cid, _, label = line.partition("\t")
            gold[cid.strip()] = label.strip()
        root = ElementTree.parse(base / xml_name).getroot()
        for q in root.iter("Question"):
            comments, relevant = [], []
            for c in q.iter("Comment"):
                body = (c.findtext("CBody") or "").strip()
                if not body:
                    continue
                comments.append(re.sub(r"\s+", " ", body))
                relevant.append(SEMEVAL_RELEVANT.get(gold.get(c.get("CID"), ""), np.nan))
            threads.append(
                Thread(
                    thread_id=q.get("QID"),
                    title=(q.findtext("QSubject") or "").strip(),
                    body=re.sub(r"\s+", " ", (q.findtext("QBody") or "").strip()),
                    comments=comments,
                    relevant=relevant,
                    split=split,
                )
            )
    return threads


def load_c3_threads(data_dir: Path) -> list[Thread]:
    """C3 comments grouped by article (no article text): >= 2 'non_relevant' votes = off-topic."""
    by_article: dict[str, Thread] = {}
    for row in c3_relevance_rows(Path(data_dir)):
        aid = row["article_id"]
        thread = by_article.setdefault(
            aid,
            Thread(
                thread_id=aid,
                title="",
                body="",
                comments=[],
                relevant=[],
                split="test" if stable_fraction("c3:" + aid) < 0.2 else "train",
            ),
        )
        thread.comments.append(row["text"])
        thread.relevant.append(0.0 if int(row["off_topic_votes"]) >= 2 else 1.0)
    return list(by_article.values())
