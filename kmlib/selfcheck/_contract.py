"""Contract checks of what the learner's function returns, and how to show data.

Each check raises a :class:`~kmlib.selfcheck._core.Failure` (status
``"wrong"``) whose message says what was expected and what came, with the
numbers, never with ``==`` on floats.
"""

from __future__ import annotations

import numpy as np

from ._core import wrong

MAX_ROWS = 4  # rows that differ shown in a message


def show(value, precision: int = 6) -> str:
    """A short one-line text of an array or number."""
    array = np.asarray(value)
    if array.ndim == 0:
        return format_number(array[()])
    text = np.array2string(
        array,
        precision=precision,
        separator=", ",
        threshold=12,
        edgeitems=3,
        max_line_width=10_000,
        suppress_small=False,
    )
    return " ".join(text.split())


def format_number(x) -> str:
    """A number with up to 10 significant digits (integers as integers)."""
    if isinstance(x, bool | np.bool_):
        return str(bool(x))
    if isinstance(x, int | np.integer):
        return str(int(x))
    try:
        return f"{float(x):.10g}"
    except (TypeError, ValueError):
        return repr(x)


def describe_inputs(args: dict) -> str:
    """The inputs of a case: small arrays in full, large ones by shape."""
    parts = []
    for key, value in args.items():
        array = np.asarray(value) if not callable(value) else None
        if isinstance(value, np.random.Generator):
            text = "a numpy Generator"
        elif array is not None and array.size > 24:
            text = f"array of shape {array.shape}, dtype {array.dtype}"
        else:
            text = show(value)
            if isinstance(value, np.ndarray) and value.dtype != np.float64:
                text += f" (dtype {value.dtype})"
        parts.append(f"  {key} = {text}")
    return "Input:\n" + "\n".join(parts)


def as_array(value, what: str, shape: tuple, kind: str = "float"):
    """``value`` as an ndarray of ``shape``: integers for ``kind="int"``.

    Floats must be finite. The message names ``what`` (``"labels"``).
    """
    try:
        array = np.asarray(value)
    except Exception:  # ragged lists and the like
        raise wrong(
            f"{what} must be an array; got {type(value).__name__}"
        ) from None
    if array.dtype == object or array.dtype.kind not in "biuf":
        raise wrong(f"{what} must be an array of numbers; got {show(value)}")
    if array.shape != tuple(shape):
        raise wrong(
            f"{what} must have shape {tuple(shape)}; got shape {array.shape}"
        )
    if kind == "int" and array.dtype.kind not in "iu":
        raise wrong(
            f"{what} must be integers; got dtype {array.dtype}. "
            "argmin returns integers; an array made by np.zeros(n) or "
            "np.empty(n) is float unless you give dtype=int."
        )
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        bad = np.unique(np.argwhere(~np.isfinite(array))[:, 0])
        raise wrong(
            f"{what} contains NaN or infinity (rows {show(bad[:MAX_ROWS])}): "
            f"{show(array)}"
        )
    return array


def as_tuple(value, names: tuple[str, ...]) -> tuple:
    """``value`` as a tuple of ``len(names)`` items (what fn returns)."""
    wanted = "(" + ", ".join(names) + ")"
    if not isinstance(value, tuple | list) or len(value) != len(names):
        got = type(value).__name__
        if isinstance(value, tuple | list):
            got += f" of {len(value)} items"
        raise wrong(f"return the tuple {wanted}; got a {got}")
    return tuple(value)


def differing_rows(mask, columns: dict, limit: int = MAX_ROWS) -> str:
    """Lines "row i: name = value, ..." for the first rows where ``mask``."""
    rows = np.flatnonzero(mask)
    lines = [f"{rows.size} of {mask.size} rows differ"]
    for i in rows[:limit]:
        cells = ", ".join(f"{k} {show(v[i])}" for k, v in columns.items())
        lines.append(f"  row {i}: {cells}")
    if rows.size > limit:
        lines.append(f"  ... and {rows.size - limit} more")
    return "\n".join(lines)


def close_mask(got, expected, rtol: float, atol: float) -> np.ndarray:
    """Rows (first axis) where ``got`` is not within tolerance."""
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    bad = ~np.isclose(got, expected, rtol=rtol, atol=atol)
    if bad.ndim > 1:
        bad = bad.reshape(bad.shape[0], -1).any(axis=1)
    return np.atleast_1d(bad)


def compare_floats(got, expected, what: str, rtol: float, atol: float, X=None):
    """Raise if ``got`` and ``expected`` differ beyond the tolerance."""
    bad = close_mask(got, expected, rtol, atol)
    if bad.any():
        columns = {} if X is None else {"x =": np.asarray(X)}
        columns.update({"expected": expected, "got": got})
        raise wrong(
            f"{what} differ from the expected ones "
            f"(tolerance {rtol:g} relative):\n" + differing_rows(bad, columns)
        )


def compare_labels(got, expected, what: str = "labels", X=None):
    """Raise if two integer label arrays differ, showing the rows."""
    bad = np.asarray(got) != np.asarray(expected)
    if bad.any():
        columns = {} if X is None else {"x =": np.asarray(X)}
        columns.update({"expected": expected, "got": got})
        raise wrong(f"{what} differ:\n" + differing_rows(bad, columns))


def scale_of(X) -> float:
    """The size of the coordinates, for absolute tolerances."""
    X = np.asarray(X, dtype=np.float64)
    return float(np.abs(X).max()) if X.size else 1.0


def rtol_for(*arrays) -> float:
    """1e-9 for float64/int input, 1e-5 when an input is float32."""
    low = any(
        isinstance(a, np.ndarray) and a.dtype in (np.float32, np.float16)
        for a in arrays
    )
    return 1e-5 if low else 1e-9
