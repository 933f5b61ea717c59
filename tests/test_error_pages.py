"""Errors are explained in Chinese, also in production mode (DEBUG off)."""

import pytest
from django.test import override_settings


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_forbidden_page_says_so_in_chinese(client, charlie, bureau):
    client.force_login(charlie)
    response = client.get("/")
    assert response.status_code == 403
    assert "没有打开此页面或执行此操作的权限" in response.content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_missing_page_says_so_in_chinese(client, henry, bureau):
    client.force_login(henry)
    response = client.get("/indicators/no_such_indicator/?year=2024")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_refused_request_says_so_in_chinese(client, henry, bureau):
    """A forged `_to_field` (the admin's own guard, DisallowedModelAdminToField) is a 400."""
    client.force_login(henry)
    response = client.get("/admin/cases/petitioncase/", {"_to_field": "petitioner_id_number"})
    assert response.status_code == 400
    assert "请求未被执行" in response.content.decode()
