// The pairs table: search over the texts, sort by any column, and only the rows in view in the DOM (a fixed row
// height and two spacer rows), so 100k rows scroll as smoothly as 100.
import { LABEL_COLUMNS, NUMBER_COLUMNS, TEXT_COLUMNS, type TableData } from './protocol.js';

const ROW_PX = 32;
const OVERSCAN = 10;

type Column = { key: string; label: string; kind: 'index' | 'text' | 'number' | 'label' };

function fmt(x: number): string {
  if (Number.isNaN(x)) return '';
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e6 || a < 1e-3) ? x.toExponential(3) : x.toFixed(4);
}

export function pairTable(root: HTMLElement, data: TableData): void {
  const present = new Set(data.present);
  const columns: Column[] = [
    { key: '#', label: '#', kind: 'index' },
    ...(present.has('prompt_index') ? [{ key: 'prompt_index', label: 'prompt #', kind: 'number' as const }] : []),
    ...TEXT_COLUMNS.map((c) => ({ key: c, label: c, kind: 'text' as const })),
    ...NUMBER_COLUMNS.filter((c) => c !== 'prompt_index' && present.has(c)).map((c) => ({ key: c, label: c.replace(/_/g, ' '), kind: 'number' as const })),
    ...LABEL_COLUMNS.filter((c) => present.has(c)).map((c) => ({ key: c, label: c.replace(/_/g, ' '), kind: 'label' as const })),
  ];
  const text = data.text as Record<string, string[]>;
  const numbers = data.numbers as Record<string, Float64Array>;
  const labels = data.labels as Record<string, string[]>;
  const cell = (c: Column, i: number): string =>
    c.kind === 'index' ? String(i + 1) : c.kind === 'text' ? text[c.key]![i]! : c.kind === 'label' ? labels[c.key]![i]! : fmt(numbers[c.key]![i]!);

  root.replaceChildren();
  const bar = document.createElement('div');
  bar.className = 'table-bar';
  const searchId = 'pairs-search';
  bar.innerHTML = `<label for="${searchId}">Search prompt, chosen and rejected</label>`;
  const search = document.createElement('input');
  search.type = 'search';
  search.id = searchId;
  search.autocomplete = 'off';
  const count = document.createElement('p');
  count.className = 'table-count';
  count.setAttribute('aria-live', 'polite');
  bar.append(search, count);

  const scroller = scrollRegion('table-scroll', 'Pairs table (scrolls)');
  const table = document.createElement('table');
  table.className = 'pairs';
  const caption = document.createElement('caption');
  caption.className = 'visually-hidden';
  caption.textContent = 'Curated pairs; the column buttons sort';
  const thead = document.createElement('thead');
  const head = document.createElement('tr');
  const tbody = document.createElement('tbody');
  table.append(caption, thead, tbody);
  thead.append(head);
  scroller.append(table);
  root.append(bar, scroller);
  if (data.more > 0) {
    const note = document.createElement('p');
    note.className = 'note';
    note.textContent = `The table holds the first ${data.n.toLocaleString('en-US')} rows; ${data.more.toLocaleString('en-US')} more are in the download.`;
    root.append(note);
  }

  let order = Int32Array.from({ length: data.n }, (_, i) => i);
  let view = order;
  let sortKey = '#';
  let sortDir = 1;
  const headers: HTMLTableCellElement[] = [];
  for (const c of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.className = `col-${c.kind}`;
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = c.label;
    b.addEventListener('click', () => sortBy(c));
    th.append(b);
    head.append(th);
    headers.push(th);
  }

  function applyFilter(): void {
    const q = search.value.trim().toLowerCase();
    if (!q) view = order;
    else {
      const out: number[] = [];
      const p = text.prompt!;
      const ch = text.chosen!;
      const rj = text.rejected!;
      for (const i of order) if (p[i]!.toLowerCase().includes(q) || ch[i]!.toLowerCase().includes(q) || rj[i]!.toLowerCase().includes(q)) out.push(i);
      view = Int32Array.from(out);
    }
    count.textContent = `${view.length.toLocaleString('en-US')} of ${data.n.toLocaleString('en-US')} rows`;
    scroller.scrollTop = 0;
    draw();
  }

  function sortBy(c: Column): void {
    sortDir = sortKey === c.key ? -sortDir : c.kind === 'number' ? -1 : 1;
    sortKey = c.key;
    const idx = Array.from({ length: data.n }, (_, i) => i);
    if (c.kind === 'index') idx.sort((a, b) => (a - b) * sortDir);
    else if (c.kind === 'number') {
      const col = numbers[c.key]!;
      // Missing values last in both directions.
      idx.sort((a, b) => {
        const x = col[a]!;
        const y = col[b]!;
        if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? a - b : 1) : -1;
        return (x - y) * sortDir || a - b;
      });
    } else {
      const col = c.kind === 'text' ? text[c.key]! : labels[c.key]!;
      idx.sort((a, b) => col[a]!.localeCompare(col[b]!) * sortDir || a - b);
    }
    order = Int32Array.from(idx);
    headers.forEach((th, k) => th.setAttribute('aria-sort', columns[k]!.key === sortKey ? (sortDir > 0 ? 'ascending' : 'descending') : 'none'));
    applyFilter();
  }

  function spacer(px: number): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.className = 'spacer';
    tr.setAttribute('aria-hidden', 'true');
    const td = document.createElement('td');
    td.colSpan = columns.length;
    td.style.height = `${px}px`;
    tr.append(td);
    return tr;
  }

  let queued = false;
  function draw(): void {
    queued = false;
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_PX) - OVERSCAN);
    const last = Math.min(view.length, Math.ceil((scroller.scrollTop + scroller.clientHeight) / ROW_PX) + OVERSCAN);
    const rows: HTMLTableRowElement[] = [spacer(first * ROW_PX)];
    for (let k = first; k < last; k++) {
      const i = view[k]!;
      const tr = document.createElement('tr');
      for (const c of columns) {
        const td = document.createElement('td');
        td.className = `col-${c.kind}`;
        const v = cell(c, i);
        td.textContent = v;
        if (c.kind === 'text' && v.length > 30) td.title = v;
        tr.append(td);
      }
      rows.push(tr);
    }
    rows.push(spacer((view.length - last) * ROW_PX));
    tbody.replaceChildren(...rows);
  }
  scroller.addEventListener('scroll', () => {
    if (!queued) {
      queued = true;
      requestAnimationFrame(draw);
    }
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(applyFilter, 150);
  });
  headers.forEach((th) => th.setAttribute('aria-sort', 'none'));
  applyFilter();
}

/** A scrolling box that keyboard users can reach and screen readers name (a focusable, labelled region). */
export function scrollRegion(className: string, label: string): HTMLDivElement {
  const div = document.createElement('div');
  div.className = className;
  div.tabIndex = 0;
  div.setAttribute('role', 'region');
  div.setAttribute('aria-label', label);
  return div;
}
