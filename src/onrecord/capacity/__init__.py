"""Capacity: in what capacity is the author speaking? (official, professional, private, political)."""

from onrecord.capacity.assess import assess, assess_many
from onrecord.capacity.model import CapacityModel, default_model

__all__ = ["CapacityModel", "assess", "assess_many", "default_model"]
