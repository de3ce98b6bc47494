"""Synthetic alliance data: every canonical table for the 19 alliances of 2018/19, calibrated to the
published national figures, deterministic for a seed and scale (README.md in this folder)."""

from cancer_alliance.synth.check import CheckReport, Comparison, check
from cancer_alliance.synth.generate import FILES, INVALID_FILE, GenerationSummary, generate

__all__ = ["FILES", "INVALID_FILE", "CheckReport", "Comparison", "GenerationSummary", "check", "generate"]
