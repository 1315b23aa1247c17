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


def _refuse(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# The C encoder json.JSONEncoder makes, with compact separators, ASCII output, NaN and infinity
# refused. No circular-reference markers: one encoder serves every thread, and a failed call
# would leave its marks behind; a value that contains itself ends in RecursionError instead.
_encode: Callable[[Any, int], Any] | None = (
    _json.make_encoder(None, _refuse, _json.encode_basestring_ascii, None, ":", ",", False, False, False) if _json else None)


def dumps(value: Any) -> str:
    """`value` (dicts, lists, tuples, strings, numbers, booleans, None) as compact ASCII JSON
    text, as json.dumps writes it; TypeError for anything else, ValueError for NaN or infinity."""
    if _encode is None:  # pragma: no cover - not CPython
        import json  # pylint: disable=import-outside-toplevel
        return json.dumps(value, allow_nan=False, separators=(",", ":"))
    return "".join(_encode(value, 0))
