"""Which weights a server uses: the shipped ones, or a site-trained set installed by `commentdesk train`.

Installed sets live in versioned folders under the models directory (`<data dir>/models` unless
set otherwise); the file ACTIVE names the one in use. The shipped weights are never overwritten.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from commentdesk.config import VARIANTS

WEIGHT_FILES = ("abuse.json", "abuse.npz", "relevance.json", "relevance.npz")
# Installed with a set when it has them; a set without them uses the shipped harm model.
OPTIONAL_FILES = ("harm.json", "harm.npz")
ACTIVE_FILE = "ACTIVE"
SHIPPED_DIR = Path(__file__).resolve().parent / "weights"


def shipped_weights_dir(variant: str = "default") -> Path | None:
    """The shipped weights of a variant (None: the default ones)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown model variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    return None if variant == "default" else SHIPPED_DIR / variant


def active_weights_dir(models_dir: Path | None, variant: str = "default") -> Path | None:
    """The installed weights folder in use, or the shipped variant's (None for the default)."""
    if models_dir is None:
        return shipped_weights_dir(variant)
    marker = models_dir / ACTIVE_FILE
    if not marker.exists():
        return shipped_weights_dir(variant)
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
    for file_name in WEIGHT_FILES + tuple(name for name in OPTIONAL_FILES if (source_dir / name).exists()):
        shutil.copy2(source_dir / file_name, target / file_name)
    temporary = models_dir / (ACTIVE_FILE + ".new")
    temporary.write_text(name + "\n")
    temporary.replace(models_dir / ACTIVE_FILE)
    return target
