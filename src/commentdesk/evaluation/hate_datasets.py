"""Loaders for the hate-speech and context sets, in the same :class:`AbuseSet` shape as the others.

Each loader maps its set's own labels onto the shared binary "abusive" label and onto the
category heads it can speak for (NaN where it says nothing). The mappings are the documented
choices below; the set folders' ``SOURCE.txt`` files describe the raw columns.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path

import numpy as np

from commentdesk.evaluation.datasets import AbuseSet, category_columns, read_csv, split_by_group

# The heads every set is mapped onto (a superset of the legacy four categories).
HEADS = ("insult", "threat", "identity_attack", "obscenity", "dehumanisation", "incitement")


def _columns(n: int, **known: list[float] | np.ndarray) -> dict[str, np.ndarray]:
    return category_columns(n, HEADS, **known)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def load_toxic_spans(data_dir: Path) -> AbuseSet:
    """Civil Comments posts (news comments) rated by 3-7 people each, with typed toxic spans.

    Abusive = most raters did not tick "not toxic"; the graded target is the share of raters who
    found it toxic. A span type counts for a post when at least a third of its raters marked it.
    Every post was once flagged by Civil Comments, so the negatives are hard ones.
    """
    base = Path(data_dir) / "toxic_spans"
    texts = {r["comment_id"]: r["comment_text"] for r in read_csv(base / "comments.csv")}
    raters: dict[str, list[str]] = defaultdict(list)
    toxic_votes: dict[str, int] = defaultdict(int)
    annotation_post = {}
    for r in read_csv(base / "annotations.csv"):
        raters[r["comment_id"]].append(r["annotation"])
        annotation_post[r["annotation"]] = r["comment_id"]
        toxic_votes[r["comment_id"]] += r["not toxic"] != "True"
    type_votes: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    span_head = {
        "Insult": "insult",
        "Threat": "threat",
        "Identity based Attack": "identity_attack",
        "Profane/Obscene": "obscenity",
    }
    for r in read_csv(base / "spans.csv"):
        head = span_head.get(r["type"])
        post = annotation_post.get(r["annotation"])
        if head and post:
            type_votes[post][head].add(r["annotation"])
    ids = [cid for cid in texts if 3 <= len(raters.get(cid, ())) <= 9]
    share = np.array([toxic_votes[c] / len(raters[c]) for c in ids], dtype=np.float32)
    heads = {head: [float(len(type_votes[c][head]) >= len(raters[c]) / 3) for c in ids] for head in span_head.values()}
    groups = [f"ts:{c}" for c in ids]
    return AbuseSet(
        name="toxic_spans",
        texts=[texts[c] for c in ids],
        labels=(share > 0.5).astype(np.int8),
        groups=np.array(groups),
        split=split_by_group(groups, 0.2, "toxic_spans:"),
        categories=_columns(len(ids), **heads),
        soft_labels=share,
    )


def load_dynahate(data_dir: Path) -> AbuseSet:
    """Dynabench adversarial statements: hate vs not; perturbation pairs stay in one split."""
    base = Path(data_dir) / "dynahate"
    texts, labels, groups, split, kinds = [], [], [], [], []
    for part, split_name in (("dev", "train"), ("test", "test")):
        for r in read_csv(base / f"dynahate_{part}.csv"):
            texts.append(_clean(r["text"]))
            labels.append(r["label"] == "hate")
            # An original and its contrastive rewrite share a group.
            groups.append("dh:" + min(r["acl.id"], r.get("acl.id.matched") or r["acl.id"]))
            split.append(split_name)
            kinds.append(r["type"])
    hate = np.array(labels, dtype=np.float32)
    return AbuseSet(
        name="dynahate",
        texts=texts,
        labels=hate.astype(np.int8),
        groups=np.array(groups),
        split=np.array(split),
        domain="synthetic",
        categories=_columns(
            len(texts),
            identity_attack=hate,
            threat=[float(k == "threatening") for k in kinds],
            dehumanisation=[float(k == "dehumanization") for k in kinds],
        ),
    )


def load_implicit_hate(data_dir: Path) -> AbuseSet:
    """Tweets of extremist accounts: explicit or implicit hate vs not; implicit types as heads."""
    base = Path(data_dir) / "implicit_hate"
    read = lambda name: read_csv(base / name, delimiter="\t", quoting=csv.QUOTE_MINIMAL)  # noqa: E731
    kind = {_clean(r["post"]): r["implicit_class"] for r in read("implicit_hate_v1_stg2_posts.tsv")}
    texts, labels, kinds = [], [], []
    for r in read("implicit_hate_v1_stg1_posts.tsv"):
        text = _clean(r["post"])
        texts.append(text)
        labels.append(r["class"] in ("implicit_hate", "explicit_hate"))
        kinds.append(kind.get(text, "explicit" if r["class"] == "explicit_hate" else ""))
    hate = np.array(labels, dtype=np.float32)
    groups = [f"ih:{i}" for i in range(len(texts))]
    typed = np.array([k != "" or not h for k, h in zip(kinds, hate, strict=True)])  # hate posts without a type say nothing

    def typed_head(name: str) -> np.ndarray:
        return np.where(typed, [float(k == name) for k in kinds], np.nan)

    return AbuseSet(
        name="implicit_hate",
        texts=texts,
        labels=hate.astype(np.int8),
        groups=np.array(groups),
        split=split_by_group(groups, 0.2, "implicit_hate:"),
        domain="tweets",
        categories=_columns(
            len(texts),
            identity_attack=hate,
            threat=typed_head("threatening"),
            incitement=typed_head("incitement"),
            dehumanisation=typed_head("inferiority"),
        ),
    )


def load_hatexplain(data_dir: Path) -> AbuseSet:
    """Twitter and Gab posts: hate speech or offensive (majority of 3 raters) = abusive."""
    base = Path(data_dir) / "hatexplain"
    texts, label_names, split = [], [], []
    for r in (json.loads(line) for line in (base / "hatexplain_train_text_label.jsonl").open(encoding="utf-8")):
        texts.append(_clean(r["text"]))
        label_names.append(r["label"])
        split.append("train")
    for part, split_name in (("val", "train"), ("test", "test")):
        for r in (json.loads(line) for line in (base / f"hatexplain_{part}.jsonl").open(encoding="utf-8")):
            votes = [a["label"] for a in r["annotators"]]
            top = max(set(votes), key=votes.count)
            if votes.count(top) < 2:
                continue  # no majority: the set itself leaves these undecided
            texts.append(_clean(" ".join(r["post_tokens"])))
            label_names.append(top)
            split.append(split_name)
    names = np.array(label_names)
    groups = [f"hx:{i}" for i in range(len(texts))]
    return AbuseSet(
        name="hatexplain",
        texts=texts,
        labels=(names != "normal").astype(np.int8),
        groups=np.array(groups),
        split=np.array(split),
        domain="tweets",
        categories=_columns(
            len(texts),
            identity_attack=(names == "hatespeech").astype(np.float32),
            insult=np.where(names == "hatespeech", np.nan, (names == "offensive").astype(np.float32)),
        ),
    )


def load_toxigen(data_dir: Path) -> AbuseSet:
    """Machine-written statements about minority groups, rated 1-5; >= 3 = abusive (implicit hate)."""
    rows = [json.loads(line) for line in (Path(data_dir) / "toxigen" / "annotated_train.jsonl").open(encoding="utf-8")]
    level = np.array([float(r["toxicity_human"]) for r in rows], dtype=np.float32)
    toxic = (level >= 3).astype(np.float32)
    groups = [f"tg:{i}" for i in range(len(rows))]
    return AbuseSet(
        name="toxigen",
        texts=[_clean(r["text"]) for r in rows],
        labels=toxic.astype(np.int8),
        groups=np.array(groups),
        split=split_by_group(groups, 0.2, "toxigen:"),
        domain="synthetic",
        categories=_columns(len(rows), identity_attack=toxic),
        soft_labels=np.clip((level - 1) / 3, 0, 1),
    )


def load_cad(data_dir: Path) -> AbuseSet:
    """Reddit posts and comments (Contextual Abuse Dataset, binary export): hate speech vs normal."""
    base = Path(data_dir) / "cad"
    texts, labels, split = [], [], []
    for part, split_name in (("train", "train"), ("val", "train"), ("test", "test")):
        for line in (base / f"cad_{part}_binary.jsonl").open(encoding="utf-8"):
            r = json.loads(line)
            text = _clean(r["text"].replace("[linebreak]", " "))
            if text:
                texts.append(text)
                labels.append(r["label"] != "normal")
                split.append(split_name)
    groups = [f"cad:{i}" for i in range(len(texts))]
    return AbuseSet(
        name="cad",
        texts=texts,
        labels=np.array(labels, dtype=np.int8),
        groups=np.array(groups),
        split=np.array(split),
        domain="forum",
        categories=_columns(len(texts)),
    )


def load_wiki_context(data_dir: Path) -> AbuseSet:
    """Wikipedia talk replies rated with their parent shown (CAT-LARGE ``gc``); the text alone is scored."""
    rows = read_csv(Path(data_dir) / "wiki_context_toxicity" / "gc.csv")
    groups = [f"wc:{r['id'].split('.')[0]}" for r in rows]  # one discussion per page id
    return AbuseSet(
        name="wiki_context",
        texts=[_clean(r["text"]) for r in rows],
        labels=np.array([r["label"] == "1" for r in rows], dtype=np.int8),
        groups=np.array(groups),
        split=split_by_group(groups, 0.3, "wiki_context:"),
        domain="wiki",
        categories=_columns(len(rows)),
    )


LOADERS = {
    "toxic_spans": load_toxic_spans,
    "dynahate": load_dynahate,
    "implicit_hate": load_implicit_hate,
    "hatexplain": load_hatexplain,
    "toxigen": load_toxigen,
    "cad": load_cad,
    "wiki_context": load_wiki_context,
}
