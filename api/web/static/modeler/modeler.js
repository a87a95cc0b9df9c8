// The modeler page (templates/modeler.html, api/web/views/modeler.py): bpmn-js's prebuilt Modeler
// (window.BpmnJS, served from node_modules by the app) with a side form for the conventions'
// properties (docs/bpmn-conventions.md), save as a new draft, and the check's findings on the diagram.
// Every edit goes through bpmn-js's modeling API, so undo works and saveXML writes it.
import { keepDataNames } from './datarefs.js';
import { STEP_TYPES } from './extensions.js';
import { canHaveForm, formEditor, formProblem, openField } from './forms.js';
import { canPublish, publicityEditor } from './publicity.js';

const data = JSON.parse(document.getElementById('modeler-data').textContent);
const statusLine = document.getElementById('status');
const form = document.getElementById('properties');

const PROCESS_PROPS = [
  [ 'list_code', '清单编号', 'text', '如 QS-01（本镇特色事项的编号）' ],
  [ 'category', '类别', 'category', '' ],
  [ 'policy_basis', '政策依据', 'textarea', '法律、法规或文件名称及条款' ],
  [ 'executing_body', '执行主体', 'text', '' ],
  [ 'supervising_body', '监督主体', 'text', '' ],
  [ 'time_limit', '总体时限', 'text', '如 30个工作日' ],
  [ 'publicity', '公开要求', 'textarea', '公开什么、在哪里公开、公开几天' ]
];

function say(text, isError) {
  statusLine.textContent = text;
  statusLine.classList.toggle('error', !!isError);
}

if (!window.BpmnJS) {
  document.getElementById('modeler-missing').hidden = false;
  document.getElementById('modeler').hidden = true;
  throw new Error('bpmn-js not loaded');
}

const modeler = new window.BpmnJS({
  container: '#canvas',
  moddleExtensions: data.descriptors
});
window.xiaoweiModeler = modeler;          // for the browser tests
const moddle = modeler.get('moddle');
const modeling = modeler.get('modeling');
const canvas = modeler.get('canvas');
const overlays = modeler.get('overlays');
const registry = modeler.get('elementRegistry');
const selection = modeler.get('selection');

// -- spiffworkflow:property of an element's extensionElements --------------------------------------
function propertiesOf(bo) {
  const values = (bo.extensionElements && bo.extensionElements.get('values')) || [];
  return values.find(v => v.$instanceOf && v.$instanceOf('spiffworkflow:Properties'));
}

function readProp(bo, name) {
  const props = propertiesOf(bo);
  const found = props && props.get('properties').find(p => p.name === name);
  return found ? (found.value || '') : '';
}

function writeProp(element, name, value) {
  const bo = element.businessObject;
  value = (value || '').trim();
  let ext = bo.extensionElements;
  if (!ext) {
    if (!value) return;
    ext = moddle.create('bpmn:ExtensionElements', { values: [] });
    ext.$parent = bo;
    modeling.updateModdleProperties(element, bo, { extensionElements: ext });
  }
  let props = propertiesOf(bo);
  if (!props) {
    if (!value) return;
    props = moddle.create('spiffworkflow:Properties', { properties: [] });
    props.$parent = ext;
    modeling.updateModdleProperties(element, ext, { values: [ props, ...ext.get('values') ] });
  }
  const list = props.get('properties');
  const found = list.find(p => p.name === name);
  if (!value) {
    if (found) modeling.updateModdleProperties(element, props, { properties: list.filter(p => p !== found) });
  } else if (found) {
    if (found.value !== value) modeling.updateModdleProperties(element, found, { value });
  } else {
    const created = moddle.create('spiffworkflow:Property', { name, value });
    created.$parent = props;
    modeling.updateModdleProperties(element, props, { properties: [ ...list, created ] });
  }
}

// -- the side form -------------------------------------------------------------------------------
let fieldCount = 0;
const opening = { done: false };

function add(tag, attrs, text) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([ k, v ]) => {
    if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : v);
  });
  if (text) node.textContent = text;
  return node;
}

function labelled(label, control, hint) {
  const id = control.id || ('prop-' + (++fieldCount));
  control.id = id;
  const wrap = add('div', { class: 'field' });
  wrap.append(add('label', { for: id }, label), control);
  if (hint) wrap.append(add('p', { class: 'hint' }, hint));
  control.disabled = !data.editable;
  return wrap;
}

