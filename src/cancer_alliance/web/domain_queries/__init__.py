"""What the pages and the JSON/CSV API of one domain both read (issue 22): one module per domain holding
the reads over results or the store, as the viewer may see them (through the domain's `published.py`
under `queries.policy_for`), and the request parameters both take. `web/api` imports these, never
`web/pages` (tests/web/test_import_rule.py), so a page and its API cannot drift apart."""
