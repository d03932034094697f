"""Draw the picture of a package with matplotlib (no pyplot, no basemap: the build is
offline) and save it as SVG and PNG with deterministic bytes: fixed SVG hash salt (ids of
clip paths), no date, fixed creator and software metadata, the DejaVu Sans font shipped with
matplotlib. Bytes still depend on the matplotlib version."""

from __future__ import annotations

import io
import math
import re
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from pipeline.numbers_fr import fmt_int, fmt_number  # noqa: E402

CREATOR = "Pipeline de données ouvertes de l'ANCT (matplotlib)"
STYLE = {
    "svg.hashsalt": "anct-pipeline",
    "svg.fonttype": "path",
    "font.family": ["DejaVu Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "path.simplify": True,
}
BLUE, GREY = "#000091", "#929292"  # the French State's blue, neutral grey
SERIES = ["#000091", "#e1000f", "#18753c", "#b34000", "#6a6af4"]
VERDICT_COLORS = {"concorde": "#18753c", "écart": "#b34000", "non vérifiable": GREY}
PNG_DPI = 120


@dataclass(frozen=True)
class Rendered:
    svg: bytes
    png: bytes


def save(fig: Figure) -> Rendered:
    svg, png = io.BytesIO(), io.BytesIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": CREATOR})
        fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return Rendered(svg.getvalue(), png.getvalue())


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(STYLE):
        return Figure(figsize=(width, height), layout="constrained")


def _frame(fig: Figure, title: str, source: str) -> None:
    """Title on top, source at the bottom, both placed by the constrained layout."""
    fig.suptitle(title, fontsize=13, fontweight="bold", x=0.01, ha="left")
    fig.supxlabel(source, fontsize=7.5, color="#555555", x=0.01, ha="left")


def _aspect(lat_min: float, lat_max: float) -> float:
    return 1 / math.cos(math.radians((lat_min + lat_max) / 2))


def _points(ax, lon: np.ndarray, lat: np.ndarray, size: float) -> None:
    ax.scatter(
        lon,
        lat,
        s=size,
        c=BLUE,
        alpha=0.6 if len(lon) < 20_000 else 0.3,
        linewidths=0,
        rasterized=len(lon) > 20_000,  # a million points stay a small SVG
    )


def point_map(
    lon: np.ndarray,
    lat: np.ndarray,
    boxes: dict[str, tuple[float, float, float, float]],
    title: str,
    subtitle: str,
    source: str,
) -> Rendered:
    """Metropolitan France, with one inset per other box holding points. ``boxes``:
    name -> (lat_min, lat_max, lon_min, lon_max); the first is the main map."""
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(9, 7.4))
        names = list(boxes)
        inside = {
            name: (lat >= b[0]) & (lat <= b[1]) & (lon >= b[2]) & (lon <= b[3])
            for name, b in boxes.items()
        }
        insets = [n for n in names[1:] if inside[n].any()]
        size = 5 if len(lon) < 5_000 else 1.5 if len(lon) < 50_000 else 0.3
        main = fig.add_axes((0.07, 0.08, 0.60, 0.80))
        box = boxes[names[0]]
        mask = inside[names[0]]
        _points(main, lon[mask], lat[mask], size)
        main.set_xlim(box[2], box[3])
        main.set_ylim(box[0], box[1])
        main.set_aspect(_aspect(box[0], box[1]))
        main.set_xlabel("Longitude (degrés, WGS 84)")
        main.set_ylabel("Latitude (degrés, WGS 84)")
        main.grid(color="#dddddd", linewidth=0.5)
        main.set_title(
            f"{names[0].capitalize()} : {fmt_int(int(mask.sum()))}", fontsize=9, loc="left"
        )
        columns = 1 if len(insets) <= 4 else 2
        per_column = math.ceil(len(insets) / columns) if insets else 1
        height = 0.80 / per_column
        width = 0.28 / columns
        for index, name in enumerate(insets):
            col, row = divmod(index, per_column)
            ax = fig.add_axes(
                (0.70 + col * width, 0.88 - (row + 1) * height + 0.03, width - 0.01, height - 0.05)
            )
            b = boxes[name]
            _points(ax, lon[inside[name]], lat[inside[name]], max(size, 3))
            ax.set_xlim(b[2], b[3])
            ax.set_ylim(b[0], b[1])
            ax.set_aspect(_aspect(b[0], b[1]))
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(True)
                spine.set_color("#aaaaaa")
            label = textwrap.fill(f"{name} : {fmt_int(int(inside[name].sum()))}", 24)
            ax.set_title(label, fontsize=8, loc="left")
        fig.suptitle(title, fontsize=13, fontweight="bold", x=0.01, ha="left", y=0.98)
        fig.text(0.01, 0.925, subtitle, fontsize=9, ha="left")
        fig.text(0.01, 0.01, source, fontsize=7.5, color="#555555", ha="left", va="bottom")
        return save(fig)


