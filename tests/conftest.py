"""Shared fixtures: the third-party regression data lives outside the repository."""

from __future__ import annotations

import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data" / "mfa_pnns"


@pytest.fixture(scope="session")
def mfa_dir() -> pathlib.Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"third-party data not found at {SHARED_DATA} (it lives in ../shared, outside the repo)")
    return SHARED_DATA
