"""Regression against ~46,700 dimensions computed by a third party with the published SageMath
code (../shared/data/mfa_pnns; d0 in {2, 3}, r = 2). Data only, not redistributed here."""

from __future__ import annotations

import ast

import pandas as pd
import pytest

import neurovariety as nv

SAMPLE_SIZE = 200  # the full file set runs with -m slow (test_every_row)
SEED = 20240201
LARGE = 5000  # every row with more weights than this is checked in the default run


def load(mfa_dir) -> pd.DataFrame:
    frames = []
    for path in sorted(mfa_dir.glob("*.csv")):
        df = pd.read_csv(path)
        df["file"] = path.name
        frames.append(df)
    data = pd.concat(frames, ignore_index=True)
    data["widths"] = data["architecture"].map(lambda s: tuple(ast.literal_eval(s)))
    return data


def check_rows(rows: pd.DataFrame) -> list[str]:
    mismatches = []
    for row in rows.itertuples():
        res = nv.dimension(row.widths, int(row.exponent), seed=0)
        got = (res.dimension, res.ambient)
        want = (int(row.dimension_computed), int(row.ambient_dimension))
        if "expected_dimension" in rows and not pd.isna(row.expected_dimension):
            got += (res.expected,)
            want += (int(row.expected_dimension),)
        if got != want:
            mismatches.append(f"{row.file}: {list(row.widths)} r={row.exponent}: ours {got}, data {want}")
    return mismatches


def test_sample_and_all_large_rows(mfa_dir):
    data = load(mfa_dir)
    assert len(data) > 46_000
    # Stratified by file so that every file is represented.
    sample = data.groupby("file").sample(n=SAMPLE_SIZE // 4 + 1, random_state=SEED)
    large = data[data["num_parameters"] > LARGE]
    rows = pd.concat([sample, large]).drop_duplicates(subset=["file", "architecture", "exponent"])
    assert len(rows) >= SAMPLE_SIZE and set(rows["file"]) == set(data["file"])
    assert not check_rows(rows)


@pytest.mark.slow
def test_every_row(mfa_dir):
    mismatches = check_rows(load(mfa_dir))
    assert not mismatches, "\n".join(mismatches[:50])


def test_first_layer_hypersurface_bound_never_undercuts_the_data(mfa_dir):
    # The bound is proved (theory.py); here it meets the third party's independently computed
    # dimensions: never below one of them, and tight (below the expected dimension) on the deep
    # (3, 4, ..., 1) rows it exists for.
    from neurovariety.architecture import Architecture
    from neurovariety.theory import first_layer_hypersurface_bound

    data = load(mfa_dir).drop_duplicates(subset=["architecture", "exponent"])
    rows = data[[w[1] == w[0] + 1 for w in data["widths"]]]
    assert len(rows) > 5000
    tight = 0
    for row in rows.itertuples():
        arch = Architecture(row.widths, int(row.exponent))
        bound = first_layer_hypersurface_bound(arch)
        assert bound is not None and bound >= int(row.dimension_computed), (row.widths, bound)
        tight += bound == int(row.dimension_computed) < arch.expected_dim
    assert tight >= 200
