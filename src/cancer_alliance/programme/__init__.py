"""The alliance programme (issue 15): funding-agreement deliverables tracked against the platform's own
metrics with a RAG status, the best-practice library of case studies, and the monthly board pack.

See README.md for the sources and settings; the records live in the store (`store/programme.py`).
"""
