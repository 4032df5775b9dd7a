"""``/dav/spaces/<slug>/...``: department drives, and any space where something is shared with
the signed-in agent, through the same resources and the same policies as ``/dav/files``.

``/dav/spaces/`` lists the spaces the agent reaches. Inside a space where only something deep
down is shared with them, each folder on the way lists only the way down; writing anywhere the
role does not allow answers 403, and what they may not see answers 404, as for a missing path.
"""

from __future__ import annotations

from typing import Any

from wsgidav.dav_provider import DAVCollection  # type: ignore[import-untyped, unused-ignore]

from beffroi.core.errors import NotFound
from beffroi.dav.files import AGENT_KEY, BeffroiProvider
from beffroi.files import access, actions
from beffroi.files.models import Space

MOUNT_PATH = "/dav/spaces"


class SpacesRoot(DAVCollection):  # type: ignore[misc]
    """The read-only list of the spaces the agent reaches."""

    def __init__(self, path: str, environ: dict[str, Any], provider: SpacesProvider) -> None:
        super().__init__(path, environ)
        self.spaces_provider = provider

    def get_display_name(self) -> str:
        return "spaces"

    def get_member_names(self) -> list[str]:
        return [space.slug for space in self.spaces_provider.spaces(self.environ)]

    def get_member(self, name: str) -> Any:
        return self.spaces_provider.get_resource_inst("/" + name, self.environ)


class SpacesProvider(BeffroiProvider):
    """``/<slug>/<path>``: any space the signed-in agent reaches."""

    def spaces(self, environ: dict[str, Any]) -> list[Space]:
        agent = environ.get(AGENT_KEY)
        if agent is None:
            return []
        if "beffroi.opened_departments" not in environ:
            actions.do_open_department_spaces(agent)
            environ["beffroi.opened_departments"] = True
        return access.access_reachable_spaces(agent)

    def _space(self, slug: str, environ: dict[str, Any]) -> Space | None:
        agent = environ.get(AGENT_KEY)
        if agent is None:
            return None
        cache: dict[str, Space] = environ.setdefault("beffroi.spaces", {})
        if slug not in cache:
            try:
                cache[slug] = access.access_space_by_slug(agent, slug)
            except NotFound:
                # A department's drive is created on its members' first visit.
                if "beffroi.opened_departments" in environ:
                    return None
                actions.do_open_department_spaces(agent)
                environ["beffroi.opened_departments"] = True
                return self._space(slug, environ)
        return cache[slug]

    def get_resource_inst(self, path: str, environ: dict[str, Any]) -> Any:
        if not path.strip("/"):
            return SpacesRoot("/", environ, self)
        return super().get_resource_inst(path, environ)
