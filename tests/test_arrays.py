"""zorginkoop.arrays: Arrow arrays to and from numpy by their buffers, as pyarrow's own conversions
make them (those import pandas), offsets and nulls included."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zorginkoop.arrays import combined, empty, from_numpy, texts, to_numpy

DTYPES = (np.int32, np.int64, np.bool_)


@given(st.sampled_from(DTYPES), st.lists(st.tuples(st.integers(-2**31, 2**31 - 1), st.booleans()), max_size=40),
       st.integers(0, 5))
def test_round_trip_as_pyarrow_makes_it(dtype, rows, skip):
    values = np.array([v for v, _ in rows], dtype=np.int64).astype(dtype)
    missing = np.array([m for _, m in rows], dtype=bool)
    made = from_numpy(values, missing)
    made.validate(full=True)
    assert made.equals(pa.array(values, mask=missing))
    part = made.slice(min(skip, len(made)))  # an offset into the buffers
    fill = False if dtype is np.bool_ else -7
    expected = [fill if v is None else v for v in part.to_pylist()]
    assert to_numpy(part, null=fill).tolist() == expected
    assert to_numpy(part, null=fill).dtype == np.dtype(dtype)
    assert to_numpy(pa.chunked_array([made, made]), null=fill).tolist() == 2 * [fill if m else v for v, m in zip(values.tolist(), missing)]


def test_nulls_need_a_value_and_other_types_are_refused():
    with pytest.raises(ValueError):
        to_numpy(from_numpy(np.arange(3), np.array([False, True, False])))
    with pytest.raises(TypeError):
        to_numpy(texts(["a"]))


def test_texts_and_empty():
    assert texts(["ab", "", "é"]).equals(pa.array(["ab", "", "é"], pa.string()))
    schema = pa.schema([("a", pa.dictionary(pa.int32(), pa.string())), ("b", pa.int64())])
    assert empty(schema).equals(schema.empty_table())


def test_columns_of_no_chunks():
    """An empty query result comes as a column of no chunks (ChunkedArray.combine_chunks of it imports pandas)."""
    nothing = pa.chunked_array([], pa.int64())
    assert combined(nothing).equals(pa.array([], pa.int64()))
    assert to_numpy(nothing).tolist() == []
    assert combined(pa.chunked_array([from_numpy(np.arange(2)), from_numpy(np.arange(3))])).to_pylist() == [0, 1, 0, 1, 2]


NO_PANDAS = """
import sys
import numpy as np
import pyarrow as pa
from zorginkoop.arrays import combined, empty, from_numpy, texts, to_numpy
numbers = from_numpy(np.arange(4), np.array([False, True, False, False]))
to_numpy(pa.chunked_array([numbers.slice(1)]), null=0)
to_numpy(from_numpy(np.ones(3, dtype=bool)))
combined(pa.chunked_array([], pa.string()))
empty(pa.schema([("a", pa.int64())]))
texts(["a"])
print("pandas" in sys.modules)
"""


def test_no_pandas_imported():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", NO_PANDAS], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False"]
