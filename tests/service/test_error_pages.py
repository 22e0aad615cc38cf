"""With DEBUG off (DUBAN_DEBUG unset), errors show no debug page: the API answers its JSON, pages a plain page.

A request for a missing page, a view that fails and a database that cannot be reached, under /api/ and elsewhere,
in both languages; under /api/ the JSON holds with DEBUG on too.
"""
from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import include, path

pytestmark = pytest.mark.django_db

DEBUG_MARKS = ("Traceback", "SECRET_KEY", "URLconf", "DUBAN_", "settings.py", "Request Method", "Django Version")


def _fail(request):
    raise RuntimeError("a bug that must stay in the log")


def _lose_database(request):
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [path("api/boom/", _fail), path("api/lost/", _lose_database), path("boom/", _fail),
               path("", include("service.urls"))]


@pytest.fixture
def failing(settings):
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False)


def _no_debug_page(response) -> str:
    body = response.content.decode()
    assert not any(mark in body for mark in DEBUG_MARKS), body[:500]
    return body


def test_debug_is_off_without_duban_debug(settings):
    assert settings.DEBUG is False


@pytest.mark.parametrize("url", ["/api/", "/api/nothing/", "/api/tasks/abc/", "/api/%E2%9C%93/"])
def test_api_paths_without_an_endpoint_answer_json_404(client, url):
    response = client.get(url)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    _no_debug_page(response)
    assert response.json()["code"] == "not_found" and set(response.json()) == {"code", "message", "details"}


def test_an_api_path_without_a_slash_is_redirected_to_the_json_404(client):
    response = client.get("/api/nothing", follow=True)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    _no_debug_page(response)


def test_a_missing_page_is_a_plain_page_in_the_users_language(client):
    chinese = client.get("/nothing")
    assert chinese.status_code == 404 and "页面不存在" in _no_debug_page(chinese)
    client.cookies["django_language"] = "en"
    english = client.get("/nothing")
    assert english.status_code == 404 and "Page not found" in _no_debug_page(english)


def test_a_failing_api_view_answers_json_500(failing):
    response = failing.get("/api/boom/")
    assert response.status_code == 500 and response.json()["code"] == "server_error"
    assert "a bug that must stay in the log" not in _no_debug_page(response)


def test_a_failing_page_is_a_plain_page_in_the_users_language(failing):
    chinese = failing.get("/boom/")
    assert chinese.status_code == 500 and "出错了" in _no_debug_page(chinese)
    failing.cookies["django_language"] = "en"
    english = failing.get("/boom/")
    assert "Something went wrong" in _no_debug_page(english) and "a bug" not in english.content.decode()


def test_a_lost_database_answers_json_503_on_the_api(failing):
    response = failing.get("/api/lost/")
    assert response.status_code == 503 and response.json()["code"] == "service_unavailable"
    _no_debug_page(response)


@pytest.mark.parametrize("error", [OperationalError("could not connect to server"),
                                   InterfaceError("connection already closed")])
def test_a_database_lost_while_a_token_is_checked_answers_503(world, monkeypatch, error):
    from rest_framework.authtoken.models import Token

    from service.api import authentication

    key = Token.objects.create(user=world.users["office"]).key

    def lost(_key):
        raise error

    monkeypatch.setattr(authentication, "_BY_KEY", lost)
    response = Client(raise_request_exception=False).get("/api/tasks/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 503 and response.json()["code"] == "service_unavailable"
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    english = client.get("/api/tasks/", HTTP_AUTHORIZATION=f"Token {key}").json()["message"]
    assert english == "The database cannot be reached; try again in a moment."


def test_api_errors_stay_json_with_debug_on(failing, settings):
    settings.DEBUG = True
    for url, status in (("/api/", 404), ("/api/nothing/", 404), ("/api/boom/", 500), ("/api/lost/", 503)):
        response = failing.get(url)
        assert response.status_code == status and response["Content-Type"] == "application/json", url
        _no_debug_page(response)
