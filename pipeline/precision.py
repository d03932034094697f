"""The precision of a published figure, declared with the figure (``"precision"``): part of
what the figure says. « 2 700 » rounded to the hundred agrees with 2 705; « environ 54
millions » with 56,2 millions within 5 %.

- ``"exact"`` (the default);
- ``"tenth"``, ``"unit"``, ``"ten"``, ``"hundred"``, ``"thousand"``: rounded to that step;
- ``"point"``: a percentage rounded to the point;
- ``{"about": 0.05}``: « environ », within that share of the published value."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.numbers_fr import fmt_number

STEPS = {
    "exact": (0.0, "exact"),
    "tenth": (0.1, "arrondi au dixième"),
    "unit": (1.0, "arrondi à l'unité"),
    "ten": (10.0, "arrondi à la dizaine"),
    "hundred": (100.0, "arrondi à la centaine"),
    "thousand": (1000.0, "arrondi au millier"),
    "point": (1.0, "pourcentage arrondi au point"),
}
SCHEMA = {
    "description": "précision du chiffre publié : « exact » (par défaut), « tenth », « unit », "
    "« ten », « hundred », « thousand » (arrondi au dixième… au millier), « point » (pourcentage "
    'arrondi au point) ou {"about": 0.05} (« environ », à 5 % près)',
    "oneOf": [
        {"enum": list(STEPS)},
        {
            "type": "object",
            "required": ["about"],
            "properties": {"about": {"type": "number", "exclusiveMinimum": 0, "maximum": 1}},
            "additionalProperties": False,
        },
    ],
}
EPSILON = 1e-9


@dataclass(frozen=True)
class Precision:
    step: float = 0.0  # a rounded figure covers ± step / 2
    about: float | None = None  # « environ »: ± this share of the published value
    text: str = "exact"  # French, as shown in the verification resource

    def tolerance(self, published: float) -> float:
        if self.about is not None:
            return abs(published) * self.about
        return self.step / 2

    def verdict(self, published: float | None, recomputed: float | None) -> str:
        """concorde when the recomputed value lies within the published figure's precision,
        écart otherwise; non vérifiable without both values."""
        if published is None or recomputed is None:
            return "non vérifiable"
        within = abs(recomputed - published) <= self.tolerance(published) + EPSILON
        return "concorde" if within else "écart"


def parse(spec: str | dict | None) -> Precision:
    """The declared precision (validated by :data:`SCHEMA` beforehand)."""
    if spec is None:
        return Precision()
    if isinstance(spec, dict):
        about = float(spec["about"])
        return Precision(about=about, text=f"environ (± {fmt_number(100 * about)} %)")
    step, text = STEPS[spec]
    return Precision(step=step, text=text)
