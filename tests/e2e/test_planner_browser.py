"""The funding planner in a real browser: a plan made with the page's inputs lives in its link, and the
link opened in a fresh browser context (its own Streamlit session, nothing remembered) shows the same plan."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

PAGE_TIMEOUT_MS = 60_000
REGION = "53.02"  # Kabupaten Timor Tengah Selatan
TITLE = "Rencana pendanaan — Kabupaten Timor Tengah Selatan"


def query(page: Page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.evaluate("location.href")).query).items()}


def wait_for_param(page: Page, key: str, value: str) -> None:
    try:
        page.wait_for_function("([k, v]) => new URL(location.href).searchParams.get(k) === v", arg=[key, value],
                               timeout=PAGE_TIMEOUT_MS)
    except PlaywrightTimeout:
        pytest.fail(f"expected {key}={value} in the URL, the browser is at {page.evaluate('location.href')}")


def settled(page: Page) -> None:
    """Wait until the page is drawn and Streamlit has finished running it."""
    expect(page.locator("h1").first).to_have_text(TITLE, timeout=PAGE_TIMEOUT_MS)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                           " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.trim()",
                           timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(500)


def metrics(page: Page) -> dict[str, str]:
    """Every headline figure on screen: label → value."""
    out = {}
    for metric in page.get_by_test_id("stMetric").all():
        label = metric.get_by_test_id("stMetricLabel").inner_text().strip()
        out[label] = metric.get_by_test_id("stMetricValue").inner_text().strip()
    return out


def type_into(page: Page, label: str, text: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(text)
    field.press("Enter")


def test_a_plan_link_opens_the_same_plan_in_a_fresh_browser(app_url, new_context):
    page = new_context().new_page()
    page.goto(f"{app_url}/rencana?region={REGION}")
    settled(page)
    type_into(page, "APBD provinsi", "30")
    wait_for_param(page, "apbd_prov", "30")
    settled(page)
    type_into(page, "CSR", "Rp250.000.000")
    wait_for_param(page, "csr", "Rp250.000.000")
    settled(page)
    type_into(page, "Tahun terakhir", "2030")
    wait_for_param(page, "years", "2026-2030")
    settled(page)
    page.get_by_text("Sekaligus", exact=True).click()
    wait_for_param(page, "phase", "all-at-once")
    settled(page)
    expect(page.get_by_text("Biaya tahun 2030", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    link = page.evaluate("location.href")
    assert query(page) == {"region": REGION, "goal": "extreme-poor", "pkg": "jkk-jkm", "years": "2026-2030",
                           "phase": "all-at-once", "apbd_prov": "30", "csr": "Rp250000000", "bshare": "100"}
    shown = metrics(page)
    assert shown["Biaya total 2026–2030"].startswith("Rp") and shown["Pekerja yang didaftarkan"].endswith("orang")

    fresh = new_context().new_page()  # nothing of the first session: only the link
    fresh.goto(link)
    settled(fresh)
    expect(fresh.get_by_text("Biaya tahun 2030", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    assert metrics(fresh) == shown
    assert fresh.get_by_label("APBD provinsi", exact=True).input_value() == "30"
    assert fresh.get_by_label("CSR", exact=True).input_value() == "Rp250.000.000"
    assert fresh.get_by_label("Tahun terakhir", exact=True).input_value() == "2030"
    assert query(fresh) == query(page)
