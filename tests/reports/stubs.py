"""Real Figure objects with the seed's values, for tests that need figures but not records."""

from indicators.compute import Figure
from indicators.registry import BY_KEY

SEED_FIGURES = {
    "timely_acceptance_rate": (202, 202),
    "accurate_transfer_rate": (202, 202),
    "authority_timely_acceptance_rate": (202, 202),
    "on_time_closure_rate": (202, 202),
    "one_time_resolution_rate": (189, 202),
    "initial_one_time_resolution_rate": (171, 182),
    "legal_channel_cases": (1, None),
    "disputes_screened": (157, None),
    "disputes_resolved": (126, None),
    "dispute_resolution_rate": (126, 157),
    "accountability_units": (21, None),
    "accountability_persons": (20, None),
    "order_cases": (8, None),
    "order_persons": (8, None),
    "order_warnings": (3, None),
    "order_administrative_detentions": (4, None),
    "order_criminal_detentions": (1, None),
    "volunteers": (21, None),
    "volunteer_activities": (4, None),
    "training_sessions": (5, None),
    "campaigns": (20, None),
    "materials_distributed": (3216, None),
    "roadmap_units": (11, None),
}


def stub_figures(**overrides) -> dict[str, Figure]:
    """Every registry indicator: the seed's value where it has one, zero otherwise."""
    values = {**SEED_FIGURES, **overrides}
    figures = {}
    for key, indicator in BY_KEY.items():
        numerator, denominator = values.get(key, (0, 0 if indicator.is_rate else None))
        figures[key] = Figure(indicator, numerator, denominator if indicator.is_rate else None)
    return figures
