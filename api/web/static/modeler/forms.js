// The form editor of the side panel: the camunda:formData of a step or of the start event
// (docs/bpmn-conventions.md "Steps (user tasks)"). Fields are listed, added, edited, moved and
// removed; `matter` and `table` fields are shown, not edited. The browser refuses a bad identifier,
// a duplicate one and a choice without options, naming the field; the server's save check stays the
// authority. What the editor does not show (other constraints, camunda:properties) is left as read.
import { STEP_TYPES, button, extensionValues, moved, removeExtension, select, text, update, appendExtension }
  from './extensions.js';

export const EDITABLE_TYPES = [ 'string', 'text', 'long', 'money', 'boolean', 'date', 'enum', 'file' ];
const FIELD_ID = /^[a-z][a-z0-9_]{0,62}$/;
// A bound survives a change of type only within its group: numbers and dates read min/max
// differently, and lengths belong to text.
const GROUP = { long: 'number', money: 'number', date: 'date', string: 'length', text: 'length' };
const BOUNDS = { min: [ 'number', 'date' ], max: [ 'number', 'date' ], minlength: [ 'length' ], maxlength: [ 'length' ] };
const opened = new WeakSet();       // fields whose details stay open when the panel is drawn again

export function canHaveForm(bo) {
  return STEP_TYPES.includes(bo.$type) ||
    (bo.$type === 'bpmn:StartEvent' && !!bo.$parent && bo.$parent.$type === 'bpmn:Process');
}

export function formDataOf(bo) {
  return extensionValues(bo).find(v => v.$instanceOf && v.$instanceOf('camunda:FormData'));
}

export function fieldsOf(bo) {
  const formData = formDataOf(bo);
  return formData ? formData.get('fields') : [];
}

export function openField(field) {
  opened.add(field);
}

function typeOf(field) {
  return field.type || 'string';
}

function constraintOf(field, name) {
  return field.validation && field.validation.get('constraints').find(c => c.name === name);
}

function fieldName(field) {
  return '“' + (field.label || field.id || '') + '”（' + (field.id || '') + '）';
}

// -- the checks the browser makes before anything is written -------------------------------------
function idProblem(id, others) {
  if (!id) return '请填写字段的英文标识（如 applicant_name）';
  if (!FIELD_ID.test(id)) {
    return '字段标识“' + id + '”不合规：须以小写英文字母开头，只含小写英文字母、数字和下划线（如 applicant_name）';
  }
  if (others.some(f => f.id === id)) return '本表单已有字段“' + id + '”：同一表单中字段标识不能重复';
  return null;
}

function optionProblem(field, id, except) {
  if (!id) return '字段' + fieldName(field) + '的选项须有标识';
  if (field.get('values').some(v => v !== except && v.id === id)) return '字段' + fieldName(field) + '已有选项“' + id + '”';
  return null;
}

function fieldProblem(field, before) {
  const problem = idProblem(field.id || '', before);
  if (problem) return problem;
  const options = field.get('values');
  if (typeOf(field) === 'enum') {
    if (!options.length) return '单选字段' + fieldName(field) + '没有选项：请至少添加一个选项';
    for (const [ index, option ] of options.entries()) {
      if (!option.id) return '字段' + fieldName(field) + '的第 ' + (index + 1) + ' 个选项没有标识';
      if (options.slice(0, index).some(o => o.id === option.id)) return '字段' + fieldName(field) + '的选项“' + option.id + '”重复';
    }
  }
  const length = constraintOf(field, 'maxlength');
  if (length && !/^[1-9][0-9]*$/.test(length.config || '')) return '字段' + fieldName(field) + '的最多字数应为正整数';
  return null;
}

