"""The drive's web pages: /drive/…"""

from django.urls import path

from beffroi.files.web import browse, changes, history, sharing, transfer, uploads

app_name = "files"

urlpatterns = [
    path("", browse.drive_home, name="drive"),
    path("espaces/<slug:slug>/", browse.space, name="space"),
    path("espaces/<slug:slug>/recherche/", browse.search, name="search"),
    path("dossiers/<uuid:node_id>/", browse.folder, name="folder"),
    path("dossiers/<uuid:node_id>/nouveau-dossier/", changes.create_folder, name="create_folder"),
    path("dossiers/<uuid:node_id>/envoyer/", changes.upload, name="upload"),
    path("dossiers/<uuid:node_id>/zip/", transfer.download_zip, name="zip"),
    path("fichiers/<uuid:node_id>/", browse.file, name="file"),
    path("fichiers/<uuid:node_id>/telecharger/", transfer.download, name="download"),
    path("fichiers/<uuid:node_id>/apercu/", transfer.content, name="content"),
    path("fichiers/<uuid:node_id>/vignette/", transfer.thumbnail, name="thumbnail"),
    path("elements/<uuid:node_id>/renommer/", changes.rename, name="rename"),
    path("elements/<uuid:node_id>/deplacer/", changes.move, name="move"),
    path("elements/<uuid:node_id>/copier/", changes.copy, name="copy"),
    path("elements/<uuid:node_id>/supprimer/", changes.trash, name="trash"),
    path("elements/<uuid:node_id>/favori/", changes.favourite, name="favourite"),
    path("espaces/<slug:slug>/corbeille/", history.space_trash, name="space_trash"),
    path("espaces/<slug:slug>/corbeille/vider/", history.empty_trash, name="empty_trash"),
    path("corbeille/<uuid:node_id>/restaurer/", history.restore, name="restore"),
    path("corbeille/<uuid:node_id>/purger/", history.purge, name="purge"),
    path(
        "fichiers/<uuid:node_id>/versions/<uuid:version_id>/restaurer/",
        history.restore_version,
        name="restore_version",
    ),
    path("partages/", sharing.shared_with_me, name="shared"),
    path("partages/<uuid:share_id>/role/", sharing.change_share, name="share_role"),
    path("partages/<uuid:share_id>/retirer/", sharing.remove_share, name="share_remove"),
    path("elements/<uuid:node_id>/partage/", sharing.sharing, name="sharing"),
    path("elements/<uuid:node_id>/partage/ajouter/", sharing.add_share, name="share_add"),
    path("elements/<uuid:node_id>/heritage/", sharing.inheritance, name="inheritance"),
    path("envois/", uploads.start, name="upload_start"),
    path("envois/<uuid:upload_id>/", uploads.session, name="upload_session"),
    path("envois/<uuid:upload_id>/terminer/", uploads.finish, name="upload_finish"),
]
