"""Breast cancer personalised stratified follow-up with remote monitoring (issue 11; README.md here).

Protocols as YAML (`protocol.py`), the remote-monitoring records in the store (`store/followup.py`),
the worklist (`worklist.py`), the nurses' actions with optimistic locking and audit (`actions.py`),
imports (`files.py`) and the alliance metrics (`metrics.py`).
"""
