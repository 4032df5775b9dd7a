"""The upload handler of deposit links: each file of the form streams, as Django's multipart
parser reads it, straight into the encrypted blob store; never whole in memory, never in a
temporary file of its own. The form is stopped as soon as it crosses the deposit size limit or
the space's quota, and then nothing of it is kept."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

from beffroi.core.errors import BeffroiError, InvalidInput
from beffroi.files.blobs import BlobWriter, StoredBlob, blob_store
from beffroi.files.quotas import UploadMeter

FIELD = "fichiers"


class TooLarge(InvalidInput):
    code = "corps_trop_volumineux"
    http_status = 413


class DepositedFile(UploadedFile):
    """A file of the form, already in the blob store (``stored``)."""

    def __init__(self, name: str, content_type: str, size: int, stored: StoredBlob) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=size)
        self.stored = stored

    def close(self) -> None:
        """Nothing to close: the content is in the blob store."""


class DepositUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest, *, limit: int, meter: UploadMeter) -> None:
        super().__init__(request)
        self.limit = limit
        self.meter = meter
        self.received = 0
        self.writer: BlobWriter | None = None
        self.problem: BeffroiError | None = None
        self.deposited: list[DepositedFile] = []

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.writer = blob_store().open_write() if field_name == FIELD else None

    def _refuse(self, problem: BeffroiError) -> None:
        self.problem = problem
        self.upload_interrupted()
        raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.writer is None:
            return None
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse(
                TooLarge(
                    gettext("L'envoi dépasse la taille permise (%(limit)s au plus).")
                    % {"limit": filesizeformat(self.limit)}
                )
            )
        try:
            self.meter.count(len(raw_data))
        except BeffroiError as error:
            self._refuse(error)
        self.writer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> DepositedFile | None:
        if self.writer is None:
            return None
        stored = self.writer.commit()
        self.writer = None
        deposited = DepositedFile(self.file_name or "", self.content_type or "", file_size, stored)
        self.deposited.append(deposited)
        return deposited

    def upload_interrupted(self) -> None:
        if self.writer is not None:
            self.writer.abort()
            self.writer = None
