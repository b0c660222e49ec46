"""The kernel's Celery tasks. Thin: each calls one service. Schedules live in shezhi/celery.py."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from .todos import todos_refresh


@shared_task(name="shezhi.core.tasks.refresh_todos")
def refresh_todos() -> dict[str, int]:
    """Daily: mark to-dos past their due date overdue and escalate them (todos.todos_refresh)."""
    return asdict(todos_refresh())
