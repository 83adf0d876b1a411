"""pytest configuration shared by the unit tests and the notebooks (nbval).

It selects the Hypothesis profile (derandomized under ``CI=true``), and two
adjustments make nbval run a notebook exactly as Jupyter, Jupyter Book
and ``make execute`` do, so that a fresh run reproduces the committed outputs.
"""

from __future__ import annotations

import os

import nbval.kernel
from hypothesis import settings

# Hypothesis: under CI (CI=true) every run draws the same examples, so a red
# run always means a real defect and re-running it reproduces it; a failure
# prints the blob that replays it (@reproduce_failure). Locally, examples are
# random, so each run explores new inputs (and .hypothesis/ remembers failures).
settings.register_profile("ci", derandomize=True, print_blob=True, database=None)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI", "").lower() in {"1", "true", "yes"} else "dev")

_start_new_kernel = nbval.kernel.start_new_kernel


def _start_kernel_like_jupyter(*args, **kwargs):
    """Start nbval's kernel with inline figures and a fixed hash seed.

    A shell's ``MPLBACKEND=Agg`` would otherwise reach the kernel and make
    every figure vanish from the outputs being compared.
    """
    env = dict(os.environ)
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env["PYTHONHASHSEED"] = "0"
    kwargs.setdefault("env", env)
    return _start_new_kernel(*args, **kwargs)


def _execute_like_jupyter(self, cell_input, allow_stdin=None):
    """Run a notebook cell as Jupyter does, with ``store_history=True``.

    nbval 0.11 sends cells with ``store_history=False``. IPython decides
    whether a trailing ``;`` silences a cell's value by looking at the last
    *stored* cell, so under nbval ``plt.plot(...);`` would print its return
    value (and fail the comparison) although Jupyter prints nothing.
    """
    return self.kc.execute(
        cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False
    )


nbval.kernel.start_new_kernel = _start_kernel_like_jupyter
nbval.kernel.RunningKernel.execute_cell_input = _execute_like_jupyter
