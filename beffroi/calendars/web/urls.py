"""The agenda at /agenda/…"""

from django.urls import path, re_path

from beffroi.calendars.web import events, rooms, views

app_name = "agenda"

CALENDAR = "agendas/<str:owner>/<str:slug>/"

urlpatterns = [
    path("", views.agenda, name="agenda"),
    re_path(
        r"^(?P<view>jour|semaine|mois|liste)/(?P<day>\d{4}-\d{2}-\d{2})/$",
        views.agenda,
        name="agenda",
    ),
    path("couleurs.css", views.colours, name="colours"),
    path("agendas/", events.calendar_list, name="calendars"),
    path("evenements/nouveau/", events.new_event, name="new_event"),
    path("salles/", rooms.find_room, name="find_room"),
    path(CALENDAR + "export.ics", events.export_calendar, name="export"),
    path(CALENDAR + "importer/", events.import_calendar, name="import"),
    path(CALENDAR + "evenements/<str:name>/", events.event_detail, name="event"),
    path(CALENDAR + "evenements/<str:name>/modifier/", events.edit_event, name="edit_event"),
    path(CALENDAR + "evenements/<str:name>/supprimer/", events.delete_event, name="delete_event"),
    path(CALENDAR + "evenements/<str:name>/repondre/", events.answer_invitation, name="answer"),
    path(CALENDAR + "evenements/<str:name>/deplacer/", events.move_event, name="move_event"),
]
