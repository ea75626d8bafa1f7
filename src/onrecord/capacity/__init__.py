"""Capacity: in what capacity is the author speaking? (official, professional, private, political)."""

from onrecord.capacity.assess import assess

__all__ = ["assess"]
