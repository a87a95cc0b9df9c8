"""Generated BPMN fragments: a pattern that many items share is written once, as a template, and each
use of it in a file is a marked block that `regenerate` rewrites from the template (`xiaowei
processes fragments`). Two kinds: `fragment:publicity`, the publicity period with objections
(publicity.py), and `fragment:field`, one form field of the shared definitions (fields.py,
field.py). Edit the template or the definition and run the command; never edit the copies
(`tests/unit/test_fragments.py` and `test_shared_fields.py` fail while a copy differs).

Why generated, not a called process: the portal's objection mechanism needs the publicity point to
be followed by its objection-intake step in the same process, and the red lines read the intake
steps of each item; a call activity would hide both.

Depends on lxml and bpmn_reader only; imports neither `engine` nor `render` (both may import it).
"""
from __future__ import annotations

from collections.abc import Mapping

from . import markers
from .field import FIELD
from .fields import CATALOGUE, FormField  # noqa: F401
from .markers import FragmentError, Occurrence, Regenerated  # noqa: F401
from .publicity import PUBLICITY
from .template import Template

TEMPLATES: dict[str, Template] = {PUBLICITY.kind: PUBLICITY, FIELD.kind: FIELD}


def regenerate(text: str, source: str = "BPMN file", templates: Mapping[str, Template] | None = None) -> Regenerated:
    """The file's text with every marked fragment rewritten from its template (`templates`: the
    shipped ones unless given) and the lanes of the flow nodes they write put right.
    Raises FragmentError naming the file, the line and the problem."""
    return markers.regenerate(text, source, TEMPLATES if templates is None else templates)
