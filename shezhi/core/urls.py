from __future__ import annotations

from django.urls import path

from .views import divisions, health, history, home, personal, todos

app_name = "core"

urlpatterns = [
    path("", home.home, name="home"),
    path("todos/", todos.todo_list, name="todo_list"),
    path("todos/<int:pk>/complete/", todos.todo_complete, name="todo_complete"),
    path("divisions/", divisions.division_list, name="division_list"),
    path("divisions/<str:code>/", divisions.division_detail, name="division_detail"),
    # Generic record pages: <label> is "<app_label>.<model>" of a registered record type.
    path("history/<str:label>/<str:pk>/", history.history, name="history"),
    path("personal/<str:label>/<str:pk>/<str:field>/", personal.reveal, name="reveal_personal"),
    path("healthz", health.healthz, name="healthz"),
]
