"""The import rules between the apps, checked on the source (every import, also those inside functions).

The layers, lowest first (docs/decisions.md, "Layers"):
  core → directory (organisations, units, roles, directory.actor.Actor) → people.models → audit (the log and
  audit.basis.Basis) → access (policy and gate) → people/directory selectors and views → the domain apps
  (identify, plans, transitions, …) → demo.
A lower layer never imports a higher one; the domain apps reach the person overview and the gate through
registries (people.panels, access.registry) instead.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "nara"
DOMAIN_APPS = {"identify", "plans", "transitions", "coordinate", "followup", "fhir", "demo"}
SHARED_APPS = {"core", "directory", "audit", "access", "people"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return {m for m in out if m.startswith("nara.")}


def modules(app: str | None = None):
    base = ROOT / app if app else ROOT
    return sorted(p for p in base.rglob("*.py") if "migrations" not in p.parts)


def app_of(module: str) -> str:
    return module.split(".")[1]


def offenders(paths, bad) -> list[str]:
    found = []
    for p in paths:
        for m in sorted(imports_of(p)):
            if bad(m):
                found.append(f"{p.relative_to(ROOT.parent)} imports {m}")
    return found


def test_the_checker_sees_imports_inside_functions(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from nara.plans import overview_selectors\n")
    assert "nara.plans.overview_selectors" in imports_of(probe)


@pytest.mark.parametrize("app", sorted(SHARED_APPS))
def test_shared_layers_never_import_the_domain_apps(app):
    assert offenders(modules(app), lambda m: app_of(m) in DOMAIN_APPS) == []


def test_core_imports_no_other_app():
    assert offenders(modules("core"), lambda m: app_of(m) != "core") == []


@pytest.mark.parametrize("app", ["audit", "directory"])
def test_the_log_and_the_directory_models_sit_below_access(app):
    # directory.selectors and directory.views (the start page) read through the gate like any selector.
    paths = [p for p in modules(app) if p.stem not in ("selectors", "views")]
    assert offenders(paths, lambda m: app_of(m) == "access") == []


def test_the_policy_is_asked_only_by_the_gate():
    """Selectors call the gate (open_person, filter_records, filter_across, PersonAccess.decide …), never the
    policy: one place decides and logs."""
    paths = [p for p in modules() if p.parent.name != "access"]
    assert offenders(paths, lambda m: m == "nara.access.policy" or m.startswith("nara.access.policy.")) == []


def test_views_write_no_log_rows_themselves():
    """A view calls a selector or a service, which write the access log; only the log's own app (log review)
    records from its views."""
    paths = [p for p in modules() if p.stem.endswith("views") and p.parent.name != "audit"]
    assert offenders(paths, lambda m: m.startswith("nara.audit.services")) == []
