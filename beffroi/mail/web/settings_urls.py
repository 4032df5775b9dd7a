"""The agent's mail settings, under /courrier/reglages/: out-of-office and rules."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
