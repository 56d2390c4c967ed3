"""`make bench`: the region-scale benchmark of the extract import and the risk run (DESIGN.md §6).

    python -m benchmarks.run [--scale 1] [--seed 1]        (BENCH_SCALE=0.05 make bench for a quick one)

1. generate the synthetic region (benchmarks/synthetic.py; cached under var/bench/data/ by scale, seed and the
   generator's source),
2. import population + encounters with the real `nara import` into a fresh lake, once from Parquet and once
   from CSV (each in its own NARA_VAR_DIR with a migrated SQLite database under var/bench/, so the developer's
   database and lake are untouched), and check that both give byte-identical lake files,
3. give the region a directory (benchmarks/directory.py: region, private and municipal units for the lake's
   HSA-ids, so that the two data scopes differ as a region's do), run the full risk run (`nara identify run`) on
   the lake and the pandas reference (benchmarks/reference_pandas.py) on the same lake files and units, and
   compare the results exactly (both scopes, every row),
4. import a month's extract into that lake (the merge path: 1 % newer versions, 4 % new encounters),
5. print sizes, machine, times, rows per second, peak memory (max RSS of each stage's process) and the ratio,
   with PASS/FAIL against the targets of issue 3, and save them as var/bench/results-scale-<s>.json.

Every timed stage runs in its own process; its wall time and peak RSS (wait4's ru_maxrss) are measured from here.
Exit status 1 when the engine and the reference disagree or a stage fails; the timing targets are reported only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PYTHON = sys.executable
NARA = [PYTHON, "-m", "nara"]
PSEUDONYM_KEY = "nara-benchmark-key-not-secret"  # fixed, so pseudonyms (and lake files) repeat between runs

# Targets of issue 3, on a 2-core machine.
RISK_RUN_MAX_SECONDS = 30.0
MIN_RATIO = 5.0
RISK_RUN_MAX_MEMORY = 4 * 1024**3
PARQUET_MIN_ROWS_PER_SECOND = 500_000
CSV_MIN_ROWS_PER_SECOND = 200_000


@dataclass
class Stage:
    name: str
    seconds: float
    max_rss: int  # bytes
    output: str


class StageFailed(RuntimeError):
    pass


def measure(name: str, cmd: list[str], env: dict | None = None, quiet: bool = True) -> Stage:
    """Run `cmd` as a child process; its wall time and peak resident memory."""
    print(f"  {name} …", end="", flush=True)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    print(f" {seconds:.1f} s, {usage.ru_maxrss / 1024**2:.2f} GB")
    if proc.returncode != 0:
        raise StageFailed(f"{name} failed (exit {proc.returncode}):\n{output[-4000:]}")
    if not quiet:
        print(output)
    return Stage(name, seconds, usage.ru_maxrss * 1024, output)


# --- machine ---------------------------------------------------------------------------------------------------

def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(int(line.split()[1]) * 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem = 0
    import duckdb
    import pandas

    return {
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_bytes": mem, "cpu": cpu, "python": platform.python_version(), "os": platform.platform(),
        "duckdb": duckdb.__version__, "pandas": pandas.__version__,
    }


# --- stages ----------------------------------------------------------------------------------------------------

def generator_version() -> str:
    return hashlib.sha256((Path(__file__).parent / "synthetic.py").read_bytes()).hexdigest()[:12]


def ensure_data(scale: float, seed: int) -> tuple[Path, dict, Stage | None]:
    """The extract files for (scale, seed), generated unless a cached copy from the same generator exists."""
    version = generator_version()
    data = BENCH_DIR / "data" / f"scale-{scale:g}-seed-{seed}"
    summary_path = data / "summary.json"
    if summary_path.exists():
        summary = json.loads(summary_path.read_text())
        if summary.get("generator") == version and all(Path(f["path"]).exists() for f in summary["files"].values()):
            print(f"  synthetic data: cached in {data.relative_to(ROOT)}")
            return data, summary, None
    shutil.rmtree(data, ignore_errors=True)
    stage = measure("generate synthetic region",
                    [PYTHON, "-m", "benchmarks.synthetic", "--scale", str(scale), "--seed", str(seed), "--out", str(data)])
    summary = json.loads(summary_path.read_text())
    summary["generator"] = version
    summary["generate_seconds"] = round(stage.seconds, 1)
    summary["generate_max_rss"] = stage.max_rss
    summary_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    shutil.rmtree(data / "duckdb-tmp", ignore_errors=True)
    return data, summary, stage


def fresh_env(directory: Path) -> dict:
    """Environment for nara commands with their own var dir, SQLite database and lake."""
    shutil.rmtree(directory, ignore_errors=True)
    (directory / "var").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("NARA_")}
    env.update({
        "NARA_VAR_DIR": str(directory / "var"),
        "NARA_LAKE_DIR": str(directory / "lake"),
        "NARA_PSEUDONYM_KEY": PSEUDONYM_KEY,
        "NARA_SECRET_KEY": "benchmark",
        "DJANGO_SETTINGS_MODULE": "nara.settings",
        "PYTHONPATH": str(ROOT),
    })
    subprocess.run([*NARA, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    return env


def import_files(env: dict, population: Path, encounters: Path, label: str) -> tuple[Stage, Stage]:
    pop = measure(f"import population ({label})", [*NARA, "import", "population", str(population), "--no-progress"],
                  env)
    enc = measure(f"import encounters ({label})", [*NARA, "import", "encounters", str(encounters), "--no-progress"],
                  env)
    return pop, enc


def manifest(env: dict) -> dict:
    return json.loads((Path(env["NARA_LAKE_DIR"]) / "manifest.json").read_text())["tables"]


def has_identify_command(env: dict) -> bool:
    proc = subprocess.run([*NARA, "help", "identify"], env=env, cwd=ROOT, capture_output=True, text=True)
    return proc.returncode == 0


def risk_run(env: dict, reference_date: dt.date) -> tuple[Stage, Path, float | None]:
    if has_identify_command(env):
        cmd = [*NARA, "identify", "run", "--date", reference_date.isoformat()]
    else:  # until the command exists: the same service the command calls
        code = ("import datetime as d; from nara.identify import lake, runs; "
                f"runs.execute(d.date.fromisoformat('{reference_date}'), extract_files=lake.files)")
        cmd = [*NARA, "shell", "-c", code]
    stage = measure("risk run (DuckDB engine)", cmd, env)
    db = Path(env["NARA_VAR_DIR"]) / "nara.sqlite3"
    with sqlite3.connect(db) as con:
        path, seconds = con.execute(
            "SELECT results_path, duration_seconds FROM identify_riskrun WHERE status = 'succeeded' "
            "ORDER BY id DESC LIMIT 1").fetchone()
    return stage, Path(path), seconds


def monthly_extract(encounters: Path, out: Path) -> int:
    """A month's extract for the region lake, cut from the benchmark's own encounters: 1 % of them delivered again
    with a newer version and another main diagnosis, and 4 % more as new encounters (ids with '-N'). Importing it
    takes the merge path a region runs every month (its rows are spread over every bucket of the lake)."""
    import duckdb

    source = f"read_parquet('{encounters}')"
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        con.execute(f"""
            COPY (SELECT * REPLACE ('J44.1' AS huvuddiagnos, TIMESTAMP '2026-11-20 12:00' AS andrad)
                  FROM {source} WHERE hash(kontakt_id) % 100 = 0
                  UNION ALL
                  SELECT * REPLACE (kontakt_id || '-N' AS kontakt_id) FROM {source} WHERE hash(kontakt_id) % 25 = 1)
            TO '{out}' (FORMAT parquet, COMPRESSION zstd)
        """)
        return con.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchone()[0]


def load_directory(env: dict, out: Path) -> Stage:
    """The synthetic region's directory into the bench database; its units also as a CSV for the reference."""
    return measure("directory for the lake's units", [PYTHON, "-m", "benchmarks.directory", "--out", str(out)], env)


