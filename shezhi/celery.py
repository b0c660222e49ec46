"""Celery wiring. Without REDIS_URL tasks run in-process (eager), so nothing needs a broker."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shezhi.settings")

app = Celery("shezhi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic schedule lives here, in one place (times are Asia/Shanghai).
app.conf.beat_schedule = {
    "todos-daily-refresh": {
        "task": "shezhi.core.tasks.refresh_todos",
        "schedule": crontab(hour=1, minute=0),
    },
    "party-reelection-reminders": {
        "task": "shezhi.party.tasks.raise_reelection_reminders",
        "schedule": crontab(hour=1, minute=30),
    },
    # Probations ending soon and expired transfer letters (party members module).
    "party-member-reminders": {
        "task": "shezhi.party.tasks.raise_member_reminders",
        "schedule": crontab(hour=1, minute=20),
    },
}
