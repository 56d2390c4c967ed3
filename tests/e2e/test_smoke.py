"""Proves the browser fixtures work: Chromium starts, reaches the live server, and axe-core runs."""


def test_sign_in_page_renders_and_is_accessible(page, live_server, axe_check):
    response = page.goto(f"{live_server.url}/logga-in/")
    assert response is not None and response.ok
    assert page.locator("h1").inner_text() == "Logga in i Nära"
    assert page.locator("html").get_attribute("lang") == "sv"
    axe_check(page)


def test_axe_check_reports_violations(page, axe_check):
    """The accessibility check must be able to fail: an unlabelled input and an image without alt text."""
    import pytest

    page.set_content('<html lang="sv"><body><main><h1>x</h1><input type="text"><img src="x.png"></main></body></html>')
    with pytest.raises(pytest.fail.Exception) as failure:
        axe_check(page)
    assert "image-alt" in str(failure.value)
    assert "label" in str(failure.value)
