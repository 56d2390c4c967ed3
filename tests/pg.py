"""A throw-away PostgreSQL cluster for the test suite (standard library only).

    python -m tests.pg CMD [ARG...]      (or scripts/with-postgres CMD [ARG...])

runs CMD with DATABASE_URL pointing at a fresh cluster in a temporary folder, then stops the cluster and
removes the folder, whatever happens to CMD. When DATABASE_URL is already set, CMD simply runs with it.

The cluster listens on a free port on 127.0.0.1 only, trusts local connections (superuser `postgres`) and
runs with fsync off: it is for tests and nothing else. As root, the server runs as the `postgres` user (the
server refuses to run as root); otherwise as the current user. Its binaries are the newest under
/usr/lib/postgresql/*/bin (Debian's layout), or $NARA_PG_BIN, or initdb on PATH.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

DB_NAME = "nara"


class PostgresUnavailable(RuntimeError):
    pass


def bindir() -> Path | None:
    """The folder holding initdb/pg_ctl of the newest installed PostgreSQL, or None."""
    if os.environ.get("NARA_PG_BIN") and Path(os.environ["NARA_PG_BIN"], "initdb").exists():
        return Path(os.environ["NARA_PG_BIN"])

    def major(path: str) -> tuple[int, ...]:
        version = Path(path).parent.parent.name
        return tuple(int(p) for p in version.split(".") if p.isdigit())

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=major)
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, bin_dir: Path | None = None, log=sys.stderr):
        self.bin = bin_dir or bindir()
        if self.bin is None:
            raise PostgresUnavailable(
                "no PostgreSQL server binaries (initdb) found: install Debian's `postgresql` package "
                "or set DATABASE_URL"
            )
        self.log = log
        self.as_root = os.geteuid() == 0
        self.tmp: Path | None = None
        self.port: int | None = None
        self.started = False

    # Commands run as `postgres` when we are root: initdb and the server refuse to run as root.
    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            runuser = shutil.which("runuser")
            cmd = [runuser, "-u", "postgres", "--", *cmd] if runuser else ["su", "postgres", "-c", _quote(cmd)]
        return cmd

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            self._cmd(*args),
            cwd=self.tmp,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=check,
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DB_NAME}"

    @property
    def datadir(self) -> Path:
        assert self.tmp is not None
        return self.tmp / "data"

    def start(self) -> str:
        self.tmp = Path(tempfile.mkdtemp(prefix="nara-pg-"))
        if self.as_root:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise PostgresUnavailable("running as root but there is no `postgres` user") from exc
            os.chown(self.tmp, pw.pw_uid, pw.pw_gid)
        try:
            self._initdb()
            for attempt in range(5):
                self.port = _free_port()
                if self._pg_ctl_start():
                    break
                if attempt == 4:
                    raise PostgresUnavailable(f"PostgreSQL did not start:\n{self._server_log()}")
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self.url

    def _initdb(self) -> None:
        base = ["initdb", "-D", str(self.datadir), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]
        # Swedish collation (ICU) as a Swedish deployment would use it; plain C.UTF-8 where ICU is not built in.
        for extra in (["--locale-provider=icu", "--icu-locale=sv-SE", "--locale=C.UTF-8"], ["--locale=C.UTF-8"]):
            result = self._run(*base, *extra, check=False)
            if result.returncode == 0:
                return
            shutil.rmtree(self.datadir, ignore_errors=True)
        raise PostgresUnavailable(f"initdb failed:\n{result.stdout}\n{result.stderr}")

    def _pg_ctl_start(self) -> bool:
        options = " ".join(
            [
                f"-p {self.port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.tmp}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=100",
            ]
        )
        result = self._run(
            "pg_ctl", "start", "-D", str(self.datadir), "-w", "-t", "60", "-l", str(self.tmp / "server.log"),
            "-o", options, check=False,
        )  # fmt: skip
        self.started = result.returncode == 0
        return self.started

    def _wait_ready(self) -> None:
        pg_isready = self.bin / "pg_isready"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if pg_isready.exists():
                ok = subprocess.run(
                    [str(pg_isready), "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"],
                    stdin=subprocess.DEVNULL,
                ).returncode == 0
            else:
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 1):
                    ok = True
            if ok:
                return
            time.sleep(0.1)
        raise PostgresUnavailable(f"PostgreSQL did not become ready:\n{self._server_log()}")

    def _server_log(self) -> str:
        try:
            return (self.tmp / "server.log").read_text()[-4000:]
        except OSError:
            return "(no server log)"

    def stop(self) -> None:
        if self.tmp is None:
            return
        if self.started:
            self._run("pg_ctl", "stop", "-D", str(self.datadir), "-m", "immediate", "-w", check=False)
            self.started = False
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp = None


def _quote(cmd: list[str]) -> str:
    import shlex

    return " ".join(shlex.quote(c) for c in cmd)


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Start a cluster, yield its DATABASE_URL, and always stop and remove it."""
    cluster = Cluster()
    url = cluster.start()
    try:
        yield url
    finally:
        cluster.stop()


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    if os.environ.get("DATABASE_URL"):
        return subprocess.call(argv)

    # SIGTERM (CI cancelling, a parent script stopping) must still stop the cluster: turn it into an exception.
    def _terminate(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    try:
        with throwaway_postgres() as url:
            print(f"Throw-away PostgreSQL at {url}", file=sys.stderr, flush=True)
            child = subprocess.Popen(argv, env={**os.environ, "DATABASE_URL": url})
            try:
                return child.wait()
            except BaseException:
                child.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.wait(timeout=30)
                if child.poll() is None:
                    child.kill()
                raise
    except PostgresUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