def bars(
    categories: list[str],
    series: list[tuple[str, list[int]]],
    title: str,
    value_label: str,
    category_label: str,
    source: str,
    *,
    horizontal: bool = True,
) -> Rendered:
    """Stacked bars, one colour per series, totals written at the end of each bar."""
    with matplotlib.rc_context(STYLE):
        n = len(categories)
        fig = _figure(9, max(3.5, 1.4 + 0.32 * n)) if horizontal else _figure(9, 5)
        ax = fig.add_subplot()
        positions = np.arange(n)
        base = np.zeros(n)
        for index, (label, counts) in enumerate(series):
            values = np.asarray(counts, dtype=float)
            color = SERIES[index % len(SERIES)]
            if horizontal:
                ax.barh(positions, values, left=base, color=color, label=label, height=0.7)
            else:
                ax.bar(positions, values, bottom=base, color=color, label=label, width=0.7)
            base += values
        peak = base.max() if n else 0
        for pos, total in zip(positions, base, strict=True):
            text = fmt_int(int(total))
            if horizontal:
                ax.text(total + peak * 0.01, pos, text, va="center", fontsize=8)
            else:
                ax.text(pos, total + peak * 0.01, text, ha="center", va="bottom", fontsize=8)
        if horizontal:
            ax.set_yticks(positions, categories)
            ax.invert_yaxis()
            ax.set_xlim(0, peak * 1.12 or 1)
            ax.set_xlabel(value_label)
            ax.set_ylabel(category_label)
        else:
            ax.set_xticks(positions, categories)
            ax.set_ylim(0, peak * 1.12 or 1)
            ax.set_ylabel(value_label)
            ax.set_xlabel(category_label)
        (ax.xaxis if horizontal else ax.yaxis).set_major_formatter(_thousands)
        if len(series) > 1:
            ax.legend(frameon=False, loc="lower right")
        _frame(fig, title, source)
        return save(fig)


def _keep_numbers(text: str) -> str:
    """No line break inside a French number ("3 500")."""
    return re.sub(r"(\d) (\d{3})\b", "\\1\u00a0\\2", text)


def _thousands(value: float, _pos: int) -> str:
    return fmt_int(int(value)) if float(value).is_integer() else fmt_number(value)


def figure_checks(rows: list[dict], title: str, source: str) -> Rendered:
    """Each published figure (100 %) beside the recomputed one, in % of the published value,
    with both values and the verdict written out. ``rows``: libelle, valeur_publiee,
    valeur_recalculee (None when not verifiable), unite, verdict."""
    with matplotlib.rc_context(STYLE):
        n = len(rows)
        fig = _figure(10, max(4, 1.6 + 0.62 * n))
        ax = fig.add_subplot()
        positions = np.arange(n)
        ax.barh(positions - 0.18, [100] * n, height=0.34, color=GREY, label="valeur publiée")
        ratios = []
        for pos, row in zip(positions, rows, strict=True):
            published, recomputed = row["valeur_publiee"], row["valeur_recalculee"]
            ratio = None
            if recomputed is not None and published:
                ratio = 100 * recomputed / published
                ax.barh(
                    pos + 0.18,
                    ratio,
                    height=0.34,
                    color=VERDICT_COLORS.get(row["verdict"], BLUE),
                )
            ratios.append(ratio)
            values = f"publié {fmt_number(published)}"
            values += f" · recalculé {fmt_number(recomputed)}" if recomputed is not None else ""
            ax.text(
                max(100, ratio or 0) + 2,
                pos,
                f"{values} {row['unite']} — {row['verdict']}",
                va="center",
                fontsize=7.5,
                color=VERDICT_COLORS.get(row["verdict"], "#333333"),
            )
        labels = [textwrap.fill(_keep_numbers(r["libelle"]), 42) for r in rows]
        ax.set_yticks(positions, labels, fontsize=7.5)
        ax.set_ylim(n - 0.5, -1.5)  # top down, with a free band on top for the legend
        ax.axvline(100, color="#333333", linewidth=0.8)
        ax.set_xlim(0, max([100, *(r for r in ratios if r is not None)]) * 1.75)
        ax.set_xlabel("Valeur en % du chiffre publié (100 % = chiffre publié)")
        ax.set_ylabel("Chiffre clé")
        handles = [
            Patch(color=GREY, label="chiffre publié"),
            *(
                Patch(color=c, label=f"recalculé : {v}")
                for v, c in VERDICT_COLORS.items()
                if v != "non vérifiable"
            ),
        ]
        ax.legend(handles=handles, frameon=False, loc="upper right", ncols=3, fontsize=7.5)
        _frame(fig, title, source)
        return save(fig)
