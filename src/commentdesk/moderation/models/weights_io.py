"""Reading a model's stored weights: ``NAME.json`` (metadata) beside ``NAME.npz`` (arrays).

Every model is stored the same way, so reading it and turning any failure into one error that names
the folder lives here once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

T = TypeVar("T")


class ModelLoadError(RuntimeError):
    """The weights are missing, corrupt or from an incompatible version."""


def load_weights(
    weights_dir: Path,
    name: str,
    build: Callable[[dict, dict[str, np.ndarray]], T],
    *,
    label: str | None = None,
    error: type[ModelLoadError] = ModelLoadError,
) -> T:
    """``build(meta, arrays)`` from ``weights_dir/NAME.json`` and ``NAME.npz``.

    Building happens inside the guard, so a key the model needs but the files lack is reported like
    a missing file. A :class:`ModelLoadError` that ``build`` raises itself passes through unchanged;
    anything else becomes ``error`` ("cannot load LABEL from FOLDER: ..."; LABEL is "NAME model"
    unless given).
    """
    try:
        meta = json.loads((weights_dir / f"{name}.json").read_text(encoding="utf-8"))
        with np.load(weights_dir / f"{name}.npz", allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
        return build(meta, arrays)
    except ModelLoadError:
        raise
    except Exception as exc:  # missing file, bad JSON, truncated npz, missing key ...
        raise error(f"cannot load {label or f'{name} model'} from {weights_dir}: {exc}") from exc
