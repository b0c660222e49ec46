"""The error shape, documented on every operation by shezhi/api/urls.py. Modules keep their own
schemas in their api.py."""

from __future__ import annotations

from ninja import Schema


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str


class ErrorOut(Schema):
    """Every error: `detail` for people, `code` for programs (not_authenticated, not_found, …)."""

    detail: str | list[ErrorItem]
    code: str


class ConflictOut(ErrorOut):
    """A workflow action the record's current status does not allow (code "conflict")."""

    status: str | None = None
    requested: str
    allowed: list[str]
