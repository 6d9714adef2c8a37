"""The CLI's JSON writer gives json.dumps' text exactly (indent 2, text as it is), for any JSON
value and for the lists of films the commands print."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cryqueue.cli import json_text

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=30,
)


def written(value: Any) -> str:
    return "".join(json_text.chunks(value))


@given(VALUES)
def test_any_json_value_is_written_as_json_dumps_writes_it(value: Any) -> None:
    assert written(value) == json.dumps(value, ensure_ascii=False, indent=2)


@given(st.lists(st.dictionaries(st.text(max_size=8), VALUES, max_size=6), max_size=5))
def test_a_list_of_records_is_written_a_record_at_a_time_the_same(records: list[Any]) -> None:
    pieces = list(json_text.chunks(records))
    assert "".join(pieces) == json.dumps(records, ensure_ascii=False, indent=2)
    assert len(pieces) == (len(records) + 2 if records else 1)


@pytest.mark.parametrize("value", [{1: "a"}, [True, {"a": object()}], [1, ("x", 2.5, {3})]])
def test_what_it_does_not_write_it_refuses_before_writing_anything(value: Any) -> None:
    pieces = json_text.chunks(value)
    with pytest.raises(json_text.Unusual):
        next(pieces)
