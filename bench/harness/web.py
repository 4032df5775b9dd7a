"""A browser's side of a bench: one keep-alive connection with its cookies, and the sign-in
form read from the page as a person's browser would."""

from __future__ import annotations

import http.client
import urllib.parse
from html.parser import HTMLParser
from typing import Any


class Connection:
    """One keep-alive HTTP connection with a cookie jar of its own."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.http.request(method, path, body=body, headers=sent)
        response = self.http.getresponse()
        content = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content


class _SignInForm(HTMLParser):
    """The first form of a page that has a password field: its action and fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attributes.get("action") or "", "inputs": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].append(attributes)

    def sign_in(self) -> dict[str, Any] | None:
        for form in self.forms:
            if any(field.get("type") == "password" for field in form["inputs"]):
                return dict(form)
        return None


def sign_in_form(connection: Connection) -> tuple[str, dict[str, str], str, str]:
    """Where the sign-in form posts, its hidden fields, and its username and password names."""
    path = "/connexion/"
    for _redirect in range(5):
        status, headers, page = connection.request("GET", path)
        if status in (301, 302, 303, 307, 308):
            path = urllib.parse.urlsplit(headers["location"]).path
            continue
        break
    if status != 200:
        raise RuntimeError(f"GET {path} → {status}")
    parser = _SignInForm()
    parser.feed(page)
    form = parser.sign_in()
    if form is None:
        raise RuntimeError(f"no sign-in form at {path}")
    hidden = {
        str(field["name"]): str(field.get("value") or "")
        for field in form["inputs"]
        if field.get("type") == "hidden" and field.get("name")
    }
    password = next(f["name"] for f in form["inputs"] if f.get("type") == "password")
    username = next(
        f["name"]
        for f in form["inputs"]
        if f.get("type") in ("text", "email", None) and f.get("name") not in hidden
    )
    return form["action"] or path, hidden, str(username), str(password)
