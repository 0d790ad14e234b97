// The page: pick, drop or paste a file; the form of curate's options (the CLI's defaults and help) with the
// equivalent command line; a run in a worker with progress and cancel; the results (counts, rejects, downloads,
// the pairs table, the HTML report). Nothing is sent anywhere: the worker reads the File where it is.
import cli from 'virtual:curate-cli';
import { commandLine, curateSetup, defaultValues, GROUPS, type FieldDef, type FormValues } from './options.js';
import type { FromWorker, Outputs, Probe, Progress, RejectLine, TableData, ToWorker } from './protocol.js';
import { KIND_LABEL } from './source.js';
import { pairTable, scrollRegion } from './table.js';
import RunWorker from './worker.ts?worker&inline';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const cliByFlag = new Map(cli.map((o) => [o.flag, o]));

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
function seconds(ms: number): string {
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(s < 10 ? 1 : 0)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

// ---- The worker: one at a time; a cancelled or finished run's worker is replaced by a fresh one.
let worker: Worker;
let running = false;
let probeId = 0;
let backend = '';

function spawn(): void {
  worker = new RunWorker({ name: 'pairsmith' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onWorker(e.data);
  worker.onerror = (e) => {
    e.preventDefault();
    finishRun();
    status(`The worker failed: ${e.message}`, true);
  };
}

function post(m: ToWorker): void {
  worker.postMessage(m);
}

// ---- The chosen file.
interface Chosen {
  file: Blob;
  name: string;
  pasted: boolean;
  probe?: Probe;
}
let chosen: Chosen | undefined;

function choose(file: Blob, name: string, pasted: boolean): void {
  chosen = { file, name, pasted };
  $('file-info').innerHTML = '';
  const p = document.createElement('p');
  p.innerHTML = `<strong></strong> · ${bytes(file.size)} · <span id="detected">looking at the first records…</span>`;
  p.querySelector('strong')!.textContent = name;
  $('file-info').append(p);
  $('results').hidden = true;
  reprobe();
  update();
}

function reprobe(): void {
  if (!chosen || running) return;
  const v = values();
  const fields: Record<string, string> = {};
  for (const [k, f] of [['prompt', '--prompt-field'], ['responses', '--responses-field'], ['scores', '--scores-field'], ['chosen', '--chosen-field'], ['rejected', '--rejected-field']] as const) {
    const x = v[f];
    if (typeof x === 'string' && x.trim() !== '') fields[k] = x.trim();
  }
  post({ type: 'probe', id: ++probeId, file: chosen.file, name: chosen.name, pasted: chosen.pasted, format: String(v['--format'] || 'auto'), fields });
}

function showProbe(p: Probe): void {
  if (!chosen) return;
  chosen.probe = p;
  const el = document.getElementById('detected');
  if (!el) return;
  const kind = KIND_LABEL[p.kind];
  if (p.error) el.textContent = `${kind}; format: ${p.error}`;
  else if (p.reason) el.textContent = `${kind}; format: ${p.format} (detected: ${p.reason})`;
  else el.textContent = `${kind}; format: ${p.format} (given)`;
}

// ---- The form, built from the CLI's options.
const controls = new Map<string, HTMLInputElement | HTMLSelectElement>();

function controlId(flag: string): string {
  return `opt-${flag.slice(2)}`;
}

function buildForm(): void {
  const form = $('form');
  const defaults = defaultValues(cli);
  for (const g of GROUPS) {
    const fs = document.createElement('fieldset');
    fs.id = `group-${g.id}`;
    const legend = document.createElement('legend');
    legend.textContent = g.title;
    fs.append(legend);
    for (const f of g.fields) fs.append(field(f, defaults[f.flag]!));
    form.append(fs);
  }
  form.addEventListener('input', (e) => onFormChange(e.target as HTMLElement));
  form.addEventListener('change', (e) => onFormChange(e.target as HTMLElement));
  form.addEventListener('submit', (e) => e.preventDefault());
}

function field(f: FieldDef, value: string | boolean): HTMLElement {
  const o = cliByFlag.get(f.flag);
  const id = controlId(f.flag);
  const wrap = document.createElement('div');
  wrap.className = `field field-${f.kind}`;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.innerHTML = `<span></span> <code></code>`;
  label.querySelector('span')!.textContent = f.label;
  label.querySelector('code')!.textContent = f.flag;
  let control: HTMLInputElement | HTMLSelectElement;
  if (f.kind === 'choice') {
    const s = document.createElement('select');
    if (o?.default === undefined) s.append(new Option('none', ''));
    for (const c of o?.choices ?? []) s.append(new Option(c, c));
    s.value = String(value);
    control = s;
  } else {
    const i = document.createElement('input');
    if (f.kind === 'switch') {
      i.type = 'checkbox';
      i.checked = value === true;
    } else {
      i.type = 'text';
      i.value = String(value);
      i.spellcheck = false;
      i.autocomplete = 'off';
      if (f.kind === 'number' || f.kind === 'integer') i.inputMode = f.kind === 'integer' ? 'numeric' : 'decimal';
      if (f.placeholder) i.placeholder = f.placeholder;
    }
    control = i;
  }
  control.id = id;
  control.name = f.flag;
  const help = document.createElement('p');
  help.className = 'help';
  help.id = `${id}-help`;
  help.textContent = f.help ?? o?.description ?? '';
  const err = document.createElement('p');
  err.className = 'error';
  err.id = `${id}-error`;
  control.setAttribute('aria-describedby', `${help.id} ${err.id}`);
  if (f.kind === 'switch') {
    wrap.append(control, label, help, err);
  } else wrap.append(label, control, help, err);
  controls.set(f.flag, control);
  return wrap;
}

/** Which fields apply, as the CLI reads them (disabled fields are not passed). */
function applicable(flag: string, v: FormValues): boolean {
  const strategy = v['--strategy'];
  if (flag === '--chosen') return strategy === 'positions';
  if (flag === '--rejected') return strategy === 'positions' || strategy === 'sweet-spot';
  if (flag === '--threshold' || flag === '--hard-fraction' || flag === '--sft') return v['--route'] === true;
  if (flag === '--template' || flag === '--placement') return v['--augment'] === true;
  return true;
}

function rawValues(): FormValues {
  const v: FormValues = {};
  for (const [flag, c] of controls) v[flag] = c instanceof HTMLInputElement && c.type === 'checkbox' ? c.checked : c.value;
  return v;
}

function values(): FormValues {
  const raw = rawValues();
  const v: FormValues = {};
  for (const [flag, x] of Object.entries(raw)) v[flag] = applicable(flag, raw) ? x : typeof x === 'boolean' ? false : '';
  return v;
}

let probeTimer: ReturnType<typeof setTimeout> | undefined;
function onFormChange(target: HTMLElement): void {
  update();
  const name = (target as HTMLInputElement).name ?? '';
  if (name === '--format' || name.endsWith('-field')) {
    clearTimeout(probeTimer);
    probeTimer = setTimeout(reprobe, 300);
  }
}

/** Errors, enabled fields, the command line, the run button. */
function update(): void {
  const raw = rawValues();
  for (const [flag, c] of controls) {
    const on = applicable(flag, raw);
    c.disabled = !on || running;
    c.closest('.field')!.classList.toggle('off', !on);
  }
  const setup = curateSetup(values(), cli);
  for (const [flag, c] of controls) {
    const msg = setup.errors[flag] ?? '';
    $(`${c.id}-error`).textContent = msg;
    c.setAttribute('aria-invalid', msg ? 'true' : 'false');
  }
  $('cmd').textContent = commandLine(setup.argv(chosen?.name ?? '<input>'));
  const problems = Object.keys(setup.errors).length;
  ($('run') as HTMLButtonElement).disabled = running || !chosen || problems > 0 || !backend;
  $('run-hint').textContent = !chosen ? 'Choose a file first.' : problems > 0 ? `Fix ${problems === 1 ? 'the field' : `${problems} fields`} marked above.` : '';
}

// ---- Running.
let t0 = 0;

function status(text: string, error = false): void {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('failed', error);
}

function startRun(): void {
  if (!chosen || running) return;
  running = true;
  t0 = performance.now();
  $('results').hidden = true;
  ($('cancel') as HTMLButtonElement).disabled = false;
  const bar = $('bar') as HTMLProgressElement;
  bar.value = 0;
  status('Starting…');
  update();
  post({ type: 'run', file: chosen.file, name: chosen.name, pasted: chosen.pasted, values: values() });
}

function finishRun(): void {
  running = false;
  ($('cancel') as HTMLButtonElement).disabled = true;
  update();
}

function cancelRun(): void {
  if (!running) return;
  worker.terminate();
  spawn();
  finishRun();
  ($('bar') as HTMLProgressElement).value = 0;
  status('Cancelled. Nothing was written.');
}

function showProgress(p: Progress): void {
  const f = p.total > 0 ? Math.min(1, p.bytes / p.total) : 0;
  ($('bar') as HTMLProgressElement).value = p.pass <= 1 ? f / 2 : 0.5 + f / 2;
  const secs = p.elapsedMs / 1000;
  const parts = [p.pass <= 1 ? 'Pass 1 of 2: reading, building and ranking pairs' : 'Pass 2 of 2: writing the kept rows', `${bytes(p.bytes)} of ${bytes(p.total)}`];
  if (p.pass <= 1 && secs > 0) {
    parts.push(`${int(p.records)} records`, `${int(p.records / secs)} records/s`);
    const rate = p.bytes / secs;
    if (rate > 0 && f > 0.02) parts.push(`about ${seconds(((p.total - p.bytes) / rate) * 1000 * 1.3)} left`);
  }
  status(parts.join(' · '));
}

const urls: string[] = [];
function download(blob: Blob, name: string): HTMLElement {
  const li = document.createElement('li');
  const a = document.createElement('a');
  const url = URL.createObjectURL(blob);
  urls.push(url);
  a.href = url;
  a.download = name;
  a.textContent = name;
  li.append(a, ` (${bytes(blob.size)})`);
  return li;
}

function showCounts(m: Record<string, any>, threads: number): void {
  const dl = $('counts');
  const sel = m.report?.selection as { kept: number; pairs: number; by: string } | undefined;
  const reasons = (o: Record<string, number>) => Object.entries(o ?? {}).map(([k, v]) => `${k} ${int(v)}`).join(', ');
  const rows: [string, string][] = [
    ['records read', int(m.records.read)],
    ['written', `${int(m.records.written)} (${int(m.rows_written)} rows)`],
    ['without a pair', `${int(m.records.no_pair)}${m.records.no_pair ? ` (${reasons(m.no_pair_by_reason)})` : ''}`],
    ['rejected', `${int(m.records.rejected)}${m.records.rejected ? ` (${reasons(m.rejected_by_reason)})` : ''}`],
    ['candidates', `${int(m.candidates.read)} read, ${int(m.candidates.excluded)} excluded${m.candidates.excluded ? ` (${reasons(m.excluded_by_reason)})` : ''}`],
  ];
  if (sel) rows.push(['selection', `kept ${int(sel.kept)} of ${int(sel.pairs)} pairs by ${sel.by}`]);
  const route = m.report?.route as { dpo: number; sft: number } | undefined;
  if (route) rows.push(['routing', `${int(route.dpo)} to DPO, ${int(route.sft)} to SFT`]);
  rows.push(['format', `${m.format ?? 'none'}${m.format_detected ? ' (detected)' : ''}`], ['backend', `${m.backend}${threads > 1 ? `, ${threads} threads (the run worker and ${threads - 1} batch worker${threads > 2 ? 's' : ''})` : ''}`]);
  dl.replaceChildren();
  for (const [k, v] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dl.append(dt, dd);
  }
}

function showRejects(list: RejectLine[], total: number): void {
  const root = $('rejects');
  root.replaceChildren();
  const p = document.createElement('p');
  p.textContent = total === 0 ? 'No record was rejected.' : `${int(total)} rejected record${total === 1 ? '' : 's'}${total > list.length ? `; the first ${list.length} are listed` : ''}, all in the rejects file.`;
  root.append(p);
  if (list.length === 0) return;
  const wrap = scrollRegion('rejects-scroll', 'Rejected records');
  const t = document.createElement('table');
  t.innerHTML = '<thead><tr><th scope="col">line</th><th scope="col">field</th><th scope="col">reason</th><th scope="col">detail</th></tr></thead>';
  const tb = document.createElement('tbody');
  for (const r of list) {
    const tr = document.createElement('tr');
    for (const v of [String(r.line), r.field ?? '', r.reason, r.detail]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.append(td);
    }
    tb.append(tr);
  }
  t.append(tb);
  wrap.append(t);
  root.append(wrap);
}

function showResults(m: Extract<FromWorker, { type: 'done' }>): void {
  for (const u of urls.splice(0)) URL.revokeObjectURL(u);
  const d = $('downloads');
  d.replaceChildren();
  for (const k of ['main', 'sft', 'manifest', 'rejects', 'report'] as (keyof Outputs)[]) {
    const b = m.outputs[k];
    if (b) d.append(download(b, m.names[k]));
  }
  showCounts(m.manifest, m.threads);
  const rec = m.manifest.records as { rejected: number };
  showRejects(m.rejects, rec.rejected);
  pairTable($('table'), m.table as TableData);
  const frame = $('report') as HTMLIFrameElement;
  frame.srcdoc = m.reportHtml ?? '';
  frame.hidden = m.reportHtml === undefined;
  $('h-report').hidden = m.reportHtml === undefined;
  $('results').hidden = false;
}

function onWorker(m: FromWorker): void {
  if (m.type === 'ready') {
    backend = m.backend;
    const e = $('engine');
    e.textContent = `engine: ${m.backend}${m.backend === 'wasm-simd' ? '' : m.fallbackReason ? ` (${m.fallbackReason})` : ''}`;
    e.dataset.backend = m.backend;
    update();
  } else if (m.type === 'probe') {
    if (m.id === probeId) showProbe(m.probe);
  } else if (m.type === 'progress') {
    if (running) showProgress(m.progress);
  } else if (m.type === 'done') {
    if (!running) return;
    finishRun();
    ($('bar') as HTMLProgressElement).value = 1;
    status(`Done in ${seconds(performance.now() - t0)}: ${int(m.manifest.rows_written as number)} rows written.`);
    showResults(m);
    // A fresh worker for the next run: the finished one's memory goes back.
    worker.terminate();
    spawn();
    document.body.dataset.state = 'done';
    if (m.spool) document.body.dataset.spool = m.spool;
    document.body.dataset.threads = String(m.threads);
    document.body.dataset.pooled = String(m.pooled);
  } else if (m.type === 'error') {
    if (!running) {
      status(m.message, true);
      return;
    }
    finishRun();
    status(`The run failed: ${m.message}`, true);
    worker.terminate();
    spawn();
    document.body.dataset.state = 'failed';
  }
}

// ---- Wiring.
function wire(): void {
  const input = $('file') as HTMLInputElement;
  input.addEventListener('change', () => {
    const f = input.files?.[0];
    if (f) choose(f, f.name, false);
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) choose(f, f.name, false);
  });
  // Dropping a file anywhere else must not navigate away from the page.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
  $('use-paste').addEventListener('click', () => {
    const text = ($('paste') as HTMLTextAreaElement).value;
    if (text.trim() === '') return;
    choose(new Blob([text], { type: 'application/jsonl' }), 'pasted.jsonl', true);
  });
  $('run').addEventListener('click', startRun);
  $('cancel').addEventListener('click', cancelRun);
  $('copy').addEventListener('click', async () => {
    const text = $('cmd').textContent ?? '';
    try {
      await navigator.clipboard.writeText(text);
      $('copied').textContent = 'Copied.';
    } catch {
      getSelection()?.selectAllChildren($('cmd'));
      $('copied').textContent = 'Selected: press Ctrl+C to copy.';
    }
  });
  $('reset').addEventListener('click', () => {
    const d = defaultValues(cli);
    for (const [flag, c] of controls) {
      if (c instanceof HTMLInputElement && c.type === 'checkbox') c.checked = d[flag] === true;
      else c.value = String(d[flag] ?? '');
    }
    update();
    reprobe();
  });
}

buildForm();
wire();
spawn();
update();
