"""Time each DuckDB statement of one `import_extract` (a developer's tool, not part of `make bench`).

    .venv/bin/python -m benchmarks.profile_import --scale 0.3 [--csv] [--keep]

Imports the population extract of the cached benchmark data (var/bench/data/) into a fresh lake under
var/bench/profile/, then the encounter extract with every `con.execute` timed (wall and this process's CPU).
Statements taking under 0.05 s are summed into one line.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Timed:
    def __init__(self, con, log, explain=()):
        self._con, self._log, self._explain = con, log, explain

    def execute(self, sql, *args, **kwargs):
        flat = " ".join(str(sql).split())
        if any(flat.startswith(prefix) for prefix in self._explain):
            print(self._con.execute("EXPLAIN ANALYZE " + str(sql), *args, **kwargs).fetchall()[0][1])
        t0, c0 = time.perf_counter(), time.process_time()
        result = self._con.execute(sql, *args, **kwargs)
        self._log.append(
            (time.perf_counter() - t0, time.process_time() - c0, " ".join(str(sql).split())[:150])
        )
        return result

    def cursor(self):
        return Timed(self._con.cursor(), self._log, self._explain)

    def __getattr__(self, name):
        return getattr(self._con, name)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--csv", action="store_true")
    parser.add_argument(
        "--keep", action="store_true", help="keep the lake with the population (skip its import)"
    )
    parser.add_argument(
        "--explain", action="append", default=[], help="EXPLAIN ANALYZE statements starting so"
    )
    args = parser.parse_args(argv)
    data = ROOT / "var" / "bench" / "data" / f"scale-{args.scale:g}-seed-{args.seed}"
    work = ROOT / "var" / "bench" / f"profile-{args.scale:g}"
    from benchmarks import run

    if not (args.keep and (work / "lake").exists()):
        env = run.fresh_env(work)
        import subprocess

        subprocess.run(
            [*run.NARA, "import", "population", str(data / "population.parquet"), "--no-progress"],
            env=env,
            cwd=ROOT,
            check=True,
        )
    else:
        env = {k: v for k, v in os.environ.items()}
        env.update(
            {
                "NARA_VAR_DIR": str(work / "var"),
                "NARA_LAKE_DIR": str(work / "lake"),
                "NARA_PSEUDONYM_KEY": run.PSEUDONYM_KEY,
                "NARA_SECRET_KEY": "benchmark",
            }
        )
    # Only the encounters table is re-imported on each run.
    import json

    manifest = work / "lake" / "manifest.json"
    m = json.loads(manifest.read_text())
    if "encounters" in m["tables"]:
        del m["tables"]["encounters"]
        manifest.write_text(json.dumps(m, indent=2, sort_keys=True) + "\n")
    os.environ.update(
        {k: env[k] for k in ("NARA_VAR_DIR", "NARA_LAKE_DIR", "NARA_PSEUDONYM_KEY", "NARA_SECRET_KEY")}
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "nara.settings"
    import django

    django.setup()
    import duckdb

    from nara.identify import services

    log: list = []

    class Shim:
        def __getattr__(self, name):
            return getattr(duckdb, name)

        @staticmethod
        def connect(*a, **k):
            return Timed(duckdb.connect(*a, **k), log, args.explain)

    services.duckdb = Shim()
    path = data / ("encounters.csv" if args.csv else "encounters.parquet")
    t0, c0 = time.perf_counter(), time.process_time()
    stages = []

    def progress(stage, done, total):
        stages.append((time.perf_counter() - t0, stage, done))

    batch = services.import_extract("encounters", path, progress=progress)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    small = [0.0, 0.0, 0]
    for w, c, sql in log:
        if w < 0.05:
            small[0] += w
            small[1] += c
            small[2] += 1
        else:
            print(f"{w:8.2f} s {c:8.2f} cpu  {sql}")
    print(f"{small[0]:8.2f} s {small[1]:8.2f} cpu  ({small[2]} statements under 0.05 s)")
    for t, stage, done in stages:
        print(f"  {t:8.2f}  {stage} {done}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(
        f"total {wall:.1f} s wall, {cpu:.1f} s cpu, {batch.rows_imported / wall:,.0f} rows/s, peak RSS {rss:.2f} GB;"
        f" {batch.status}: {batch.message[:200]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
