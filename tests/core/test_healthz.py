from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_healthz_answers_ok_without_touching_the_database(
    client: Client, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert client.post("/healthz/").status_code == 405
