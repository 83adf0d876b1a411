"""Input checks shared by every public function of kmlib.

Each check either returns a clean value (a float64 array, a Python int, a
``numpy.random.Generator``) or raises ``TypeError``/``ValueError`` with a
message that names the parameter, says what was expected and shows what came.
Public functions call these first, so that a mistake is reported where the
reader made it, not as a numpy traceback from deep inside an algorithm.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "check_array",
    "check_matching_width",
    "check_n_clusters",
    "check_int",
    "check_scalar",
    "check_random_state",
    "check_labels",
    "check_sample_weight",
]


def _describe(value) -> str:
    """A short description of ``value`` for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} (type {type(value).__name__})"


def check_array(
    X, name: str = "X", *, ndim: int = 2, min_rows: int = 1
) -> np.ndarray:
    """Return ``X`` as a C-contiguous float64 array of ``ndim`` dimensions.

    Accepts anything ``numpy.asarray`` understands (lists, int, bool, float32 or
    float64 arrays). Rejects, with a message naming ``name``:

    - non-numeric data (strings, objects, complex numbers): ``TypeError``;
    - the wrong number of dimensions, fewer than ``min_rows`` rows, zero
      columns, NaN or infinite values: ``ValueError``.
    """
    try:
        array = np.asarray(X)
    except (TypeError, ValueError) as error:  # ragged nested lists, for example
        raise ValueError(
            f"{name} must be a {ndim}-D array of numbers; could not convert {_describe(X)}: {error}"
        ) from None
    kind = array.dtype.kind
    if kind not in "biuf":
        raise TypeError(
            f"{name} must contain real numbers (bool, int or float); got {_describe(array)}"
        )
    if array.ndim != ndim:
        hint = ""
        if ndim == 2 and array.ndim == 1:
            hint = " (use X.reshape(-1, 1) for one feature or X.reshape(1, -1) for one sample)"
        raise ValueError(
            f"{name} must be a {ndim}-D array; got {array.ndim}-D array of shape "
            f"{array.shape}{hint}"
        )
    if array.shape[0] < min_rows:
        raise ValueError(
            f"{name} must have at least {min_rows} row(s); got shape {array.shape}"
        )
    if ndim == 2 and array.shape[1] == 0:
        raise ValueError(
            f"{name} must have at least 1 column; got shape {array.shape}"
        )
    array = np.ascontiguousarray(array, dtype=np.float64)
    if not np.isfinite(array).all():
        bad = "NaN" if np.isnan(array).any() else "infinity"
        raise ValueError(f"{name} must be finite; it contains {bad}")
    return array


def check_matching_width(
    X: np.ndarray, C: np.ndarray, x_name: str = "X", c_name: str = "C"
):
    """Raise ``ValueError`` unless two 2-D arrays have the same number of columns."""
    if X.shape[1] != C.shape[1]:
        raise ValueError(
            f"{x_name} and {c_name} must have the same number of features (columns); "
            f"got {x_name} with {X.shape[1]} and {c_name} with {C.shape[1]}"
        )


def check_labels(labels, n_samples: int, name: str = "labels") -> np.ndarray:
    """Return cluster ids as a 1-D ``intp`` array with one entry per sample.

    The ids are any integers (their range is the caller's business). NaN
    raises ``ValueError``; floats, strings, bools and objects raise
    ``TypeError`` with a hint to encode them; a wrong shape raises
    ``ValueError``.
    """
    try:
        array = np.asarray(labels)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{name} must be a 1-D array of integers; got {_describe(labels)}: {error}"
        ) from None
    if array.dtype.kind == "f" and np.isnan(array).any():
        raise ValueError(
            f"{name} must not contain NaN; every point needs a cluster id"
        )
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must be an array of integers (cluster ids); got {_describe(array)}. "
            f"Encode other labels with np.unique({name}, return_inverse=True)[1]"
        )
    if array.shape != (n_samples,):
        raise ValueError(
            f"{name} must have shape ({n_samples},), one label per row of X; "
            f"got shape {array.shape}"
        )
    return array.astype(np.intp, copy=False)


def check_int(
    value, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return ``value`` as a Python int in ``[minimum, maximum]``.

    ``bool`` is rejected (``True`` is not a number of clusters), as is a float
    even when it is whole (``3.0``): ``TypeError``. Out of range: ``ValueError``.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, numbers.Integral
    ):
        raise TypeError(f"{name} must be an integer; got {_describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}; got {value}")
    return value


def check_n_clusters(k, n_samples: int, name: str = "k") -> int:
    """Return the number of clusters ``k`` as an int with ``1 <= k <= n_samples``."""
    k = check_int(k, name, minimum=1)
    if k > n_samples:
        raise ValueError(
            f"{name} must be <= the number of samples; got {name}={k} with n_samples={n_samples}"
        )
    return k


def check_scalar(
    value,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    include_minimum: bool = True,
    include_maximum: bool = True,
) -> float:
    """Return a finite real ``value`` as a float inside the given bounds.

    Non-numbers (and bools) raise ``TypeError``; NaN, infinity and values out of
    bounds raise ``ValueError``.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, numbers.Real
    ):
        raise TypeError(f"{name} must be a real number; got {_describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    if minimum is not None:
        if value < minimum or (value == minimum and not include_minimum):
            relation = ">=" if include_minimum else ">"
            raise ValueError(
                f"{name} must be {relation} {minimum}; got {value}"
            )
    if maximum is not None:
        if value > maximum or (value == maximum and not include_maximum):
            relation = "<=" if include_maximum else "<"
            raise ValueError(
                f"{name} must be {relation} {maximum}; got {value}"
            )
    return value


def check_random_state(
    random_state, name: str = "random_state"
) -> np.random.Generator:
    """Turn ``random_state`` into a ``numpy.random.Generator``.

    - ``None``: a fresh generator seeded from the operating system;
    - a non-negative int: ``numpy.random.default_rng(random_state)``, so the same
      int always gives the same draws;
    - a ``Generator``: returned as is (its state advances as kmlib draws).
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(
        random_state, bool | np.bool_
    ):
        if random_state < 0:
            raise ValueError(
                f"{name} must be a non-negative integer; got {random_state}"
            )
        return np.random.default_rng(int(random_state))
    raise TypeError(
        f"{name} must be None, a non-negative int or a numpy.random.Generator; "
        f"got {_describe(random_state)}"
    )


def check_sample_weight(sample_weight, n_samples: int) -> np.ndarray | None:
    """``None``, or ``sample_weight`` as a float64 array of shape ``(n,)``: finite, >= 0, not all 0."""
    if sample_weight is None:
        return None
    try:
        array = np.asarray(sample_weight)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"sample_weight must be None or an array of numbers; could not convert "
            f"{_describe(sample_weight)}: {error}"
        ) from None
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"sample_weight must be None or an array of real numbers; got {_describe(array)}"
        )
    if array.shape != (n_samples,):
        raise ValueError(
            f"sample_weight must be a 1-D array of shape ({n_samples},), one weight per row of X; "
            f"got shape {array.shape}"
        )
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        bad = "NaN" if np.isnan(array).any() else "infinity"
        raise ValueError(f"sample_weight must be finite; it contains {bad}")
    if (array < 0).any():
        raise ValueError(
            f"sample_weight must be non-negative; got a minimum of {array.min():g}"
        )
    with np.errstate(over="ignore"):
        total = array.sum()
    if not total > 0:
        raise ValueError("sample_weight must not be all zero; got a sum of 0")
    if not np.isfinite(total):
        raise ValueError(
            "sample_weight must have a finite sum; its sum overflows float64"
        )
    return array
