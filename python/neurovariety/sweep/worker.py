"""What a sweep's worker process runs for one job: the compute function, its result as a record.

The parent pickles :func:`run_job` bound to the compute function and the sweep's
:class:`~neurovariety.dimension.DimensionOptions` once (:func:`job_function`); every
:class:`~neurovariety._resources.WorkerProcess` of the sweep receives that at start-up and then
only the validated architecture and the seed of each job. Nothing is validated for the first
time in a worker.

>>> from neurovariety.architecture import Architecture
>>> from neurovariety.dimension import DimensionOptions
>>> run_job(compute_blob(None), Architecture((2, 2, 3), 2), 0, DimensionOptions())["dimension"]
8
"""

from __future__ import annotations

import functools
import pickle
from typing import Any, Callable, Optional, Union

from .._resources import pickle_callable, resolve_callable
from ..architecture import Architecture
from ..dimension import DimensionOptions, dimension
from .schema import record_from_result

__all__ = ["Compute", "JobFunction", "compute_blob", "job_function", "run_job"]

#: ``compute(arch, *, seed, options)`` returning a DimensionResult, a dict with a ``dimension`` or
#: an int (default :func:`neurovariety.dimension.dimension`), or ``"module:function"``.
Compute = Union[Callable[..., Any], str, None]


def compute_blob(compute: Compute) -> bytes:
    """The pickled compute function; fails here (InvalidInputError) when it cannot reach a worker."""
    return pickle_callable(dimension if compute is None else compute, "compute")


@functools.lru_cache(maxsize=8)
def _compute(blob: bytes) -> Callable[..., Any]:
    obj = pickle.loads(blob)
    func: Callable[..., Any] = resolve_callable(obj) if isinstance(obj, str) else obj
    return func


def run_job(blob: bytes, arch: Architecture, seed: Optional[int], options: DimensionOptions) -> dict[str, Any]:
    """Compute one job and return its record (:func:`~neurovariety.sweep.schema.record_from_result`)."""
    return record_from_result(_compute(blob)(arch, seed=seed, options=options))


class JobFunction:
    """:func:`run_job` bound to one compute function and the sweep's options.

    The compute function is resolved when this object is unpickled, i.e. while a worker starts
    (before it reports ready), so importing its module never counts against a job's timeout.
    """

    def __init__(self, blob: bytes, options: DimensionOptions):
        self.blob = blob  # not resolved here: the parent may not import a script's own module
        self.options = options

    def __reduce__(self) -> tuple[Any, tuple[bytes, DimensionOptions]]:
        return (_unpickle, (self.blob, self.options))

    def __call__(self, arch: Architecture, seed: Optional[int]) -> dict[str, Any]:
        return run_job(self.blob, arch, seed, self.options)


def _unpickle(blob: bytes, options: DimensionOptions) -> JobFunction:
    _compute(blob)  # in the worker, at start-up
    return JobFunction(blob, options)


def job_function(blob: bytes, options: DimensionOptions) -> bytes:
    """The pickled callable a sweep's workers run (a :class:`JobFunction`), called as ``(arch, seed)``."""
    return pickle.dumps(JobFunction(blob, options))
