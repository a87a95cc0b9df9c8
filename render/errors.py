"""The one exception the renderer raises."""


class RenderError(Exception):
    """A flowchart could not be drawn: bad input (malformed XML, unknown format, bad overlay)
    or Graphviz failed. The message names the file or element and the problem."""
