"""The one way a workflow button on a record's page is answered (STYLE §5, §12).

The button POSTs a small form (a reason, a decision, a date, a file). The view fetches the record
through its scoping (404) and asks the permission predicate (403); the rest is the same for every
such button and is written here. The view hands over the bound form, the service call as `step`
(a function of the cleaned data), the success message as `done` and the record's page as `back`
(party/views/transfers.py has examples).

Every outcome goes back to the record's page with a message, never to an error page: the form's
problem, a state that no longer allows the step (TransitionNotAllowed, e.g. another officer was
first; the API answers 409), a rule that says no (ValidationError; the API's 422), or the step
done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect

from shezhi.core.workflows import TransitionNotAllowed

T = TypeVar("T")


def form_problems(request: HttpRequest, form: forms.BaseForm) -> None:
    """Each of the form's errors as a message (the form itself is not shown again)."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def workflow_action(
    request: HttpRequest,
    *,
    step: Callable[[dict[str, Any]], T],
    done: str | Callable[[T], str],
    back: str,
    form: forms.BaseForm | None = None,
    invalid: str | None = None,
) -> HttpResponseRedirect:
    """Read `form`, run `step` with its cleaned data, say how it went, and go `back`.

    `invalid` is what to say when the form does not validate (by default, its own errors);
    `done` is the success message, or a function of what `step` returned.
    """
    data: dict[str, Any] = {}
    if form is not None:
        if not form.is_valid():
            if invalid is None:
                form_problems(request, form)
            else:
                messages.error(request, invalid)
            return redirect(back)
        data = form.cleaned_data
    try:
        result = step(data)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done(result) if callable(done) else done)
    return redirect(back)
