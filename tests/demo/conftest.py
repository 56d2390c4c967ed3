"""Every demo test gets its own VAR_DIR and analytics lake: `nara demo` writes extracts and imports them."""

import pytest


@pytest.fixture(autouse=True)
def _demo_var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    settings.NARA_LAKE_DIR = tmp_path / "var" / "lake"
    return settings.VAR_DIR
