"""The engine that turns a post into a result."""

from onrecord.engine.choose_pack import UnknownCode, choose_pack
from onrecord.engine.linter import Engine

__all__ = ["Engine", "UnknownCode", "choose_pack"]
