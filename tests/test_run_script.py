"""`scripts/run` (what `make run` starts) keeps the web server up when the background worker dies, starts a new
worker, and still stops both on Ctrl-C (issue 11 item 4). Runs the real script on a free port with its own var
folder; every wait is bounded."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 240  # compiling messages and collecting static files on a loaded 2-core machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(var: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "NARA_TEST_PAUSE_AT")}
    env.update(NARA_VAR_DIR=str(var), NARA_LAKE_DIR=str(var / "lake"), NARA_SECRET_KEY="test-secret-" + "x" * 40,
               NARA_PSEUDONYM_KEY="test-pseudonym-key-" + "y" * 40, NARA_PORT=str(port), PYTHONDONTWRITEBYTECODE="1")
    return env


def session_processes(sid: int) -> dict[int, str]:
    """pid → command line of the live processes in session `sid` (the script and everything it started)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getsid(int(entry.name)) != sid:
                continue
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue  # ended; a zombie only until something reaps it
            found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (ProcessLookupError, PermissionError, FileNotFoundError):
            continue
    return found


def workers(sid: int) -> set[int]:
    return {pid for pid, cmd in session_processes(sid).items() if "db_worker" in cmd and "nara" in cmd}


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/logga-in/", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def prepared_var(tmp_path) -> Path:
    """A migrated database with one person, so that `nara demo --if-empty` loads nothing."""
    var = tmp_path / "var"
    env = environment(var, 0)
    script = "from tests import factories as f; f.person()"
    for args in (["migrate", "--noinput", "-v", "0"], ["shell", "-c", script]):
        done = subprocess.run([sys.executable, "-m", "nara", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    return var


def test_the_server_survives_a_killed_worker_and_a_new_worker_starts(prepared_var, tmp_path):
    port = free_port()
    log = open(tmp_path / "run.log", "wb")
    run = subprocess.Popen([str(ROOT / "scripts" / "run")], cwd=ROOT, env=environment(prepared_var, port),
                           stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: answers(port), START_TIMEOUT, "the web server")
        (first,) = wait_for(lambda: workers(run.pid), 60, "the worker")
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: first not in workers(run.pid), 10, "the killed worker to go")
        assert run.poll() is None, "scripts/run stopped with its worker"
        assert answers(port), "the web server went down with the worker"
        (second,) = wait_for(lambda: workers(run.pid), 30, "a new worker")
        assert second != first and answers(port)

        # Ctrl-C (SIGINT to the terminal's process group) still stops everything.
        os.killpg(run.pid, signal.SIGINT)
        run.wait(timeout=60)
        try:
            wait_for(lambda: not session_processes(run.pid), 30, "every process of scripts/run to end")
        except AssertionError as error:
            raise AssertionError(f"{error}: {session_processes(run.pid)}") from None
        assert not answers(port)
    finally:
        if run.poll() is None or session_processes(run.pid):
            os.killpg(run.pid, signal.SIGKILL)
            run.wait(timeout=30)
        log.close()
    assert "starting it again" in (tmp_path / "run.log").read_text(errors="replace")
