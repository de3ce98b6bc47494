"""Sessions, CSRF, sign-in rate limiting and security headers (decision record 0010)."""
