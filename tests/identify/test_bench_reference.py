"""The benchmark's pandas reference and the DuckDB risk engine give identical results on a tiny synthetic region.

`make bench` compares the two at region scale but never runs in CI; this test catches drift between the SQL
definitions and benchmarks/reference_pandas.py in every `make test`. It goes through the real import and the real
risk run (no timings are asserted: speed is measured by `make bench` only), with the synthetic region's directory
(benchmarks/directory.py), so that both data scopes are compared row by row.
"""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks import directory, reference_pandas, synthetic
from nara.identify import runs, services
from nara.identify.models import ImportBatch, RiskRun

pytestmark = pytest.mark.django_db

SCALE = 0.001  # 1 700 persons, about 30 000 encounters: a few seconds end to end
SEED = 3


@pytest.fixture
def lake(tmp_path, settings):
    settings.NARA_LAKE_DIR = tmp_path / "lake"
    extract = tmp_path / "extract"
    synthetic.generate(extract, scale=SCALE, seed=SEED, formats=("parquet",), quiet=True)
    for kind in ("population", "encounters"):
        batch = services.import_extract(kind, extract / f"{kind}.parquet")
        assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    directory.load()
    return settings.NARA_LAKE_DIR


def test_engine_and_pandas_reference_agree(lake):
    run = runs.execute(synthetic.REFERENCE_DATE)
    assert run.status == RiskRun.Status.SUCCEEDED, run.message
    engine = pd.read_parquet(run.results_path)

    population, encounters = reference_pandas.load(lake)
    reference = reference_pandas.compute(population, encounters, synthetic.REFERENCE_DATE, runs.directory_units())

    assert reference_pandas.differences(engine, reference) == []
    assert len(engine) == len(reference)
    # Not agreement on nothing: every definition flags someone in the synthetic region, and nearly every one does
    # in the own scope too (high HFRS, > 15, is rare on one organisation's data in so small a region); some
    # persons have data at several other organisations and some at units missing from the directory.
    flagged = {scope: set(rows.loc[rows["flagged"], "definition"]) for scope, rows in engine.groupby("scope")}
    assert flagged["all"] == set(reference_pandas.DEFINITIONS)
    assert len(flagged["own"]) >= len(reference_pandas.DEFINITIONS) - 2
    assert engine["unknown_units"].any() and (engine["other_orgs"].map(len) > 1).any()
    # The own scope is not "all" again: some values differ, and some persons are flagged only with others' data.
    pivot = engine.pivot_table(index=["pseudonym", "definition"], columns="scope", values="value", aggfunc="first")
    assert (pivot["own"].notna() & pivot["all"].notna() & (pivot["own"] != pivot["all"])).any()
    by_scope = engine[engine["flagged"]].groupby("scope")["pseudonym"].agg(set)
    with_others = set(engine.loc[engine["other_orgs"].map(len) > 0, "pseudonym"])
    assert (by_scope["all"] - by_scope["own"]) & with_others
