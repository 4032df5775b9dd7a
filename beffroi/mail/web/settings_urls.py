"""The agent's mail settings, under /courrier/reglages/: out-of-office, rules, moderation."""

from django.urls import URLPattern, path

from beffroi.mail.web import settings_views

urlpatterns: list[URLPattern] = [
    path("", settings_views.index, name="settings-index"),
    path(
        "boite/<uuid:mailbox_id>/absence/",
        settings_views.out_of_office,
        name="settings-out-of-office",
    ),
    path("boite/<uuid:mailbox_id>/regles/", settings_views.add_rule, name="settings-add-rule"),
    path(
        "boite/<uuid:mailbox_id>/regles/<uuid:rule_id>/<str:change>/",
        settings_views.change_rule,
        name="settings-change-rule",
    ),
    path(
        "moderation/<uuid:held_id>/<str:decision>/",
        settings_views.moderate,
        name="settings-moderate",
    ),
]
