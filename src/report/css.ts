// The report's stylesheet: inline in the page, readable on screen, and laid out for A4/Letter when printed.

export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #5c5c5c; --rule: #d9d9d9; --card: #f5f7f9; --accent: #0072b2; }
* { box-sizing: border-box; }
html { background: #fff; }
body { margin: 0 auto; padding: 24px 28px 48px; max-width: 1020px; color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-top: 10px; border-top: 2px solid var(--ink); }
h3 { font-size: 14px; margin: 14px 0 4px; }
p { margin: 6px 0; }
.meta { color: var(--muted); font-size: 12.5px; margin-bottom: 14px; }
.meta code { font-size: 12px; }
.notes { border-left: 4px solid #e69f00; background: #fff8e6; padding: 6px 10px; margin: 10px 0; }
.glance { display: grid; grid-template-columns: repeat(auto-fit, minmax(112px, 1fr)); gap: 8px; margin: 10px 0 4px; }
.card { background: var(--card); border-radius: 6px; padding: 8px 10px; }
.card .v { font-size: 21px; font-weight: 650; line-height: 1.15; white-space: nowrap; }
.card .k { font-size: 12px; color: var(--muted); }
.lead { font-size: 14.5px; }
.figs { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 10px 18px; align-items: start; }
figure { margin: 6px 0; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: 12.5px; color: var(--muted); margin-top: 2px; max-width: 470px; }
figcaption b { color: var(--ink); }
svg.chart { display: block; max-width: 100%; height: auto; overflow: visible; }
.multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 4px 10px; }
.multiples svg { width: 100%; border: 1px solid #eee; border-radius: 4px; }
.axis-note { font-size: 12px; color: var(--muted); }
table { border-collapse: collapse; font-size: 12.5px; margin: 6px 0; }
th, td { border-bottom: 1px solid var(--rule); padding: 3px 8px; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
thead th { border-bottom: 1.5px solid var(--ink); }
table.kv td, table.kv th { text-align: left; }
table.kv table { margin: 0; }
table.kv { max-width: 100%; }
table.kv td { overflow-wrap: anywhere; word-break: break-word; }
.num { font-variant-numeric: tabular-nums; }
.absent { color: var(--muted); font-style: italic; }
svg .halo { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
.panel { min-width: 0; }
.panel details.prompt { font-size: 11.5px; margin: 0 0 6px 4px; }
.panel details.prompt p { margin: 2px 0; }
details > summary { cursor: pointer; }
details.text > summary { color: var(--ink); overflow-wrap: anywhere; }
details.text .full, p.text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; }
span.text { overflow-wrap: anywhere; }
.cut, .note { color: var(--muted); font-size: 12px; }
.kept { color: #009e73; font-weight: 600; }
table.examples { width: 100%; table-layout: fixed; }
table.examples th.id { width: 76px; }
table.examples th.key { width: 92px; }
table.examples th.sc { width: 92px; }
table.examples td, table.examples th { text-align: left; }
table.examples td { overflow-wrap: anywhere; }
table.examples td.num { text-align: right; }
table.rejects td.detail { overflow-wrap: anywhere; }
details.manifest { margin: 6px 0; }
details.manifest > summary { font-weight: 600; }
dl.defs { font-size: 12.5px; color: var(--muted); display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
dl.defs dt { font-weight: 600; color: var(--ink); }
dl.defs dd { margin: 0; }
footer { margin-top: 30px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--rule); padding-top: 8px; }
@media print {
  @page { margin: 14mm 12mm; }
  body { padding: 0; max-width: none; font-size: 11.5px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section { break-before: auto; }
  .figs { grid-template-columns: 1fr 1fr; }
  .multiples { grid-template-columns: repeat(3, 1fr); }
  .card { border: 1px solid var(--rule); }
  a { color: inherit; text-decoration: none; }
  details > summary { list-style: none; }
}
`;