// The first problem of any form in the diagram, as { element, field, message }, or null.
export function formProblem(registry) {
  const holders = registry.filter(e => e.type !== 'label' && e.businessObject && canHaveForm(e.businessObject));
  for (const holder of holders) {
    const bo = holder.businessObject;
    const fields = fieldsOf(bo);
    for (const [ index, field ] of fields.entries()) {
      const problem = fieldProblem(field, fields.slice(0, index));
      if (problem) {
        return { element: bo.id, field, message: '“' + (bo.name || bo.id) + '”（' + bo.id + '）的表单：' + problem };
      }
    }
  }
  return null;
}

// -- changes, each one command -------------------------------------------------------------------
function addField(ui, element, attrs) {
  const field = ui.moddle.create('camunda:FormField', attrs);
  const formData = formDataOf(element.businessObject);
  if (formData) {
    field.$parent = formData;
    update(ui, element, formData, { fields: [ ...formData.get('fields'), field ] });
  } else {
    const created = ui.moddle.create('camunda:FormData', { fields: [ field ] });
    field.$parent = created;
    appendExtension(ui, element, created);
  }
  opened.add(field);
}

function removeField(ui, element, field) {
  const formData = formDataOf(element.businessObject);
  const rest = formData.get('fields').filter(f => f !== field);
  if (rest.length) update(ui, element, formData, { fields: rest });
  else removeExtension(ui, element, formData);
}

// `value`: null removes the constraint, true writes it without a config (required), a text is its config.
function writeConstraint(ui, element, field, name, value) {
  const validation = field.validation;
  const list = validation ? validation.get('constraints') : [];
  const found = list.find(c => c.name === name);
  if (value === null) {
    if (!found) return;
    const rest = list.filter(c => c !== found);
    if (rest.length) update(ui, element, validation, { constraints: rest });
    else update(ui, element, field, { validation: undefined });
    return;
  }
  const config = value === true ? undefined : value;
  if (found) {
    if (found.config !== config) update(ui, element, found, { config });
    return;
  }
  const created = ui.moddle.create('camunda:Constraint', config === undefined ? { name } : { name, config });
  if (validation) {
    created.$parent = validation;
    update(ui, element, validation, { constraints: [ ...list, created ] });
  } else {
    const made = ui.moddle.create('camunda:Validation', { constraints: [ created ] });
    created.$parent = made;
    made.$parent = field;
    update(ui, element, field, { validation: made });
  }
}

// A new type drops the bounds and options it cannot have, in the same command.
function changeType(ui, element, field, type) {
  const props = { type };
  const validation = field.validation;
  if (validation) {
    const all = validation.get('constraints');
    const kept = all.filter(c => !BOUNDS[c.name] ||
      (GROUP[typeOf(field)] === GROUP[type] && BOUNDS[c.name].includes(GROUP[type])));
    if (kept.length !== all.length) {
      const made = kept.length ? ui.moddle.create('camunda:Validation', { constraints: kept }) : undefined;
      if (made) made.$parent = field;
      props.validation = made;
    }
  }
  if (type !== 'enum' && field.get('values').length) props.values = [];
  update(ui, element, field, props);
}

// -- drawing -------------------------------------------------------------------------------------
function typeChoices(ui, current) {
  const types = EDITABLE_TYPES.includes(current) ? EDITABLE_TYPES : [ current, ...EDITABLE_TYPES ];
  return types.map(t => [ t, (ui.data.words.types[t] || t) + '（' + t + '）' ]);
}

function summaryText(ui, field) {
  return (field.label || field.id || '') + ' · ' + (field.id || '') + ' · ' +
    (ui.data.words.types[typeOf(field)] || typeOf(field)) + (constraintOf(field, 'required') ? ' · 必填' : '');
}

export function formEditor(ui, element) {
  const bo = element.businessObject;
  const fields = fieldsOf(bo);
  const section = ui.add('section', { class: 'form-editor' });
  section.append(ui.add('h3', {}, (bo.$type === 'bpmn:StartEvent' ? '发起表单' : '表单') + '（' + fields.length + ' 项）'));
  fields.forEach((field, index) => section.append(fieldEditor(ui, element, fields, index)));
  if (ui.editable) section.append(newField(ui, element));
  return section;
}

