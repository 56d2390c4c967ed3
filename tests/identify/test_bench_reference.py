"""The benchmark's pandas reference and the DuckDB risk engine give identical results on a tiny synthetic region.

`make bench` compares the two at region scale but never runs in CI; this test catches drift between the SQL
definitions and benchmarks/reference_pandas.py in every `make test`. It goes through the real import and the real
risk run (no timings are asserted: speed is measured by `make bench` only).
"""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks import reference_pandas, synthetic
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
    return settings.NARA_LAKE_DIR


def test_engine_and_pandas_reference_agree(lake):
    run = runs.execute(synthetic.REFERENCE_DATE)
    assert run.status == RiskRun.Status.SUCCEEDED, run.message
    engine = pd.read_parquet(run.results_path)

    population, encounters = reference_pandas.load(lake)
    reference = reference_pandas.compute(population, encounters, synthetic.REFERENCE_DATE)

    assert reference_pandas.differences(engine, reference) == []
    assert len(engine) == len(reference)
    # Not agreement on nothing: every definition flags someone in the synthetic region.
    flagged = set(engine.loc[engine["flagged"], "definition"])
    assert flagged == set(reference_pandas.DEFINITIONS)
