"""The server supervisor's helpers: the shared listening socket, a taken port said in words, and
how a child's end is described. (tests/test_serving.py runs whole servers.)"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import pytest

from commentdesk import serving


def test_the_default_worker_count_is_the_usable_cores():
    assert 1 <= serving.default_workers() <= (os.cpu_count() or 1)


def test_the_listening_socket_is_shared_and_inherited():
    sock = serving._listening_socket("127.0.0.1", 0)
    try:
        port = sock.getsockname()[1]
        assert port > 0 and sock.get_inheritable()
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)
        if hasattr(socket, "SO_REUSEPORT"):
            second = serving._listening_socket("127.0.0.1", port)  # another worker on the same port
            second.close()
    finally:
        sock.close()


def test_a_port_another_program_listens_on_is_refused_in_words():
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        with pytest.raises(SystemExit, match=rf"error: cannot listen on 127.0.0.1:{port}: "):
            serving._check_port_free("127.0.0.1", port)
    finally:
        taken.close()
    serving._check_port_free("127.0.0.1", port)  # free again


def test_a_child_s_end_is_described_by_status_or_signal():
    exited = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"])
    status = serving._exited(exited.pid, block=True)
    assert serving._describe(status) == "status 3"
    killed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    assert serving._exited(killed.pid) is None  # still running
    serving._signal(killed.pid, signal.SIGKILL)
    assert serving._describe(serving._exited(killed.pid, block=True)) == "signal 9"
    assert serving._exited(killed.pid) == 0  # reaped already: nothing left to wait for
    serving._signal(killed.pid, signal.SIGTERM)  # a process that is gone is no error


def test_return_codes_are_described_too():
    assert serving._describe(2, raw=False) == "status 2"
    assert serving._describe(-15, raw=False) == "signal 15"
