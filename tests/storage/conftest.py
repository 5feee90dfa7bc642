"""Fixtures of the file-storage tests: a real S3 endpoint (moto in server mode, on a free port, spoken to
over HTTP by boto3 exactly as a deployment's object store is) and the settings that select it."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import override_settings
from moto.server import ThreadedMotoServer

from gongkai.settings import s3_storage
from tests.applications.conftest import make_case, staff
from tests.catalogue.conftest import make_item, people, today

boto3 = importlib.import_module("boto3")  # no type stubs: used as Any
__all__ = ["make_case", "make_item", "people", "staff", "today"]

DATABASE = {"BACKEND": "gongkai.core.storage.DatabaseStorage"}
STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


@dataclass(frozen=True)
class S3:
    endpoint: str
    bucket: str

    def storage(self) -> dict[str, object]:
        return s3_storage(self.bucket, self.endpoint, "us-east-1", "testing", "testing")

    def client(self) -> object:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def keys(self) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.bucket)  # type: ignore[attr-defined]
        return sorted(item["Key"] for item in listed.get("Contents", []))


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint: str) -> S3:
    """A new private bucket of its own for each test."""
    found = S3(s3_endpoint, f"gongkai-{uuid.uuid4().hex[:12]}")
    found.client().create_bucket(Bucket=found.bucket)  # type: ignore[attr-defined]
    return found


@pytest.fixture
def on_s3(s3: S3) -> Iterator[S3]:
    """The site configured with GONGKAI_FILE_STORAGE=s3."""
    storages = {"default": s3.storage(), "database": DATABASE, "s3": s3.storage(), "staticfiles": STATIC}
    with override_settings(STORAGES=storages, GONGKAI_FILE_STORAGE="s3"):
        yield s3


@pytest.fixture
def on_database_with_s3(s3: S3) -> Iterator[S3]:
    """The site on the database storage, with an S3 bucket configured too (to move files back from)."""
    storages = {"default": DATABASE, "database": DATABASE, "s3": s3.storage(), "staticfiles": STATIC}
    with override_settings(STORAGES=storages, GONGKAI_FILE_STORAGE="database"):
        yield s3


@pytest.fixture(autouse=True)
def letters_rendered_inline(settings: Any) -> None:
    """Letters' .docx made in the step (``GONGKAI_LETTERS_INLINE``), so a test finds the file at once."""
    settings.GONGKAI_LETTERS_INLINE = True
