"""How often the harm model's violence head holds civil comments, and threats it still holds.

Scores 600 civil comments about a tram line (the ones bench/concurrency.py posts), the civil test
comments of C3 and UCC, and Civil Comments posts with a threat span, and prints the share each
would have held for violence at the shipped threshold (after the word-of-harm gate).

    HF_HUB_OFFLINE=1 .venv/bin/python bench/harm_gate.py --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from concurrency import on_topic_comment  # noqa: E402

from commentdesk.evaluation.datasets import default_data_dir  # noqa: E402
from commentdesk.evaluation.labeled_sets import load_abuse_set  # noqa: E402
from commentdesk.moderation.models.embedder import Embedder  # noqa: E402
from commentdesk.moderation.models.harm import HarmModel  # noqa: E402

ROWS = 1500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="the labeled sets (default: as commentdesk eval)")
    args = parser.parse_args()
    data_dir = args.data_dir or default_data_dir()
    embedder, harm = Embedder().load(), HarmModel.load()
    column, threshold = harm.heads.index("violence"), harm.recommended_thresholds["violence"]

    def held(texts: list[str]) -> float:
        scores = harm.gated(texts, harm.probabilities(embedder.encode(texts)))[:, column]
        return float(np.mean(scores >= threshold))

    print(f"violence threshold {threshold}")
    print(f"civil tram comments (600) held: {held([on_topic_comment(n) for n in range(600)]):.2%}")
    for name in ("c3", "ucc"):
        rows = load_abuse_set(name, data_dir)
        civil = [
            text for text, split, label in zip(rows.texts, rows.split, rows.labels, strict=True) if split == "test" and label == 0
        ]
        print(f"{name} civil test comments ({min(ROWS, len(civil))}) held: {held(civil[:ROWS]):.2%}")
    spans = load_abuse_set("toxic_spans", data_dir)
    threats = [text for text, flag in zip(spans.texts, spans.categories["threat"], strict=True) if flag == 1][:400]
    print(f"toxic_spans posts with a threat span ({len(threats)}) held: {held(threats):.2%}")


if __name__ == "__main__":
    main()
