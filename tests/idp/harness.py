"""Start the test IdP (tests/idp/server.py) as a subprocess on a free loopback port, each with its
own folder, SQLite file and RSA key, and stop it (by its own pid) when done."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "jiaoyan-test-client"
CLIENT_SECRET = "jiaoyan-test-secret-0123456789"  # the throwaway IdP's client
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Idp:
    url: str
    issuer: str
    client_id: str
    client_secret: str


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(issuer: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"test IdP exited: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(issuer + "/.well-known/openid-configuration", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)  # polling a starting process, not a fixed wait
    raise RuntimeError(f"test IdP did not start: {log.read_text()[-3000:]}")


@contextmanager
def running_idp(folder: Path, *, users: dict[str, dict[str, Any]], redirect_uris: list[str]) -> Iterator[Idp]:
    folder.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    port = free_port()
    spec = {"port": port, "db": str(folder / "idp.sqlite3"), "users": users, "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris}
    (folder / "spec.json").write_text(json.dumps(spec))
    log = folder / "idp.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "JIAOYAN_"))}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "tests.idp.server", str(folder / "spec.json")], cwd=ROOT,
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url + "/o", process, log)
        yield Idp(url=url, issuer=url + "/o", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