function field(label, control, hint) {
  form.append(labelled(label, control, hint));
  return control;
}

// What the form and publicity editors (forms.js, publicity.js) use of the page; `refresh` draws
// the panel again after a change that adds or removes controls.
const ui = { data, moddle, modeling, registry, add, say, labelled, readProp, writeProp, editable: data.editable,
  refresh: () => show(shown) };
let shown = null;

function textInput(name, value, onChange, multiline) {
  const control = multiline ? add('textarea', { name, rows: 3 }) : add('input', { type: 'text', name });
  control.value = value || '';
  control.addEventListener('change', () => onChange(control.value));
  return control;
}

function elementTitle(element) {
  const bo = element.businessObject;
  return (bo.name || '') + '（' + bo.id + '）';
}

function roleSelect(element) {
  const bo = element.businessObject;
  const control = add('select', { name: 'role' });
  const known = data.roles.some(r => r.code === bo.id);
  if (!known) control.append(add('option', { value: '' }, '（未选择：' + (bo.name || bo.id) + '）'));
  data.roles.forEach(r => {
    const option = add('option', { value: r.code }, r.name + '（' + r.code + '）');
    if (r.code === bo.id) option.selected = true;
    control.append(option);
  });
  control.addEventListener('change', () => {
    const role = data.roles.find(r => r.code === control.value);
    if (!role) return;
    const other = registry.get(role.code);
    if (other && other !== element) {
      say('已有“' + role.name + '”泳道（' + role.code + '），一个角色只用一条泳道', true);
      control.value = bo.id;
      return;
    }
    modeling.updateProperties(element, { id: role.code, name: role.name });
    say('泳道已改为“' + role.name + '”');
    show(element);
  });
  return control;
}

function show(element) {
  shown = element;
  form.replaceChildren();
  if (!element || !element.businessObject || !opening.done) return;
  const bo = element.businessObject;
  const isRoot = element === canvas.getRootElement();
  if (isRoot && bo.$instanceOf('bpmn:Process')) {
    form.append(add('h2', {}, '事项'));
    field('流程标识（英文，事项的 key）', textInput('id', bo.id, v => {
      v = v.trim();
      if (!/^[a-z][a-z0-9_]{2,62}$/.test(v)) { say('流程标识须为小写字母开头的英文、数字和下划线', true); show(element); return; }
      modeling.updateProperties(element, { id: v });
    }), '与县级清单和其他乡镇的事项不能重复');
    field('事项名称', textInput('name', bo.name, v => modeling.updateProperties(element, { name: v.trim() })));
    PROCESS_PROPS.forEach(([ name, label, kind, hint ]) => {
      if (kind === 'category') {
        const control = add('select', { name });
        const current = readProp(bo, name);
        if (!data.categories.includes(current)) control.append(add('option', { value: '' }, '（请选择）'));
        data.categories.forEach(c => {
          const option = add('option', { value: c }, c);
          if (c === current) option.selected = true;
          control.append(option);
        });
        control.addEventListener('change', () => writeProp(element, name, control.value));
        field(label, control);
      } else {
        field(label, textInput(name, readProp(bo, name), v => writeProp(element, name, v), kind === 'textarea'), hint);
      }
    });
    return;
  }
  form.append(add('h2', {}, elementTitle(element)));
  if (bo.$instanceOf('bpmn:Lane')) {
    field('角色（泳道）', roleSelect(element), '泳道的标识是角色代码，名称是角色的中文名（角色登记表 processes/roles.toml）');
    return;
  }
  field('名称', textInput('name', bo.name, v => modeling.updateProperties(element, { name: v.trim() })));
  if (STEP_TYPES.some(t => bo.$type === t)) {
    field('办理时限', textInput('deadline', readProp(bo, 'deadline'), v => writeProp(element, 'deadline', v)),
      '如 P5D（5天）、workdays(3)（3个工作日）或 days(某参数)');
    const supervision = add('input', { type: 'checkbox', name: 'supervision' });
    supervision.checked = readProp(bo, 'supervision') === 'true';
    supervision.addEventListener('change', () => writeProp(element, 'supervision', supervision.checked ? 'true' : ''));
    field('监督节点', supervision, '村务监督委员会审核等监督环节');
    const steps = registry.filter(e => STEP_TYPES.includes(e.type) && e !== element)
      .map(e => e.businessObject.id + '（' + (e.businessObject.name || '') + '）');
    field('职责分离（不得由办理以下步骤的人办理）', textInput('separate_from', readProp(bo, 'separate_from'),
      v => writeProp(element, 'separate_from', v.split(/[,，\s]+/).filter(Boolean).join(','))),
      '步骤标识，用逗号分隔；start 表示发起人。本事项的其他步骤：' + (steps.join('、') || '无'));
    field('本步骤的政策依据（可选）', textInput('policy_basis', readProp(bo, 'policy_basis'),
      v => writeProp(element, 'policy_basis', v), true));
  }
  if (bo.$instanceOf('bpmn:SequenceFlow') && bo.conditionExpression) {
    form.append(add('p', { class: 'hint' }, '条件：' + (bo.conditionExpression.body || '')));
  }
  if (canHaveForm(bo)) form.append(formEditor(ui, element));
  if (canPublish(bo)) form.append(publicityEditor(ui, element));
}

