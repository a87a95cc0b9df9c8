// The publicity editor of the side panel: the xiaowei:publish points of a step or an end event and
// what each one publishes (docs/bpmn-conventions.md "What is public"), and a step's
// objection_intake mark. A field is chosen from the forms of the process; its class and masking
// rule are one choice, so a masked field always names its rule. A constant text (value=) and a
// table published column by column are shown, not edited. The save check stays the authority.
import { STEP_TYPES, appendExtension, button, extensionValues, removeExtension, select, text, update } from './extensions.js';
import { canHaveForm, fieldsOf } from './forms.js';

export function canPublish(bo) {
  return STEP_TYPES.includes(bo.$type) || bo.$type === 'bpmn:EndEvent';
}

function publishesOf(bo) {
  return extensionValues(bo).filter(v => v.$instanceOf && v.$instanceOf('xiaowei:Publish'));
}

function processOf(bo) {
  let node = bo;
  while (node && node.$type !== 'bpmn:Process') node = node.$parent;
  return node;
}

// The form fields a point may publish, in the order the engine looks a ref up: the element's own
// form, the start form, then the other steps.
function processFields(ui, element) {
  const own = element.businessObject;
  const process = processOf(own);
  const holders = ui.registry.filter(e => e.type !== 'label' && e.businessObject && canHaveForm(e.businessObject) &&
    processOf(e.businessObject) === process).map(e => e.businessObject);
  const start = holders.find(b => b.$type === 'bpmn:StartEvent');
  const found = new Map();
  [ own, start, ...holders ].filter(Boolean).forEach(holder => fieldsOf(holder).forEach(f => {
    if (f.id && !found.has(f.id)) found.set(f.id, { id: f.id, label: f.label || f.id, type: f.type || 'string' });
  }));
  return [ ...found.values() ];
}

function hasPublicityTimer(element) {
  return (element.attachers || []).some(a => a.businessObject.cancelActivity !== false &&
    (a.businessObject.eventDefinitions || []).some(d => d.$type === 'bpmn:TimerEventDefinition'));
}

export function publicityEditor(ui, element) {
  const bo = element.businessObject;
  const section = ui.add('section', { class: 'publicity-editor' });
  const points = publishesOf(bo);
  section.append(ui.add('h3', {}, '公开（' + points.length + ' 个公示点）'),
    ui.add('p', { class: 'hint' }, (bo.$type === 'bpmn:EndEvent' ? '事项到达此结束事件时' : '本步骤每次办结时') +
      '，按下面的声明在村务公开网站公开；未列出的字段一律不公开。'));
  if (STEP_TYPES.includes(bo.$type)) section.append(...objectionIntake(ui, element));
  const fields = processFields(ui, element);
  points.forEach((point, index) => section.append(pointEditor(ui, element, point, index, fields)));
  if (ui.editable) section.append(newPoint(ui, element));
  return section;
}

function objectionIntake(ui, element) {
  const control = ui.add('input', { type: 'checkbox', name: 'objection_intake' });
  control.checked = ui.readProp(element.businessObject, 'objection_intake') === 'true';
  control.addEventListener('change', () => {
    ui.writeProp(element, 'objection_intake', control.checked ? 'true' : '');
    ui.refresh();
  });
  const parts = [ ui.labelled('公示期异议受理步骤', control,
    '有人在公示期内提出异议时才办理的步骤（村务监督委员会受理）。它须在边框上附一个中断型定时边界事件作为公示期' +
    '（时长读参数，如 days(dibao_publicity_days)）；保存时检查。') ];
  if (control.checked && !hasPublicityTimer(element)) {
    parts.push(ui.add('p', { class: 'hint warning', role: 'note' }, '本步骤还没有中断型定时边界事件（公示期）：保存时会被拒绝。'));
  }
  return parts;
}

function pointEditor(ui, element, point, index, fields) {
  const box = ui.add('fieldset', { class: 'publish', 'data-publish': String(index) });
  box.append(ui.add('legend', {}, '公示点 ' + (index + 1) + (point.stage ? '：' + point.stage : '')));
  const sections = Object.entries(ui.data.words.sections).map(([ k, v ]) => [ k, v + '（' + k + '）' ]);
  if (!ui.data.words.sections[point.section]) sections.unshift([ point.section || '', '（请选择：' + (point.section || '未填') + '）' ]);
  const sectionControl = select(ui, 'publish-section', sections, point.section || '');
  sectionControl.addEventListener('change', () => update(ui, element, point, { section: sectionControl.value }));
  const stage = text(ui, 'publish-stage', point.stage);
  stage.addEventListener('change', () => update(ui, element, point, { stage: stage.value.trim() }));
  const title = text(ui, 'publish-title', point.title);
  title.addEventListener('change', () => update(ui, element, point, { title: title.value.trim() || undefined }));
  const term = ui.add('input', { type: 'checkbox', name: 'publish-term' });
  term.checked = point.term === 'long';
  term.addEventListener('change', () => update(ui, element, point, { term: term.checked ? 'long' : undefined }));
  box.append(ui.labelled('公开栏目', sectionControl), ui.labelled('阶段', stage, '如“立项”“合同”“审核确认结果”（必填）'),
    ui.labelled('标题', title, '不填则用本步骤（或结束事件）的名称'),
    ui.labelled('长期公示', term, '公告长期保留（如确认的低保户），不只在公示期内'));
  const list = ui.add('ul', { class: 'publish-fields' });
  point.get('fields').forEach(entry => list.append(entryEditor(ui, element, point, entry, fields)));
  box.append(ui.add('p', { class: 'label' }, '公开的字段'), list);
  if (ui.editable) {
    box.append(newEntry(ui, element, point, fields), button(ui, '删除此公示点', () => {
      removeExtension(ui, element, point);
      ui.say('已删除公示点 ' + (index + 1) + '（可撤销：在图上按 Ctrl+Z）');
      ui.refresh();
    }));
  }
  return box;
}

