"""Our SpiffBpmnParser: the same as the library's, except that multi-instance steps start clean.

SpiffWorkflow merges a multi-instance step's instance data back into the step, so its input item
(e.g. `department` of the "1+N" joint oversight) is still in the data when a rework loop reaches
the step again, and the library then refuses to start: "Multiinstance input item department
already exists" (docs/engine-notes.md §3.4). An input or output item is per-instance data and never the
step's own, and each activation's output collection holds that activation's results only, so we
drop them when an activation begins. The classes are registered with the serializer by the runtime.
"""
from __future__ import annotations

from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.defaults import ParallelMultiInstanceTask, SequentialMultiInstanceTask


class _FreshActivation:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The base update hook inherits the predecessor's data, then emits update_event, and only
        # then does the multi-instance logic run: the one point to drop what an earlier pass left.
        self.update_event.connect(self._drop_stale_items)

    def _drop_stale_items(self, workflow, my_task):
        if "merged" in my_task.internal_data:      # not the start of an activation
            return
        stale = [item.bpmn_id for item in (self.input_item, self.output_item) if item is not None]
        if self.data_output is not None and (self.data_input is None or self.data_output.bpmn_id != self.data_input.bpmn_id):
            stale.append(self.data_output.bpmn_id)
        for name in stale:
            my_task.data.pop(name, None)


class FreshParallelMultiInstanceTask(_FreshActivation, ParallelMultiInstanceTask):
    pass


class FreshSequentialMultiInstanceTask(_FreshActivation, SequentialMultiInstanceTask):
    pass


def _fresh(parser_class):
    return type(parser_class.__name__, (parser_class,), {
        "PARALLEL_MI_CLASS": FreshParallelMultiInstanceTask,
        "SEQUENTIAL_MI_CLASS": FreshSequentialMultiInstanceTask})


class XiaoweiParser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {tag: (_fresh(parser), spec)
                               for tag, (parser, spec) in SpiffBpmnParser.OVERRIDE_PARSER_CLASSES.items()}
