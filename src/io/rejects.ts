// Rejected records as `<out>.rejects.jsonl` rows: {"file", "line", "field", "reason", "detail", "record"}, through the
// one row writer. `record` is the record itself when it is valid JSON (copied as is), else its text as a string.
import { Column, type RowBuilder } from './encode.js';
import type { Reject } from './records.js';

const C = {
  file: new Column('file'),
  line: new Column('line'),
  field: new Column('field'),
  reason: new Column('reason'),
  detail: new Column('detail'),
  record: new Column('record'),
};

export function writeRejectRow(b: RowBuilder, r: Reject): void {
  b.begin();
  b.key(C.file);
  b.str(r.file);
  b.key(C.line);
  b.int(r.line);
  b.key(C.field);
  if (r.field === null) b.null();
  else b.str(r.field);
  b.key(C.reason);
  b.str(r.reason);
  b.key(C.detail);
  b.str(r.detail);
  b.key(C.record);
  if (r.json) b.span(r.json, 0, r.json.length, false);
  else if (r.text !== null) b.str(r.text);
  else b.null();
  b.end();
}