// -- findings on the diagram ---------------------------------------------------------------------
let marked = [];

function clearFindings() {
  marked.forEach(([ id, cls ]) => { if (registry.get(id)) canvas.removeMarker(id, cls); });
  marked = [];
  overlays.remove({ type: 'lint' });
}

function mark(id, severity, message) {
  // One note per element under its shape, a line per finding; notes never take a click.
  const element = id && registry.get(id);
  if (!element || element === canvas.getRootElement()) return false;
  const cls = severity === 'error' ? 'lint-error' : 'lint-warning';
  canvas.addMarker(id, cls);
  marked.push([ id, cls ]);
  let note = document.querySelector('.lint-notes[data-element="' + CSS.escape(id) + '"]');
  if (!note) {
    note = add('div', { class: 'lint-notes', 'data-element': id });
    overlays.add(id, 'lint', { position: { bottom: -4, left: 0 }, html: note });
  }
  note.append(add('div', { class: 'lint-note ' + severity, 'data-element': id }, message));
  return true;
}

function showReport(report, title) {
  clearFindings();
  const card = document.getElementById('report-card');
  const body = document.querySelector('#report tbody');
  body.replaceChildren();
  document.getElementById('report-title').textContent = title;
  document.getElementById('report-summary').textContent = report.ok
    ? '没有错误' + (report.warnings ? '，有 ' + report.warnings + ' 条警告' : '') + '，可以在特色清单管理页发布。'
    : '有 ' + report.errors + ' 个错误，改正后才能发布（已在图中标出）。';
  report.findings.forEach(f => {
    const onDiagram = mark(f.element, f.severity, f.message);
    const row = add('tr', { class: 'finding-' + f.severity, 'data-element': f.element || '' });
    row.append(add('td', {}, f.severity === 'error' ? '错误' : '警告'), add('td', {}, f.rule),
      add('td', {}, (f.element || '') + (f.line ? '（第 ' + f.line + ' 行）' : '') + where(f.element, onDiagram)),
      add('td', {}, f.message));
    row.addEventListener('click', () => focus(f.element));
    body.append(row);
  });
  document.getElementById('report').hidden = report.findings.length === 0;
  card.hidden = false;
}

function where(id, onDiagram) {
  if (!id || onDiagram) return '';
  const root = canvas.getRootElement();
  return root && root.businessObject && root.businessObject.id === id ? '（事项）' : '（不在图上）';
}

function focus(id) {
  const element = id && registry.get(id);
  if (!element) return;
  selection.select(element);
  if (element !== canvas.getRootElement()) canvas.scrollToElement(element);
}

// -- save, check, download -----------------------------------------------------------------------
async function post(url, body) {
  const response = await fetch(url, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': data.csrf, 'Accept': 'application/json' },
    body: JSON.stringify(body || {})
  });
  const type = response.headers.get('Content-Type') || '';
  if (!type.includes('application/json')) {       // sent to the login page, or the page's token expired
    return { ok: false, message: '没有保存：登录或本页已过期（' + response.status + '）。请先点“下载 BPMN”留存修改，' +
      '在新标签页重新登录后再打开本页保存。' };
  }
  return response.json();
}

