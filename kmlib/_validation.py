"""Input checks shared by every public function of kmlib.

Each check either returns a clean value (a float64 array, a Python int, a
``numpy.random.Generator``) or raises ``TypeError``/``ValueError`` with a
message that names the parameter, says what was expected and shows what came.
Public functions call these first, so that a mistake is reported where the
reader made it, not as a numpy traceback from deep inside an algorithm.

Numerical policy
----------------
kmlib gives a right answer or a clear error on every finite input, never
NaN, infinity or a quietly wrong number:

- **Centred or from differences.** Every distance that decides an answer
  (a nearest centre, a neighbour within ``eps``, a silhouette) is computed
  on data centred near the points it compares, or recomputed from the
  differences ``x - c``, so an offset (Unix timestamps, coordinates in
  metres) costs no more than the rounding of the input itself.
- **Rescaled by a power of two.** Inputs whose squares would overflow or
  underflow (beyond about ``1e154`` or below about ``1e-154``, subnormal
  numbers included) are multiplied by a power of two before the work and
  the results scaled back. Multiplying by ``2**e`` is exact, so on ordinary
  data nothing changes, bit for bit.
- **Refused when not representable.** An answer float64 cannot hold (an
  inertia or a squared distance beyond ``1.8e308``) raises ``ValueError``
  saying so, rather than returning ``inf``.
- **Inputs.** Arrays are real numbers (bool, int, float; pandas numeric
  columns without missing values; Python ints within the float64 range).
  Masked arrays, sparse matrices, generators, and pandas columns with
  ``NA`` are refused with a message naming the type and the fix. Labels are
  integers or strings without missing values. Flags are ``bool`` only: a
  truthy string such as ``"no"`` is refused.
"""

from __future__ import annotations

import inspect
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
    "check_bool",
    "check_label_values",
    "as_array",
    "unit_exponent",
    "check_representable",
]


