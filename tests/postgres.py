"""A real, throwaway PostgreSQL server for the database tests (Debian's package).

The server runs from a temporary folder on a free local port, as an unprivileged user
(initdb refuses root): ``postgres`` when Debian's package created it, else ``nobody``.
When the binaries are missing and we are root on Debian, Debian's ``postgresql`` package
is installed first. Under ``CI=true`` a server that cannot be started fails the tests
(``.ci/run`` installs the package); on a developer's machine they skip, saying why.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str):
    """Fail under CI (a skipped database test proves nothing there), skip elsewhere."""
    if IN_CI:
        pytest.fail(f"PostgreSQL test server: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL test server not available here: {reason} "
                "(install Debian's postgresql package, or run .ci/run)")


def _binary(name: str) -> str | None:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda path: int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0, reverse=True)
    found = shutil.which(name)
    return found or (candidates[0] if candidates else None)


def _install() -> str | None:
    """Debian's postgresql package, when we may install it (root with apt-get)."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return "initdb is not installed and this user cannot install Debian's postgresql package"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "postgresql"]):
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
        if result.returncode != 0:
            return f"{' '.join(command)} failed: {result.stderr.strip()[-500:]}"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    folder: Path
    port: int
    socket_dir: Path
    pg_ctl: str
    user: str | None

    def superuser_dsn(self, database: str = "postgres") -> str:
        return f"host={self.socket_dir} port={self.port} user=postgres dbname={database}"

    def url(self, user: str, password: str, database: str) -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        subprocess.run([self.pg_ctl, "-D", str(self.folder / "data"), "-m", "immediate", "stop"],
                       capture_output=True, user=self.user, timeout=60)


def start(folder: Path) -> Server:
    """initdb and start a server in ``folder``; calls :func:`unavailable` when that cannot be done.

    ``folder`` must be reachable by the server's user: make it with ``tempfile.mkdtemp()``
    (pytest's own temporary folders are private to the user running the tests).
    """
    if _binary("initdb") is None:
        problem = _install()
        if problem:
            unavailable(problem)
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        unavailable("initdb/pg_ctl not found after installing postgresql")
    user = None
    if os.geteuid() == 0:  # initdb refuses root: run the server as an unprivileged user
        names = {entry.pw_name for entry in pwd.getpwall()}
        user = "postgres" if "postgres" in names else "nobody"
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    data, sockets, log = folder / "data", folder / "sock", folder / "server.log"
    run = dict(capture_output=True, text=True, user=user, timeout=300)
    result = subprocess.run([initdb, "-D", str(data), "-U", "postgres", "-E", "UTF8", "--no-locale",
                             "--auth-local=trust", "--auth-host=scram-sha-256"], **run)
    if result.returncode != 0:
        unavailable(f"initdb failed: {result.stderr.strip()[-800:]}")
    sockets.mkdir()
    if user:
        entry = pwd.getpwnam(user)
        os.chown(sockets, entry.pw_uid, entry.pw_gid)
    port = _free_port()
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    result = subprocess.run([pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start"], **run)
    if result.returncode != 0:
        text = log.read_text(errors="replace")[-800:] if log.exists() else result.stderr
        unavailable(f"the server did not start: {text.strip()}")
    server = Server(folder, port, sockets, pg_ctl, user)
    deadline = time.monotonic() + 30
    import psycopg

    while True:
        try:
            psycopg.connect(server.superuser_dsn(), connect_timeout=5).close()
            return server
        except psycopg.OperationalError as error:
            if time.monotonic() > deadline:
                server.stop()
                unavailable(f"cannot connect to the started server: {error}")
            time.sleep(0.3)
