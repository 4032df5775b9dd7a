"""/console/audit/…: the audit trail for administrators (namespace ``console``)."""

from django.urls import URLPattern, URLResolver, path

from beffroi.audit.web import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.trail, name="audit"),
    path("export.csv", views.export, name="audit_export"),
]