def _describe(value) -> str:
    """A short description of ``value`` for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} (type {type(value).__name__})"


def unit_exponent(largest: float) -> int:
    """The ``e`` for which ``largest * 2**e`` lies in ``[1/2, 1)``; 0 if ``largest`` is 0.

    ``frexp`` reads the true exponent of subnormal numbers too.
    """
    if not largest > 0:
        return 0
    return -int(np.frexp(largest)[1])


def check_representable(value, name: str, what: str):
    """``value`` (a float or an array) if finite, else ``ValueError`` naming ``what``.

    Used where a result computed on rescaled data is scaled back to the
    data's units and might exceed float64's range (about ``1.8e308``).
    """
    if not np.all(np.isfinite(value)):
        raise ValueError(
            f"{what} of {name} cannot be represented: it exceeds the largest "
            f"float64 (about 1.8e308); divide {name} by a power of ten first"
        )
    return value


def _refuse_special(X, name: str) -> None:
    """``TypeError`` for masked arrays, sparse matrices and iterators, with the fix."""
    if isinstance(X, np.ma.MaskedArray):
        raise TypeError(
            f"{name} must not be a masked array: kmlib would ignore the mask; "
            f"drop the masked rows (X[~X.mask.any(axis=1)].data) or fill them "
            f"({name}.filled(value))"
        )
    if hasattr(X, "toarray") and not isinstance(X, np.ndarray):
        raise TypeError(
            f"{name} must be a dense array; got a sparse matrix "
            f"({type(X).__name__}): convert it with {name}.toarray()"
        )
    if hasattr(X, "__next__") or inspect.isgenerator(X):
        raise TypeError(
            f"{name} must be an array or a list; got a generator or iterator "
            f"({type(X).__name__}): make it a list first, list({name})"
        )


def _has_missing(X) -> bool:
    """Whether a pandas object (or an array of objects) holds ``NA``/``None``."""
    isna = getattr(X, "isna", None)
    if callable(isna):
        missing = np.asarray(isna())
        return bool(missing.any())
    return False


def as_array(X, name: str, *, dtype=None, what="an array") -> np.ndarray:
    """``numpy.asarray(X)`` with kmlib's refusals and conversions.

    Masked arrays, sparse matrices and generators raise ``TypeError``;
    pandas objects with missing values ``ValueError``; pandas nullable
    columns without them become float64 or int64; an array of Python
    numbers (``dtype=object``, e.g. an int beyond 2**64) becomes float64,
    or ``ValueError`` if one does not fit.
    """
    _refuse_special(X, name)
    if _has_missing(X):
        raise ValueError(
            f"{name} has missing values (pandas NA or None); every entry must "
            f"be a number: drop or fill them first (dropna() or fillna(value)), "
            f"then {name}.to_numpy(dtype=float)"
        )
    if hasattr(X, "to_numpy") and not isinstance(X, np.ndarray):
        try:  # pandas nullable dtypes (Int64, Float64, boolean) without NA
            X = X.to_numpy(dtype=dtype)
        except (TypeError, ValueError):
            X = X.to_numpy()
    try:
        array = np.asarray(X) if dtype is None else np.asarray(X, dtype=dtype)
    except OverflowError:
        raise ValueError(
            f"{name} holds a number beyond the float64 range (about 1.8e308)"
        ) from None
    except (TypeError, ValueError) as error:  # ragged nested lists, say
        raise ValueError(
            f"{name} must be {what} of numbers; could not convert "
            f"{_describe(X)}: {error}"
        ) from None
    if array.dtype == object and array.size:
        array = _objects_to_float(array, name)
    return array


def _objects_to_float(array: np.ndarray, name: str) -> np.ndarray:
    """An object array of real numbers as float64 (else unchanged, for the caller to refuse)."""
    flat = array.reshape(-1)
    if not all(
        isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_)
        for v in flat
    ):
        return array
    try:
        return array.astype(np.float64)
    except OverflowError:
        raise ValueError(
            f"{name} holds a number beyond the float64 range (about 1.8e308); "
            f"got an integer of {max(abs(int(v)) for v in flat).bit_length()} bits"
        ) from None


def check_array(
    X, name: str = "X", *, ndim: int = 2, min_rows: int = 1
) -> np.ndarray:
    """Return ``X`` as a C-contiguous float64 array of ``ndim`` dimensions.

    Accepts anything ``numpy.asarray`` understands (lists, int, bool, float32 or
    float64 arrays, pandas numeric columns without missing values, Python
    ints within the float64 range). Rejects, with a message naming ``name``:

    - non-numeric data (strings, objects, complex numbers), masked arrays,
      sparse matrices, generators: ``TypeError``;
    - the wrong number of dimensions, fewer than ``min_rows`` rows, zero
      columns, NaN, infinite or missing values: ``ValueError``.
    """
    array = as_array(X, name, what=f"a {ndim}-D array")
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
    _refuse_special(labels, name)
    if _has_missing(labels):
        raise ValueError(
            f"{name} has missing values (pandas NA or None); every point "
            "needs a cluster id"
        )
    if hasattr(labels, "to_numpy") and not isinstance(labels, np.ndarray):
        labels = labels.to_numpy()  # pandas Int64 without NA: int64
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
    if array.dtype == object:
        kinds = sorted({type(v).__name__ for v in array.reshape(-1).tolist()})
        if len(kinds) > 1:
            raise TypeError(
                f"{name} must be an array of integers (cluster ids); got a mix "
                f"of {kinds}"
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


def check_bool(value, name: str) -> bool:
    """Return ``value`` as a bool; anything but a bool raises ``TypeError``.

    ``numpy.bool_`` counts as a bool; ``1``, ``"no"`` or ``None`` do not
    (a truthy string would silently act as ``True``).
    """
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {_describe(value)}")
    return bool(value)


def check_label_values(labels, name: str = "labels") -> np.ndarray:
    """Class or cluster labels as a 1-D array of integers or of strings.

    Any integers or any strings are accepted (bools and integral floats are
    accepted as the integers they equal). Refused, with ``name``:
    NaN and missing values (pandas ``NA``, ``None``): ``ValueError``; a mix
    of numbers and strings (``1`` and ``"1"`` would merge or sort
    arbitrarily), other floats and objects: ``TypeError``; not 1-D, empty:
    ``ValueError``.
    """
    if _has_missing(labels):
        raise ValueError(
            f"{name} has missing values (pandas NA or None); every point "
            "needs a label: drop or fill them first"
        )
    array = as_array(labels, name, what="a 1-D array")
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array; got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    kind = array.dtype.kind
    if kind == "O":
        values = array.tolist()
        if any(v is None for v in values):
            raise ValueError(
                f"{name} has missing values (None); every point needs a label"
            )
        if all(isinstance(v, str) for v in values):
            return array.astype(str)
        raise TypeError(
            f"{name} must be all integers or all strings; got a mix of "
            f"{sorted({type(v).__name__ for v in values})}"
        )
    if kind == "f":
        if np.isnan(array).any():
            raise ValueError(
                f"{name} must not contain NaN; every point needs a label"
            )
        if not (array == np.round(array)).all():
            raise TypeError(
                f"{name} must be integers or strings; got non-integral floats "
                f"such as {array[array != np.round(array)][0]!r}"
            )
        return array.astype(np.int64)
    if kind not in "biuUS":
        raise TypeError(
            f"{name} must be integers or strings; got {_describe(array)}"
        )
    return array
