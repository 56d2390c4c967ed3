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
