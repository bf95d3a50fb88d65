"""Small inline SVG charts for the HTML report (no plotting library, no external file).

Bars, a histogram and a heat-map table are all the report needs; writing them directly keeps
the report one self-contained file and the suite free of matplotlib. Every chart has a
``viewBox``, so the page's CSS can scale it to its column, and carries its figures as text: a
reader should not have to guess a bar's height, and a 0 must not look like a missing bar.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

__all__ = ["ZERO_BAR_HEIGHT", "bar_label", "grouped_bars", "histogram"]

_COLOURS = ("#1f6f8b", "#e07a1f", "#5a9e4b", "#8e5ea2", "#c23b4b", "#777777")
_MUTED = "#666666"
#: Height (px) of the thin bar drawn for a value of 0, so that it differs from "not measured".
ZERO_BAR_HEIGHT = 2.0


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "middle",
    size: int = 11,
    fill: str | None = None,
    vertical: bool = False,
) -> str:
    """A text element; ``vertical`` turns it to read bottom-up from ``(x, y)``."""
    extra = f' fill="{fill}"' if fill else ""
    if vertical:
        extra += f' transform="rotate(-90 {x:.1f} {y:.1f})"'
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-family="sans-serif"{extra}>{escape(content)}</text>'
    )


def _svg_open(width: float, height: float, title: str) -> str:
    """The root element: intrinsic size for a wide screen, ``viewBox`` to scale it down."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(title)}">'
    )


def bar_label(value: float) -> str:
    """A bar's value as written on it: ``0`` for zero, else two decimals."""
    return "0" if value == 0 else f"{value:.2f}"


def grouped_bars(
    groups: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str,
    maximum: float = 1.0,
    height: int = 240,
    notes: Sequence[str] = (),
) -> str:
    """Bars per group (x axis), one colour per series, each bar with its value written above.

    A value of 0 draws a thin bar of :data:`ZERO_BAR_HEIGHT` and the label ``0``; ``None`` (not
    measured) draws a grey ``n/a``. ``notes`` is a second line under each group's name (the
    report puts each group's n there).
    """
    names = list(series)
    bar = 14
    gap = 16
    group_width = bar * max(1, len(names)) + gap
    left, top, bottom = 36, 52, 44
    width = left + group_width * max(1, len(groups)) + 10
    plot_h = height - top - bottom
    base = top + plot_h
    parts = [
        _svg_open(width, height + 18 * len(names), title),
        _text(width / 2, 16, title, size=13),
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = top + plot_h * (1 - tick)
        parts.append(
            f'<line x1="{left}" x2="{width - 6}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        parts.append(_text(left - 4, y + 4, f"{tick * maximum:.2g}", anchor="end", size=10))
    parts.append(f'<line x1="{left}" x2="{width - 6}" y1="{base}" y2="{base}" stroke="#555"/>')
    for g, group in enumerate(groups):
        x0 = left + g * group_width + gap / 2
        for s, name in enumerate(names):
            value = series[name][g]
            centre = x0 + s * bar + (bar - 1) / 2
            if value is None:
                parts.append(
                    _text(
                        centre + 3,
                        base - 4,
                        "n/a",
                        anchor="start",
                        size=9,
                        fill=_MUTED,
                        vertical=True,
                    )
                )
                continue
            h = plot_h * min(1.0, max(0.0, value / maximum)) if maximum else 0.0
            h = max(h, ZERO_BAR_HEIGHT)
            parts.append(
                f'<rect x="{x0 + s * bar:.1f}" y="{base - h:.1f}" width="{bar - 1}" '
                f'height="{h:.1f}" fill="{_COLOURS[s % len(_COLOURS)]}">'
                f"<title>{escape(name)} {escape(group)}: {value:.3f}</title></rect>"
            )
            parts.append(
                _text(
                    centre + 3,
                    base - h - 3,
                    bar_label(value),
                    anchor="start",
                    size=9,
                    vertical=True,
                )
            )
        middle = x0 + bar * len(names) / 2
        parts.append(_text(middle, base + 14, group, size=10))
        if g < len(notes):
            parts.append(_text(middle, base + 27, notes[g], size=9, fill=_MUTED))
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
    """A histogram of ``values`` with equal-width bins from 0 to the maximum.

    Every non-empty bin carries its count; an empty bin stays empty above the axis line.
    """
    width, height, left, top, bottom = 520, 210, 40, 36, 34
    plot_w, plot_h = width - left - 10, height - top - bottom
    base = top + plot_h
    parts = [_svg_open(width, height, title), _text(width / 2, 16, title, size=13)]
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
            f'<rect x="{left + i * bar_w:.1f}" y="{base - h:.1f}" width="{bar_w - 1:.1f}" '
            f'height="{h:.1f}" fill="{_COLOURS[0]}"><title>{i * step:.0f}–{(i + 1) * step:.0f} '
            f"{unit}: {count}</title></rect>"
        )
        if count:
            parts.append(_text(left + (i + 0.5) * bar_w, base - h - 3, str(count), size=9))
    parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{base}" y2="{base}" stroke="#555"/>')
    parts.append(_text(left, height - 12, f"0 {unit}", anchor="start", size=10))
    parts.append(_text(width - 10, height - 12, f"{top_value:.0f} {unit}", anchor="end", size=10))
    parts.append(_text(left - 4, top + 8, str(peak), anchor="end", size=10))
    parts.append("</svg>")
    return "".join(parts)
