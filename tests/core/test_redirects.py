"""The one safe-redirect helper: ``safe_next`` for ``next`` parameters, ``same_site_path`` for browser-reported URLs."""
from __future__ import annotations

import pytest

from core.toolkit import safe_next, same_site_path


@pytest.fixture
def request_context(make_app):
    """A request to http://localhost/ on an app without plugins."""
    with make_app(plugins=[]).test_request_context("/", base_url="http://localhost") as context:
        yield context


@pytest.mark.parametrize("target", ["/p/kiez", "/p/kiez?page=2#comment-3", "/"])
def test_safe_next_keeps_paths_on_this_site(request_context, target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", [
    None, "", "https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
    "p/relative", "/p/x\nSet-Cookie: a=b",
])
def test_safe_next_falls_back_to_the_default(request_context, target):
    assert safe_next(target, "/fallback") == "/fallback"
    assert safe_next(target, "") == ""
    assert safe_next(target) == "/"  # the home page


@pytest.mark.parametrize("url, path", [
    ("http://localhost/p/kiez?page=2", "/p/kiez?page=2"),
    ("https://localhost/p/kiez#comment-3", "/p/kiez"),
    ("/p/kiez?sort=oldest", "/p/kiez?sort=oldest"),
])
def test_same_site_path_turns_urls_of_this_site_into_paths(request_context, url, path):
    assert same_site_path(url) == path


@pytest.mark.parametrize("url", [
    None, "", "https://evil.example/p/kiez", "//evil.example/p/kiez", "javascript:alert(1)",
    "http://localhost//evil.example/x", "ftp://localhost/p/kiez", "http://localhost",
])
def test_same_site_path_refuses_everything_else(request_context, url):
    assert same_site_path(url) == ""
