"""Killing an import at any moment leaves the lake exactly as it was (DESIGN.md §4: nothing is half saved).

The import runs as `nara import` in a child process with its own SQLite database and lake; NARA_TEST_PAUSE_AT
makes it stop at a named point (nara.identify.importing.checkpoints), where it gets SIGKILL.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from .conftest import FILES, lake_snapshot

ROOT = Path(__file__).resolve().parents[2]
BEFORE_COMMIT = ["read", "validated", "pseudonymised", "keys-written", "lake-file-written"]


def environment(var: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "NARA_TEST_PAUSE_AT")}
    env.update(NARA_VAR_DIR=str(var), NARA_LAKE_DIR=str(var / "lake"), NARA_SECRET_KEY="test-secret-" + "x" * 40,
               NARA_PSEUDONYM_KEY="test-pseudonym-key-" + "y" * 40, PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


def nara(var: Path, *args, **extra) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nara", *args], cwd=ROOT, env=environment(var, **extra),
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    var = tmp_path_factory.mktemp("template")
    done = nara(var, "migrate", "--noinput", "-v", "0")
    assert done.returncode == 0, done.stderr
    return var


@pytest.fixture
def var(migrated, tmp_path) -> Path:
    """A fresh var dir with the migrated database and a lake holding one earlier import."""
    target = tmp_path / "var"
    shutil.copytree(migrated, target)
    done = nara(target, "import", "population", str(FILES / "population_comma_utf8.csv"), "--no-progress")
    assert done.returncode == 0, done.stderr
    return target


def start_paused(var: Path, point: str, *args) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-m", "nara", "import", *args, "--no-progress"], cwd=ROOT,
                             env=environment(var, NARA_TEST_PAUSE_AT=point),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in child.stderr:  # ends when the child exits; a test timeout is the last resort
        if f"NARA-PAUSED {point}" in line:
            return child
    raise AssertionError(f"the import ended without reaching {point} (exit {child.wait()})")


def kill(child: subprocess.Popen) -> None:
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    child.stderr.close()


def keys(var: Path) -> int:
    import sqlite3

    with sqlite3.connect(var / "nara.sqlite3") as db:
        return db.execute("SELECT count(*) FROM identify_reidentificationkey").fetchone()[0]


def statuses(var: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(var / "nara.sqlite3") as db:
        return [row[0] for row in db.execute("SELECT status FROM identify_importbatch ORDER BY id")]


@pytest.mark.parametrize("point", BEFORE_COMMIT)
def test_killed_before_the_commit_leaves_the_lake_unchanged(var, point):
    before = lake_snapshot(var / "lake")
    source = FILES / "encounters_semicolon_cp1252.csv"
    kill(start_paused(var, point, "encounters", str(source)))
    assert lake_snapshot(var / "lake") == before
    # The next import finds the lake usable, sweeps what the killed one left, and succeeds.
    done = nara(var, "import", "encounters", str(source), "--no-progress")
    assert done.returncode == 0, done.stderr
    assert "6 rader lästes in" in done.stdout
    assert not (var / "lake" / ".scratch").exists()
    assert keys(var) == 6  # 5 from the population, 1 person only in the encounters
    # The killed import's batch does not stay 'running': the next import marked it failed.
    assert statuses(var) == ["succeeded", "failed", "succeeded"]


def test_killed_after_the_commit_keeps_the_new_lake(var):
    before = lake_snapshot(var / "lake")
    kill(start_paused(var, "lake-committed", "encounters", str(FILES / "encounters_semicolon_cp1252.csv")))
    after = lake_snapshot(var / "lake")
    assert after != before
    assert {k: v for k, v in after.items() if k.startswith("population")} == \
        {k: v for k, v in before.items() if k.startswith("population")}


def test_killed_at_arbitrary_moments(var, tmp_path):
    """Without pause points: a larger file, SIGKILL after a few delays; the lake is either the old one or, if the
    import finished first, the complete new one."""
    source = tmp_path / "many.csv"
    duckdb.sql(f"""
        COPY (SELECT 'Cosmic' AS kallsystem, 'K-' || i AS kontakt_id, '19320314-2413' AS personnummer,
                     'SE2321000131-E000000000201' AS enhet_hsaid, 'akutbesök' AS vardtyp, 'telefon' AS kontaktform,
                     '2026-01-01 10:00' AS "start"
              FROM range(300000) r(i)) TO '{source}' (HEADER, DELIMITER ';')
    """)
    before = lake_snapshot(var / "lake")
    outcomes = set()
    for delay in (0.5, 1.5, 3.0, 5.0):
        child = subprocess.Popen([sys.executable, "-m", "nara", "import", "encounters", str(source), "--no-progress"],
                                 cwd=ROOT, env=environment(var), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        finished = child.poll() is not None
        if not finished:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        now = lake_snapshot(var / "lake")
        if now == before:
            outcomes.add("unchanged")
            continue
        assert finished or child.returncode == -signal.SIGKILL
        # Changed: then it is the complete import, which a rerun confirms by changing nothing.
        done = nara(var, "import", "encounters", str(source), "--no-progress")
        assert "varav 0 nya eller ändrade" in done.stdout, done.stdout + done.stderr
        outcomes.add("complete")
        break
    assert "unchanged" in outcomes


# --- an upload whose worker is killed (issue 11 item 4) ------------------------------------------------------
# The web page stores the file and enqueues the task; `nara db_worker` runs it. Killed mid-import, the next
# worker to start fails the batch, removes the stored upload and the lake's scratch files, and the files it
# leaves while it runs are never readable by other users.

UPLOAD = """
from pathlib import Path
from django.core.files.uploadedfile import SimpleUploadedFile
from nara.identify import import_tasks
from tests import factories as f

