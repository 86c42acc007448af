"""The Rust binding layer ``neurovariety._core``: error mapping, the typed route, tracker options
and interruptible tracking (the mathematics is tested in test_dimension/test_linalg/test_critical)."""

from __future__ import annotations

import numpy as np
import pytest

from neurovariety import _core
from neurovariety.errors import InternalError, InvalidInputError, NeurovarietyError, ResourceLimitError

P = _core.DEFAULT_PRIMES[0]


def _system(q=None):
    """The critical system of (2,2,3), r=2 (N = 10 weights, 8 unknowns, 9 coefficients)."""
    return _core.CriticalSystem([2, 2, 3], [2], np.eye(9, dtype=complex) if q is None else q)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: _core.jacobian_rank([3, 0, 1], [2], P, 0, _core.Route.Evaluation, 5), "widths must be positive"),
        (lambda: _core.jacobian_rank([3, 2, 1], [], P, 0, _core.Route.Monomial, 5), "exponent"),
        (lambda: _core.matrix_rank(np.eye(3, dtype=np.uint64), 100), "not prime"),
        (lambda: _core.matrix_nullspace(np.eye(3, dtype=np.uint64), 1), "out of range"),
        (lambda: _core.coefficient_jacobian([2, 2, 1], [2], P, [[1, 2, 3, 4], [1, 2, 3]]), "W_2 must have shape"),
        (lambda: _core.gauge_free_mask([3]), "at least 2 widths"),
        (lambda: _core.CriticalSystem([2, 2, 3], [2], np.eye(3, dtype=complex)), "weight matrix"),
        (lambda: _core.TrackerOptions(max_step=2.0), "max_step"),
        (lambda: _core.TrackerOptions(newton_tol=float("nan")), "newton_tol"),
        (lambda: _system().evaluate(np.zeros((2, 9), dtype=complex), np.ones((1, 10), dtype=complex)), "shape"),
        (lambda: _system().track(np.ones((1, 10), dtype=complex), np.ones((2, 9), dtype=complex), timeout=-1.0), "timeout"),
    ],
)
def test_bad_input_raises_invalid_input_error(call, match):
    with pytest.raises(InvalidInputError, match=match) as info:
        call()
    assert isinstance(info.value, ValueError) and isinstance(info.value, NeurovarietyError)


def test_size_limits_raise_resource_limit_error():
    # degree 25 in 3 variables: 351 coefficients, 676 grid points and 960 unknowns
    with pytest.raises(ResourceLimitError, match="too large"):
        _core.CriticalSystem([3, 30, 30, 1], [5, 5], np.zeros((351, 351), dtype=complex))
    with pytest.raises(ResourceLimitError, match="overflows"):
        _core.network_coefficients([2, 2, 2, 1], [2**20, 2**20], P)
    assert issubclass(InternalError, RuntimeError)  # what a Rust panic becomes


def test_wrong_types_are_type_errors():
    with pytest.raises(TypeError):
        _core.jacobian_rank([3, 2, 1], [2], P, 0, "evaluation", 10)  # type: ignore[arg-type]


def test_route_is_a_typed_enum():
    assert _core.Route.Evaluation != _core.Route.Monomial
    assert {_core.Route.Evaluation: 1}[_core.Route.Evaluation] == 1
    assert int(_core.Route.Evaluation) == 0 and int(_core.Route.Monomial) == 1
    # (3,2,1), r=2 is defective: both routes find dimension 5
    ranks = {route: _core.jacobian_rank([3, 2, 1], [2], P, 1, route, 12) for route in (_core.Route.Evaluation, _core.Route.Monomial)}
    assert ranks == {_core.Route.Evaluation: 5, _core.Route.Monomial: 5}


def test_tracker_options_defaults_come_from_rust():
    o = _core.TrackerOptions()
    got = {k: getattr(o, k) for k in ("initial_step", "max_step", "min_step", "max_steps", "newton_iters", "newton_tol", "predictor_trust", "target_error", "max_norm")}
    assert got == {
        "initial_step": 0.05,
        "max_step": 0.25,
        "min_step": 1e-13,
        "max_steps": 5000,
        "newton_iters": 3,
        "newton_tol": 1e-8,
        "predictor_trust": 0.1,
        "target_error": 1e-4,
        "max_norm": 1e8,
    }
    custom = _core.TrackerOptions(max_step=0.05, max_steps=50000)
    assert (custom.max_step, custom.max_steps, custom.newton_iters) == (0.05, 50000, 3)
    assert "max_step=0.05" in repr(custom)
    with pytest.raises(TypeError):
        _core.TrackerOptions(0.1)  # type: ignore[misc]  # keywords only


def test_gauge_mask_is_the_core_convention():
    assert _core.gauge_free_mask([2, 2, 3]) == [False, True, False, True, True, True, True, True, True, True]
    assert all(_core.gauge_free_mask([3, 2]))
    mask = _core.gauge_free_mask([3, 2, 2, 1])
    assert len(mask) == 6 + 4 + 2 and mask.count(False) == 4


