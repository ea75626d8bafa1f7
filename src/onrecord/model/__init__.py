"""Pure data types shared by every layer (no I/O). The bottom import layer."""

from onrecord.model.finding import (
    CAPACITIES,
    CapacityResult,
    ClauseRef,
    Finding,
    Fix,
    InputError,
    Result,
    Span,
)
from onrecord.model.post import Account, Author, Circumstances, Metrics, Post

__all__ = [
    "CAPACITIES",
    "Account",
    "Author",
    "CapacityResult",
    "Circumstances",
    "ClauseRef",
    "Finding",
    "Fix",
    "InputError",
    "Metrics",
    "Post",
    "Result",
    "Span",
]
