"""The engine's view of the shared BPMN reader (bpmn_reader/): the same hardened parsing as the
renderer's, with a reading error turned into a DefinitionError naming the file."""
from __future__ import annotations

from bpmn_reader import BPMN, NS, SPIFF, BpmnReadError, parse_bpmn, properties  # noqa: F401 - re-exported
from bpmn_reader import local as local_name  # noqa: F401

from .errors import DefinitionError


def parse_bpmn_bytes(data: bytes, filename: str):
    """The root element of a BPMN document, or DefinitionError naming the file and problem."""
    try:
        return parse_bpmn(data)
    except BpmnReadError as exc:
        raise DefinitionError(filename, None, exc.problem, exc.line) from None
