from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views, views_tokens
from .forms import LoginForm, PasswordChangeForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
            # LoginView sets site_name to the host name; the layout shows the platform's name.
            extra_context={"site_name": settings.SHEZHI_SITE_NAME},
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            form_class=PasswordChangeForm,
            success_url=reverse_lazy("accounts:profile"),
        ),
        name="password_change",
    ),
    path("profile/", views.profile, name="profile"),
    path("users/", views.user_list, name="user_list"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("tokens/", views_tokens.token_list, name="token_list"),
    path("tokens/new/", views_tokens.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views_tokens.token_revoke, name="token_revoke"),
]
