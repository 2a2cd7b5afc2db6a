"""Real servers on loopback for the live-calendar tests (fixtures, registered in tests/conftest.py): Radicale (CalDAV) and a keyring
backend in a temp folder (keyrings.alt's plaintext file; never the user's own keyring)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start on port {port}")


@pytest.fixture
def radicale(tmp_path):
    """A Radicale server with user ``staff`` (password ``s3cret-pass``); yields the base URL."""
    users = tmp_path / "users"
    users.write_text("staff:s3cret-pass\n", encoding="utf-8")
    port = free_port()
    log = open(tmp_path / "radicale.log", "wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--storage-filesystem-folder",
            str(tmp_path / "collections"),
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--auth-type",
            "htpasswd",
            "--auth-htpasswd-filename",
            str(users),
            "--auth-htpasswd-encryption",
            "plain",
            "--logging-level",
            "warning",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, proc, "Radicale")
        yield f"http://127.0.0.1:{port}/staff/"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture
def temp_keyring(tmp_path):
    """keyring's backend for this test: a plaintext file under tmp_path."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    before = keyring.get_keyring()
    kr = PlaintextKeyring()
    kr.file_path = str(tmp_path / "keyring" / "keyring_pass.cfg")
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(before)
