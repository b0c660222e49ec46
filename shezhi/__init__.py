"""shezhi 社治: a social-governance platform for civil-affairs departments."""

from __future__ import annotations

from .celery import app as celery_app

__all__ = ["celery_app"]