function classChoices(ui, type) {
  const masks = type === 'file' ? [] :          // a document is published whole or not at all
    Object.entries(ui.data.words.masks).map(([ rule, name ]) => [ 'mask:' + rule, '打码：' + name ]);
  return [ [ 'public', '公开' ], ...masks, [ 'never', '不公开' ] ];
}

function classOf(entry) {
  if (entry.mask) return 'mask:' + entry.mask;
  return entry.class || 'public';
}

function entryEditor(ui, element, point, entry, fields) {
  const item = ui.add('li', { class: 'publish-field', 'data-ref': entry.ref || '' });
  const spec = fields.find(f => f.id === entry.ref);
  const remove = () => button(ui, '删除', () => {
    update(ui, element, point, { fields: point.get('fields').filter(e => e !== entry) });
    ui.refresh();
  }, { 'aria-label': '不再公开 ' + (entry.ref || entry.label || '') });
  if (entry.ref === undefined || entry.get('columns').length || (spec && spec.type === 'table')) {
    const what = entry.ref === undefined ? '固定文字：' + (entry.label || '') + '＝' + (entry.value || '')
      : '清册 ' + entry.ref + '：按列公开（' + entry.get('columns').length + ' 列，请在 BPMN 文件中编写）';
    item.append(ui.add('span', {}, what));
    if (ui.editable) item.append(remove());
    return item;
  }
  const refs = fields.filter(f => f.type !== 'table').map(f => [ f.id, f.label + '（' + f.id + '）' ]);
  if (!spec) refs.unshift([ entry.ref, '（不是本流程的字段：' + entry.ref + '）' ]);
  const ref = select(ui, 'entry-ref', refs, entry.ref);
  ref.addEventListener('change', () => { update(ui, element, entry, { ref: ref.value }); ui.refresh(); });
  const choices = classChoices(ui, spec && spec.type);
  if (!choices.some(([ v ]) => v === classOf(entry))) choices.push([ classOf(entry), classOf(entry) ]);
  const cls = select(ui, 'entry-class', choices, classOf(entry));
  cls.addEventListener('change', () => update(ui, element, entry, cls.value.startsWith('mask:')
    ? { class: entry.class === 'masked' ? 'masked' : undefined, mask: cls.value.slice(5) }
    : { class: cls.value === 'never' ? 'never' : undefined, mask: undefined }));
  const keys = [ [ '', '用途：（无）' ], ...Object.entries(ui.data.words.keys).map(([ k, v ]) => [ k, '用途：' + v + '（' + k + '）' ]) ];
  const key = select(ui, 'entry-key', keys, entry.key || '');
  key.addEventListener('change', () => update(ui, element, entry, { key: key.value || undefined }));
  [ ref, cls, key ].forEach(c => { c.disabled = !ui.editable; });
  ref.setAttribute('aria-label', '公开的字段');
  cls.setAttribute('aria-label', '公开方式');
  key.setAttribute('aria-label', '字段用途');
  item.append(ref, cls, key);
  if (ui.editable) item.append(remove());
  return item;
}

function newEntry(ui, element, point, fields) {
  const row = ui.add('div', { class: 'new-entry' });
  const listed = new Set(point.get('fields').map(e => e.ref));
  const choices = fields.filter(f => f.type !== 'table' && !listed.has(f.id)).map(f => [ f.id, f.label + '（' + f.id + '）' ]);
  const ref = select(ui, 'new-entry-ref', choices, choices.length ? choices[0][0] : '');
  ref.setAttribute('aria-label', '要公开的字段');
  row.append(ref, button(ui, '添加公开字段', () => {
    if (!ref.value) { ui.say('本流程的表单中没有可公开的字段：请先添加表单字段', true); return; }
    const entry = ui.moddle.create('xiaowei:Field', { ref: ref.value });
    entry.$parent = point;
    update(ui, element, point, { fields: [ ...point.get('fields'), entry ] });
    ui.refresh();
  }));
  return row;
}

function newPoint(ui, element) {
  const box = ui.add('fieldset', { class: 'new-publish' });
  box.append(ui.add('legend', {}, '添加公示点'));
  const sections = Object.entries(ui.data.words.sections).map(([ k, v ]) => [ k, v + '（' + k + '）' ]);
  const section = select(ui, 'new-publish-section', sections, 'village_affairs');
  const stage = text(ui, 'new-publish-stage', '', { placeholder: '如 立项、审核确认结果' });
  box.append(ui.labelled('公开栏目', section), ui.labelled('阶段', stage), button(ui, '添加公示点', () => {
    if (!stage.value.trim()) {
      stage.classList.add('invalid');
      ui.say('请填写公示点的阶段（如“立项”“审核确认结果”）', true);
      return;
    }
    const point = ui.moddle.create('xiaowei:Publish', { section: section.value, stage: stage.value.trim(), fields: [] });
    appendExtension(ui, element, point);
    ui.say('已添加公示点“' + stage.value.trim() + '”：请再添加要公开的字段');
    ui.refresh();
  }));
  return box;
}
