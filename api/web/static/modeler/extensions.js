// The side panel's editors (forms.js, publicity.js) change an element's extensionElements through
// bpmn-js's modeling API: each user action builds its new pieces first and then is one
// updateModdleProperties command on the diagram element, so one undo takes back one action and
// saveXML writes what the command left. The moddle types are the page's extensions (camunda.json,
// xiaowei.json, spiffworkflow.json).

export const STEP_TYPES = [ 'bpmn:UserTask', 'bpmn:ManualTask', 'bpmn:Task' ];

export function extensionValues(bo) {
  return (bo.extensionElements && bo.extensionElements.get('values')) || [];
}

export function update(ui, element, target, properties) {
  ui.modeling.updateModdleProperties(element, target, properties);
}

// Adds `value` at the end of the element's extensionElements (created with it when missing).
export function appendExtension(ui, element, value) {
  const bo = element.businessObject;
  let ext = bo.extensionElements;
  if (ext) {
    value.$parent = ext;
    update(ui, element, ext, { values: [ ...ext.get('values'), value ] });
    return;
  }
  ext = ui.moddle.create('bpmn:ExtensionElements', { values: [ value ] });
  ext.$parent = bo;
  value.$parent = ext;
  update(ui, element, bo, { extensionElements: ext });
}

export function removeExtension(ui, element, value) {
  const ext = element.businessObject.extensionElements;
  update(ui, element, ext, { values: ext.get('values').filter(v => v !== value) });
}

// `list` with the item at `index` moved by `by` (-1 up, +1 down), or null at either end.
export function moved(list, index, by) {
  const to = index + by;
  if (to < 0 || to >= list.length) return null;
  const copy = [ ...list ];
  [ copy[index], copy[to] ] = [ copy[to], copy[index] ];
  return copy;
}

export function button(ui, text, onClick, attrs) {
  const control = ui.add('button', Object.assign({ type: 'button' }, attrs || {}), text);
  control.disabled = !ui.editable || !!(attrs && attrs.disabled);
  control.addEventListener('click', onClick);
  return control;
}

export function select(ui, name, choices, current) {
  const control = ui.add('select', { name });
  choices.forEach(([ value, text ]) => {
    const option = ui.add('option', { value }, text);
    if (value === current) option.selected = true;
    control.append(option);
  });
  return control;
}

export function text(ui, name, value, attrs) {
  const control = ui.add('input', Object.assign({ type: 'text', name }, attrs || {}));
  control.value = value || '';
  return control;
}
