from django.urls import path

from beffroi.web import app_passwords, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.sign_in, name="sign_in"),
    path("deconnexion/", views.sign_out, name="sign_out"),
    path("profil/", views.profile, name="profile"),
    path("profil/jetons/<uuid:token_id>/revoquer/", views.revoke_token, name="revoke_token"),
    path("profil/securite/", views.security, name="security"),
    path(
        "profil/securite/sessions/<int:session_id>/terminer/",
        views.end_session,
        name="end_session",
    ),
    path(
        "profil/securite/sessions/terminer-les-autres/",
        views.end_other_sessions,
        name="end_other_sessions",
    ),
    path(
        "profil/mots-de-passe-applications/",
        app_passwords.app_passwords,
        name="app_passwords",
    ),
    path(
        "profil/mots-de-passe-applications/<uuid:app_password_id>/revoquer/",
        app_passwords.revoke_app_password,
        name="revoke_app_password",
    ),
]