def reference_run(env: dict, reference_date: dt.date, units: Path, out: Path) -> Stage:
    return measure("pandas reference", [PYTHON, "-m", "benchmarks.reference_pandas", "--lake", env["NARA_LAKE_DIR"],
                                         "--date", reference_date.isoformat(), "--units", str(units),
                                         "--out", str(out)], env)


# --- report ----------------------------------------------------------------------------------------------------

def scopes_summary(results) -> str:
    """Rows and flagged persons per scope, and how many persons have data at other organisations."""
    parts = []
    for scope in ("all", "own"):
        rows = results[results["scope"] == scope]
        parts.append(f"{scope}: {len(rows)} rows, {rows['pseudonym'].nunique()} persons")
    others = results[(results["other_orgs"].map(len) > 0) | results["unknown_units"]]
    parts.append(f"{others['pseudonym'].nunique()} flagged persons (either scope) with data elsewhere")
    return "; ".join(parts)


def gb(n: float) -> str:
    return f"{n / 1024**3:.2f} GB"


def mb(n: float) -> str:
    return f"{n / 1024**2:,.0f} MB".replace(",", " ")


def num(n: float) -> str:
    return f"{n:,.0f}".replace(",", " ")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(r: dict) -> str:
    m, d = r["machine"], r["data"]
    lines = [
        "",
        f"Nära benchmark — scale {r['scale']:g}, seed {r['seed']}, reference date {r['reference_date']}",
        f"machine: {m['cores']} cores, {gb(m['memory_bytes'])} RAM, {m['cpu']}; Python {m['python']}, "
        f"DuckDB {m['duckdb']}, pandas {m['pandas']}",
        f"data:    {num(d['persons'])} persons, {num(d['encounters'])} encounter rows "
        f"({', '.join(f'{k} {num(v)}' for k, v in d['by_care_type'].items())})",
        f"files:   population {mb(d['files']['population_parquet']['bytes'])} Parquet / "
        f"{mb(d['files']['population_csv']['bytes'])} CSV; encounters "
        f"{mb(d['files']['encounters_parquet']['bytes'])} Parquet / {mb(d['files']['encounters_csv']['bytes'])} CSV",
        "",
        f"{'stage':44} {'seconds':>8} {'rows/s':>11} {'peak RSS':>10}  target",
        "-" * 96,
    ]
    for row in r["stages"]:
        rate = num(row["rows_per_second"]) if row.get("rows_per_second") else ""
        lines.append(f"{row['name']:44} {row['seconds']:8.1f} {rate:>11} {gb(row['max_rss']):>10}  {row.get('target', '')}")
    lines += [
        "-" * 96,
        f"risk run: {r['risk_rows']} result rows, {r['risk_persons']} persons flagged; engine's own timing "
        f"{r['risk_engine_seconds']} s (without process start)",
        f"data scopes: {r.get('risk_scopes', '')}",
        f"pandas reference: {r['reference_split']['read_seconds']} s reading the lake, "
        f"{r['reference_split']['compute_seconds']} s computing",
        f"ratio pandas / DuckDB engine: {r['ratio']:.1f}×  (target ≥ {MIN_RATIO:g}×)  {verdict(r['ratio'] >= MIN_RATIO)}",
        f"CSV and Parquet imports give identical lake files: {'yes' if r['lakes_identical'] else 'NO'}",
        f"a month into the lake (1 % newer versions, 4 % new encounters): {r.get('month', '')}",
        f"engine and pandas reference agree: {'yes' if not r['differences'] else 'NO'} "
        f"({r['compared_rows']} rows compared)",
    ]
    for diff in r["differences"][:20]:
        lines.append(f"  {diff}")
    lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="region-scale benchmark of import and risk run")
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("BENCH_SEED", "1")))
    parser.add_argument("--skip-csv", action="store_true", help="do not time the CSV import")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from benchmarks import reference_pandas, synthetic

    reference_date = synthetic.REFERENCE_DATE
    print(f"Nära benchmark, scale {args.scale:g} (BENCH_SCALE), seed {args.seed}")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    data, summary, _gen = ensure_data(args.scale, args.seed)
    files = {k: Path(v["path"]) for k, v in summary["files"].items()}
    run_dir = BENCH_DIR / f"run-scale-{args.scale:g}"
    rows_pop, rows_enc = summary["persons"], summary["encounters"]
    stages = []

    def add(stage: Stage, rows: int | None = None, target: str = "") -> None:
        row = {"name": stage.name, "seconds": round(stage.seconds, 2), "max_rss": stage.max_rss, "target": target}
        if rows:
            row["rows_per_second"] = rows / stage.seconds
        stages.append(row)

    try:
        env = fresh_env(run_dir / "parquet")
        pop, enc = import_files(env, files["population_parquet"], files["encounters_parquet"], "Parquet")
        rate = (rows_pop + rows_enc) / (pop.seconds + enc.seconds)
        add(pop, rows_pop)
        add(enc, rows_enc, f"≥ {num(PARQUET_MIN_ROWS_PER_SECOND)}/s {verdict(rows_enc / enc.seconds >= PARQUET_MIN_ROWS_PER_SECOND)}")
        lakes_identical = None
        if not args.skip_csv:
            csv_env = fresh_env(run_dir / "csv")
            cpop, cenc = import_files(csv_env, files["population_csv"], files["encounters_csv"], "CSV")
            add(cpop, rows_pop)
            add(cenc, rows_enc, f"≥ {num(CSV_MIN_ROWS_PER_SECOND)}/s {verdict(rows_enc / cenc.seconds >= CSV_MIN_ROWS_PER_SECOND)}")
            lakes_identical = ({t: e["sha256"] for t, e in manifest(env).items()}
                               == {t: e["sha256"] for t, e in manifest(csv_env).items()})
            shutil.rmtree(run_dir / "csv", ignore_errors=True)
        units_path = run_dir / "units.csv"
        add(load_directory(env, units_path))
        risk, results_path, engine_seconds = risk_run(env, reference_date)
        add(risk, None, f"< {RISK_RUN_MAX_SECONDS:g} s {verdict(risk.seconds < RISK_RUN_MAX_SECONDS)}, "
                        f"< {gb(RISK_RUN_MAX_MEMORY)} {verdict(risk.max_rss < RISK_RUN_MAX_MEMORY)}")
        ref_path = run_dir / "reference.parquet"
        ref = reference_run(env, reference_date, units_path, ref_path)
        add(ref)
        # Last, so that the risk run and the reference above read the lake as imported.
        month_path = run_dir / "monthly.parquet"
        rows_month = monthly_extract(files["encounters_parquet"], month_path)
        month = measure("import a month into the lake (merge)",
                        [*NARA, "import", "encounters", str(month_path), "--no-progress"], env)
        add(month, rows_month)
    except StageFailed as failure:
        print(f"\nFAIL: {failure}")
        return 1

    import pandas as pd

    engine_df = pd.read_parquet(results_path)
    ref_df = pd.read_parquet(ref_path)
    differences = reference_pandas.differences(engine_df, ref_df)
    result = {
        "scale": args.scale, "seed": args.seed, "reference_date": reference_date.isoformat(),
        "when": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
        "data": {k: summary[k] for k in ("persons", "encounters", "by_care_type", "files", "deaths")},
        "generate_seconds": summary.get("generate_seconds"),
        "stages": stages, "lakes_identical": lakes_identical,
        "parquet_rows_per_second_total": rate,
        "risk_rows": len(engine_df),
        "risk_persons": int(engine_df.loc[engine_df["scope"] == "all", "pseudonym"].nunique()),
        "risk_scopes": scopes_summary(engine_df),
        "risk_engine_seconds": engine_seconds, "ratio": ref.seconds / risk.seconds,
        "compared_rows": max(len(engine_df), len(ref_df)), "differences": differences,
        "reference_split": json.loads(ref.output.strip().splitlines()[-1]),
        "month": month.output.strip().splitlines()[-1] if month.output.strip() else "",
    }
    print(report(result))
    out = BENCH_DIR / f"results-scale-{args.scale:g}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    print(f"saved {out.relative_to(ROOT)}")
    return 1 if differences or lakes_identical is False else 0


if __name__ == "__main__":
    sys.exit(main())
