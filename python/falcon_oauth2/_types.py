"""The package's type names, for annotations only. Nothing here exists at run time: the typing
module is the dearest import a first call would pay for, and annotations (postponed in every
module) do not need it. Type checkers read this as if ``TYPE_CHECKING`` were true."""
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Tuple, Union

    from ._result import Result

    #: FalconPy's uniform result: ``{"status_code", "headers", "body"}``.
    ResultDict = Dict[str, Any]
    #: A call's result in the object's mode: the dictionary, or a Result (pythonic).
    Returned = Union[ResultDict, Result]
    #: requests' timeout: seconds, or a (connect, read) pair.
    Timeout = Union[float, int, Tuple[Union[float, int], Union[float, int]], None]
