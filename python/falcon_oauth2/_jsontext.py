"""JSON text in and out through CPython's C accelerator alone: the json package's decoder
imports re (with enum and functools), some 7 ms of a cold process's first call, for patterns the
C scanner does not use. Elsewhere (no _json), the json package."""
from __future__ import annotations

from ._types import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Callable, Tuple

try:
    import _json
except ImportError:  # pragma: no cover - not CPython
    _json = None  # type: ignore[assignment]

_WHITESPACE = " \t\n\r"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class _Context:
    """What the C scanner reads its settings from (json.JSONDecoder's attributes)."""
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = staticmethod(_refuse_constant)


# typeshed types the context as a scanner; the C code reads only the attributes above.
_scan: Callable[[str, int], Tuple[Any, int]] | None = _json.make_scanner(_Context()) if _json else None  # type: ignore[arg-type]


def loads(text: str) -> Any:
    """The value `text` holds; ValueError when it is not one JSON value (NaN and Infinity refused)."""
    if _scan is None:  # pragma: no cover - not CPython
        import json  # pylint: disable=import-outside-toplevel
        return json.loads(text)
    start = len(text) - len(text.lstrip(_WHITESPACE))
    try:
        value, end = _scan(text, start)
    except StopIteration as nothing:
        raise ValueError(f"no JSON value at character {nothing.value}") from None
    if text[end:].strip(_WHITESPACE):
        raise ValueError(f"more than one JSON value (extra data at character {end})")
    return value


def dumps(value: Any) -> str:
    """`value` (dicts with string keys, lists, tuples, strings, numbers, booleans, None) as
    compact ASCII JSON text; TypeError for anything else, ValueError for NaN or infinity."""
    if _json is None:  # pragma: no cover - not CPython
        import json  # pylint: disable=import-outside-toplevel
        return json.dumps(value, allow_nan=False)
    parts: list = []
    _write(value, parts)
    return "".join(parts)


def _write(value: Any, parts: list) -> None:
    if value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, str):
        parts.append(_json.encode_basestring_ascii(value))
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("NaN and infinity are not JSON")
        parts.append(float.__repr__(value))
    elif isinstance(value, dict):
        parts.append("{")
        for index, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys are strings, not {type(key).__name__}")
            parts.append(("," if index else "") + _json.encode_basestring_ascii(key) + ":")
            _write(item, parts)
        parts.append("}")
    elif isinstance(value, (list, tuple)):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _write(item, parts)
        parts.append("]")
    else:
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