actor = f.actor(f.staff(f.unit(f.organisation(name="Region Test", kind="region")), ["analyst"]))
data = Path(SOURCE).read_bytes()
batch = import_tasks.start_upload(actor, "encounters", SimpleUploadedFile("kontakter.csv", data),
                                  accept_valid_rows=False)
print(batch.pk)
"""


def upload(var: Path, source: Path) -> int:
    done = subprocess.run([sys.executable, "-m", "nara", "shell", "-c", UPLOAD.replace("SOURCE", repr(str(source)))], cwd=ROOT,
                          env=environment(var), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


@pytest.fixture
def paused_workers():
    """Workers started by a test; killed at its end whatever happened (a failed assertion must not leave a worker
    asleep at a pause point)."""
    started: list[subprocess.Popen] = []
    yield started
    for child in started:
        if child.poll() is None:
            kill(child)


def start_worker_paused(var: Path, point: str, started: list, timeout: float = 120) -> subprocess.Popen:
    """A worker that stops at `point`; killed (and the test failed) if it does not get there in time: a worker
    keeps running when its task ends, so its stderr never closes by itself."""
    import selectors

    child = subprocess.Popen([sys.executable, "-m", "nara", "db_worker", "--no-startup-delay", "--interval", "0.1"],
                             cwd=ROOT, env=environment(var, NARA_TEST_PAUSE_AT=point),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    started.append(child)
    deadline, seen = time.monotonic() + timeout, b""
    with selectors.DefaultSelector() as waiting:
        waiting.register(child.stderr, selectors.EVENT_READ)
        while time.monotonic() < deadline and waiting.select(timeout=deadline - time.monotonic()):
            chunk = os.read(child.stderr.fileno(), 1 << 16)
            seen += chunk
            if f"NARA-PAUSED {point}".encode() in seen:
                return child
            if not chunk:
                break
    kill(child)
    raise AssertionError(f"the worker did not reach {point} within {timeout} s: {seen.decode(errors='replace')[-2000:]}")


def restart_worker(var: Path) -> None:
    """A new worker: it recovers what the dead one left, runs what is queued, and (--batch) stops."""
    done = subprocess.run([sys.executable, "-m", "nara", "db_worker", "--batch", "--no-startup-delay"], cwd=ROOT,
                          env=environment(var), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def batch_row(var: Path, pk: int) -> dict:
    import sqlite3

    with sqlite3.connect(var / "nara.sqlite3") as db:
        db.row_factory = sqlite3.Row
        return dict(db.execute("SELECT * FROM identify_importbatch WHERE id = ?", [pk]).fetchone())


def task_statuses(var: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(var / "nara.sqlite3") as db:
        return [r[0] for r in db.execute("SELECT status FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at")]


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_worker_killed_while_writing_leaves_nothing_behind_once_a_worker_starts_again(var, paused_workers):
    before = lake_snapshot(var / "lake")
    pk = upload(var, FILES / "encounters_semicolon_cp1252.csv")
    stored = var / "uploads" / batch_row(var, pk)["upload_name"]
    worker = start_worker_paused(var, "lake-file-written", paused_workers)
    # While it runs: the upload and the scratch files (the file's text, personnummer and all) are private.
    scratch = var / "lake" / ".scratch"
    assert mode(var / "uploads") == 0o700 and mode(stored) == 0o600
    assert (scratch / "extract-text.parquet").exists()
    assert mode(scratch) == 0o700
    for path in scratch.rglob("*"):
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path
    kill(worker)
    assert batch_row(var, pk)["status"] == "running" and stored.exists() and scratch.exists()

    restart_worker(var)
    row = batch_row(var, pk)
    assert row["status"] == "failed"
    assert row["message"].startswith("Inläsningen avbröts innan den var klar")
    assert "läs in filen igen" in row["message"]
    assert row["finished_at"] is not None and row["upload_name"] == ""
    assert not stored.exists() and list((var / "uploads").iterdir()) == []
    assert not scratch.exists()
    assert lake_snapshot(var / "lake") == before
    assert task_statuses(var) == ["FAILED"]  # the task framework's row does not stay RUNNING either
    assert not list((var / "import-locks").iterdir())


def test_a_worker_killed_before_it_took_the_import_is_failed_once_its_start_is_long_past(var, paused_workers):
    import sqlite3

    pk = upload(var, FILES / "encounters_semicolon_cp1252.csv")
    stored = var / "uploads" / batch_row(var, pk)["upload_name"]
    kill(start_worker_paused(var, "upload-claimed", paused_workers))  # the task is claimed, the import not started
    # Another worker may be just as far with a task it has claimed: a moment later it is left alone.
    restart_worker(var)
    assert batch_row(var, pk)["status"] == "running" and stored.exists()
    # Once the claim is older than any start takes, the task's worker is dead.
    with sqlite3.connect(var / "nara.sqlite3") as db:
        db.execute("UPDATE django_tasks_database_dbtaskresult SET started_at = datetime('now', '-1 hour')")
    restart_worker(var)
    row = batch_row(var, pk)
    assert (row["status"], row["upload_name"]) == ("failed", "")
    assert row["message"].startswith("Inläsningen avbröts innan den var klar")
    assert not stored.exists()
