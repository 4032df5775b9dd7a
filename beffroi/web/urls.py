from django.urls import path

from beffroi.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.sign_in, name="sign_in"),
    path("deconnexion/", views.sign_out, name="sign_out"),
    path("profil/", views.profile, name="profile"),
    path("profil/jetons/<uuid:token_id>/revoquer/", views.revoke_token, name="revoke_token"),
]
