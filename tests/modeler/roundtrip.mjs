// Read BPMN files with bpmn-moddle (the model bpmn-js's modeler keeps) and write them back the way
// the modeler's saveXML({format: true}) does, with the moddle extensions the modeler page registers
// (api/web/static/modeler/: spiffworkflow.json, camunda.json for the forms, xiaowei.json for the
// publicity points); multi-instance data names are kept as the page keeps them
// (api/web/static/modeler/datarefs.js). tests/unit/test_modeler_roundtrip.py compares what the engine
// reads from each file before and after.
//
//   node tests/modeler/roundtrip.mjs OUT_DIR FILE...   (writes OUT_DIR/<n>.bpmn for the n-th FILE)
// Prints one JSON line per file: {"file", "out", "warnings"}.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import { keepDataNames } from '../../api/web/static/modeler/datarefs.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const extensions = {};
for (const name of [ 'spiffworkflow', 'camunda', 'xiaowei' ]) {
  extensions[name] = JSON.parse(await readFile(
    path.join(here, '..', '..', 'api', 'web', 'static', 'modeler', name + '.json'), 'utf8'));
}

const [outDir, ...files] = process.argv.slice(2);
if (!outDir || files.length === 0) {
  console.error('usage: node tests/modeler/roundtrip.mjs OUT_DIR FILE...');
  process.exit(2);
}
const moddle = new BpmnModdle(extensions);
let failed = false;
for (const [n, file] of files.entries()) {
  const xml = await readFile(file, 'utf8');
  try {
    const { rootElement, warnings: read } = await moddle.fromXML(xml, 'bpmn:Definitions');
    const warnings = keepDataNames(moddle, read);
    const { xml: saved } = await moddle.toXML(rootElement, { format: true });
    const out = path.join(outDir, `${n}.bpmn`);
    await writeFile(out, saved, 'utf8');
    console.log(JSON.stringify({ file, out, warnings: warnings.map(w => w.message) }));
  } catch (err) {
    failed = true;
    console.log(JSON.stringify({ file, error: String(err && err.message || err) }));
  }
}
process.exit(failed ? 1 : 0);
