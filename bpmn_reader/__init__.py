"""Reading BPMN 2.0 files: one hardened XML reader and one vocabulary of durations, shared by the
engine (which runs the files) and the renderer (which draws them), so that both read a file the
same way and word a deadline the same way. Depends on lxml only; imports neither `engine` nor
`render`.
"""
from .durations import (ISO_DURATION, condition_clause, duration_words, iso_days,  # noqa: F401
                        iso_duration_words, iso_literal, iso_shortest_days)
from .xml import (BPMN, CAMUNDA, NS, SPIFF, BpmnReadError, Element, local, name_of, parse_bpmn,  # noqa: F401
                  properties, text)
