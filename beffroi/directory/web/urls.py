"""The administration console: /console/…, for organisation administrators and managers."""

from django.urls import include, path

from beffroi.directory.web import agents, views

app_name = "console"

urlpatterns = [
    path("", views.index, name="index"),
    path("agents/", agents.agent_list, name="agents"),
    path("agents/nouveau/", agents.agent_create, name="agent_create"),
    path("agents/<uuid:agent_id>/", agents.agent_detail, name="agent"),
    path("agents/<uuid:agent_id>/statut/", agents.agent_status, name="agent_status"),
    path(
        "agents/<uuid:agent_id>/mot-de-passe/",
        agents.agent_reset_password,
        name="agent_reset_password",
    ),
    path("agents/<uuid:agent_id>/sessions/", agents.agent_end_sessions, name="agent_end_sessions"),
    path("agents/<uuid:agent_id>/transmission/", agents.agent_hand_over, name="agent_hand_over"),
    path(
        "agents/<uuid:agent_id>/mots-de-passe-application/<uuid:app_password_id>/revoquer/",
        agents.agent_revoke_app_password,
        name="agent_revoke_app_password",
    ),
    path("services/", views.department_list, name="departments"),
    path("services/nouveau/", views.department_create, name="department_create"),
    path("services/<uuid:department_id>/", views.department_detail, name="department"),
    path("groupes/", views.group_list, name="groups"),
    path("groupes/nouveau/", views.group_create, name="group_create"),
    path("groupes/<uuid:group_id>/", views.group_detail, name="group"),
    path("organisation/", views.organisation, name="organisation"),
    path("import/", include("beffroi.directory.web.import_urls")),
    path("audit/", include("beffroi.audit.web.urls")),
    path("messagerie/", include("beffroi.mail.web.console_urls")),
    path("applications/", include("beffroi.oidc.web.urls")),
]
