"""Arrow arrays to and from numpy arrays, by their buffers.

pyarrow's own pa.array() and Array.to_numpy() import pandas on their first call (to recognise
pandas' types): 0.16 s that `zorginkoop claims load` otherwise never spends. The few arrays the
loaders and the tables kept in memory exchange with numpy (row numbers, indices, masks) go
through here instead.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

_TYPES = {np.dtype(np.int32): pa.int32(), np.dtype(np.int64): pa.int64()}


def _validity(missing: np.ndarray | None) -> tuple[pa.Buffer | None, int]:
    if missing is None or not missing.any():
        return None, 0
    return pa.py_buffer(np.packbits(~missing, bitorder="little")), int(np.count_nonzero(missing))


def from_numpy(values: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """A one-dimensional numpy array of int32, int64 or bool as Arrow (`missing`: True where null)."""
    values = np.ascontiguousarray(values)
    if missing is not None and len(missing) != len(values):
        raise ValueError(f"from_numpy: {len(missing)} null flags for {len(values)} values")
    validity, nulls = _validity(missing)
    if values.dtype == np.bool_:
        data = pa.py_buffer(np.packbits(values, bitorder="little"))
        return pa.Array.from_buffers(pa.bool_(), len(values), [validity, data], null_count=nulls)
    if values.dtype not in _TYPES:
        raise TypeError(f"from_numpy: {values.dtype} is not int32, int64 or bool")
    return pa.Array.from_buffers(_TYPES[values.dtype], len(values), [validity, pa.py_buffer(values)], null_count=nulls)


def combined(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A column as one array (ChunkedArray.combine_chunks of no chunks, an empty result, imports pandas)."""
    if isinstance(values, pa.Array):
        return values
    if values.num_chunks == 1:
        return values.chunk(0)
    return pa.concat_arrays(values.chunks) if values.num_chunks else pa.nulls(0, values.type)


def to_numpy(values: pa.Array | pa.ChunkedArray, null: int | bool | None = None) -> np.ndarray:
    """An Arrow array of integers or booleans as numpy, its nulls as `null` (None: it has none).
    Without nulls the result is a view of the Arrow buffer: read it, do not write to it."""
    values = combined(values)
    kind, count, offset = values.type, len(values), values.offset
    if pa.types.is_boolean(kind):
        data = _bits(values.buffers()[1], offset, count)
    elif pa.types.is_integer(kind):
        dtype = np.dtype(f"{'i' if pa.types.is_signed_integer(kind) else 'u'}{kind.bit_width // 8}")
        data = np.frombuffer(values.buffers()[1], dtype=dtype, count=count, offset=offset * dtype.itemsize) \
            if count else np.zeros(0, dtype=dtype)
    else:
        raise TypeError(f"to_numpy: {kind} is not an integer or boolean type")
    if not values.null_count:
        return data
    if null is None:
        raise ValueError("to_numpy: the array has nulls and no value was given for them")
    return np.where(_bits(values.buffers()[0], offset, count), data, null).astype(data.dtype)


def _bits(buffer: pa.Buffer | None, offset: int, count: int) -> np.ndarray:
    if not count:
        return np.zeros(0, dtype=bool)
    bits = np.unpackbits(np.frombuffer(buffer, dtype=np.uint8), bitorder="little", count=offset + count)
    return bits[offset:].astype(bool)


def texts(values: list[str]) -> pa.StringArray:
    """A few texts as an Arrow string array."""
    encoded = [v.encode("utf-8") for v in values]
    offsets = np.concatenate(([0], np.cumsum([len(e) for e in encoded], dtype=np.int64))).astype(np.int32)
    return pa.StringArray.from_buffers(len(values), pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded)))


def empty(schema: pa.Schema) -> pa.Table:
    """A table of the schema without rows (Schema.empty_table imports pandas)."""
    return pa.Table.from_batches([], schema=schema)
