"""The ``neurovariety`` command line.

``neurovariety dim 3,3,3 -r 2`` prints the dimension of a neurovariety; ``neurovariety --help``
lists every command. Commands live one per module and are imported only when run (start-up
stays fast). Errors print one line and exit non-zero, never a traceback: 2 for invalid input,
1 for a failure, 130/143 when interrupted by SIGINT/SIGTERM.

Shell completion (click): ``eval "$(_NEUROVARIETY_COMPLETE=bash_source neurovariety)"`` in
``~/.bashrc`` (``zsh_source``/``fish_source`` for zsh and fish).
"""

from __future__ import annotations

import importlib
import sys
import warnings
from typing import Any, Optional, Sequence

import click

__all__ = ["cli", "main", "COMMANDS"]

#: Command name -> "module:function" (relative to this package), in help order.
COMMANDS = {
    "dim": "dim:dim_command",
    "sweep": "sweep:sweep",
    "analyze": "analyze:analyze",
    "reproduce": "analyze:reproduce",
    "equations": "equations:equations",
    "learn": "learn:learn",
    "learn-sweep": "learn:learn_sweep",
    "learning-degree": "critical:learning_degree_command",
    "ed-degree": "critical:ed_degree_command",
    "degree": "geometry:degree_command",
    "member": "geometry:member_command",
    "identifiability": "geometry:identifiability_command",
    "hilbert": "geometry:hilbert_command",
    "threshold": "search:threshold_command",
    "filling": "search:filling_command",
}


class LazyGroup(click.Group):
    """A click group importing each command's module only when the command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> Optional[click.Command]:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
        assert isinstance(command, click.Command)
        return command


_EPILOG = """\b
Every command takes -q/--quiet and --json (one JSON object on stdout, schema neurovariety/1);
-r where an exponent applies and -o/--out where it writes. Progress bars show on a terminal
only (NEUROVARIETY_PROGRESS=1 forces them, 0 silences them). python -m neurovariety is the
same program.

\b
Shell completion (bash, zsh, fish):
  bash: eval "$(_NEUROVARIETY_COMPLETE=bash_source neurovariety)"    # in ~/.bashrc
  zsh:  eval "$(_NEUROVARIETY_COMPLETE=zsh_source neurovariety)"     # in ~/.zshrc
  fish: _NEUROVARIETY_COMPLETE=fish_source neurovariety | source     # in ~/.config/fish/completions/neurovariety.fish
"""


@click.group(cls=LazyGroup, epilog=_EPILOG,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="neurovariety")
def cli() -> None:
    """Algebraic geometry of polynomial neural networks.

    Architectures are comma-separated widths d0,d1,...,dL (e.g. 3,3,3); the activation exponent
    r is one integer or one per hidden layer (e.g. -r 2,3).
    """


def _exit_code(result: Any) -> int:
    return result if isinstance(result, int) else 0


def _uncaught(exc: Exception) -> int:
    """One line for an error no command mapped: bad input (e.g. an environment variable read
    outside a command's error handling) exits 2 like every usage error, anything else 1."""
    from ..errors import InvalidInputError  # noqa: PLC0415 - keeps start-up light

    if isinstance(exc, InvalidInputError):
        click.echo(f"Error: {exc}", err=True)
        return 2
    click.echo(f"error: {type(exc).__name__}: {exc}", err=True)
    return 1


def _one_line_warning(message: Any, category: Any, filename: str, lineno: int, line: Optional[str] = None) -> str:
    return f"warning: {message}\n"


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Entry point: run the CLI and exit with its status, turning any error into one line on stderr."""
    warnings.formatwarning = _one_line_warning  # a program prints "warning: ...", not source lines
    try:
        rc = _exit_code(cli.main(args=list(argv) if argv is not None else None, prog_name="neurovariety",
                                 standalone_mode=False))
    except click.exceptions.Abort as exc:
        click.echo("aborted", err=True)
        rc = 128 + int(getattr(exc.__cause__, "signum", 2))
    except click.ClickException as exc:
        exc.show()
        rc = exc.exit_code
    except KeyboardInterrupt as exc:
        click.echo("interrupted", err=True)
        rc = 128 + int(getattr(exc, "signum", 2))
    except BrokenPipeError:  # e.g. `neurovariety ... | head`
        rc = 0
    except Exception as exc:  # noqa: BLE001 - the CLI promises one line, no traceback
        rc = _uncaught(exc)
    sys.exit(rc)