function fieldEditor(ui, element, fields, index) {
  const field = fields[index];
  const box = ui.add('details', { class: 'form-field', 'data-field': field.id || '' });
  box.open = opened.has(field);
  box.addEventListener('toggle', () => (box.open ? opened.add(field) : opened.delete(field)));
  const summary = ui.add('summary', {}, summaryText(ui, field));
  box.append(summary);
  const changed = () => { summary.textContent = summaryText(ui, field); box.dataset.field = field.id || ''; };
  if (EDITABLE_TYPES.includes(typeOf(field))) {
    box.append(...fieldControls(ui, element, field, fields, changed));
  } else {
    box.append(ui.add('p', { class: 'hint' }, (ui.data.words.types[typeOf(field)] || typeOf(field)) +
      '字段在建模器中只读：它的引用或列声明请在 BPMN 文件中编写（保存时原样保留）。'));
  }
  if (ui.editable) box.append(fieldButtons(ui, element, fields, index));
  return box;
}

function fieldControls(ui, element, field, fields, changed) {
  const id = text(ui, 'field-id', field.id);
  id.addEventListener('change', () => {
    const value = id.value.trim();
    const problem = idProblem(value, fields.filter(f => f !== field));
    id.classList.toggle('invalid', !!problem);
    if (problem) { ui.say(problem, true); return; }
    update(ui, element, field, { id: value });
    changed();
  });
  const label = text(ui, 'field-label', field.label);
  label.addEventListener('change', () => { update(ui, element, field, { label: label.value.trim() || undefined }); changed(); });
  const type = select(ui, 'field-type', typeChoices(ui, typeOf(field)), typeOf(field));
  type.addEventListener('change', () => { changeType(ui, element, field, type.value); ui.refresh(); });
  const required = ui.add('input', { type: 'checkbox', name: 'field-required' });
  required.checked = !!constraintOf(field, 'required');
  required.addEventListener('change', () => {
    writeConstraint(ui, element, field, 'required', required.checked ? true : null);
    changed();
  });
  const controls = [ ui.labelled('字段标识（英文）', id), ui.labelled('名称（中文）', label),
    ui.labelled('类型', type), ui.labelled('必填', required) ];
  const group = GROUP[typeOf(field)];
  if (group === 'number') {
    controls.push(ui.labelled('最小值', bound(ui, element, field, 'min')),
      ui.labelled('最大值', bound(ui, element, field, 'max'), '数字，或按本事项数据计算的表达式（如 attendees）'));
  } else if (group === 'length') {
    controls.push(ui.labelled('最多字数', bound(ui, element, field, 'maxlength'), '不填则单行文字 200 字、多行文字 5000 字'));
  } else if (typeOf(field) === 'enum') {
    controls.push(optionsEditor(ui, element, field, changed));
  }
  return controls;
}

function bound(ui, element, field, name) {
  const found = constraintOf(field, name);
  const control = text(ui, 'field-' + name, found ? found.config : '');
  control.addEventListener('change', () => {
    const value = control.value.trim();
    const bad = name === 'maxlength' && value && !/^[1-9][0-9]*$/.test(value);
    control.classList.toggle('invalid', !!bad);
    if (bad) { ui.say('字段' + fieldName(field) + '的最多字数应为正整数，而不是“' + value + '”', true); return; }
    writeConstraint(ui, element, field, name, value || null);
  });
  return control;
}

function fieldButtons(ui, element, fields, index) {
  const row = ui.add('div', { class: 'row-actions' });
  const formData = formDataOf(element.businessObject);
  const move = by => () => {
    const order = moved(formData.get('fields'), index, by);
    if (order) { update(ui, element, formData, { fields: order }); ui.refresh(); }
  };
  row.append(button(ui, '上移', move(-1), { disabled: index === 0 }), button(ui, '下移', move(1), { disabled: index === fields.length - 1 }));
  if (EDITABLE_TYPES.includes(typeOf(fields[index]))) {
    row.append(button(ui, '删除字段', () => {
      removeField(ui, element, fields[index]);
      ui.say('已删除字段' + fieldName(fields[index]) + '（可撤销：在图上按 Ctrl+Z）');
      ui.refresh();
    }));
  }
  return row;
}

