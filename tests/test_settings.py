from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

REPO = Path(__file__).resolve().parent.parent

PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "DATABASE": {k: str(settings.DATABASES["default"].get(k)) for k in ("ENGINE", "NAME", "TEST")},
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
}))
"""


def load_settings(env: dict[str, str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with exactly the given configuration."""
    ours = {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "GONGKAI_DEBUG", "DATABASE_URL", "ALLOWED_HOSTS"}
    base = {k: v for k, v in os.environ.items() if k not in ours}
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env={**base, "DJANGO_SETTINGS_MODULE": "gongkai.settings", **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = load_settings({})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_debug_mode_has_a_development_secret_key_and_no_secure_cookies() -> None:
    result = load_settings({"GONGKAI_DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is True
    assert values["SESSION_COOKIE_SECURE"] is False
    assert "127.0.0.1" in values["ALLOWED_HOSTS"]


def test_production_uses_secure_cookies_and_no_default_hosts(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cret-from-a-file\n", encoding="utf-8")
    hosts = "gk.example.org, www.example.org"
    result = load_settings({"SECRET_KEY_FILE": str(secret), "ALLOWED_HOSTS": hosts})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["ALLOWED_HOSTS"] == ["gk.example.org", "www.example.org"]


def test_gongkai_debug_takes_precedence_over_debug() -> None:
    result = load_settings({"DEBUG": "true", "GONGKAI_DEBUG": "false", "SECRET_KEY": "x"})
    assert json.loads(result.stdout)["DEBUG"] is False


def test_a_malformed_boolean_is_an_error() -> None:
    result = load_settings({"GONGKAI_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "GONGKAI_DEBUG='maybe' is not a boolean" in result.stderr


def test_default_database_is_sqlite_under_var_whatever_the_cwd(tmp_path: Path) -> None:
    result = load_settings({"GONGKAI_DEBUG": "true"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout)["DATABASE"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(REPO / "var" / "gongkai.sqlite3")
    assert (REPO / "var").is_dir()


def test_postgres_database_url_gets_a_utf8_test_database() -> None:
    result = load_settings(
        {"GONGKAI_DEBUG": "true", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/gongkai"}
    )
    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout)["DATABASE"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["NAME"] == "gongkai"
    assert "template0" in database["TEST"]
    assert "UTF8" in database["TEST"]


def test_locale_time_zone_and_upload_limit() -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.GONGKAI_CHECK_MAX_UPLOAD_BYTES == 20 * 1024 * 1024
    assert "gongkai.core.middleware.ChosenLanguageMiddleware" in settings.MIDDLEWARE
    assert "gongkai.checker" in settings.INSTALLED_APPS


@pytest.mark.django_db
def test_pages_are_chinese_by_default(client: Client) -> None:
    response = client.get("/admin/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "登录" in html
    assert "Gongkai 政府信息公开 管理后台" in html


@pytest.mark.django_db
def test_language_switcher_changes_pages_to_english(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/admin/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/"
    html = client.get("/admin/login/").content.decode()
    assert 'lang="en"' in html
    assert "Log in" in html
    assert "Gongkai Open Government Information administration" in html


def _render_base(language: str) -> str:
    request = RequestFactory().get("/some/page/?q=1")
    request.user = AnonymousUser()
    with translation.override(language):
        return render_to_string("base.html", request=request)


def test_base_template_is_chinese_with_a_language_switcher() -> None:
    html = _render_base("zh-hans")
    assert '<html lang="zh-CN">' in html
    assert "Gongkai" in html and "政府信息公开" in html
    assert f'action="{reverse("set_language")}" method="post"' in html
    # No CSRF token: a token would make every page one reader's, and the page cache keeps them whole
    # (core.views.set_language refuses cross-site posts instead).
    assert 'name="csrfmiddlewaretoken"' not in html
    assert 'name="next" type="hidden" value="/some/page/?q=1"' in html
    assert '<option value="zh-hans" lang="zh-hans" selected>简体中文</option>' in html
    assert '<option value="en" lang="en">English</option>' in html
    assert "gongkai/site.css" in html


def test_base_template_in_english() -> None:
    html = _render_base("en")
    assert '<html lang="en">' in html
    assert "Skip to content" in html
    assert "Open Government Information" in html
    assert '<option value="en" lang="en" selected>English</option>' in html
