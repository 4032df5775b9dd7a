"""Console pages for the organisation chart: parse, access, act, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from beffroi.directory.web.guards import console_required


@console_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "console/index.html")
