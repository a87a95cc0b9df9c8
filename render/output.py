"""Running Graphviz `dot` on a built graph and returning the bytes of one output format."""
from __future__ import annotations

import shutil
import subprocess

import graphviz

from .errors import RenderError
from .style import FONT, SVG_FONT_FAMILY

FORMATS = ('svg', 'png', 'pdf', 'json')     # json: Graphviz's layout, for render/quality.py
# Generous: a 20-step chart takes about 0.1 s. A pathological upload must not hold a worker.
DOT_TIMEOUT_SECONDS = 60


def check_format(fmt: object) -> str:
    if fmt not in FORMATS:
        raise RenderError(f'unsupported output format {fmt!r} (expected one of {", ".join(FORMATS)})')
    return fmt


def run_dot(graph: graphviz.Digraph, fmt: str) -> bytes:
    """Lay out and draw with `dot`. We call it ourselves (not `graph.pipe`) to get a timeout."""
    executable = shutil.which('dot')
    if executable is None:
        raise RenderError('Graphviz is not installed: the "dot" program was not found on PATH')
    try:
        done = subprocess.run([executable, f'-T{fmt}'], input=graph.source.encode('utf-8'),
                              capture_output=True, timeout=DOT_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise RenderError(f'Graphviz took longer than {DOT_TIMEOUT_SECONDS} s to lay out the chart') from exc
    if done.returncode != 0 or not done.stdout:
        problem = done.stderr.decode('utf-8', 'replace').strip()[-500:]
        raise RenderError(f'Graphviz failed to draw the chart (exit {done.returncode}): {problem}')
    return _widen_svg_fonts(done.stdout) if fmt == 'svg' else done.stdout


def _widen_svg_fonts(svg: bytes) -> bytes:
    # Browsers without Noto fall back through other CJK families instead of a Latin-only font.
    return svg.replace(f'font-family="{FONT}"'.encode(), f'font-family="{SVG_FONT_FAMILY}"'.encode())
