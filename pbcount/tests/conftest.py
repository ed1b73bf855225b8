"""Fixtures for the counting core: small committed .pb files and the real-data folder (slow tier)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_FILES = sorted(FIXTURES.glob("*.pb"))


def pbdata_dir() -> Path:
    """$PBDATA, or ../shared/pbdata next to the repository."""
    return Path(os.environ.get("PBDATA") or Path(__file__).resolve().parents[3] / "shared" / "pbdata")


def pbdata_files() -> list[Path]:
    return sorted(pbdata_dir().glob("*.pb"))


@pytest.fixture
def pbdata() -> Path:
    """The real-data folder; skipped when absent locally, but a failure on CI (a silently empty tier is a lie)."""
    folder = pbdata_dir()
    if not any(folder.glob("*.pb")):
        if os.environ.get("CI"):
            pytest.fail(f"real-data tier: no .pb files in {folder} (set PBDATA)")
        pytest.skip(f"no .pb files in {folder} (set PBDATA)")
    return folder
