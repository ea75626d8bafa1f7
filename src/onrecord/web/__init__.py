"""The web UI: check a draft, work the review queue, search and verify the archive (``onrecord serve``)."""

from onrecord.web.app import create_app

__all__ = ["create_app"]
