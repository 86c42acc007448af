"""Dimension sweeps over many architectures, with real per-job timeouts and resumable CSVs.

A sweep computes :func:`neurovariety.dimension` for every architecture of a list or grid and
appends one row per architecture to ``results.csv`` (timed-out ones to ``timeout.csv``, crashed
ones to ``errors.csv``). It is built to be left running for days and to survive anything:

* Every option is validated before the outputs are touched or any job starts; grids are counted
  before they are enumerated and refused above ``max_jobs``.
* Jobs run in a pool of long-lived worker processes (one Python interpreter per worker, reused
  for every small architecture). The parent measures each job's time; a job past its timeout has
  its worker process killed and reaped (it does not keep burning CPU), and a fresh worker
  replaces it.
* Every finished row is appended immediately. Ctrl-C, SIGTERM or a killed parent loses at most
  the jobs that were running; workers die with the parent. ``resume=True`` skips every
  architecture already present in any of the three files, so rows are never duplicated; the
  three files are locked together, and symlinks are never written through.
* With ``scheduler="tcp://HOST:PORT"`` the jobs run on an existing Dask distributed cluster; each
  task still runs its computation in a killable child process on the Dask worker, and the client
  writes the CSVs with the same guarantees.

The return value is the tidy frame (one row per architecture, ``widths`` as a tuple):

>>> import os, tempfile
>>> out = os.path.join(tempfile.mkdtemp(), "results.csv")
>>> df = run_sweep(["2,2,3 2", "3,2,1 2"], timeout=60, jobs=1, out=out, seed=0)
>>> df[["widths", "r", "dimension", "defect"]].values.tolist()
[[(2, 2, 3), 2, 8, 0], [(3, 2, 1), 2, 5, 1]]

The same from the shell: ``neurovariety sweep --arch "2,2,3 2" --arch "3,2,1 2" --timeout 60``.

Modules: :mod:`~.jobs` (labels, keys, seeds), :mod:`~.grid` (files, grids, counting),
:mod:`~.schema` (the CSV schema, read and written), :mod:`~.output` (the locked files),
:mod:`~.worker` (what a worker runs), :mod:`~.dask` (the Dask scheduler; the local one is the
shared :mod:`neurovariety._resources.pool`), :mod:`~.run` (:func:`run_sweep`).
"""

from .grid import (
    DEFAULT_MAX_JOBS,
    Grid,
    GridCount,
    Selection,
    collect_architectures,
    grid_architectures,
    parse_int_set,
    read_architecture_file,
    select_architectures,
)
from .jobs import activation_label, arch_line, job_key, job_label, job_seed, widths_label
from .output import SweepWarning
from .run import SweepInterrupted, SweepSummary, run_sweep
from .schema import (
    ERROR_COLUMNS,
    EXTRA_COLUMNS,
    RESULT_COLUMNS,
    TIDY_COLUMNS,
    TIMEOUT_COLUMNS,
    read_results_frame,
    row_architecture,
    tidy_results_frame,
)

__all__ = [
    "RESULT_COLUMNS",
    "EXTRA_COLUMNS",
    "TIMEOUT_COLUMNS",
    "ERROR_COLUMNS",
    "TIDY_COLUMNS",
    "DEFAULT_MAX_JOBS",
    "Grid",
    "GridCount",
    "Selection",
    "SweepSummary",
    "SweepInterrupted",
    "SweepWarning",
    "parse_int_set",
    "grid_architectures",
    "read_architecture_file",
    "select_architectures",
    "collect_architectures",
    "job_key",
    "job_label",
    "job_seed",
    "arch_line",
    "widths_label",
    "activation_label",
    "row_architecture",
    "read_results_frame",
    "tidy_results_frame",
    "run_sweep",
]
