"""Real `commentdesk serve` processes for the tests that need several processes or servers."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

SECRET = "several-servers-share-this-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry))
    return sorted(found)


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def maps(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return ""


class Server:
    """One `commentdesk serve`, started on a free port and stopped by its PID."""

    def __init__(self, data_dir: Path, database_url: str, *flags: str, models: bool = False) -> None:
        self.data_dir, self.database_url = data_dir, database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.flags = [*flags, "--load-models" if models else "--no-load-models"]
        self.log_path = data_dir / f"serve-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self, within_s: float = 240) -> Server:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "commentdesk.cli",
            "serve",
            "--data-dir",
            str(self.data_dir),
            "--database-url",
            self.database_url,
            "--port",
            str(self.port),
            "--secret-key",
            SECRET,
            "--no-access-log",
            *self.flags,
        ]
        log = open(self.log_path, "w")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "HF_HUB_OFFLINE": "1"})
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"commentdesk serve exited:\n{self.log()}")
            try:
                if httpx.get(self.url + "/api/v1/counts?ids=1", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"commentdesk serve did not answer within {within_s} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text()[-4000:] if self.log_path.exists() else ""

    def workers(self) -> list[int]:
        return [pid for pid in children(self.process.pid) if "commentdesk.moderation.remote" not in command_line(pid)]

    def moderation_processes(self) -> list[int]:
        return [pid for pid in children(self.process.pid) if "commentdesk.moderation.remote" in command_line(pid)]

    def stop(self, signum: int = signal.SIGTERM, within_s: float = 60) -> int:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=within_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


def sign_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    page = client.get("/moderate/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/moderate/login", data={"username": username, "password": password, "csrf_token": token})


def workspace_csrf(client: httpx.Client) -> str:
    page = client.get("/moderate/queue/held")
    return re.search(r'data-csrf="([^"]+)"', page.text).group(1)
