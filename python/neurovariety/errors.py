"""The exceptions of neurovariety: one base class, each also a subclass of the matching builtin.

Every error the package raises on purpose is a :class:`NeurovarietyError`, so
``except neurovariety.errors.NeurovarietyError`` catches all of them, while code written against
the builtins keeps working (an :class:`InvalidInputError` is a ``ValueError``, a
:class:`ResourceLimitError` a ``MemoryError``, ...). The Rust core raises the same classes: its
one error enum is converted to them in one place of the bindings.

This module imports nothing of the package (it is the bottom layer, next to ``_core``).

>>> from neurovariety.errors import InvalidInputError
>>> issubclass(InvalidInputError, ValueError)
True
"""

from __future__ import annotations

__all__ = [
    "NeurovarietyError",
    "InvalidInputError",
    "ResourceLimitError",
    "VerificationError",
    "ComputationTimeout",
    "NotSupportedError",
    "InternalError",
]


class NeurovarietyError(Exception):
    """Base class of every exception neurovariety raises on purpose."""


class InvalidInputError(NeurovarietyError, ValueError):
    """An argument is malformed or out of range; the message names the parameter and the value."""


class ResourceLimitError(NeurovarietyError, MemoryError):
    """Work refused *before* it starts because its memory estimate exceeds the configured limit."""


class VerificationError(NeurovarietyError, RuntimeError):
    """A result failed its exact verification; unverified results are never returned."""


class ComputationTimeout(NeurovarietyError, TimeoutError):
    """A computation did not finish within its time limit (its process was stopped)."""


class NotSupportedError(NeurovarietyError, NotImplementedError):
    """The question is well posed but no implemented method answers it for this input."""


class InternalError(NeurovarietyError, RuntimeError):
    """A bug: an internal consistency check failed or the Rust core panicked. Please report it."""
