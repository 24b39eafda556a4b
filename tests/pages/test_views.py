from __future__ import annotations

import io

import pytest


@pytest.mark.parametrize("url", ["/", "/conseils", "/accessibilite", "/donnees-personnelles", "/mentions-legales",
                                 "/connexion", "/inscription", "/mot-de-passe-oublie"])
def test_public_pages_answer_in_french_by_default(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert '<html lang="fr"' in response.text
    assert "Accessibilité :" in response.text


def test_accept_language_english_gives_english(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en"' in response.text
    assert "Accessibility:" in response.text


def test_language_switch_is_remembered_in_the_session(client):
    response = client.post("/langue", data={"language": "en", "next": "/conseils"})
    assert response.status_code == 302 and response.location == "/conseils"
    assert '<html lang="en"' in client.get("/conseils").text


def test_language_switch_refuses_unknown_language_and_foreign_redirects(client):
    response = client.post("/langue", data={"language": "xx", "next": "https://evil.example/"})
    assert response.location == "/"
    assert '<html lang="fr"' in client.get("/").text


def test_signed_in_language_choice_is_saved_on_the_profile(app, make_user, signed_in):
    user = make_user()
    client = signed_in(user)
    client.post("/langue", data={"language": "en", "next": "/"})
    assert user.locale == "en"


def test_health_check_reports_database(client):
    response = client.get("/sante")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("code,url", [(404, "/nulle-part"), (405, "/sante")])
def test_error_pages_are_translated(client, code, url):
    response = client.post(url) if code == 405 else client.get(url)
    assert response.status_code == code
    assert "Accessibilité :" in response.text
    english = client.post(url, headers={"Accept-Language": "en"}) if code == 405 else client.get(
        url, headers={"Accept-Language": "en"})
    assert response.text != english.text


def test_security_headers_forbid_inline_script_and_framing(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_load_nothing_from_other_sites(client):
    html = client.get("/").text
    assert "http://" not in html.replace("http://localhost", "") and "https://" not in html
    assert "<script>" not in html


def test_every_error_page_is_ours_and_translated(app, client):
    from flask import abort

    def fail(code: int):
        if code == 500:
            raise RuntimeError("boom")
        abort(code)

    app.add_url_rule("/test-error/<int:code>", "test_error", fail)
    for code in (400, 403, 404, 413, 429, 500):
        response = client.get(f"/test-error/{code}")
        assert response.status_code == code
        assert "Accessibilité :" in response.text and f"{code}" in response.text
        english = client.get(f"/test-error/{code}", headers={"Accept-Language": "en"})
        assert "Accessibility:" in english.text


def test_too_large_upload_is_a_413_page(app, roles, signed_in):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    too_big = {"file": (io.BytesIO(b"x" * 5000), "big.csv")}
    response = signed_in(roles.admin).post("/admin/qpv", data=too_big, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Accessibilité :" in response.text
