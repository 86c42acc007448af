"""``python -m neurovariety``: the command line (same as the ``neurovariety`` command)."""

from neurovariety.cli import main

if __name__ == "__main__":
    main()
