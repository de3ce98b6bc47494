"""Open-source platform for NHS England's Cancer Alliances."""

__version__ = "0.1.0"
