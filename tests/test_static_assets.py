"""Static files are addressed by their content and kept by browsers for a year."""

from __future__ import annotations

import hashlib
import re

from participation import static_assets


def _stylesheet_url(client) -> str:
    match = re.search(r'href="(/static/css/site\.css\?v=[0-9a-f]+)"', client.get("/").text)
    assert match, "the layout links the stylesheet with its version"
    return match.group(1)


def test_the_layout_links_static_files_by_the_digest_of_their_content(app, client):
    url = _stylesheet_url(client)
    with open(f"{app.static_folder}/css/site.css", "rb") as file:
        expected = hashlib.sha256(file.read()).hexdigest()[:static_assets.VERSION_LENGTH]
    assert url.endswith(f"?v={expected}")
    assert re.search(r'src="/static/js/enhance\.js\?v=[0-9a-f]{12}"', client.get("/").text)


def test_the_current_version_is_kept_a_year_and_anything_else_is_revalidated(client):
    url = _stylesheet_url(client)
    kept = client.get(url)
    assert kept.status_code == 200
    assert kept.cache_control.max_age == static_assets.ONE_YEAR and kept.cache_control.immutable
    assert kept.cache_control.public and not kept.cache_control.no_cache

    for other in ("/static/css/site.css", "/static/css/site.css?v=000000000000"):
        response = client.get(other)
        assert response.status_code == 200
        assert response.cache_control.max_age is None and not response.cache_control.immutable
    assert client.get("/static/css/absent.css?v=000000000000").status_code == 404


def test_an_edited_file_gets_a_new_version(app, tmp_path):
    app.static_folder = str(tmp_path)
    asset = tmp_path / "site.css"
    asset.write_text("body { color: black; }")
    first = static_assets.version_of(app, "site.css")
    asset.write_text("body { color: #111; margin: 0; }")
    assert static_assets.version_of(app, "site.css") not in (first, None)
    assert static_assets.version_of(app, "absent.css") is None
    (tmp_path.parent / "outside.css").write_text("body {}")
    assert static_assets.version_of(app, "../outside.css") is None
