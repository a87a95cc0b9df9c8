"""Running Graphviz `dot` on a built graph and returning the bytes of one output format."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time

import graphviz

from .dotfile import patched_layout
from .errors import RenderError
from .reroute import tidy
from .style import FONT, SVG_FONT_FAMILY

FORMATS = ('svg', 'png', 'pdf', 'json')     # json: Graphviz's layout, for render/quality.py
# Generous: a 20-step chart takes about 0.1 s. A pathological upload must not hold a worker.
DOT_TIMEOUT_SECONDS = 60
TIDY_SECONDS = 10          # the most reroute.py may spend on one chart (the largest shipped item: ~0.1 s)


def check_format(fmt: object) -> str:
    if fmt not in FORMATS:
        raise RenderError(f'unsupported output format {fmt!r} (expected one of {", ".join(FORMATS)})')
    return fmt


def run_dot(graph: graphviz.Digraph, fmt: str) -> bytes:
    """Lay out and draw with `dot`. We call it ourselves (not `graph.pipe`) to get a timeout."""
    return _finished(_graphviz([f'-T{fmt}'], graph.source), fmt)


def run_dot_tidied(graph: graphviz.Digraph, fmt: str) -> bytes:
    """`run_dot` with dot's layout tidied first (render/reroute.py): an edge it ran through a box
    is drawn again around the boxes, a label it put on a box, a label or an edge is moved beside
    its own edge. dot lays the chart out (its DOT and json outputs); Graphviz's `nop2` engine
    draws the patched layout (render/dotfile.py), keeping every position as given. Always drawn
    by `nop2`, fixed or not (nearly every chart has something to fix): one look for all."""
    deadline = time.monotonic() + DOT_TIMEOUT_SECONDS       # one budget for the whole chart
    with tempfile.TemporaryDirectory(prefix='xiaowei-dot-') as folder:
        layout_dot, layout_json = os.path.join(folder, 'layout.gv'), os.path.join(folder, 'layout.json')
        # DOT first: once the json is written, the graph carries its xdot drawing attributes.
        _graphviz(['-Tdot', '-o', layout_dot, '-Tjson', '-o', layout_json], graph.source, deadline, output_expected=False)
        with open(layout_dot, encoding='utf-8') as handle:
            laid_out = handle.read()
        with open(layout_json, encoding='utf-8') as handle:
            data = json.load(handle)
    fixes = tidy(data, min(deadline, time.monotonic() + TIDY_SECONDS))
    patched = patched_layout(laid_out, data, fixes)
    return _finished(_graphviz(['-Knop2', f'-T{fmt}'], patched, deadline), fmt)


def _graphviz(arguments: list[str], source: str, deadline: float | None = None, output_expected: bool = True) -> bytes:
    executable = shutil.which('dot')
    if executable is None:
        raise RenderError('Graphviz is not installed: the "dot" program was not found on PATH')
    timeout = DOT_TIMEOUT_SECONDS if deadline is None else max(deadline - time.monotonic(), 1.0)
    try:
        done = subprocess.run([executable, *arguments], input=source.encode('utf-8'),
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise RenderError(f'Graphviz took longer than {DOT_TIMEOUT_SECONDS} s to lay out the chart') from exc
    if done.returncode != 0 or (output_expected and not done.stdout):
        problem = done.stderr.decode('utf-8', 'replace').strip()[-500:]
        raise RenderError(f'Graphviz failed to draw the chart (exit {done.returncode}): {problem}')
    return done.stdout


def _finished(drawn: bytes, fmt: str) -> bytes:
    return _widen_svg_fonts(drawn) if fmt == 'svg' else drawn


def _widen_svg_fonts(svg: bytes) -> bytes:
    # Browsers without Noto fall back through other CJK families instead of a Latin-only font.
    return svg.replace(f'font-family="{FONT}"'.encode(), f'font-family="{SVG_FONT_FAMILY}"'.encode())
