from __future__ import annotations

from django.urls import path

from .views import divisions, health, home, todos

app_name = "core"

urlpatterns = [
    path("", home.home, name="home"),
    path("todos/", todos.todo_list, name="todo_list"),
    path("divisions/", divisions.division_list, name="division_list"),
    path("divisions/<str:code>/", divisions.division_detail, name="division_detail"),
    path("healthz", health.healthz, name="healthz"),
]
