"""The web application: FastAPI + Jinja2 with the NHS.UK design system (decision record 0005).

`create_app(settings)` builds it; `alliance serve` runs it on ALLIANCE_HOME. Pages and the JSON API
read precomputed results (`results.py`), reach patient-level rows only through `scope.Scope`, and
audit every patient-level view, note and export.
"""

from cancer_alliance.web.app import create_app
from cancer_alliance.web.settings import WebSettings, load_settings

__all__ = ["WebSettings", "create_app", "load_settings"]
