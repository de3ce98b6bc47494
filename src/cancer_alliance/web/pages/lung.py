"""Lung health checks: the clinic calculator (issue #10 item 6). Anyone may use it; it stores nothing
and reads no patient-level data, so it needs no scope or audit. The form posts back to the same page
(with the CSRF token) and works without JavaScript; bad answers get the NHS.UK error summary."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters.lung import QUESTIONS, CalculatorForm, calculate, form_items
from cancer_alliance.web.security.csrf import require_csrf

router = APIRouter()


def _page(request: Request, form: CalculatorForm, result, status_code: int = 200):
    return render(
        request,
        "lung_calculator.jinja",
        status_code=status_code,
        questions=QUESTIONS,
        items=form_items(form.values),
        form=form,
        field_errors=form.errors,
        errors=form.error_list,
        result=result,
    )


@router.get("/lung/calculator", name="lung_calculator")
def calculator(request: Request):
    return _page(request, CalculatorForm(), None)


@router.post("/lung/calculator", name="lung_calculate", dependencies=[Depends(require_csrf)])
async def calculate_risk(request: Request):
    submitted = await request.form()
    form, result = calculate({name: str(submitted.get(name, "")) for name, *_ in QUESTIONS})
    return _page(request, form, result, status_code=400 if form.errors else 200)