async function save() {
  const button = document.getElementById('save');
  button.disabled = true;
  say('正在保存并检查……');
  try {
    if (refusedInBrowser()) return;
    const { xml } = await modeler.saveXML({ format: true });
    const answer = await post(data.save_url, { township: data.township, file: data.file, xml });
    if (!answer.ok) {
      clearFindings();
      say(answer.message, true);
      if (answer.element) {
        mark(answer.element, 'error', answer.problem || answer.message);
        focus(answer.element);
      }
      return;
    }
    dirty = false;
    const main = answer.stored[0];
    data.key = main.key;
    data.version_id = main.version_id;
    data.file = data.file === 'new_item.bpmn' ? main.key + '.bpmn' : data.file;
    history.replaceState(null, '', answer.model_url);
    const label = document.getElementById('version-label');
    if (label) label.textContent = '版本 ' + main.version_id + ' · 草稿';
    say(answer.message);
    showReport(answer.report, '检查结果：' + main.key + ' 版本 ' + main.version_id);
  } catch (err) {
    say('保存失败：' + (err && err.message || err), true);
  } finally {
    button.disabled = false;
  }
}

// The form checks the browser can make at once (forms.js); the server's check comes after them.
function refusedInBrowser() {
  const problem = formProblem(registry);
  if (!problem) return false;
  clearFindings();
  say('没有保存：' + problem.message, true);
  mark(problem.element, 'error', problem.message);
  openField(problem.field);
  if (shown && shown.id === problem.element) {
    const box = [ ...form.querySelectorAll('details.form-field') ].find(d => d.dataset.field === (problem.field.id || ''));
    if (box) box.open = true;
  } else {
    focus(problem.element);
  }
  return true;
}

async function check() {
  say('正在检查……');
  const answer = await post(data.model_url.replace('{key}', data.key).replace('{version}', data.version_id)
    .replace(/\/model$/, '/check.json'));
  if (!answer.ok) { say(answer.message, true); return; }
  say('检查完成（已保存的版本 ' + data.version_id + '）');
  showReport(answer.report, '检查结果：' + data.key + ' 版本 ' + data.version_id);
}

async function download() {
  const { xml } = await modeler.saveXML({ format: true });
  const link = add('a', { href: URL.createObjectURL(new Blob([ xml ], { type: 'application/xml' })), download: data.file });
  document.body.append(link);
  link.click();
  link.remove();
}

// -- start ---------------------------------------------------------------------------------------
let dirty = false;
modeler.on('commandStack.changed', () => { dirty = true; });
window.addEventListener('beforeunload', event => {
  if (dirty && data.editable) { event.preventDefault(); event.returnValue = ''; }
});

modeler.on('selection.changed', event => show(event.newSelection[0] || (opening.done && canvas.getRootElement())));
modeler.on('element.changed', event => {
  const current = selection.get()[0] || canvas.getRootElement();
  if (event.element === current && !form.contains(document.activeElement)) show(current);
});

(async function open() {
  try {
    const { warnings } = await modeler.importXML(data.xml);
    const rest = keepDataNames(moddle, warnings);
    canvas.zoom('fit-viewport', 'auto');
    opening.done = true;
    dirty = false;
    show(canvas.getRootElement());
    say(rest.length ? '已打开（有 ' + rest.length + ' 处无法识别的内容：' + rest.map(w => w.message).join('；') + '）'
      : (data.editable ? '已打开，可以编辑' : '已打开（只读）'), rest.length > 0);
    document.getElementById('canvas').dataset.ready = 'true';
  } catch (err) {
    say('无法打开流程图：' + (err && err.message || err), true);
  }
  const saveButton = document.getElementById('save');
  if (saveButton) saveButton.addEventListener('click', save);
  const checkButton = document.getElementById('check');
  if (checkButton) checkButton.addEventListener('click', check);
  document.getElementById('download').addEventListener('click', download);
  document.getElementById('show-process').addEventListener('click', () => {
    selection.select(null);
    show(canvas.getRootElement());
  });
})();
