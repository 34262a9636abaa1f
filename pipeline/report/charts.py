"""SVG charts for the review page, drawn here (no library, no network)."""
from __future__ import annotations

from html import escape

PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"]


def _fmt(v: float) -> str:
    s = f"{v:,.2f}".rstrip("0").rstrip(".")
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".")


def bars(title: str, rows: list[tuple[str, dict[str, float]]], series: list[str], width: int = 900) -> str:
    """Horizontal grouped bars: one group per row label, one bar per series
    (period), the value written at the end of each bar."""
    if not rows:
        return ""
    label_w, bar_h, gap, top = 300, 14, 10, 44
    plot_w = width - label_w - 70
    vmax = max((v for _, vals in rows for v in vals.values() if v is not None), default=0) or 1
    group_h = bar_h * len(series) + gap
    height = top + group_h * len(rows) + 10
    out = [f'<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>',
           f'<text x="0" y="16" class="chart-title">{escape(title)}</text>']
    x = label_w
    for i, s in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{x}" y="26" width="12" height="10" fill="{color}"/>'
                   f'<text x="{x + 16}" y="35" class="chart-legend">{escape(s)}</text>')
        x += 30 + 8 * len(s)
    for gi, (label, vals) in enumerate(rows):
        y0 = top + gi * group_h
        out.append(f'<text x="{label_w - 8}" y="{y0 + group_h / 2}" class="chart-label" text-anchor="end" '
                   f'dominant-baseline="middle">{escape(label)}</text>')
        for si, s in enumerate(series):
            v = vals.get(s)
            if v is None:
                continue
            w = max(1.0, plot_w * v / vmax)
            y = y0 + si * bar_h
            color = PALETTE[si % len(PALETTE)]
            out.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{color}">'
                       f'<title>{escape(label)} · {escape(s)}: {_fmt(v)}</title></rect>'
                       f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h / 2}" class="chart-value" '
                       f'dominant-baseline="middle">{_fmt(v)}</text>')
    out.append("</svg>")
    return "".join(out)
