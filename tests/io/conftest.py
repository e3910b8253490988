"""Fixtures: the good bundle of `bundle_edits` written to a temporary folder, and its scenario."""

from __future__ import annotations

from pathlib import Path

import pytest
from bundle_edits import good_bundle, write

from optimizer.io import load_bundle
from optimizer.scenario import Scenario


@pytest.fixture
def bundle_dir(tmp_path: Path) -> Path:
    return write(good_bundle(), tmp_path / "good")


@pytest.fixture
def scenario(bundle_dir: Path) -> Scenario:
    return load_bundle(bundle_dir)
