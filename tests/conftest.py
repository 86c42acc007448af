"""Shared fixtures: the third-party regression data lives outside the repository."""

from __future__ import annotations

import os
import pathlib

import pytest
from hypothesis import HealthCheck, settings

# One fixed profile for CI and local runs: derandomised (the same examples every run), no
# per-example deadline (a loaded 2-core machine is slow), and shrinking output when it fails.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO = pathlib.Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data" / "mfa_pnns"


@pytest.fixture(scope="session")
def mfa_dir() -> pathlib.Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"third-party data not found at {SHARED_DATA} (it lives in ../shared, outside the repo)")
    return SHARED_DATA
