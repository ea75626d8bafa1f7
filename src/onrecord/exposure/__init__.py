"""Profile exposure: what a person's profiles and posts reveal, alone and combined across linked accounts
(see docs/exposure.md)."""

from onrecord.exposure.analyse import ExposureReport, analyse
from onrecord.exposure.rules import ExposureRules, ExposureRulesError, load_rules, shipped_rules

__all__ = ["ExposureReport", "ExposureRules", "ExposureRulesError", "analyse", "load_rules", "shipped_rules"]