def test_arrays_in_any_memory_layout():
    a = np.array([[1, 2, 3], [2, 4, 6]], dtype=np.uint64)
    want = _core.matrix_nullspace(a, 7)
    assert want.tolist() == [[5, 1, 0], [4, 0, 1]]
    assert np.array_equal(_core.matrix_nullspace(np.asfortranarray(a), 7), want)
    assert np.array_equal(_core.matrix_nullspace(np.array([[1, 9], [2, 9], [3, 9]], dtype=np.uint64).T[:1], 7), [[5, 1, 0], [4, 0, 1]])


def test_critical_system_getters_and_evaluate_shapes():
    system = _system()
    assert (system.num_unknowns, system.num_weights, system.ambient) == (8, 10, 9)
    theta = np.random.default_rng(1).standard_normal((4, 10)).astype(complex)
    for b in (np.zeros(9, dtype=complex), np.zeros((1, 9), dtype=complex)):
        f, c, j = system.evaluate(b, theta)
        assert (f.shape, c.shape, j.shape) == ((4, 8), (4, 9), (4, 9, 8))
    # non-contiguous input is accepted
    f2, _, _ = system.evaluate(np.zeros(9, dtype=complex), np.asfortranarray(theta))
    assert np.allclose(f, f2)


def test_track_follows_a_critical_point():
    system = _system()  # Q = I
    rng = np.random.default_rng(2)
    theta = rng.standard_normal((1, 10)) + 1j * rng.standard_normal((1, 10))
    _, c, _ = system.evaluate(np.zeros(9, dtype=complex), theta)
    b0 = c[0]  # Q c(theta) - b0 = 0: theta is a critical point for b0
    b1 = b0 + 0.3 * (rng.standard_normal(9) + 1j * rng.standard_normal(9))
    res = system.track(theta, np.array([b0, b1]))
    assert res.status.tolist() == [0] and res.residual[0] < 1e-9 and res.steps[0] > 0
    f, _, _ = system.evaluate(b1, res.ends)
    assert np.linalg.norm(f) < 1e-9
    assert not res.interrupted and not res.timed_out
    # the same through explicit options and a generous timeout
    again = system.track(theta, np.array([b0, b1]), _core.TrackerOptions(max_step=0.05), timeout=600.0)
    assert again.status.tolist() == [0] and not again.timed_out
    assert np.allclose(again.ends, res.ends, atol=1e-8)
    empty = system.track(theta[:0], np.array([b0, b1]))
    assert empty.ends.shape == (0, 10) and empty.status.shape == (0,)


def test_tiny_timeout_returns_untracked_paths_with_status_5():
    system = _system()
    rng = np.random.default_rng(3)
    starts = rng.standard_normal((2000, 10)).astype(complex)
    nodes = rng.standard_normal((4, 9)).astype(complex)
    res = system.track(starts, nodes, timeout=1e-9)
    assert res.timed_out and not res.interrupted
    assert res.status.dtype == np.uint8 and res.status.shape == (2000,)
    untracked = res.status == 5
    assert untracked.sum() > 1900
    assert np.array_equal(res.ends[untracked], starts[untracked])  # returned as they came
    assert np.isnan(res.residual[untracked]).all()
    assert res.steps.dtype == np.uint64
    assert "timed_out=True" in repr(res)


@pytest.fixture
def python_sigint():
    """Python's own SIGINT handler for the test: a runner started in the background by a
    non-interactive shell inherits SIGINT ignored, and ``interrupt_main`` then does nothing."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_keyboard_interrupt_stops_tracking_promptly(python_sigint):
    import _thread
    import threading

    system = _system()
    rng = np.random.default_rng(4)
    # ~50 s of tracking when uninterrupted (0.5 ms a path); the timeout is only a backstop so
    # that a lost Ctrl-C fails the test instead of hanging it.
    starts = rng.standard_normal((100_000, 10)).astype(complex)
    nodes = rng.standard_normal((8, 9)).astype(complex)
    for _ in range(3):
        about_to_track = threading.Event()

        def press_ctrl_c() -> None:
            # this thread gets the GIL once the main thread has released it inside track()
            about_to_track.wait()
            _thread.interrupt_main()

        sender = threading.Thread(target=press_ctrl_c)
        sender.start()
        try:
            about_to_track.set()
            res = system.track(starts, nodes, timeout=120.0)
            break
        except KeyboardInterrupt:  # landed before track() released the GIL: press again
            continue
        finally:
            sender.join()
    else:
        pytest.fail("the Ctrl-C never landed inside a tracking call")
    assert res.interrupted and not res.timed_out
    # promptly, measured in work rather than seconds: nearly every path was left untracked
    cancelled = int((res.status == 5).sum())
    assert cancelled > 0.9 * len(starts), np.bincount(res.status)
