"""Security headers on every response (issue 6, "security headers including a Content-Security-Policy
without inline script").

Everything comes from this server: scripts only from our own files (no inline script, no eval;
Vega runs its CSP-safe expression interpreter), styles only from our stylesheets, no framing, forms
post only here. Pages are `no-store` so patient-level pages are not kept in shared caches.
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(path: str, https: bool) -> dict[str, str]:
    """The headers for a response to `path`; static files may be cached, nothing else."""
    headers = dict(HEADERS)
    if https:
        headers["Strict-Transport-Security"] = HSTS
    static = path.startswith(("/static/", "/assets/"))
    headers["Cache-Control"] = "public, max-age=3600" if static else "no-store"
    return headers
