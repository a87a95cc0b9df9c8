// A multi-instance step's loopDataInputRef / loopDataOutputRef names a matter's data item (SpiffWorkflow
// reads the text as a task data name, e.g. `oversight_roles`), not a BPMN element of the file.
// bpmn-moddle resolves such a reference by element id, warns "unresolved reference" and would drop
// it on save. This gives each one back a detached stand-in with that id, which moddle writes out as
// the same text. Shared by the modeler page and tests/modeler/roundtrip.mjs.
const DATA_REFS = new Set([ 'bpmn:loopDataInputRef', 'bpmn:loopDataOutputRef' ]);

export function keepDataNames(moddle, warnings) {
  return (warnings || []).filter(function(warning) {
    const element = warning.element;
    if (!element || !DATA_REFS.has(warning.property) || !element.$instanceOf ||
        !element.$instanceOf('bpmn:MultiInstanceLoopCharacteristics')) {
      return true;
    }
    element.set(warning.property, moddle.create('bpmn:DataInput', { id: warning.value }));
    return false;
  });
}
