"""Results in FalconPy's shapes: plain dictionaries, or Result objects in pythonic mode."""
from __future__ import annotations

from ._types import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Dict, Iterator, List, Optional, Tuple

    from ._types import ResultDict


def result_dict(status_code: int, headers: Optional[Dict[str, str]], body: Any) -> ResultDict:
    """FalconPy's uniform return: ``{"status_code", "headers", "body"}``."""
    return {"status_code": status_code, "headers": dict(headers or {}), "body": body}


def error_dict(status_code: int, message: str, headers: Optional[Dict[str, str]] = None) -> ResultDict:
    """A result the SDK makes itself, in FalconPy's error shape."""
    return result_dict(status_code, headers, {"errors": [{"message": message, "code": status_code}], "resources": []})


def ok_dict(message: str, headers: Optional[Dict[str, str]] = None, status_code: int = 200) -> ResultDict:
    """A success the SDK reports itself, in FalconPy's shape (``logout``)."""
    return result_dict(status_code, headers, {"message": message, "resources": []})


def full_of(returned: "ResultDict | Result") -> ResultDict:
    """The dictionary form of a result, whichever form it came in."""
    return returned.full_return if isinstance(returned, Result) else returned


class Result:
    """A result as FalconPy's pythonic mode returns it: attributes instead of keys.

    ``status_code``, ``headers`` and ``body`` are what the dictionary form holds; ``errors`` and
    ``resources`` are the body's lists (empty for a token reply), ``full_return`` the dictionary.
    """

    def __init__(self, full: ResultDict):
        """Wrap the dictionary form of a result."""
        self._full = full

    @property
    def status_code(self) -> int:
        """The HTTP status code (or the SDK's own, for a refusal)."""
        return self._full["status_code"]

    @property
    def headers(self) -> Dict[str, str]:
        """The response headers as received."""
        return self._full["headers"]

    @property
    def body(self) -> Any:
        """The body exactly as the API sent it."""
        return self._full["body"]

    @property
    def full_return(self) -> ResultDict:
        """The dictionary form: ``{"status_code", "headers", "body"}``."""
        return self._full

    @property
    def tupled(self) -> Tuple[int, Dict[str, str], Any]:
        """``(status_code, headers, body)``."""
        return self.status_code, self.headers, self.body

    @property
    def errors(self) -> List[Dict[str, Any]]:
        """The body's ``errors`` list."""
        return self.body.get("errors", []) if isinstance(self.body, dict) else []

    @property
    def resources(self) -> List[Any]:
        """The body's ``resources`` list."""
        return self.body.get("resources", []) if isinstance(self.body, dict) else []

    data = resources

    @property
    def trace_id(self) -> Optional[str]:
        """The request's trace ID (``X-Cs-Traceid``)."""
        return self.headers.get("X-Cs-Traceid")

    @property
    def region(self) -> Optional[str]:
        """The cloud that answered (``X-Cs-Region``)."""
        return self.headers.get("X-Cs-Region")

    def __iter__(self) -> Iterator[Any]:
        """Iterate over the resources."""
        return iter(self.resources)

    def __len__(self) -> int:
        """The number of resources."""
        return len(self.resources)

    def __getitem__(self, position: int) -> Any:
        """One resource by position."""
        return self.resources[position]

    def __repr__(self) -> str:
        """The dictionary form, as text."""
        return str(self._full)
