"""Settings of the lung health check rules. Defaults come from `data/settings.toml`, where each has its
source and how far it was verified; the values the spec could not verify (the UK ethnicity and
education mappings, the LLP duration band edges, which LLP version the protocol uses) are settings so
that a local or official choice needs no code change (NHS England TLHC protocol (2019), Cassidy et al., Br J
Cancer 2008, NHS England TLHC protocol (2019), Appendix B;
docs/deviations.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from cancer_alliance.lung.coefficients import Model, data_file

_DATA = data_file("settings.toml")


@dataclass(frozen=True)
class LungSettings:
    """Every parameter of the lung rules; the defaults reproduce the spec's stated behaviour."""

    #: TLHC eligibility at the date of the first LDCT (NHS England TLHC protocol (2019)).
    minimum_age: int = _DATA["eligibility"]["minimum_age"]
    maximum_age: int = _DATA["eligibility"]["maximum_age"]
    plcom2012_threshold: float = _DATA["eligibility"]["plcom2012_threshold"]
    llp_threshold: float = _DATA["eligibility"]["llp_threshold"]
    plcom2012_model: Model = Model(_DATA["eligibility"]["plcom2012_model"])
    llp_model: Model = Model(_DATA["eligibility"]["llp_model"])
    #: LLP smoking-duration bands: inclusive upper edges of bands 1-3; longer is band 4 (Cassidy et al., Br J
    #: Cancer 2008).
    llp_duration_edges: tuple[float, float, float] = tuple(_DATA["llp_duration_bands"]["upper_edges"])  # type: ignore[assignment]
    #: Education level used when it is missing (UK cohort convention, NHS England TLHC protocol (2019)).
    missing_education_level: int = _DATA["education"]["missing_level"]
    #: NHS ETHNIC CATEGORY -> PLCOm2012 race; unlisted codes -> `ethnicity_default_race` (NHS England TLHC
    #: protocol (2019)).
    ethnicity_race: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType(dict(_DATA["ethnicity"]["race"]))
    )
    ethnicity_default_race: str = _DATA["ethnicity"]["default"]
    #: Screening rounds: the next LDCT this many months after the last, while under this age (Goodley et al.,
    #: BMJ Open Respir Res 2024).
    round_interval_months: int = _DATA["rounds"]["interval_months"]
    last_round_before_age: int = _DATA["rounds"]["last_round_before_age"]
    #: Brock Model 2a (no spiculation) non-solid beta: UNRESOLVED (-0.3005 or -0.3055, Brock, McWilliams et
    #: al., NEJM 2013); None
    #: refuses to score a non-solid nodule with 2a until someone chooses.
    brock_2a_non_solid_beta: float | None = None

    def __post_init__(self) -> None:
        edges = list(self.llp_duration_edges)
        if len(edges) != 3 or edges != sorted(edges) or len(set(edges)) != 3 or edges[0] <= 0:
            raise ValueError("llp_duration_edges: three increasing positive upper edges, e.g. (20, 40, 60)")
        if not 0 < self.plcom2012_threshold < 1 or not 0 < self.llp_threshold < 1:
            raise ValueError("risk thresholds are probabilities between 0 and 1 (e.g. 0.0151, 0.025)")
        if self.minimum_age > self.maximum_age:
            raise ValueError("minimum_age must not exceed maximum_age")
        if self.plcom2012_model not in (Model.plcom2012, Model.plcom2012_norace):
            raise ValueError("plcom2012_model: plcom2012 or plcom2012_norace")
        if self.llp_model not in (Model.llp_v2, Model.llp_v3):
            raise ValueError("llp_model: llp_v2 or llp_v3")
        if not 1 <= self.missing_education_level <= 6:
            raise ValueError("missing_education_level: a PLCO education level 1-6")


DEFAULT_SETTINGS = LungSettings()


def education_labels() -> tuple[str, ...]:
    """UK labels of the PLCO education levels 1-6 (de-facto convention, NHS England TLHC protocol (2019))."""
    return tuple(_DATA["education"]["labels"])


def setting_sources() -> Mapping[str, Mapping[str, str]]:
    """Source and verification status of each group of defaults, for the README and the web page."""
    return {name: {"source": table["source"], "verified": table["verified"]} for name, table in _DATA.items()}
