"""Hand-written case files: one JSON object per line, blank lines allowed.

Mistakes in such a file are reported as ``PATH:LINE: what is wrong`` so that the writer can find
the line; the evaluation suites and the labeled policy files share this reading.
"""

from __future__ import annotations

import json
from pathlib import Path


def numbered_objects(path: Path, error: type[Exception]) -> list[tuple[int, dict]]:
    """(line number, object) for each non-blank line of ``path``; anything else raises ``error``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as problem:
        raise error(f"{path}: {problem}") from None
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as problem:
            raise error(f"{path}:{number}: not JSON ({problem.msg})") from None
        if not isinstance(record, dict):
            raise error(f"{path}:{number}: each line must be a JSON object")
        records.append((number, record))
    return records
