"""Small pieces every console view uses."""

from __future__ import annotations

from django import forms

from beffroi.core.errors import InvalidInput
from beffroi.web.requests import acting_agent, address_of

__all__ = ["acting_agent", "address_of", "show_problems"]


def show_problems(form: forms.Form, error: InvalidInput) -> None:
    """Put an action's field errors on the form (unknown fields as form-wide errors)."""
    for field, problems in error.fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
