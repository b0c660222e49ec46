"""The one form pattern: Tabler classes on every widget, errors inline next to their field, and
announced to screen readers through aria-describedby, in the user's language."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django import forms
from django.utils import translation

from shezhi.core.forms import TablerForm
from shezhi.core.testing import PASSWORD, Personas


class SampleForm(TablerForm):
    name = forms.CharField(label="名称", help_text="请填写全称")
    kind = forms.ChoiceField(label="类型", choices=[("a", "甲"), ("b", "乙")])
    agree = forms.BooleanField(label="同意")
    tags = forms.MultipleChoiceField(
        label="标签", choices=[("x", "X")], widget=forms.CheckboxSelectMultiple
    )


def tag(html: str, element: str, name: str) -> str:
    found = re.search(rf"<{element}[^>]*name=\"{name}\"[^>]*>", html)
    assert found, name
    return found.group(0)


def test_widgets_get_tablers_classes() -> None:
    html = str(SampleForm())
    assert 'class="form-control"' in tag(html, "input", "name")
    assert 'class="form-select"' in tag(html, "select", "kind")
    assert 'class="form-check-input"' in tag(html, "input", "agree")
    assert 'class="form-check-input"' in tag(html, "input", "tags")
    assert 'aria-describedby="id_name_helptext"' in html and 'id="id_name_helptext"' in html


def test_errors_are_inline_and_described() -> None:
    form = SampleForm(data={"kind": "z"})
    with translation.override("zh-hans"):
        html = str(form)
    assert not form.is_valid()
    name_input = re.search(r"<input[^>]*name=\"name\"[^>]*>", html).group(0)  # type: ignore[union-attr]
    assert "is-invalid" in name_input and 'aria-invalid="true"' in name_input
    assert 'aria-describedby="id_name_helptext id_name_error"' in name_input
    assert re.search(
        r'<div class="invalid-feedback d-block" id="id_name_error"><div>这个字段是必填项。</div>',
        html,
    )
    assert 'id="id_kind_error"' in html and "选择一个有效的选项" in html
    select = re.search(r"<select[^>]*name=\"kind\"[^>]*>", html).group(0)  # type: ignore[union-attr]
    assert "form-select is-invalid" in select


@pytest.mark.django_db
def test_the_login_page_uses_the_pattern(client: Any, people: Personas) -> None:
    html = client.get("/accounts/login/").content.decode()
    username = re.search(r"<input[^>]*name=\"username\"[^>]*>", html).group(0)  # type: ignore[union-attr]
    assert 'class="form-control"' in username
    response = client.post("/accounts/login/", {"username": "officer-440118", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in html and "请输入一个正确的" in html
    assert "社治 · 社会治理平台</a>" in html  # the layout's name, not LoginView's host name
    response = client.post("/accounts/login/", {"username": "officer-440118", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_password_page_shows_field_errors_inline(client: Any, people: Personas) -> None:
    client.force_login(people.county_officer)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-long-new-pass-1",
            "new_password2": "different-pass-2",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    field = re.search(r"<input[^>]*name=\"new_password2\"[^>]*>", html).group(0)  # type: ignore[union-attr]
    assert "is-invalid" in field and "id_new_password2_error" in field
    assert 'id="id_new_password2_error"' in html and "输入的两个密码不一致。" in html


@pytest.mark.django_db
def test_errors_follow_the_users_language(client: Any, people: Personas) -> None:
    client.force_login(people.county_officer)
    html = client.post("/accounts/password/", {}).content.decode()
    assert "这个字段是必填项。" in html
    client.cookies["django_language"] = "en"
    html = client.post("/accounts/password/", {}).content.decode()
    assert "This field is required." in html
