"""Every labeled abuse set by name: its loader (news and forum sets in `datasets`, hate-speech and
context sets in `hate_datasets`) and what its licence allows for a shipped model."""

from __future__ import annotations

from pathlib import Path

from commentdesk.evaluation import datasets, hate_datasets
from commentdesk.evaluation.datasets import AbuseSet

LOADERS = {**datasets.LOADERS, **hate_datasets.LOADERS}


def load_abuse_set(name: str, data_dir: Path) -> AbuseSet:
    """The set called `name` (a key of LOADERS) from its folder under `data_dir`."""
    return LOADERS[name](Path(data_dir))


# What each set's licence allows for a model that is shipped (see the sets' SOURCE.txt).
LICENCES = {
    "c3": ("not stated (sibling SFU corpora are CC BY-NC-SA 4.0)", False),
    "ucc": ("CC BY-NC-SA 4.0", False),
    "kaggle_insults": ("Kaggle competition terms, no licence", False),
    "olid": ("not stated", False),
    "davidson": ("MIT", True),
    "wiki": ("Apache-2.0 repository; Wikipedia text CC BY-SA", True),
    "bias_madlibs": ("Apache-2.0", True),
    "toxic_spans": ("CC0 1.0", True),
    "dynahate": ("not stated", False),
    "implicit_hate": ("MIT", True),
    "hatexplain": ("MIT", True),
    "toxigen": ("MIT + CDLA-Permissive-2.0", True),
    "cad": ("not stated", False),
    "wiki_context": ("Apache-2.0 repository; Wikipedia text CC BY-SA", True),
    "seeds": ("the project's own (Apache-2.0)", True),
}
COMMERCIAL_SETS = tuple(name for name, (_licence, commercial) in LICENCES.items() if commercial)
