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
