"""onrecord: check posts by public servants against the code of conduct they already signed."""

__version__ = "0.1.0"
