"""Relevance on a set it never learned from: SemEval-2016 Task 3 (Qatar Living), subtask A.

    python -m commentdesk.evaluation.relevance_transfer --data-dir ../shared/data --out docs/evaluation

The relevance model learned from SemEval-2015 and C3; the 2016 release adds new questions and
comments from the same forum, labeled the same way (Good / PotentiallyUseful = about the
question, Bad = not). Each question is treated as an article, as the product would: its passages
are embedded and each comment scored against them with the shipped model and threshold. Figures:

* *real labels*: ROC-AUC of P(on-topic), Good/PotentiallyUseful against Bad, and the share of each
  held at the shipped threshold;
* *own vs other question*: each comment against its own question and against another question
  chosen at random (the "posted under the wrong article" case);
* the same two with the raw cosine similarity to the best passage, the baseline a calibrated model
  has to beat;
* *chatter bank*: the share of each label that the chatter bank would hold as being about a common
  off-topic subject (the default policy's rule), the cost of the bank on answers people really wrote;
* *other articles*: the share of each label held as being about another question of the forum,
  the questions next to it (MAX_ARTICLES of them) standing for the site's other recent articles.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from tqdm import tqdm

from commentdesk.evaluation.datasets import default_data_dir
from commentdesk.evaluation.metrics import roc_auc, rounded

FILES = ("SemEval2016-Task3-CQA-QL-train-part2.csv", "SemEval2016-Task3-CQA-QL-dev.csv")
ON_TOPIC = {"Good": 1, "PotentiallyUseful": 1, "Bad": 0}


def load_threads(data_dir: Path) -> list[dict]:
    """Subtask A threads: rows that are not repeats of a related thread, grouped by question."""
    csv.field_size_limit(10_000_000)
    threads: dict[str, dict] = {}
    seen_comments: set[str] = set()
    for name in FILES:
        with open(Path(data_dir) / "semeval2016_cqa" / name, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                label = ON_TOPIC.get(row["RELC_RELEVANCE2RELQ"])
                if row["SubtaskA_Skip_Because_Same_As_RelQuestion_ID"] or label is None or row["RELC_ID"] in seen_comments:
                    continue
                text = " ".join(row["RelCText"].split())
                if not text:
                    continue
                seen_comments.add(row["RELC_ID"])
                thread = threads.setdefault(
                    row["RELQ_ID"],
                    {
                        "title": row["RelQSubject"].strip(),
                        "body": " ".join(row["RelQBody"].split()),
                        "comments": [],
                        "labels": [],
                    },
                )
                thread["comments"].append(text)
                thread["labels"].append(label)
    return [thread for thread in threads.values() if thread["comments"]]


def evaluate(data_dir: Path, seed: int = 0) -> dict:
    from commentdesk.moderation.models.chatter import ChatterBank
    from commentdesk.moderation.models.embedder import shared_embedder
    from commentdesk.moderation.models.relevance import RelevanceModel
    from commentdesk.moderation.models.site_articles import MAX_ARTICLES, SiteArticle, SiteArticles
    from commentdesk.moderation.phases.relevance import chatter_topic, other_article
    from commentdesk.moderation.policy import Policy
    from commentdesk.moderation.types import Candidate, ModelSignals

    model = RelevanceModel.load()
    embedder = shared_embedder().load()
    bank, policy = ChatterBank(embedder.encode), Policy()
    threads = load_threads(data_dir)
    rng = np.random.default_rng(seed)
    article = [model.chunk_article(t["title"], t["body"]) for t in threads]
    article_vecs = [
        embedder.encode(passages) for passages in tqdm(article, desc="questions", unit="question", file=sys.stderr, mininterval=5)
    ]
    questions = [SiteArticle(i, t["title"], article[i], article_vecs[i]) for i, t in enumerate(threads)]
    scores: dict[str, list] = defaultdict(list)
    for i, thread in enumerate(tqdm(threads, desc="threads", unit="thread", file=sys.stderr, mininterval=5)):
        vectors = embedder.encode(thread["comments"])
        other = (i + 1 + int(rng.integers(len(threads) - 1))) % len(threads)
        # The site: this question and the ones around it in the files, as many as a site's bank holds.
        start = max(0, min(i - MAX_ARTICLES // 2, len(threads) - MAX_ARTICLES))
        site = SiteArticles(questions[start : start + MAX_ARTICLES])
        for text, vector, label in zip(thread["comments"], vectors, thread["labels"], strict=True):
            own = model.score(vector, article[i], article_vecs[i])
            wrong = model.score(vector, article[other], article_vecs[other])
            scores["label"].append(label)
            scores["own_p"].append(own.probability)
            scores["own_sim"].append(own.similarity)
            scores["other_p"].append(wrong.probability)
            scores["other_sim"].append(wrong.similarity)
            signals = ModelSignals(
                relevance=own, chatter=bank.match(vector, article_vecs[i]), embedding=vector, passage_vectors=article_vecs[i]
            )
            scores["chatter"].append(chatter_topic(signals, policy) is not None)
            comment = Candidate(text, thread["title"], thread["body"], article_id=i, site_articles=site)
            scores["other_article"].append(other_article(comment, signals, policy) is not None)
    label = np.array(scores["label"])
    own_p, other_p = np.array(scores["own_p"]), np.array(scores["other_p"])
    own_sim, other_sim = np.array(scores["own_sim"]), np.array(scores["other_sim"])
    chatter = np.array(scores["chatter"], dtype=bool)
    elsewhere = np.array(scores["other_article"], dtype=bool)
    # What the policy holds as off-topic from the models' word: a low score (not for the shortest
    # comments, like the phase), chatter, or another question.
    short = np.array([len(c.split()) < policy.relevance_min_words for t in threads for c in t["comments"]], dtype=bool)
    before = ((own_p < float(policy.relevance_hold)) & ~short) | chatter
    after = before | elsewhere
    hold = float(model.recommended_thresholds["hold"])
    pair_y = np.concatenate([np.ones(len(own_p)), np.zeros(len(other_p))])
    return {
        "model": model.version,
        "threads": len(threads),
        "comments": int(len(label)),
        "on_topic_comments": int(label.sum()),
        "hold_threshold": hold,
        "real_labels_roc_auc": rounded(roc_auc(label, own_p)),
        "real_labels_roc_auc_cosine": rounded(roc_auc(label, own_sim)),
        "own_vs_other_roc_auc": rounded(roc_auc(pair_y, np.concatenate([own_p, other_p]))),
        "own_vs_other_roc_auc_cosine": rounded(roc_auc(pair_y, np.concatenate([own_sim, other_sim]))),
        "on_topic_held_share": round(float(np.mean(own_p[label == 1] < hold)), 4),
        "off_topic_held_share": round(float(np.mean(own_p[label == 0] < hold)), 4),
        "other_question_held_share": round(float(np.mean(other_p < hold)), 4),
        "on_topic_chatter_share": round(float(np.mean(chatter[label == 1])), 4),
        "off_topic_chatter_share": round(float(np.mean(chatter[label == 0])), 4),
        "on_topic_other_article_share": round(float(np.mean(elsewhere[label == 1])), 4),
        "off_topic_other_article_share": round(float(np.mean(elsewhere[label == 0])), 4),
        "on_topic_held_without_other_articles": round(float(np.mean(before[label == 1])), 4),
        "off_topic_held_without_other_articles": round(float(np.mean(before[label == 0])), 4),
        "on_topic_held_with_other_articles": round(float(np.mean(after[label == 1])), 4),
        "off_topic_held_with_other_articles": round(float(np.mean(after[label == 0])), 4),
    }


def markdown(results: dict) -> str:
    r = results
    return "\n".join(
        [
            "# Relevance on SemEval-2016 (never trained on)",
            "",
            "Command: `python -m commentdesk.evaluation.relevance_transfer --data-dir ../shared/data --out docs/evaluation`",
            "",
            f"Model `{r['model']}`, {r['threads']} questions, {r['comments']} comments ({r['on_topic_comments']} on-topic), "
            f"hold threshold {r['hold_threshold']}.",
            "",
            "| task | relevance model | cosine baseline |",
            "|---|---:|---:|",
            f"| real labels: Good/PotentiallyUseful vs Bad, against the own question | {r['real_labels_roc_auc']:.3f} | "
            f"{r['real_labels_roc_auc_cosine']:.3f} |",
            f"| own question vs another question | {r['own_vs_other_roc_auc']:.3f} | {r['own_vs_other_roc_auc_cosine']:.3f} |",
            "",
            f"Held at the shipped threshold: {r['on_topic_held_share']:.1%} of on-topic comments, "
            f"{r['off_topic_held_share']:.1%} of off-topic ones, {r['other_question_held_share']:.1%} of comments placed "
            "under another question.",
            "",
            f"Held by the chatter bank as a common off-topic subject (the default policy): "
            f"{r['on_topic_chatter_share']:.1%} of on-topic comments, {r['off_topic_chatter_share']:.1%} of off-topic ones. "
            "Forum answers that name shops, beaches or the weather to answer a question about them are the "
            "on-topic comments it catches.",
            "",
            f"Held as being about another question (the questions around it standing for the site's other recent "
            f"articles): {r['on_topic_other_article_share']:.1%} of on-topic comments, "
            f"{r['off_topic_other_article_share']:.1%} of off-topic ones. Held as off-topic by the policy in all "
            f"(a low score, chatter or another question): {r['on_topic_held_with_other_articles']:.1%} of on-topic "
            f"comments and {r['off_topic_held_with_other_articles']:.1%} of off-topic ones, against "
            f"{r['on_topic_held_without_other_articles']:.1%} and {r['off_topic_held_without_other_articles']:.1%} "
            "without the other questions.",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Relevance model on SemEval-2016 subtask A, a set it never learned from.")
    parser.add_argument("--data-dir", type=Path, default=None, help="labeled sets (default: ../shared/data)")
    parser.add_argument("--out", type=Path, required=True, help="folder for relevance-transfer.json and .md")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or default_data_dir()
    if not (data_dir / "semeval2016_cqa").is_dir():
        print(f"error: no semeval2016_cqa under {data_dir}. Pass --data-dir.", file=sys.stderr)
        return 2
    results = evaluate(data_dir)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "relevance-transfer.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    text = markdown(results)
    (args.out / "relevance-transfer.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
