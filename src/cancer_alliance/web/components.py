"""NHS.UK design-system components rendered once per distinct set of parameters.

The `nhsuk-frontend-jinja` macros are faithful to the design system but slow: a select of the ~150
trusts costs more than the rest of a page (web/README.md, "Figures"). The same filter form with the
same choices and selection renders to the same HTML, so templates call
`component("select", {...})` instead of `select({...})` and get the macro's own output, cached.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

#: Rendered components kept per environment (least recently used dropped first).
MAX_CACHED = 4096
#: Component folder name -> the macro it exports (nhsuk-frontend-jinja's names).
MACROS = {
    "select": "select",
    "input": "input",
    "button": "button",
    "textarea": "textarea",
    "pagination": "pagination",
    "radios": "radios",
    "date-input": "dateInput",
}


class ComponentCache:
    """`component(name, params)` for templates: the macro's HTML, rendered once per parameters."""

    def __init__(self, environment: Environment, max_cached: int = MAX_CACHED) -> None:
        self.environment = environment
        self.max_cached = max_cached
        self._cache: OrderedDict[str, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, name: str, params: dict[str, Any]) -> Markup:
        if name not in MACROS:
            raise ValueError(f"unknown NHS.UK component {name!r}; known: {', '.join(MACROS)}")
        key = name + json.dumps(params, sort_keys=True, default=str)
        with self._lock:
            html = self._cache.get(key)
            if html is not None:
                self._cache.move_to_end(key)
                return html
        template = self.environment.get_template(f"nhsuk/components/{name}/macro.jinja")
        html = Markup(getattr(template.module, MACROS[name])(params))
        with self._lock:
            self._cache[key] = html
            if len(self._cache) > self.max_cached:
                self._cache.popitem(last=False)
        return html