function optionsEditor(ui, element, field, changed) {
  const wrap = ui.add('div', { class: 'options' });
  wrap.append(ui.add('p', { class: 'label' }, '选项（标识 + 中文名称）'));
  const list = ui.add('ul');
  field.get('values').forEach(value => list.append(optionRow(ui, element, field, value)));
  wrap.append(list);
  if (!ui.editable) return wrap;
  const id = text(ui, 'new-option-id', '', { placeholder: '标识，如 approve', 'aria-label': '新选项的标识' });
  const name = text(ui, 'new-option-name', '', { placeholder: '名称，如 同意', 'aria-label': '新选项的中文名称' });
  const addOption = button(ui, '添加选项', () => {
    const problem = optionProblem(field, id.value.trim()) || (name.value.trim() ? null : '请填写选项“' + id.value.trim() + '”的中文名称');
    if (problem) { ui.say(problem, true); return; }
    const created = ui.moddle.create('camunda:Value', { id: id.value.trim(), name: name.value.trim() });
    created.$parent = field;
    update(ui, element, field, { values: [ ...field.get('values'), created ] });
    changed();
    ui.refresh();
  });
  const row = ui.add('div', { class: 'new-option' });
  row.append(id, name, addOption);
  wrap.append(row);
  return wrap;
}

function optionRow(ui, element, field, value) {
  const item = ui.add('li', { class: 'option' });
  const id = text(ui, 'option-id', value.id, { 'aria-label': '选项标识' });
  id.disabled = !ui.editable;
  id.addEventListener('change', () => {
    const problem = optionProblem(field, id.value.trim(), value);
    id.classList.toggle('invalid', !!problem);
    if (problem) { ui.say(problem, true); return; }
    update(ui, element, value, { id: id.value.trim() });
  });
  const name = text(ui, 'option-name', value.name, { 'aria-label': '选项名称' });
  name.disabled = !ui.editable;
  name.addEventListener('change', () => update(ui, element, value, { name: name.value.trim() || undefined }));
  item.append(id, name);
  if (ui.editable) {
    item.append(button(ui, '删除', () => {
      update(ui, element, field, { values: field.get('values').filter(v => v !== value) });
      ui.refresh();
    }, { 'aria-label': '删除选项 ' + (value.id || '') }));
  }
  return item;
}

function newField(ui, element) {
  const box = ui.add('fieldset', { class: 'new-field' });
  box.append(ui.add('legend', {}, '添加字段'));
  const id = text(ui, 'new-field-id', '', { placeholder: '如 applicant_name' });
  const label = text(ui, 'new-field-label', '', { placeholder: '如 申请人姓名' });
  const type = select(ui, 'new-field-type', typeChoices(ui, 'string'), 'string');
  box.append(ui.labelled('字段标识（英文）', id), ui.labelled('名称（中文）', label), ui.labelled('类型', type));
  box.append(button(ui, '添加字段', () => {
    // a refusal leaves what was typed in place, so it can be corrected
    const value = id.value.trim();
    const badId = idProblem(value, fieldsOf(element.businessObject));
    const problem = badId || (label.value.trim() ? null : '请填写字段“' + value + '”的中文名称');
    id.classList.toggle('invalid', !!badId);
    label.classList.toggle('invalid', !badId && !!problem);
    if (problem) { ui.say(problem, true); return; }
    addField(ui, element, { id: value, label: label.value.trim(), type: type.value });
    ui.say('已添加字段“' + label.value.trim() + '”（' + value + '）' + (type.value === 'enum' ? '，请为它添加选项' : ''));
    ui.refresh();
  }));
  return box;
}
