"""Small pieces every console view uses."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest

from beffroi.core.errors import InvalidInput
from beffroi.directory.models import Agent


def address_of(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def acting_agent(request: HttpRequest) -> Agent:
    assert isinstance(request.user, Agent)
    return request.user


def show_problems(form: forms.Form, error: InvalidInput) -> None:
    """Put an action's field errors on the form (unknown fields as form-wide errors)."""
    for field, problems in error.fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
