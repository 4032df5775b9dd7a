"""Mail's public files for clients and servers (see ``well_known``)."""

from django.urls import URLPattern, path

from beffroi.mail.web import well_known

urlpatterns: list[URLPattern] = [
    path(".well-known/mta-sts.txt", well_known.mta_sts_policy, name="mail_mta_sts"),
    path(".well-known/autoconfig/mail/config-v1.1.xml", well_known.autoconfig),
    path("mail/config-v1.1.xml", well_known.autoconfig, name="mail_autoconfig"),
]
