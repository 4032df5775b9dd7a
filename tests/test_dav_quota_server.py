"""The quota over WebDAV against a real ``beffroi serve``: a PUT that does not fit answers
507 Insufficient Storage with a French message, over a real HTTP connection."""

from __future__ import annotations

import html

import pytest

from tests.conftest import free_port
from tests.test_dav_litmus import _agent_with_app_password, _dav
from tests.test_serve import running_server

pytestmark = pytest.mark.slow


def test_a_put_over_the_quota_answers_507_over_http(process_env, tmp_path):
    """Quota 1 MiB: a 600 KiB file fits, a second one does not (507); the first is intact."""
    env = {**process_env, "BEFFROI_FILES_AGENT_QUOTA_MIB": "1"}
    secret = _agent_with_app_password(env)
    port = free_port()
    url = f"http://127.0.0.1:{port}/dav/files/jeanne.martin/"
    first = b"a" * 600 * 1024

    with running_server(env, port, tmp_path / "serve.log"):
        stored = _dav(url + "plan.pdf", secret, "PUT", first)
        refused = _dav(url + "plan-bis.pdf", secret, "PUT", b"b" * 600 * 1024)
        listing = _dav(url, secret, "PROPFIND")
        read_back = _dav(url + "plan.pdf", secret)

    assert stored[0] == 201
    assert refused[0] == 507
    assert "L'espace est plein" in html.unescape(refused[1].decode())
    assert b"plan-bis.pdf" not in listing[1]
    assert read_back == (200, first)
