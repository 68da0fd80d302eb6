"""After a restart, only the pages app.py declares run: a page file is never run by itself."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import streamlit_server


def test_first_request_after_a_restart_goes_through_the_app(new_context, tmp_path):
    with streamlit_server(tmp_path / "server.log") as url:  # a fresh server: no request has run app.py yet
        page = new_context().new_page()
        page.goto(f"{url}/data")
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav).to_contain_text("Peta cakupan", timeout=60_000)  # the pages app.py declares, by their titles
        for file_name in ("app", "about", "methodology", "present", "profile"):  # (not "map": an icon's name)
            expect(nav.get_by_text(file_name, exact=True), file_name).to_have_count(0)
        expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)

        page.goto(f"{url}/shared")  # no such page: the default page, no traceback
        expect(page.get_by_role("heading", name="Dasbor Cakupan UCJ", exact=True)).to_be_visible(timeout=60_000)
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
