"""What `pip install .` installs is enough to run Nära: every third-party package the code imports (directly, or
by name in the settings) is a declared runtime dependency, and an import of an extract runs with nothing else
importable (numpy, pandas and pyarrow come with the test and bench extras, not with the product)."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import os
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

from django.conf import settings
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    return {normalised(Requirement(spec).name) for spec in PROJECT["dependencies"]}


def runtime_closure() -> set[str]:
    """The declared dependencies and, recursively, what they require (extras and other platforms left out)."""
    seen: set[str] = set()
    todo = [Requirement(spec) for spec in PROJECT["dependencies"]]
    while todo:
        requirement = todo.pop()
        name = normalised(requirement.name)
        if name in seen or (requirement.marker and not requirement.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        todo += [Requirement(spec) for spec in (metadata.requires(requirement.name) or [])]
        todo += [Requirement(f"{requirement.name}-{extra}") for extra in requirement.extras
                 if _installed(f"{requirement.name}-{extra}")]  # psycopg[binary] → psycopg-binary
    return seen


def _installed(name: str) -> bool:
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def third_party(module: str) -> list[str]:
    """The distributions (normalised names) that provide a module's top-level package; [] for the standard
    library and for nara itself."""
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top in ("nara", "__future__"):
        return []
    providers = metadata.packages_distributions().get(top)
    assert providers, f"{module} is neither standard library nor provided by an installed distribution"
    return [normalised(p) for p in providers]


def imported_modules() -> dict[str, set[str]]:
    """Absolute imports anywhere in nara/**/*.py (functions included): module → files."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "nara").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_third_party_import_is_a_declared_runtime_dependency():
    deps = declared()
    undeclared = {
        f"{module} ({', '.join(providers)}) in {', '.join(sorted(files))}"
        for module, files in imported_modules().items()
        if (providers := third_party(module)) and not deps & set(providers)
    }
    assert not undeclared, "imported but not in pyproject's [project] dependencies:\n" + "\n".join(sorted(undeclared))


def test_every_app_and_middleware_in_the_settings_is_a_declared_runtime_dependency():
    deps = declared()
    named = [*settings.INSTALLED_APPS, *settings.MIDDLEWARE, settings.DATABASES["default"]["ENGINE"]]
    undeclared = [name for name in named if (providers := third_party(name)) and not deps & set(providers)]
    assert not undeclared


def test_the_check_would_notice_an_undeclared_import():
    """numpy is installed here (the bench and test tools bring it), but the product must not need it."""
    assert third_party("numpy.linalg") == ["numpy"]
    assert "numpy" not in declared() and "numpy" not in runtime_closure()


# Runs in a fresh interpreter where no package of an installed distribution outside the runtime dependencies
# (and what they require) can be imported: what a plain `pip install .` gives. It migrates a SQLite database and runs `nara
# import` on a file with values outside the SQL rules' domains (a personnummer with spaces, a dagger code), so
# every rule's Python side runs too.
SCRIPT = """
import importlib.abc, sys

BLOCKED = set(sys.argv[1].split(","))


class OnlyRuntimeDependencies(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (not a runtime dependency)", name=name)
        return None


sys.meta_path.insert(0, OnlyRuntimeDependencies())
sys.argv = ["nara", *sys.argv[2:]]
from nara.__main__ import main

main()
"""


def test_an_import_runs_with_only_the_runtime_dependencies(tmp_path):
    closure = runtime_closure() | {"nara"}
    blocked = {top for top, providers in metadata.packages_distributions().items()
               if not any(normalised(p) in closure for p in providers)}
    assert {"numpy", "pandas", "pyarrow", "hypothesis"} <= blocked and "duckdb" not in blocked
    extract = tmp_path / "kontakter.csv"
    extract.write_text(textwrap.dedent("""\
        kallsystem;kontakt_id;personnummer;enhet_hsaid;vardtyp;kontaktform;start;huvuddiagnos;bidiagnoser
        Cosmic;K-1;19320314-2413;SE2321000131-E000000000201;akutbesök;fysiskt besök;2026-03-01 14:05;I50.9;E11.9|N18.3
        Cosmic;K-2;1938 11 02-3526;SE2321000131-E000000000201;akutbesök;fysiskt besök;2026-03-02 09:00;I50.9†;E11.9†|N18
        Cosmic;K-3;19320314-2414;SE2321000131-E000000000201;akutbesök;fysiskt besök;2026-03-02 09:00;I509;
        """), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NARA_", "DATABASE_URL", "DJANGO_"))}
    env |= {"NARA_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": f"sqlite:///{tmp_path / 'nara.sqlite3'}",
            "NARA_IMPORT_MEMORY_LIMIT": "500MB"}

    def nara(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", SCRIPT, ",".join(sorted(blocked)), *args], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=300)

    migrated = nara("migrate", "--verbosity", "0")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    imported = nara("import", "encounters", str(extract), "--accept-valid-rows", "--no-progress")
    assert imported.returncode == 0, imported.stderr[-3000:]
    assert "2 rader lästes in" in imported.stdout and "1 rader avvisades" in imported.stdout
