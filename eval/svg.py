"""Small inline SVG charts for the HTML report (no plotting library, no external file).

Bars, a histogram and a heat-map table are all the report needs; writing them directly keeps
the report one self-contained file and the suite free of matplotlib.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

__all__ = ["grouped_bars", "histogram"]

_COLOURS = ("#1f6f8b", "#e07a1f", "#5a9e4b", "#8e5ea2", "#c23b4b", "#777777")


def _text(x: float, y: float, content: str, *, anchor: str = "middle", size: int = 11) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-family="sans-serif">{escape(content)}</text>'
    )


def grouped_bars(
    groups: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str,
    maximum: float = 1.0,
    height: int = 220,
) -> str:
    """Bars per group (x axis), one colour per series; ``None`` values draw nothing."""
    names = list(series)
    bar = 12
    gap = 14
    group_width = bar * max(1, len(names)) + gap
    left, top, bottom = 36, 28, 40
    width = left + group_width * max(1, len(groups)) + 10
    plot_h = height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height + 18 * len(names)}" role="img" aria-label="{escape(title)}">',
        _text(width / 2, 16, title, size=13),
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = top + plot_h * (1 - tick)
        parts.append(
            f'<line x1="{left}" x2="{width - 6}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        parts.append(_text(left - 4, y + 4, f"{tick * maximum:.2g}", anchor="end", size=10))
    for g, group in enumerate(groups):
        x0 = left + g * group_width + gap / 2
        for s, name in enumerate(names):
            value = series[name][g]
            if value is None:
                continue
            h = plot_h * min(1.0, max(0.0, value / maximum)) if maximum else 0.0
            parts.append(
                f'<rect x="{x0 + s * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 1}" '
                f'height="{h:.1f}" fill="{_COLOURS[s % len(_COLOURS)]}">'
                f"<title>{escape(name)} {escape(group)}: {value:.3f}</title></rect>"
            )
        parts.append(_text(x0 + bar * len(names) / 2, top + plot_h + 14, group, size=10))
    for s, name in enumerate(names):
        y = height + 18 * s
        parts.append(
            f'<rect x="{left}" y="{y - 10}" width="10" height="10" '
            f'fill="{_COLOURS[s % len(_COLOURS)]}"/>'
        )
        parts.append(_text(left + 14, y, name, anchor="start", size=11))
    parts.append("</svg>")
    return "".join(parts)


def histogram(values: Sequence[float], *, title: str, bins: int = 20, unit: str = "ms") -> str:
    """A histogram of ``values`` with equal-width bins from 0 to the maximum."""
    width, height, left, top, bottom = 520, 200, 40, 26, 34
    plot_w, plot_h = width - left - 10, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}">',
        _text(width / 2, 16, title, size=13),
    ]
    if not values:
        parts.append(_text(width / 2, height / 2, "no data"))
        parts.append("</svg>")
        return "".join(parts)
    top_value = max(values) or 1.0
    step = top_value / bins
    counts = [0] * bins
    for value in values:
        counts[min(bins - 1, int(value / step))] += 1
    peak = max(counts)
    bar_w = plot_w / bins
    for i, count in enumerate(counts):
        h = plot_h * count / peak
        parts.append(
            f'<rect x="{left + i * bar_w:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 1:.1f}" '
            f'height="{h:.1f}" fill="{_COLOURS[0]}"><title>{i * step:.0f}–{(i + 1) * step:.0f} '
            f"{unit}: {count}</title></rect>"
        )
    parts.append(_text(left, height - 12, f"0 {unit}", anchor="start", size=10))
    parts.append(_text(width - 10, height - 12, f"{top_value:.0f} {unit}", anchor="end", size=10))
    parts.append(_text(left - 4, top + 8, str(peak), anchor="end", size=10))
    parts.append("</svg>")
    return "".join(parts)
