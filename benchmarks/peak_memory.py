"""Peak resident memory of this process, as the benchmark scripts measure it.

A worker process resets the kernel's high-water mark (writing ``5`` to
``/proc/self/clear_refs``), notes its resident size, runs the code under test
and reads the new high-water mark (``VmHWM``): the difference is the peak
memory the code added, BLAS and Cython buffers included, which
``tracemalloc`` would miss. Where ``clear_refs`` cannot be written,
``ru_maxrss`` (the peak since the process started) is the fallback, an
upper bound.
"""

from __future__ import annotations

import resource
import sys

#: The line a report prints when some peaks came from the ``ru_maxrss`` fallback.
UPPER_BOUND_NOTE = "(/proc/self/clear_refs not writable: peaks from ru_maxrss, an upper bound)"


def status_bytes(field: str) -> int | None:
    """A ``/proc/self/status`` field (``VmRSS``, ``VmHWM``) in bytes, or None."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def reset_peak() -> bool:
    """Reset the high-water mark; False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def max_rss_bytes() -> int:
    """The peak resident size since the process started (ru_maxrss: KiB on Linux, bytes on macOS)."""
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss if sys.platform == "darwin" else maxrss * 1024
