"""Fixtures for the identify app: an empty lake per test, and helpers to write extract files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

FILES = Path(__file__).parent / "files"


@pytest.fixture
def lake_dir(settings, tmp_path):
    """An empty lake for this test (settings.NARA_LAKE_DIR → tmp_path/lake); import reports go to tmp_path."""
    settings.NARA_LAKE_DIR = tmp_path / "lake"
    settings.VAR_DIR = tmp_path
    return settings.NARA_LAKE_DIR


def lake_snapshot(directory: Path) -> dict[str, bytes]:
    """The lake as readers see it, byte for byte: the manifest and the data files it names. (Files it does not
    name are an interrupted write's leftovers or retired generations; the next write sweeps them.)"""
    manifest = directory / "manifest.json"
    if not manifest.exists():
        return {}
    named = [part["file"] for entry in json.loads(manifest.read_text())["tables"].values()
             for part in (entry["files"] if "files" in entry else [entry])]
    return {name: (directory / name).read_bytes() for name in ["manifest.json", *sorted(named)]}


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, delimiter=";", encoding="utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path
