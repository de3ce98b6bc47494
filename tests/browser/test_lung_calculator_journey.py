"""The lung health check calculator in a real browser (issue #10, "Done when": the calculator page
works in the browser tests and passes axe): a member of the public finds it in the navigation, enters
a person's answers, sees both risks and the decision; a bad answer gives the NHS.UK error summary
linked to its field; the same with JavaScript off. Generated answers only."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.browser.journeys import check_page, follow_priority_link

from cancer_alliance.lung.models import risk

pytestmark = pytest.mark.browser

PLCOM = {
    "age": 66,
    "race": "white",
    "education_level": 1,
    "bmi": 24.0,
    "copd": 0,
    "personal_cancer_history": 0,
    "family_history_lung_cancer": 1,
    "smoking_status": "former",
    "cigarettes_per_day": 25,
    "smoking_duration_years": 40,
    "years_since_quit": 5,
}


def fill_in(page, bmi: str = "24") -> None:
    page.get_by_label("Age", exact=True).fill("66")
    page.locator("#sex-2").check()  # Female
    page.get_by_label("Ethnic group").select_option("A")
    page.locator("#education_level").check()  # Finished school before 16
    page.get_by_label("Body mass index (BMI)").fill(bmi)
    for name in ("copd", "personal_cancer_history", "pneumonia", "asbestos"):
        page.locator(f"#{name}-2").check()  # No
    page.locator("#family_history_onset-3").check()  # diagnosed at 60 or over
    page.get_by_label("I used to smoke").check()
    page.get_by_label("Cigarettes a day, on average").fill("25")
    page.get_by_label("Years smoked in total").fill("40")
    page.get_by_label("Years since you stopped").fill("5")


def test_the_public_uses_the_calculator_and_sees_both_risks_and_why(page):
    page.goto("/")
    follow_priority_link(page, "Lung health check calculator")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lung health check calculator")
    check_page(page, "lung-calculator")
    fill_in(page)
    page.locator("#calculate").click()
    expect(page.locator("#lung-decision")).to_have_text("Eligible for a low-dose CT scan")
    criteria = page.locator("#lung-criteria")
    expect(criteria).to_contain_text(f"{risk('plcom2012', PLCOM) * 100:.2f}%")
    expect(criteria).to_contain_text("LLPv2 5-year risk at least 2.50%")
    expect(page.get_by_label("Years smoked in total")).to_have_value("40")
    check_page(page, "lung-calculator-result")


def test_a_bad_answer_is_shown_in_the_error_summary_linked_to_its_field(page):
    page.goto("/lung/calculator")
    fill_in(page, bmi="tall")
    page.locator("#calculate").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter body mass index (bmi) as a number")
    check_page(page, "lung-calculator-error")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Body mass index (BMI)")).to_be_focused()


def test_the_calculator_works_without_javascript(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        page.goto("/lung/calculator")
        fill_in(page)
        page.locator("#calculate").click()
        expect(page.locator("#lung-decision")).to_have_text("Eligible for a low-dose CT scan")
    finally:
        context.close()


def test_the_programme_dashboard_per_alliance_passes_axe(page):
    page.goto("/lung/calculator")
    page.get_by_role("link", name="lung health check programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lung health check programme")
    check_page(page, "lung-programme")
    page.get_by_label("Cancer Alliance", exact=True).select_option("E56000018")
    page.locator("#show-alliance").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lancashire and South Cumbria")
    expect(page.locator("#lung-ccg-table")).to_contain_text("NHS Blackpool CCG")
    expect(page.locator("#lung-targeting-table")).to_contain_text("NHS Blackpool CCG")
    check_page(page, "lung-programme-alliance")
