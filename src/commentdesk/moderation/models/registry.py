"""Which weights a server uses: the shipped ones, or a site-trained set installed by `commentdesk train`.

Installed sets live in versioned folders under the models directory (`<data dir>/models` unless
set otherwise); the file ACTIVE names the one in use. The shipped weights are never overwritten.
"""

from __future__ import annotations

import shutil
from pathlib import Path

WEIGHT_FILES = ("abuse.json", "abuse.npz", "relevance.json", "relevance.npz")
ACTIVE_FILE = "ACTIVE"


def active_weights_dir(models_dir: Path | None) -> Path | None:
    """The installed weights folder in use, or None for the shipped weights."""
    if models_dir is None:
        return None
    marker = models_dir / ACTIVE_FILE
    if not marker.exists():
        return None
    folder = models_dir / marker.read_text().strip()
    missing = [name for name in WEIGHT_FILES if not (folder / name).exists()]
    if missing:
        raise FileNotFoundError(f"{marker} names {folder}, which lacks {', '.join(missing)}")
    return folder


def install(models_dir: Path, source_dir: Path, name: str) -> Path:
    """Copy a trained set into models_dir/name and make it the active one (atomically)."""
    if "/" in name or name.startswith("."):
        raise ValueError(f"not a folder name: {name!r}")
    target = models_dir / name
    target.mkdir(parents=True, exist_ok=True)
    for file_name in WEIGHT_FILES:
        shutil.copy2(source_dir / file_name, target / file_name)
    temporary = models_dir / (ACTIVE_FILE + ".new")
    temporary.write_text(name + "\n")
    temporary.replace(models_dir / ACTIVE_FILE)
    return target
