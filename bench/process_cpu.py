"""CPU time a server's process tree spent, by role, read from /proc (Linux).

Wall-clock rates move with whatever else runs on the machine; the CPU seconds the server's own
processes used per request do much less, so the benchmarks report both.

    before = tree_cpu(server.pid)
    ...  # the load
    spent = cpu_spent(before, tree_cpu(server.pid))   # {"web": s, "moderation": s, "supervisor": s}
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_TICKS_PER_S = os.sysconf("SC_CLK_TCK")
# The moderation process is started as `python -m commentdesk.moderation.remote ...` (serving.py).
_MODERATION_MODULE = b"commentdesk.moderation.remote"


@dataclass(frozen=True)
class ProcessCpu:
    role: str  # "supervisor", "web" or "moderation"
    seconds: float  # user + system time of the process, all its threads


def _children(pid: int) -> list[int]:
    found = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found.extend(int(child) for child in children.read_text().split())
        except OSError:  # the thread ended while being read
            continue
    return found


def _cpu_seconds(pid: int) -> float | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # the process ended
        return None
    # The command name (field 2) may hold spaces and parentheses: the fields after it are counted
    # from its closing parenthesis. utime and stime are fields 14 and 15.
    after_name = stat[stat.rindex(")") + 2 :].split()
    return (int(after_name[11]) + int(after_name[12])) / _TICKS_PER_S


def _role(pid: int, root: int) -> str:
    if pid == root:
        return "supervisor"
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "web"
    return "moderation" if _MODERATION_MODULE in command else "web"


def tree_cpu(root: int) -> dict[int, ProcessCpu]:
    """The CPU time of `root` and of every process below it now, by process id."""
    tree: dict[int, ProcessCpu] = {}
    waiting = [root]
    while waiting:
        pid = waiting.pop()
        seconds = _cpu_seconds(pid)
        if seconds is None:
            continue
        tree[pid] = ProcessCpu(_role(pid, root), seconds)
        waiting.extend(_children(pid))
    return tree


def cpu_spent(before: dict[int, ProcessCpu], after: dict[int, ProcessCpu]) -> dict[str, float]:
    """CPU seconds spent between two snapshots, summed by role; a process started in between
    (or a process id reused) counts from zero; one that ended in between is lost."""
    spent = {"web": 0.0, "moderation": 0.0, "supervisor": 0.0}
    for pid, now in after.items():
        earlier = before.get(pid)
        reused = earlier is None or earlier.role != now.role or earlier.seconds > now.seconds
        spent[now.role] += now.seconds - (0.0 if reused else earlier.seconds)
    return spent
