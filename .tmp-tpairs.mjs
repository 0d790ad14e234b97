var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __export = (target2, all) => {
  for (var name in all)
    __defProp(target2, name, { get: all[name], enumerable: true });
};

// src/io/parquet-schema.ts
function leaf(name, t, rep) {
  switch (t) {
    case "string":
      return { name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: rep };
    case "double":
      return { name, type: "DOUBLE", repetition_type: rep };
    case "int":
      return { name, type: "INT64", repetition_type: rep };
    case "bool":
      return { name, type: "BOOLEAN", repetition_type: rep };
  }
}
function messageStruct(name, rep) {
  return [
    { name, repetition_type: rep, num_children: 2 },
    leaf("content", "string", "OPTIONAL"),
    leaf("role", "string", "OPTIONAL")
  ];
}
function list(name, rep, element) {
  return [{ name, repetition_type: rep, converted_type: "LIST", num_children: 1 }, { name: "list", repetition_type: "REPEATED", num_children: 1 }, ...element];
}
function columnSchema(name, t, rep) {
  switch (t) {
    case "messages":
      return list(name, rep, messageStruct("element", "OPTIONAL"));
    case "list<double>":
      return list(name, rep, [leaf("element", "double", "OPTIONAL")]);
    case "list<string>":
      return list(name, rep, [leaf("element", "string", "OPTIONAL")]);
    case "list<messages>":
      return list(name, rep, list("element", "OPTIONAL", messageStruct("element", "OPTIONAL")));
    default:
      return [leaf(name, t, rep)];
  }
}
function parquetSchema(cols) {
  const out2 = [{ name: "root", num_children: cols.length }];
  for (const c of cols) out2.push(...columnSchema(c.name, c.type, c.nullable === false ? "REQUIRED" : "OPTIONAL"));
  return out2;
}
var init_parquet_schema = __esm({
  "src/io/parquet-schema.ts"() {
    "use strict";
  }
});

// src/io/parquet-write.ts
var parquet_write_exports = {};
__export(parquet_write_exports, {
  ParquetRows: () => ParquetRows
});
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
function cell(v, t) {
  if (v === void 0) return null;
  if (t === "double" && typeof v === "number" && !Number.isFinite(v)) return null;
  if (t === "double" && typeof v !== "number" && v !== null) return null;
  if (t === "int" && typeof v === "number") return Number.isFinite(v) ? BigInt(Math.trunc(v)) : null;
  if (t === "string" && v !== null && typeof v !== "string") return JSON.stringify(v);
  if (t === "list<double>" && Array.isArray(v)) return v.map((x) => typeof x === "number" && Number.isFinite(x) ? x : null);
  return v;
}
function callbackWriter(out2) {
  const w = new ByteWriter();
  const flush = () => {
    if (w.index > 0) out2(new Uint8Array(w.buffer, 0, w.index));
    w.index = 0;
  };
  const grow = w.ensure.bind(w);
  w.ensure = (size) => {
    if (w.index > FLUSH_BYTES) flush();
    grow(size);
  };
  w.finish = flush;
  return w;
}
var FLUSH_BYTES, ParquetRows;
var init_parquet_write = __esm({
  "src/io/parquet-write.ts"() {
    "use strict";
    init_parquet_schema();
    FLUSH_BYTES = 1 << 20;
    ParquetRows = class {
      constructor(cols, out2, rowGroupRows = 1e4, kv = {}) {
        this.cols = cols;
        this.rowGroupRows = rowGroupRows;
        this.writer = new ParquetWriter({
          writer: callbackWriter(out2),
          schema: parquetSchema(cols),
          kvMetadata: Object.entries(kv).map(([key, value]) => ({ key, value })),
          createdBy: "pairsmith (hyparquet-writer)"
        });
      }
      cols;
      rowGroupRows;
      writer;
      buf = [];
      write(rows) {
        for (const r2 of rows) this.buf.push(r2);
        if (this.buf.length >= this.rowGroupRows) this.flush();
      }
      flush() {
        if (this.buf.length === 0) return;
        const rows = this.buf;
        this.buf = [];
        const columnData = this.cols.map((c) => ({ name: c.name, data: rows.map((r2) => cell(r2[c.name], c.type)) }));
        this.writer.write({ columnData, rowGroupSize: rows.length });
      }
      finish() {
        this.flush();
        this.writer.finish();
      }
    };
  }
});

// ../../tmp/tpairs.ts
import { readFileSync } from "node:fs";

// src/wasm/resident.ts
function isResident(x) {
  return typeof x === "object" && x !== null && x instanceof ResidentBase;
}
var ResidentBase = class {
  constructor(type, length) {
    this.type = type;
    this.length = length;
  }
  type;
  length;
  isFreed = false;
  get freed() {
    return this.isFreed;
  }
  alive() {
    if (this.isFreed) throw new Error(`pairsmith: ${this.type.name} resident buffer used after free()`);
  }
};
var WasmResident = class extends ResidentBase {
  constructor(arena, type, length, ptr) {
    super(type, length);
    this.arena = arena;
    this.ptr = ptr;
  }
  arena;
  ptr;
  view() {
    this.alive();
    return this.arena.view(this.type, this.ptr, this.length);
  }
  free() {
    if (this.isFreed) return;
    this.isFreed = true;
    this.arena.release(this.ptr);
  }
};
var JsResident = class extends ResidentBase {
  ptr = -1;
  data;
  constructor(type, length) {
    super(type, length);
    this.data = new type(length);
  }
  view() {
    this.alive();
    return this.data;
  }
  free() {
    this.isFreed = true;
    this.data = null;
  }
};

// src/kernels/validate.ts
function kindOf(x) {
  if (isResident(x)) return `resident ${x.type.name}`;
  if (x === null) return "null";
  if (typeof x === "object") return x.constructor?.name ?? "object";
  return typeof x;
}
function elementType(x) {
  if (isResident(x)) return x.type;
  if (x instanceof Float32Array) return Float32Array;
  if (x instanceof Float64Array) return Float64Array;
  if (x instanceof Int32Array) return Int32Array;
  if (x instanceof Uint8Array) return Uint8Array;
  return void 0;
}
function assertArray(x, name, ...types) {
  const t = elementType(x);
  if (t === void 0 || !types.includes(t)) {
    throw new TypeError(`pairsmith: ${name} must be ${types.map((c) => c.name).join(" or ")}, got ${kindOf(x)}`);
  }
  if (isResident(x) && x.freed) throw new Error(`pairsmith: ${name} is a resident buffer used after free()`);
}
function assertNumber(x, name, min = -Infinity, max = Infinity) {
  if (typeof x !== "number" || Number.isNaN(x)) throw new TypeError(`pairsmith: ${name} must be a number, got ${kindOf(x)}`);
  if (!(x >= min && x <= max) || !Number.isFinite(x)) {
    throw new RangeError(`pairsmith: ${name} must be finite and in [${min}, ${max}], got ${x}`);
  }
}
function assertOffsets(offsets, n, name = "offsets") {
  assertArray(offsets, name, Int32Array);
  const o = isResident(offsets) ? offsets.view() : offsets;
  if (o.length < 1) throw new RangeError(`pairsmith: ${name} must have at least one entry (groups + 1)`);
  if (o[0] !== 0) throw new RangeError(`pairsmith: ${name}[0] must be 0, got ${o[0]}`);
  for (let i = 1; i < o.length; i++) {
    if (o[i] < o[i - 1]) throw new RangeError(`pairsmith: ${name} must be non-decreasing (at ${i}: ${o[i - 1]} > ${o[i]})`);
  }
  if (o[o.length - 1] !== n) {
    throw new RangeError(`pairsmith: ${name} ends at ${o[o.length - 1]} but the data has ${n} elements`);
  }
}

// src/kernels/reduce.ts
function guardReduce(k) {
  return {
    sum(x) {
      assertArray(x, "x", Float32Array, Float64Array);
      return k.sum(x);
    }
  };
}
function bindReduce(ctx) {
  return {
    sum(x) {
      return ctx.run((s) => {
        const [xp] = s.inputs(x);
        const nf = s.array(Int32Array, 1);
        const f32 = ArrayBuffer.isView(x) ? x instanceof Float32Array : x.type === Float32Array;
        const total = f32 ? ctx.raw.sumF32(xp, x.length, nf) : ctx.raw.sumF64(xp, x.length, nf);
        return { sum: total, nonFinite: ctx.arena.view(Int32Array, nf, 1)[0] };
      });
    }
  };
}

// src/wasm/abi.ts
var S_OK = 0;
var E_INVALID = 1;
var E_SHAPE = 2;
var E_NONFINITE = 3;
var E_NOCONVERGE = 4;
var STATUS_NAMES = {
  [E_INVALID]: "E_INVALID",
  [E_SHAPE]: "E_SHAPE",
  [E_NONFINITE]: "E_NONFINITE",
  [E_NOCONVERGE]: "E_NOCONVERGE"
};
var KernelError = class extends Error {
  code;
  status;
  constructor(kernel, status, detail) {
    const code = STATUS_NAMES[status] ?? `E_UNKNOWN(${status})`;
    super(`${kernel}: ${code}${detail ? `: ${detail}` : ""}`);
    this.name = "KernelError";
    this.code = code;
    this.status = status;
  }
};
function check(kernel, status, detail) {
  if (status !== S_OK) throw new KernelError(kernel, status, detail);
}

// src/kernels/scoring.ts
function isF32(x) {
  return elementType(x) === Float32Array;
}
function checkReduce(r2, name) {
  if (r2 !== void 0 && r2 !== "sum" && r2 !== "mean") throw new RangeError(`pairsmith: ${name} must be 'sum' or 'mean', got ${String(r2)}`);
}
function checkOut(out2, n) {
  if (out2 === void 0) return;
  assertArray(out2, "out", Float64Array);
  if (out2.length !== n) throw new RangeError(`pairsmith: out has length ${out2.length}, expected ${n}`);
}
function checkOptions(o, name) {
  if (o !== void 0 && (o === null || typeof o !== "object" || ArrayBuffer.isView(o) || isResident(o))) {
    throw new TypeError(`pairsmith: ${name} must be an options object`);
  }
}
function isOffsets(x) {
  return elementType(x) === Int32Array;
}
function guardScoring(k) {
  return {
    sequenceLogps(x, offsets, options, out2) {
      assertArray(x, "tokenLogps", Float32Array, Float64Array);
      assertOffsets(offsets, x.length);
      checkOptions(options, "options");
      checkReduce(options?.reduce, "options.reduce");
      if (options?.mask !== void 0) {
        assertArray(options.mask, "options.mask", Uint8Array);
        if (options.mask.length !== x.length) throw new RangeError(`pairsmith: options.mask has length ${options.mask.length}, expected ${x.length} (one byte per token)`);
      }
      checkOut(out2, offsets.length - 1);
      return k.sequenceLogps(x, offsets, options, out2);
    },
    implicitRewards(p, r2, third, fourth, fifth) {
      assertArray(p, "policy", Float32Array, Float64Array);
      assertArray(r2, "reference", Float32Array, Float64Array);
      if (elementType(p) !== elementType(r2)) {
        throw new TypeError(`pairsmith: policy and reference must have the same dtype, got ${elementType(p).name} and ${elementType(r2).name}`);
      }
      if (p.length !== r2.length) throw new RangeError(`pairsmith: policy has length ${p.length} but reference has ${r2.length}`);
      const withOffsets = isOffsets(third);
      const options = withOffsets ? fourth : third;
      const out2 = withOffsets ? fifth : fourth;
      if (!withOffsets && fifth !== void 0) throw new TypeError("pairsmith: implicitRewards without offsets takes (policy, reference, options, out?)");
      if (options === void 0) throw new TypeError("pairsmith: implicitRewards needs options { beta }");
      checkOptions(options, "options");
      assertNumber(options.beta, "options.beta");
      checkReduce(options.reduce, "options.reduce");
      if (withOffsets) {
        const offsets = third;
        assertOffsets(offsets, p.length);
        if (options.mask !== void 0) {
          assertArray(options.mask, "options.mask", Uint8Array);
          if (options.mask.length !== p.length) throw new RangeError(`pairsmith: options.mask has length ${options.mask.length}, expected ${p.length} (one byte per token)`);
        }
        checkOut(out2, offsets.length - 1);
        return k.implicitRewards(p, r2, offsets, options, out2);
      }
      if (options.reduce === "mean") throw new RangeError("pairsmith: options.reduce 'mean' needs token offsets (per-sequence inputs are already reduced)");
      if (options.mask !== void 0) throw new RangeError("pairsmith: options.mask needs token offsets");
      checkOut(out2, p.length);
      return k.implicitRewards(p, r2, options, out2);
    }
  };
}
function bindScoring(ctx) {
  return {
    sequenceLogps(x, offsets, options, out2) {
      const groups = offsets.length - 1;
      return ctx.run((s) => {
        const mask = options?.mask;
        const ptrs = mask === void 0 ? s.inputs(x, offsets) : s.inputs(x, offsets, mask);
        const o = ctx.output(s, Float64Array, groups, out2);
        const mean = options?.reduce === "mean" ? 1 : 0;
        const fn = isF32(x) ? ctx.raw.sequenceLogpsF32 : ctx.raw.sequenceLogpsF64;
        check("sequenceLogps", fn(ptrs[0], ptrs[1], groups, ptrs[2] ?? 0, mean, o.ptr));
        return o.finish();
      });
    },
    implicitRewards(p, r2, third, fourth, fifth) {
      if (isOffsets(third)) {
        const offsets = third;
        const options2 = fourth;
        const groups = offsets.length - 1;
        return ctx.run((s) => {
          const mask = options2.mask;
          const ptrs = mask === void 0 ? s.inputs(p, r2, offsets) : s.inputs(p, r2, offsets, mask);
          const o = ctx.output(s, Float64Array, groups, fifth);
          const mean = options2.reduce === "mean" ? 1 : 0;
          const fn = isF32(p) ? ctx.raw.implicitRewardsF32 : ctx.raw.implicitRewardsF64;
          check("implicitRewards", fn(ptrs[0], ptrs[1], ptrs[2], groups, ptrs[3] ?? 0, mean, options2.beta, o.ptr));
          return o.finish();
        });
      }
      const options = third;
      const out2 = fourth;
      return ctx.run((s) => {
        const [pp, rp] = s.inputs(p, r2);
        const o = ctx.output(s, Float64Array, p.length, out2);
        (isF32(p) ? ctx.raw.sequenceRewardsF32 : ctx.raw.sequenceRewardsF64)(pp, rp, p.length, options.beta, o.ptr);
        return o.finish();
      });
    }
  };
}

// src/kernels/positions.ts
var NUM = String.raw`(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?`;
var SIGMA_RE = new RegExp(String.raw`^mu(?:([+-])(${NUM})?\*?(?:sigma|σ|s))?$`, "i");
function parsePosition(s) {
  if (typeof s === "string") {
    const t = s.replace(/\s+/g, "").toLowerCase();
    if (t === "max") return { kind: "max" };
    if (t === "min") return { kind: "min" };
    const m = SIGMA_RE.exec(t);
    if (m) {
      if (m[1] === void 0) return { kind: "sigma", k: 0 };
      const mag = m[2] === void 0 ? 1 : Number(m[2]);
      const k = m[1] === "-" ? -mag : mag;
      if (Number.isFinite(k)) return { kind: "sigma", k };
    }
    throw new RangeError(`pairsmith: position '${s}' is not max, min or mu+k*sigma (e.g. mu-2sigma, mu+1.5sigma, mu)`);
  }
  if (s !== null && typeof s === "object") {
    const o = s;
    if (o.kind === "max" || o.kind === "min") return { kind: o.kind };
    if ((o.kind === void 0 || o.kind === "sigma") && typeof o.k === "number" && Number.isFinite(o.k)) {
      return { kind: "sigma", k: o.k };
    }
    throw new RangeError(`pairsmith: position object must be { k: finite number }, got ${JSON.stringify(s)}`);
  }
  throw new TypeError(`pairsmith: a position must be a string or { k: number }, got ${typeof s}`);
}
function formatPosition(p) {
  const q = parsePosition(p);
  if (q.kind !== "sigma") return q.kind;
  if (q.k === 0) return "mu";
  const mag = Math.abs(q.k);
  return `mu${q.k < 0 ? "-" : "+"}${mag === 1 ? "" : String(mag)}sigma`;
}

// src/kernels/groups.ts
var KIND = { sigma: 0, max: 1, min: 2 };
function checkLen(x, name, n, ...types) {
  assertArray(x, name, ...types);
  const len = x.length;
  if (len !== n) throw new RangeError(`pairsmith: ${name} has length ${len}, expected ${n}`);
}
function checkStats(stats, groups) {
  if (stats === null || typeof stats !== "object" || ArrayBuffer.isView(stats) || isResident(stats)) {
    throw new TypeError("pairsmith: stats must be { mean, std } (e.g. a groupStats result)");
  }
  const st = stats;
  checkLen(st.mean, "stats.mean", groups, Float64Array);
  checkLen(st.std, "stats.std", groups, Float64Array);
}
var STAT_TYPES = {
  count: Int32Array,
  mean: Float64Array,
  std: Float64Array,
  min: Float64Array,
  max: Float64Array,
  argmin: Int32Array,
  argmax: Int32Array,
  nonFinite: Int32Array
};
var STAT_KEYS = Object.keys(STAT_TYPES);
function guardGroups(k) {
  return {
    groupStats(values, offsets, options, out2) {
      assertArray(values, "values", Float64Array);
      assertOffsets(offsets, values.length);
      if (options !== void 0 && (options === null || typeof options !== "object")) throw new TypeError("pairsmith: options must be an object");
      const sd = options?.std;
      if (sd !== void 0 && sd !== "population" && sd !== "sample") {
        throw new RangeError(`pairsmith: options.std must be 'population' or 'sample', got ${String(sd)}`);
      }
      if (out2 !== void 0) {
        if (out2 === null || typeof out2 !== "object") throw new TypeError("pairsmith: out must be an object of columns");
        for (const key of Object.keys(out2)) {
          if (!(key in STAT_TYPES)) throw new RangeError(`pairsmith: out.${key} is not a groupStats field`);
          const v = out2[key];
          if (v !== void 0) checkLen(v, `out.${key}`, offsets.length - 1, STAT_TYPES[key]);
        }
      }
      return k.groupStats(values, offsets, options, out2);
    },
    pickPositions(values, offsets, stats, positions, options, out2) {
      assertArray(values, "values", Float64Array);
      assertOffsets(offsets, values.length);
      const groups = offsets.length - 1;
      checkStats(stats, groups);
      if (!Array.isArray(positions)) throw new TypeError("pairsmith: positions must be an array (e.g. ['max', 'mu-2sigma'])");
      const parsed = positions.map((p) => parsePosition(p));
      if (options !== void 0 && (options === null || typeof options !== "object")) throw new TypeError("pairsmith: options must be an object");
      const role = options?.role;
      if (role !== void 0 && role !== "rejected" && role !== "chosen") {
        throw new RangeError(`pairsmith: options.role must be 'rejected' or 'chosen', got ${String(role)}`);
      }
      if (options?.exclude !== void 0) checkLen(options.exclude, "options.exclude", groups, Int32Array);
      if (out2 !== void 0) checkLen(out2, "out", groups * parsed.length, Int32Array);
      return k.pickPositions(values, offsets, stats, parsed, options, out2);
    },
    zscores(values, offsets, stats, out2) {
      assertArray(values, "values", Float64Array);
      assertOffsets(offsets, values.length);
      checkStats(stats, offsets.length - 1);
      if (out2 !== void 0) checkLen(out2, "out", values.length, Float64Array);
      return k.zscores(values, offsets, stats, out2);
    }
  };
}
function bindGroups(ctx) {
  return {
    groupStats(values, offsets, options, out2) {
      const groups = offsets.length - 1;
      return ctx.run((s) => {
        const [xp, op] = s.inputs(values, offsets);
        const outs = STAT_KEYS.map((key) => ctx.output(s, STAT_TYPES[key], groups, out2?.[key]));
        const ptr = outs.map((o) => o.ptr);
        check("groupStats", ctx.raw.groupStatsF64(xp, op, groups, options?.std === "sample" ? 1 : 0, ...ptr));
        const res = {};
        STAT_KEYS.forEach((key, i) => res[key] = outs[i].finish());
        return res;
      });
    },
    pickPositions(values, offsets, stats, positions, options, out2) {
      const groups = offsets.length - 1;
      const parsed = positions.map((p) => parsePosition(p));
      const kinds = Int32Array.from(parsed, (p) => KIND[p.kind]);
      const ks = Float64Array.from(parsed, (p) => p.kind === "sigma" ? p.k : 0);
      return ctx.run((s) => {
        const ex = options?.exclude;
        const ptrs = ex === void 0 ? s.inputs(values, offsets, stats.mean, stats.std, kinds, ks) : s.inputs(values, offsets, stats.mean, stats.std, kinds, ks, ex);
        const o = ctx.output(s, Int32Array, groups * parsed.length, out2);
        const chosen = options?.role === "chosen" ? 1 : 0;
        check("pickPositions", ctx.raw.pickPositionsF64(ptrs[0], ptrs[1], groups, ptrs[2], ptrs[3], ptrs[4], ptrs[5], parsed.length, chosen, ptrs[6] ?? 0, o.ptr));
        return o.finish();
      });
    },
    zscores(values, offsets, stats, out2) {
      const groups = offsets.length - 1;
      return ctx.run((s) => {
        const ptrs = s.inputs(values, offsets, stats.mean, stats.std);
        const o = ctx.output(s, Float64Array, values.length, out2);
        check("zscores", ctx.raw.zscoresF64(ptrs[0], ptrs[1], groups, ptrs[2], ptrs[3], o.ptr));
        return o.finish();
      });
    }
  };
}

// src/kernels/losses.ts
var LOSS_TYPES = [
  "sigmoid",
  "robust",
  "hinge",
  "ipo",
  "exo_pair",
  "nca_pair",
  "sppo_hard",
  "apo_zero",
  "apo_down",
  "discopop",
  "bco_pair",
  "aot",
  "aot_unpaired",
  "sft",
  "rdpo",
  "ripo",
  "ml-rdpo",
  "odpo"
];
var F_DIVERGENCES = ["reverse_kl", "forward_kl", "js_divergence", "alpha_divergence"];
var RATING_LOSSES = ["rdpo", "ripo", "ml-rdpo", "odpo"];
function resolveLossOptions(o) {
  return {
    losses: o.losses,
    beta: o.beta ?? 0.1,
    labelSmoothing: o.labelSmoothing ?? 0,
    fDivergence: o.fDivergence ?? "reverse_kl",
    fAlpha: o.fAlpha ?? 1,
    discopopTau: o.discopopTau ?? 0.05,
    batchSize: o.batchSize ?? 8,
    bcoRunningMean: o.bcoRunningMean ?? true,
    ratingBeta: o.ratingBeta ?? 1,
    ratingVariance: o.ratingVariance ?? 1,
    odpoAlpha: o.odpoAlpha ?? 1,
    bcoRunningState: o.bcoRunningState ?? { sum: 0, batches: 0 }
  };
}
function viewOf(x) {
  return isResident(x) ? x.view() : x;
}
var COLUMN_NAMES = ["policyChosen", "policyRejected", "referenceChosen", "referenceRejected"];
function guardLosses(k) {
  return {
    dpoLosses(columns, options) {
      if (columns === null || typeof columns !== "object") throw new TypeError("pairsmith: columns must be an object");
      if (options === null || typeof options !== "object") throw new TypeError("pairsmith: options must be an object");
      for (const name of COLUMN_NAMES) assertArray(columns[name], `columns.${name}`, Float64Array);
      const n = columns.policyChosen.length;
      for (const name of [...COLUMN_NAMES, "chosenLength", "rejectedLength", "gap"]) {
        const col = columns[name];
        if (col === void 0) continue;
        assertArray(col, `columns.${name}`, Float64Array);
        if (col.length !== n) throw new RangeError(`pairsmith: columns.${name} has length ${col.length}, expected ${n}`);
      }
      for (const name of COLUMN_NAMES) {
        const v = viewOf(columns[name]);
        for (let i = 0; i < v.length; i++) {
          if (!Number.isFinite(v[i])) throw new RangeError(`pairsmith: columns.${name}[${i}] is ${v[i]}; log-probs must be finite`);
        }
      }
      for (const name of ["chosenLength", "rejectedLength"]) {
        if (columns[name] === void 0) continue;
        const v = viewOf(columns[name]);
        for (let i = 0; i < v.length; i++) {
          if (!(Number.isFinite(v[i]) && v[i] >= 0)) throw new RangeError(`pairsmith: columns.${name}[${i}] is ${v[i]}; token counts must be finite and >= 0`);
        }
      }
      const o = resolveLossOptions(options);
      if (!Array.isArray(o.losses) || o.losses.length === 0) throw new RangeError("pairsmith: options.losses must name at least one loss type");
      const seen = /* @__PURE__ */ new Set();
      for (const t of o.losses) {
        if (!LOSS_TYPES.includes(t)) {
          throw new RangeError(`pairsmith: options.losses: unknown loss type '${String(t)}' (use ${LOSS_TYPES.join(", ")})`);
        }
        if (seen.has(t)) throw new RangeError(`pairsmith: options.losses: '${t}' is listed twice`);
        seen.add(t);
      }
      assertNumber(o.beta, "options.beta", Number.MIN_VALUE);
      assertNumber(o.labelSmoothing, "options.labelSmoothing", 0, 0.5);
      if (o.labelSmoothing >= 0.5) throw new RangeError("pairsmith: options.labelSmoothing must be < 0.5 (robust divides by 1 - 2 eps)");
      if (!F_DIVERGENCES.includes(o.fDivergence)) {
        throw new RangeError(`pairsmith: options.fDivergence must be one of ${F_DIVERGENCES.join(", ")}, got '${String(o.fDivergence)}'`);
      }
      assertNumber(o.fAlpha, "options.fAlpha");
      assertNumber(o.discopopTau, "options.discopopTau", Number.MIN_VALUE);
      assertNumber(o.batchSize, "options.batchSize", 1, 2 ** 31 - 1);
      if (!Number.isInteger(o.batchSize)) throw new RangeError(`pairsmith: options.batchSize must be an integer, got ${o.batchSize}`);
      if (typeof o.bcoRunningMean !== "boolean") throw new TypeError("pairsmith: options.bcoRunningMean must be a boolean");
      assertNumber(o.ratingBeta, "options.ratingBeta", Number.MIN_VALUE);
      assertNumber(o.ratingVariance, "options.ratingVariance", Number.MIN_VALUE);
      assertNumber(o.odpoAlpha, "options.odpoAlpha", 0);
      const st = o.bcoRunningState;
      if (st === null || typeof st !== "object") throw new TypeError("pairsmith: options.bcoRunningState must be { sum, batches }");
      assertNumber(st.sum, "options.bcoRunningState.sum");
      assertNumber(st.batches, "options.bcoRunningState.batches", 0);
      if (!Number.isInteger(st.batches)) throw new RangeError(`pairsmith: options.bcoRunningState.batches must be an integer, got ${st.batches}`);
      const needsGap = o.losses.filter((t) => RATING_LOSSES.includes(t));
      if (needsGap.length > 0 && columns.gap === void 0) {
        throw new RangeError(`pairsmith: columns.gap is required for ${needsGap.join(", ")}`);
      }
      if (columns.gap !== void 0) {
        const g = viewOf(columns.gap);
        const odpo = o.losses.includes("odpo");
        for (let i = 0; i < g.length; i++) {
          const v = g[i];
          if (v === Infinity || v === -Infinity) throw new RangeError(`pairsmith: columns.gap[${i}] is ${v}; use NaN for a missing rating`);
          if (odpo && v <= 0) throw new RangeError(`pairsmith: columns.gap[${i}] is ${v}; odpo takes log(gap) and needs gaps > 0`);
        }
      }
      return k.dpoLosses(columns, o);
    }
  };
}
var F_CODE = { reverse_kl: 0, forward_kl: 1, js_divergence: 2, alpha_divergence: 3 };
function bindLosses(ctx) {
  return {
    dpoLosses(columns, options) {
      const o = resolveLossOptions(options);
      const n = columns.policyChosen.length;
      const k = o.losses.length;
      return ctx.run((s) => {
        const present = [columns.chosenLength, columns.rejectedLength, columns.gap].filter((c) => c !== void 0);
        const ptrs = s.inputs(columns.policyChosen, columns.policyRejected, columns.referenceChosen, columns.referenceRejected, ...present);
        let next = 4;
        const nw = columns.chosenLength !== void 0 ? ptrs[next++] : 0;
        const nl = columns.rejectedLength !== void 0 ? ptrs[next++] : 0;
        const gap = columns.gap !== void 0 ? ptrs[next++] : 0;
        const types = s.input(Int32Array.from(o.losses, (t) => LOSS_TYPES.indexOf(t)));
        const params = s.input(
          Float64Array.from([
            o.beta,
            o.labelSmoothing,
            F_CODE[o.fDivergence],
            o.fAlpha,
            o.discopopTau,
            o.batchSize,
            o.bcoRunningMean ? 1 : 0,
            o.ratingBeta,
            o.ratingVariance,
            o.odpoAlpha,
            o.bcoRunningState.sum,
            o.bcoRunningState.batches
          ])
        );
        const cap = Math.max(1, Math.min(o.batchSize, n));
        const scratch = s.alloc(cap * 3 * 8 + cap * 2 * 4);
        const lossPtr = s.array(Float64Array, k * n);
        const gcPtr = s.array(Float64Array, k * n);
        const grPtr = s.array(Float64Array, k * n);
        const rewPtr = s.array(Float64Array, 3 * n);
        const status = ctx.raw.dpoLossesF64(
          ptrs[0],
          ptrs[1],
          ptrs[2],
          ptrs[3],
          nw,
          nl,
          gap,
          n,
          types,
          k,
          params,
          lossPtr,
          gcPtr,
          grPtr,
          rewPtr,
          rewPtr + 8 * n,
          rewPtr + 16 * n,
          scratch
        );
        check("dpoLosses", status);
        const all = ctx.read(Float64Array, lossPtr, k * n);
        const gcs = ctx.read(Float64Array, gcPtr, k * n);
        const grs = ctx.read(Float64Array, grPtr, k * n);
        const rew = ctx.read(Float64Array, rewPtr, 3 * n);
        const result = {
          loss: {},
          gradChosen: {},
          gradRejected: {},
          chosenReward: rew.subarray(0, n),
          rejectedReward: rew.subarray(n, 2 * n),
          margin: rew.subarray(2 * n, 3 * n)
        };
        if (o.losses.includes("bco_pair") && o.bcoRunningMean) {
          const state = ctx.read(Float64Array, params + 10 * 8, 2);
          result.bcoRunningState = { sum: state[0], batches: state[1] };
        }
        o.losses.forEach((t, j) => {
          result.loss[t] = all.subarray(j * n, (j + 1) * n);
          result.gradChosen[t] = gcs.subarray(j * n, (j + 1) * n);
          result.gradRejected[t] = grs.subarray(j * n, (j + 1) * n);
        });
        return result;
      });
    }
  };
}

// src/kernels/linalg.ts
function assertDim(x, name, allowZero = false) {
  if (typeof x !== "number" || !Number.isInteger(x) || x < (allowZero ? 0 : 1) || x > 1073741823) {
    throw new RangeError(`pairsmith: ${name} must be an integer >= ${allowZero ? 0 : 1}, got ${String(x)}`);
  }
}
function assertFiniteMatrix(x, cols, name, mask, base = 0) {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v - v !== 0 && (mask === void 0 || mask[base + i] !== 0)) {
      throw new RangeError(
        `pairsmith: ${name} has a non-finite value (${v}) at row ${Math.floor(i / cols)}, column ${i % cols}` + (mask ? " of an observed entry" : "") + "; pass a mask to treat it as missing"
      );
    }
  }
}
function guardLinalg(k) {
  return {
    gemm(a, b, m, n, kk, options = {}) {
      assertArray(a, "a", Float64Array);
      assertArray(b, "b", Float64Array);
      assertDim(m, "m", true);
      assertDim(n, "n", true);
      assertDim(kk, "k", true);
      if (a.length !== m * kk) throw new RangeError(`pairsmith: a has length ${a.length}, expected m * k = ${m * kk}`);
      if (b.length !== kk * n) throw new RangeError(`pairsmith: b has length ${b.length}, expected k * n = ${kk * n}`);
      return k.gemm(a, b, m, n, kk, { transA: !!options.transA, transB: !!options.transB });
    },
    svd(a, m, n) {
      assertArray(a, "a", Float64Array);
      assertDim(m, "m");
      assertDim(n, "n");
      if (a.length !== m * n) throw new RangeError(`pairsmith: a has length ${a.length}, expected m * n = ${m * n}`);
      assertFiniteMatrix(a, n, "a");
      return k.svd(a, m, n);
    }
  };
}
function bindLinalg(ctx) {
  return {
    gemm(a, b, m, n, kk, options = {}) {
      return ctx.run((s) => {
        const [ap, bp] = s.inputs(a, b);
        const c = ctx.output(s, Float64Array, m * n);
        check("gemmF64", ctx.raw.gemmF64(options.transA ? 1 : 0, options.transB ? 1 : 0, m, n, kk, ap, bp, 0, c.ptr));
        return c.finish();
      });
    },
    svd(a, m, n) {
      return ctx.run((s) => {
        const k = Math.min(m, n);
        const [ap] = s.inputs(a);
        const u = ctx.output(s, Float64Array, m * k);
        const sv = ctx.output(s, Float64Array, k);
        const vt = ctx.output(s, Float64Array, k * n);
        const work = s.array(Float64Array, k * Math.max(m, n) + k * k + 2 * k);
        check("svdF64", ctx.raw.svdF64(m, n, ap, u.ptr, sv.ptr, vt.ptr, work), "Jacobi SVD did not converge in 60 sweeps");
        return { U: u.finish(), s: sv.finish(), Vt: vt.finish() };
      });
    }
  };
}

// src/kernels/rpca.ts
function rpcaWorkspaceSlots(m, n) {
  const p = Math.min(m, n);
  return 3 * m * n + 2 + (m * n + p * p + 2 * m * p + 2 * n * p + 4 * p + 2 * (m + n) + 8);
}
function isResolved(o) {
  return typeof o === "object" && o !== null && o.lambdas instanceof Float64Array;
}
function oneOf(x, name, allowed, dflt) {
  if (x === void 0) return dflt;
  if (!allowed.includes(x)) throw new RangeError(`pairsmith: ${name} must be one of ${allowed.join(", ")}, got ${String(x)}`);
  return x;
}
function resolveRpcaOptions(data, dims, options = {}) {
  if (typeof options !== "object" || options === null) throw new TypeError("pairsmith: options must be an object");
  const count2 = dims.length / 2;
  let total = 0;
  for (let i = 0; i < count2; i++) {
    assertDim(dims[2 * i], `dims[${2 * i}] (rows of matrix ${i})`);
    assertDim(dims[2 * i + 1], `dims[${2 * i + 1}] (cols of matrix ${i})`);
    total += dims[2 * i] * dims[2 * i + 1];
  }
  if (total !== data.length) throw new RangeError(`pairsmith: data has length ${data.length}, but dims describe ${total} entries`);
  const mask = options.mask;
  if (mask !== void 0) {
    assertArray(mask, "mask", Uint8Array);
    if (mask.length !== data.length) throw new RangeError(`pairsmith: mask has length ${mask.length}, expected ${data.length}`);
  }
  const method = oneOf(options.method, "method", ["ialm", "altproj"], "ialm");
  const svd2 = oneOf(options.svd, "svd", ["auto", "dense", "randomized"], "auto");
  const tol = options.tol ?? 1e-7;
  assertNumber(tol, "tol", 0);
  if (!(tol > 0)) throw new RangeError("pairsmith: tol must be > 0");
  const maxIter = options.maxIter ?? 1e3;
  assertDim(maxIter, "maxIter", true);
  const rank = options.rank ?? 2;
  assertDim(rank, "rank");
  const oversample = options.oversample ?? 10;
  assertDim(oversample, "oversample", true);
  const powerIterations = options.powerIterations ?? 2;
  assertDim(powerIterations, "powerIterations", true);
  const seed = options.seed ?? 2654435769;
  assertNumber(seed, "seed", 0, 4294967295);
  if (!Number.isInteger(seed)) throw new RangeError(`pairsmith: seed must be an integer, got ${seed}`);
  if (options.lambda !== void 0) {
    assertNumber(options.lambda, "lambda", 0);
    if (!(options.lambda > 0)) throw new RangeError("pairsmith: lambda must be > 0");
  }
  const lambdas = new Float64Array(count2);
  let off = 0;
  for (let i = 0; i < count2; i++) {
    const m = dims[2 * i];
    const n = dims[2 * i + 1];
    assertFiniteMatrix(data.subarray(off, off + m * n), n, count2 === 1 ? "D" : `matrix ${i}`, mask, off);
    let observed = m * n;
    if (mask) {
      observed = 0;
      for (let j = off; j < off + m * n; j++) if (mask[j] !== 0) observed++;
    }
    const frac = Math.max(observed, 1) / (m * n);
    lambdas[i] = options.lambda ?? 1 / Math.sqrt(frac * Math.max(m, n));
    off += m * n;
  }
  return { method, lambdas, tol, maxIter, rank, mask, svd: svd2, oversample, powerIterations, seed: seed >>> 0 };
}
function resolveSingle(D, rows, cols, options) {
  assertArray(D, "D", Float64Array);
  assertDim(rows, "rows");
  assertDim(cols, "cols");
  if (D.length !== rows * cols) throw new RangeError(`pairsmith: D has length ${D.length}, expected rows * cols = ${rows * cols}`);
  return resolveRpcaOptions(D, new Int32Array([rows, cols]), options);
}
function guardRpca(k) {
  return {
    rpca(D, rows, cols, options) {
      return k.rpca(D, rows, cols, isResolved(options) ? options : resolveSingle(D, rows, cols, options));
    },
    rpcaBatch(data, dims, options) {
      assertArray(data, "data", Float64Array);
      assertArray(dims, "dims", Int32Array);
      if (dims.length % 2 !== 0) throw new RangeError(`pairsmith: dims must hold (rows, cols) pairs, got length ${dims.length}`);
      return k.rpcaBatch(data, dims, isResolved(options) ? options : resolveRpcaOptions(data, dims, options));
    }
  };
}
var SVD_CODE = { auto: 0, dense: 1, randomized: 2 };
function bindRpca(ctx) {
  const batch = (data, dims, o) => {
    const count2 = dims.length / 2;
    let slots = 0;
    const offsets = new Int32Array(count2 + 1);
    for (let i = 0; i < count2; i++) {
      slots = Math.max(slots, rpcaWorkspaceSlots(dims[2 * i], dims[2 * i + 1]));
      offsets[i + 1] = offsets[i] + dims[2 * i] * dims[2 * i + 1];
    }
    return ctx.run((s) => {
      const ptrs = o.mask ? s.inputs(data, dims, o.lambdas, o.mask) : s.inputs(data, dims, o.lambdas);
      const L = ctx.output(s, Float64Array, data.length);
      const S = ctx.output(s, Float64Array, data.length);
      const stats = ctx.output(s, Float64Array, 4 * count2);
      const work = s.alloc(slots * 8);
      const status = ctx.raw.rpcaF64(
        count2,
        ptrs[1],
        ptrs[0],
        o.mask ? ptrs[3] : 0,
        ptrs[2],
        o.method === "ialm" ? 0 : 1,
        o.rank,
        o.tol,
        o.maxIter,
        SVD_CODE[o.svd],
        o.oversample,
        o.powerIterations,
        o.seed,
        L.ptr,
        S.ptr,
        stats.ptr,
        work,
        slots
      );
      check("rpcaF64", status);
      const st = stats.finish();
      const res = {
        L: L.finish(),
        S: S.finish(),
        offsets,
        iterations: new Int32Array(count2),
        converged: new Uint8Array(count2),
        rank: new Int32Array(count2),
        relativeResidual: new Float64Array(count2)
      };
      for (let i = 0; i < count2; i++) {
        res.iterations[i] = st[4 * i];
        res.converged[i] = st[4 * i + 1];
        res.rank[i] = st[4 * i + 2];
        res.relativeResidual[i] = st[4 * i + 3];
      }
      return res;
    });
  };
  return {
    rpca(D, rows, cols, options) {
      const r2 = batch(D, new Int32Array([rows, cols]), options);
      return single(r2);
    },
    rpcaBatch(data, dims, options) {
      return batch(data, dims, options);
    }
  };
}
function single(r2) {
  return {
    L: r2.L,
    S: r2.S,
    iterations: r2.iterations[0],
    converged: r2.converged[0] === 1,
    rank: r2.rank[0],
    relativeResidual: r2.relativeResidual[0]
  };
}

// src/abi/json.ts
var JSON_P_BUF = 0;
var JSON_P_COUNT = 1;
var JSON_P_REC_START = 2;
var JSON_P_REC_END = 3;
var JSON_P_MAX_DEPTH = 4;
var JSON_P_STATUS = 5;
var JSON_P_FLAGS = 6;
var JSON_P_ERR_AT = 7;
var JSON_P_ERR_CODE = 8;
var JSON_P_MEMBER_OFF = 9;
var JSON_P_MEMBER_CAP = 10;
var JSON_P_KEY_S = 11;
var JSON_P_KEY_E = 12;
var JSON_P_VAL_S = 13;
var JSON_P_VAL_E = 14;
var JSON_P_VAL_KIND = 15;
var JSON_P_VAL_NUM = 16;
var JSON_P_ELEM_OFF = 17;
var JSON_P_ELEM_CAP = 18;
var JSON_P_ELEM_S = 19;
var JSON_P_ELEM_E = 20;
var JSON_P_ELEM_KIND = 21;
var JSON_P_ELEM_NUM = 22;
var JSON_P_DONE = 23;
var JSON_P_SLOTS = 24;
var JSON_REC_OK = 0;
var JSON_REC_MALFORMED = 1;
var JSON_REC_NOT_OBJECT = 2;
var JSON_REC_TOO_DEEP = 3;
var JSON_FLAG_SANITIZE = 1;
var JSON_FLAG_ESCAPED_KEY = 2;
var JSON_K_OTHER = 0;
var JSON_K_STRING = 1;
var JSON_K_NUMBER = 2;
var JSON_K_NUMBER_TEXT = 3;
var JSON_K_NULL = 4;
var JSON_K_NAN = 5;
var JSON_K_POS_INF = 6;
var JSON_K_NEG_INF = 7;
var JSON_K_ARRAY = 8;
var JSON_K_OBJECT = 9;
var JSON_K_BOOL = 10;
var JSON_E_END = 1;
var JSON_E_TOKEN = 2;
var JSON_E_STRING = 3;
var JSON_E_ESCAPE = 4;
var JSON_E_CONTROL = 5;
var JSON_E_NUMBER = 6;
var JSON_E_EXPECT = 7;
var JSON_E_DEEP = 8;
var JSON_E_EMPTY = 9;
var JSON_DEPTH_LIMIT = 4096;

// src/kernels/json.ts
var DEFAULT_MAX_DEPTH = 512;
function growI32(a, n) {
  if (n <= a.length) return a;
  const b = new Int32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}
function growU8(a, n) {
  if (n <= a.length) return a;
  const b = new Uint8Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}
function growF64(a, n) {
  if (n <= a.length) return a;
  const b = new Float64Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}
var JsonIndex = class {
  /** Records indexed. */
  n = 0;
  /** Per record: JSON_REC_* status, JSON_FLAG_* bits, error offset (-1: none) and JSON_E_* code. */
  status = new Uint8Array(64);
  flags = new Uint8Array(64);
  errAt = new Int32Array(64);
  errCode = new Int32Array(64);
  /** Members of record r: memberOff[r] .. memberOff[r + 1] (none for a rejected record). */
  memberOff = new Int32Array(65);
  members = 0;
  /** Per member: key bytes without the quotes, value span, JSON_K_* kind, number (NaN unless JSON_K_NUMBER). */
  keyS = new Int32Array(256);
  keyE = new Int32Array(256);
  valS = new Int32Array(256);
  valE = new Int32Array(256);
  valKind = new Uint8Array(256);
  valNum = new Float64Array(256);
  /** Elements of member m's array value: elemOff[m] .. elemOff[m + 1] (none when the value is not an array). */
  elemOff = new Int32Array(257);
  elems = 0;
  elemS = new Int32Array(1024);
  elemE = new Int32Array(1024);
  elemKind = new Uint8Array(1024);
  elemNum = new Float64Array(1024);
  /** Empties the index for `n` records. */
  reset(n) {
    this.n = n;
    this.members = 0;
    this.elems = 0;
    this.ensureRecords(n);
    this.memberOff[0] = 0;
    this.elemOff[0] = 0;
  }
  ensureRecords(n) {
    this.status = growU8(this.status, n);
    this.flags = growU8(this.flags, n);
    this.errAt = growI32(this.errAt, n);
    this.errCode = growI32(this.errCode, n);
    this.memberOff = growI32(this.memberOff, n + 1);
  }
  ensureMembers(m) {
    this.keyS = growI32(this.keyS, m);
    this.keyE = growI32(this.keyE, m);
    this.valS = growI32(this.valS, m);
    this.valE = growI32(this.valE, m);
    this.valKind = growU8(this.valKind, m);
    this.valNum = growF64(this.valNum, m);
    this.elemOff = growI32(this.elemOff, m + 1);
  }
  ensureElems(k) {
    this.elemS = growI32(this.elemS, k);
    this.elemE = growI32(this.elemE, k);
    this.elemKind = growU8(this.elemKind, k);
    this.elemNum = growF64(this.elemNum, k);
  }
};
function bufLength(b) {
  return b.length;
}
function guardJson(k) {
  return {
    indexRecords(buf, start, end, out2, opts = {}) {
      if (!(buf instanceof Uint8Array) && !(typeof buf === "object" && buf !== null && "view" in buf && buf.type === Uint8Array)) {
        throw new TypeError("pairsmith: indexRecords: buf must be a Uint8Array or a resident Uint8Array");
      }
      if (!(start instanceof Int32Array) || !(end instanceof Int32Array)) throw new TypeError("pairsmith: indexRecords: start and end must be Int32Arrays");
      if (start.length !== end.length) throw new RangeError(`pairsmith: indexRecords: start (${start.length}) and end (${end.length}) differ in length`);
      if (!(out2 instanceof JsonIndex)) throw new TypeError("pairsmith: indexRecords: out must be a JsonIndex");
      const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
      if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > JSON_DEPTH_LIMIT) {
        throw new RangeError(`pairsmith: indexRecords: maxDepth must be an integer in [1, ${JSON_DEPTH_LIMIT}], got ${maxDepth}`);
      }
      const len = bufLength(buf);
      for (let r2 = 0; r2 < start.length; r2++) {
        const s = start[r2];
        const e = end[r2];
        if (!(s >= 0 && s <= e && e <= len)) throw new RangeError(`pairsmith: indexRecords: record ${r2} span [${s}, ${e}) is outside the buffer (${len} bytes)`);
      }
      return k.indexRecords(buf, start, end, out2, { maxDepth });
    }
  };
}
function bindJson(ctx) {
  return {
    indexRecords(buf, start, end, out2, opts = {}) {
      const n = start.length;
      out2.reset(n);
      if (n === 0) return out2;
      let memberCap = Math.max(64, out2.keyS.length);
      let elemCap = Math.max(256, out2.elemS.length);
      let first = 0;
      while (first < n) {
        const got = ctx.run((s) => {
          const [bp] = s.inputs(buf);
          const rs = s.array(Int32Array, n - first);
          const re = s.array(Int32Array, n - first);
          ctx.arena.view(Int32Array, rs, n - first).set(start.subarray(first));
          ctx.arena.view(Int32Array, re, n - first).set(end.subarray(first));
          const cnt = n - first;
          const status = s.array(Uint8Array, cnt);
          const flags = s.array(Uint8Array, cnt);
          const errAt = s.array(Int32Array, cnt);
          const errCode = s.array(Int32Array, cnt);
          const memberOff = s.array(Int32Array, cnt + 1);
          const keyS = s.array(Int32Array, memberCap);
          const keyE = s.array(Int32Array, memberCap);
          const valS = s.array(Int32Array, memberCap);
          const valE = s.array(Int32Array, memberCap);
          const valKind = s.array(Uint8Array, memberCap);
          const valNum = s.array(Float64Array, memberCap);
          const elemOff = s.array(Int32Array, memberCap + 1);
          const elemS = s.array(Int32Array, elemCap);
          const elemE = s.array(Int32Array, elemCap);
          const elemKind = s.array(Uint8Array, elemCap);
          const elemNum = s.array(Float64Array, elemCap);
          const params = s.array(Int32Array, JSON_P_SLOTS);
          const p = ctx.arena.view(Int32Array, params, JSON_P_SLOTS);
          p[JSON_P_BUF] = bp;
          p[JSON_P_COUNT] = cnt;
          p[JSON_P_REC_START] = rs;
          p[JSON_P_REC_END] = re;
          p[JSON_P_MAX_DEPTH] = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
          p[JSON_P_STATUS] = status;
          p[JSON_P_FLAGS] = flags;
          p[JSON_P_ERR_AT] = errAt;
          p[JSON_P_ERR_CODE] = errCode;
          p[JSON_P_MEMBER_OFF] = memberOff;
          p[JSON_P_MEMBER_CAP] = memberCap;
          p[JSON_P_KEY_S] = keyS;
          p[JSON_P_KEY_E] = keyE;
          p[JSON_P_VAL_S] = valS;
          p[JSON_P_VAL_E] = valE;
          p[JSON_P_VAL_KIND] = valKind;
          p[JSON_P_VAL_NUM] = valNum;
          p[JSON_P_ELEM_OFF] = elemOff;
          p[JSON_P_ELEM_CAP] = elemCap;
          p[JSON_P_ELEM_S] = elemS;
          p[JSON_P_ELEM_E] = elemE;
          p[JSON_P_ELEM_KIND] = elemKind;
          p[JSON_P_ELEM_NUM] = elemNum;
          ctx.arena.view(Int32Array, memberOff, 1)[0] = 0;
          ctx.arena.view(Int32Array, elemOff, 1)[0] = 0;
          check("indexRecords", ctx.raw.indexRecords(params));
          const done = ctx.arena.view(Int32Array, params, JSON_P_SLOTS)[JSON_P_DONE];
          if (done === 0) return 0;
          const mo = ctx.arena.view(Int32Array, memberOff, done + 1);
          const members = mo[done];
          const eo = ctx.arena.view(Int32Array, elemOff, members + 1);
          const elems = eo[members];
          const m0 = out2.members;
          const k0 = out2.elems;
          out2.ensureMembers(m0 + members);
          out2.ensureElems(k0 + elems);
          out2.status.set(ctx.arena.view(Uint8Array, status, done), first);
          out2.flags.set(ctx.arena.view(Uint8Array, flags, done), first);
          out2.errAt.set(ctx.arena.view(Int32Array, errAt, done), first);
          out2.errCode.set(ctx.arena.view(Int32Array, errCode, done), first);
          for (let r2 = 1; r2 <= done; r2++) out2.memberOff[first + r2] = m0 + mo[r2];
          out2.keyS.set(ctx.arena.view(Int32Array, keyS, members), m0);
          out2.keyE.set(ctx.arena.view(Int32Array, keyE, members), m0);
          out2.valS.set(ctx.arena.view(Int32Array, valS, members), m0);
          out2.valE.set(ctx.arena.view(Int32Array, valE, members), m0);
          out2.valKind.set(ctx.arena.view(Uint8Array, valKind, members), m0);
          out2.valNum.set(ctx.arena.view(Float64Array, valNum, members), m0);
          for (let m = 1; m <= members; m++) out2.elemOff[m0 + m] = k0 + eo[m];
          out2.elemS.set(ctx.arena.view(Int32Array, elemS, elems), k0);
          out2.elemE.set(ctx.arena.view(Int32Array, elemE, elems), k0);
          out2.elemKind.set(ctx.arena.view(Uint8Array, elemKind, elems), k0);
          out2.elemNum.set(ctx.arena.view(Float64Array, elemNum, elems), k0);
          out2.members = m0 + members;
          out2.elems = k0 + elems;
          return done;
        });
        if (got === 0) {
          memberCap *= 2;
          elemCap *= 2;
          continue;
        }
        first += got;
      }
      return out2;
    }
  };
}

// src/kernels/index.ts
function wasmKernels(ctx) {
  return {
    ...bindReduce(ctx),
    ...bindScoring(ctx),
    ...bindGroups(ctx),
    ...bindLosses(ctx),
    ...bindLinalg(ctx),
    ...bindRpca(ctx),
    ...bindJson(ctx)
  };
}
function guardKernels(k) {
  return {
    ...guardReduce(k),
    ...guardScoring(k),
    ...guardGroups(k),
    ...guardLosses(k),
    ...guardLinalg(k),
    ...guardRpca(k),
    ...guardJson(k)
  };
}

// src/reference/reduce.ts
var reduce_exports = {};
__export(reduce_exports, {
  sum: () => sum
});
function sum(x) {
  let total = 0;
  let nonFinite = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (Number.isFinite(v)) total += v;
    else nonFinite++;
  }
  return { sum: total, nonFinite };
}

// src/reference/scoring.ts
var scoring_exports = {};
__export(scoring_exports, {
  implicitRewards: () => implicitRewards,
  sequenceLogps: () => sequenceLogps
});
function sequenceLogps(tokenLogps, offsets, options = {}, out2) {
  const groups = offsets.length - 1;
  const res = out2 ?? new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    let total = 0;
    let count2 = 0;
    for (let t = offsets[g]; t < offsets[g + 1]; t++) {
      if (options.mask && options.mask[t] === 0) continue;
      total += tokenLogps[t];
      count2++;
    }
    res[g] = options.reduce === "mean" ? total / Math.max(1, count2) : total;
  }
  return res;
}
function implicitRewards(policy, reference, third, fourth, fifth) {
  if (third instanceof Int32Array) {
    const offsets = third;
    const options = fourth;
    const groups = offsets.length - 1;
    const res2 = fifth ?? new Float64Array(groups);
    for (let g = 0; g < groups; g++) {
      let total = 0;
      let count2 = 0;
      for (let t = offsets[g]; t < offsets[g + 1]; t++) {
        if (options.mask && options.mask[t] === 0) continue;
        total += policy[t] - reference[t];
        count2++;
      }
      res2[g] = options.beta * (options.reduce === "mean" ? total / Math.max(1, count2) : total);
    }
    return res2;
  }
  const beta = third.beta;
  const res = fourth ?? new Float64Array(policy.length);
  for (let i = 0; i < policy.length; i++) res[i] = beta * (policy[i] - reference[i]);
  return res;
}

// src/reference/groups.ts
var groups_exports = {};
__export(groups_exports, {
  groupStats: () => groupStats,
  pickPositions: () => pickPositions,
  zscores: () => zscores
});
function groupStats(values, offsets, options = {}, out2 = {}) {
  const groups = offsets.length - 1;
  const r2 = {
    count: out2.count ?? new Int32Array(groups),
    mean: out2.mean ?? new Float64Array(groups),
    std: out2.std ?? new Float64Array(groups),
    min: out2.min ?? new Float64Array(groups),
    max: out2.max ?? new Float64Array(groups),
    argmin: out2.argmin ?? new Int32Array(groups),
    argmax: out2.argmax ?? new Int32Array(groups),
    nonFinite: out2.nonFinite ?? new Int32Array(groups)
  };
  const ddof = options.std === "sample" ? 1 : 0;
  for (let g = 0; g < groups; g++) {
    const start = offsets[g];
    const finite = [];
    let argmin = -1;
    let argmax = -1;
    for (let i = start; i < offsets[g + 1]; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      finite.push(v);
      if (argmin < 0 || v < values[start + argmin]) argmin = i - start;
      if (argmax < 0 || v > values[start + argmax]) argmax = i - start;
    }
    const n = finite.length;
    r2.count[g] = n;
    r2.nonFinite[g] = offsets[g + 1] - start - n;
    r2.argmin[g] = argmin;
    r2.argmax[g] = argmax;
    if (n === 0) {
      r2.mean[g] = r2.std[g] = r2.min[g] = r2.max[g] = NaN;
      continue;
    }
    r2.min[g] = values[start + argmin];
    r2.max[g] = values[start + argmax];
    let big = 0;
    for (const v of finite) big = Math.max(big, Math.abs(v));
    const scale = big > 1e150 ? big : 1;
    let s = 0;
    for (const v of finite) s += v / scale;
    const mean = s / n * scale;
    let ss = 0;
    for (const v of finite) ss += ((v - mean) / scale) ** 2;
    r2.std[g] = n - ddof > 0 ? Math.sqrt(ss / (n - ddof)) * scale : NaN;
    r2.mean[g] = mean;
  }
  return r2;
}
function pickPositions(values, offsets, stats, positions, options = {}, out2) {
  const groups = offsets.length - 1;
  const res = out2 ?? new Int32Array(groups * positions.length);
  const preferHigh = options.role === "chosen";
  for (let g = 0; g < groups; g++) {
    const start = offsets[g];
    const size = offsets[g + 1] - start;
    const mu = stats.mean[g];
    const sigma = Number.isFinite(stats.std[g]) ? stats.std[g] : 0;
    const skip = options.exclude ? options.exclude[g] : -1;
    positions.forEach((pos, p) => {
      let best = -1;
      if (pos.kind === "max" || pos.kind === "min") {
        for (let j = 0; j < size; j++) {
          const v = values[start + j];
          if (!Number.isFinite(v) || j === skip) continue;
          if (best < 0 || (pos.kind === "max" ? v > values[start + best] : v < values[start + best])) best = j;
        }
      } else {
        const target2 = pos.k === 0 ? mu : mu + pos.k * sigma;
        if (Number.isFinite(target2)) {
          let bestDist = Infinity;
          for (let j = 0; j < size; j++) {
            const v = values[start + j];
            if (!Number.isFinite(v) || j === skip) continue;
            const d = Math.abs(v - target2);
            const bv = best < 0 ? 0 : values[start + best];
            const winsTie = preferHigh ? v > bv : v < bv;
            if (best < 0 || d < bestDist || d === bestDist && winsTie) {
              best = j;
              bestDist = d;
            }
          }
        }
      }
      res[g * positions.length + p] = best;
    });
  }
  return res;
}
function zscores(values, offsets, stats, out2) {
  const res = out2 ?? new Float64Array(values.length);
  for (let g = 0; g + 1 < offsets.length; g++) {
    for (let i = offsets[g]; i < offsets[g + 1]; i++) res[i] = (values[i] - stats.mean[g]) / stats.std[g];
  }
  return res;
}

// src/reference/losses.ts
var losses_exports = {};
__export(losses_exports, {
  dpoLosses: () => dpoLosses
});
var log1pexp = (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
var logsig = (x) => -log1pexp(-x);
var sig = (x) => x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
function fScore(u, o) {
  switch (o.fdiv) {
    case "forward_kl":
      return [-Math.exp(-u), Math.exp(-u)];
    case "js_divergence":
      return [logsig(u), sig(-u)];
    case "alpha_divergence": {
      if (Math.abs(o.alpha) < 1e-6) return [u, 1];
      const t = -o.alpha * u;
      if (t > 88.7228) return [-Math.exp(88.7228) / o.alpha, 0];
      return [-Math.exp(t) / o.alpha, Math.exp(t)];
    }
    default:
      return [u, 1];
  }
}
var RAW = ["ipo", "nca_pair", "bco_pair", "sppo_hard", "discopop"];
function ofMargin(f) {
  return (sc, sr, row, o) => {
    const [l, g] = f(o.beta * (sc - sr), o, row);
    return [l, o.beta * g, -o.beta * g];
  };
}
var PAIR = {
  sigmoid: ofMargin((u, o) => [(1 - o.eps) * log1pexp(-u) + o.eps * log1pexp(u), -(1 - o.eps) * sig(-u) + o.eps * sig(u)]),
  robust: ofMargin((u, o) => [
    ((1 - o.eps) * log1pexp(-u) - o.eps * log1pexp(u)) / (1 - 2 * o.eps),
    (-(1 - o.eps) * sig(-u) - o.eps * sig(u)) / (1 - 2 * o.eps)
  ]),
  hinge: ofMargin((u) => [Math.max(0, 1 - u), u < 1 ? -1 : 0]),
  exo_pair: ofMargin((u, o) => {
    const e = o.eps === 0 ? 1e-3 : o.eps;
    const qw = sig(u);
    const ql = sig(-u);
    const loss = qw * (logsig(u) - Math.log1p(-e)) + ql * (logsig(-u) - Math.log(e));
    return [loss, qw * ql * (u - Math.log1p(-e) + Math.log(e))];
  }),
  discopop: ofMargin((u, o) => {
    const logM = logsig(u / o.tau);
    const log1mM = logsig(-u / o.tau);
    const sp = log1pexp(-u);
    const mExp = Math.exp(logM - u);
    const loss = Math.exp(log1mM) * sp + mExp;
    const dmdu = Math.exp(logM + log1mM) / o.tau;
    const grad = Math.exp(logM + log1mM - u) / o.tau - dmdu * sp - Math.exp(log1mM) * sig(-u) - mExp;
    return [loss, grad];
  }),
  ipo: (c, r2, row, o) => {
    const nw = Math.max(row.nw, 1);
    const nl = Math.max(row.nl, 1);
    const [sc, dsc] = fScore(c / nw, o);
    const [sr, dsr] = fScore(r2 / nl, o);
    const e = sc - sr - 1 / (2 * o.beta);
    return [e * e, 2 * e * dsc / nw, -2 * e * dsr / nl];
  },
  nca_pair: (sc, sr, _row, o) => {
    const a = o.beta * sc;
    const b = o.beta * sr;
    return [log1pexp(-a) + 0.5 * log1pexp(a) + 0.5 * log1pexp(b), o.beta * (0.5 * sig(a) - sig(-a)), o.beta * 0.5 * sig(b)];
  },
  bco_pair: (sc, sr, _row, o, shift) => {
    const a = o.beta * sc - shift;
    const b = o.beta * sr - shift;
    return [log1pexp(-a) + log1pexp(b), -o.beta * sig(-a), o.beta * sig(b)];
  },
  sppo_hard: (sc, sr, _row, o) => {
    const a = sc - 1 / (2 * o.beta);
    const b = sr + 1 / (2 * o.beta);
    return [a * a + b * b, 2 * a, 2 * b];
  },
  rdpo: ofMargin((u, o, row) => {
    const z = u - o.beta / o.beta1 * row.gap;
    return [log1pexp(-z), -sig(-z)];
  }),
  ripo: ofMargin((u, o, row) => {
    const z = u - o.beta / o.beta1 * row.gap - 0.5;
    return [z * z, 2 * z];
  }),
  odpo: ofMargin((u, o, row) => {
    const z = u - o.odpoAlpha * Math.log(row.gap);
    return [log1pexp(-z), -sig(-z)];
  }),
  "ml-rdpo": ofMargin((u, o, row) => {
    if (Number.isNaN(row.gap)) return [log1pexp(-u), -sig(-u)];
    const e = row.gap - u;
    return [log1pexp(-u) + e * e / (2 * o.variance), -sig(-u) - e / o.variance];
  })
};
function order(keys) {
  return keys.map((_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
}
function dpoLosses(columns, options) {
  const pc = columns.policyChosen;
  const pr = columns.policyRejected;
  const rc = columns.referenceChosen;
  const rr = columns.referenceRejected;
  const lw = columns.chosenLength;
  const lr = columns.rejectedLength;
  const gap = columns.gap;
  const n = pc.length;
  const o = {
    beta: options.beta ?? 0.1,
    eps: options.labelSmoothing ?? 0,
    fdiv: options.fDivergence ?? "reverse_kl",
    alpha: options.fAlpha ?? 1,
    tau: options.discopopTau ?? 0.05,
    batch: options.batchSize ?? 8,
    bcoRunning: options.bcoRunningMean ?? true,
    beta1: options.ratingBeta ?? 1,
    variance: options.ratingVariance ?? 1,
    odpoAlpha: options.odpoAlpha ?? 1
  };
  const C = new Float64Array(n);
  const R = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    C[i] = pc[i] - rc[i];
    R[i] = pr[i] - rr[i];
  }
  const row = { nw: 1, nl: 1, gap: NaN };
  const res = {
    loss: {},
    gradChosen: {},
    gradRejected: {},
    chosenReward: C.map((c) => o.beta * c),
    rejectedReward: R.map((r2) => o.beta * r2),
    margin: C.map((c, i) => o.beta * (c - R[i]))
  };
  const batches = [];
  for (let s = 0; s < n; s += o.batch) batches.push([s, Math.min(n, s + o.batch)]);
  for (const type of options.losses) {
    const L = new Float64Array(n);
    const GC = new Float64Array(n);
    const GR = new Float64Array(n);
    if (type === "aot" || type === "aot_unpaired") {
      for (const [s, e] of batches) {
        const keyA = [];
        const keyB = [];
        for (let i = s; i < e; i++) {
          keyA.push(type === "aot" ? pc[i] - pr[i] : C[i]);
          keyB.push(type === "aot" ? rc[i] - rr[i] : R[i]);
        }
        const oa = order(keyA);
        const ob = order(keyB);
        for (let j = 0; j < oa.length; j++) {
          const u = o.beta * (keyA[oa[j]] - keyB[ob[j]]);
          L[s + j] = (1 - o.eps) * log1pexp(-u) + o.eps * log1pexp(u);
          const g = o.beta * (-(1 - o.eps) * sig(-u) + o.eps * sig(u));
          GC[s + oa[j]] = g;
          GR[s + (type === "aot" ? oa[j] : ob[j])] = -g;
        }
      }
    } else if (type === "sft") {
      for (const [s, e] of batches) {
        let nll = 0;
        let tokens = 0;
        for (let i = s; i < e; i++) {
          nll -= pc[i];
          tokens += lw ? lw[i] : 1;
        }
        tokens = Math.max(tokens, 1);
        for (let i = s; i < e; i++) {
          L[i] = nll / tokens;
          GC[i] = -(e - s) / tokens;
          GR[i] = 0;
        }
      }
    } else if (type === "apo_zero" || type === "apo_down") {
      for (let i = 0; i < n; i++) {
        const c = C[i];
        const r2 = R[i];
        const bc = o.beta * c;
        if (type === "apo_zero") {
          L[i] = sig(-bc) + sig(o.beta * r2);
          GC[i] = -o.beta * sig(bc) * sig(-bc);
          GR[i] = o.beta * sig(o.beta * r2) * sig(-o.beta * r2);
        } else {
          const u = o.beta * (c - r2);
          L[i] = sig(bc) + sig(-u);
          GC[i] = o.beta * sig(bc) * sig(-bc) - o.beta * sig(u) * sig(-u);
          GR[i] = o.beta * sig(u) * sig(-u);
        }
      }
    } else {
      const f = PAIR[type];
      const needsGap = type === "rdpo" || type === "ripo" || type === "odpo";
      let meanSum = options.bcoRunningState?.sum ?? 0;
      let meanCount = options.bcoRunningState?.batches ?? 0;
      for (const [s, e] of batches) {
        let shift = 0;
        if (type === "bco_pair" && o.bcoRunning) {
          let m = 0;
          for (let i = s; i < e; i++) m += o.beta * C[i] + o.beta * R[i];
          meanSum += m / (2 * (e - s));
          meanCount += 1;
          shift = meanSum / meanCount;
        }
        for (let i = s; i < e; i++) {
          row.nw = lw ? lw[i] : 1;
          row.nl = lr ? lr[i] : 1;
          row.gap = gap ? gap[i] : NaN;
          if (needsGap && Number.isNaN(row.gap)) {
            L[i] = GC[i] = GR[i] = NaN;
            continue;
          }
          const raw = RAW.includes(type);
          const [sc, dsc] = raw ? [C[i], 1] : fScore(C[i], o);
          const [sr, dsr] = raw ? [R[i], 1] : fScore(R[i], o);
          const [l, gc, gr] = f(sc, sr, row, o, shift);
          L[i] = l;
          GC[i] = gc * dsc;
          GR[i] = gr * dsr;
        }
      }
      if (type === "bco_pair" && o.bcoRunning) res.bcoRunningState = { sum: meanSum, batches: meanCount };
    }
    res.loss[type] = L;
    res.gradChosen[type] = GC;
    res.gradRejected[type] = GR;
  }
  return res;
}

// src/reference/linalg.ts
var linalg_exports = {};
__export(linalg_exports, {
  gemm: () => gemm,
  svd: () => svd
});

// src/reference/dense.ts
function matmul(a, b, m, n, k, transA = false, transB = false) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = transA ? a[p * m + i] : a[i * k + p];
      if (aip === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] += aip * (transB ? b[j * k + p] : b[p * n + j]);
    }
  }
  return c;
}
function orthonormalize(a, m, l) {
  const cols = [];
  for (let j = 0; j < l; j++) {
    const c = new Float64Array(m);
    for (let i = 0; i < m; i++) c[i] = a[i * l + j];
    cols.push(c);
  }
  const vs = [];
  const taus = [];
  for (let k = 0; k < l; k++) {
    const x = cols[k];
    let norm2 = 0;
    for (let i = k; i < m; i++) norm2 += x[i] * x[i];
    norm2 = Math.sqrt(norm2);
    const v = new Float64Array(m);
    if (norm2 === 0) {
      vs.push(v);
      taus.push(0);
      continue;
    }
    const alpha = x[k];
    const beta = alpha >= 0 ? -norm2 : norm2;
    v[k] = 1;
    for (let i = k + 1; i < m; i++) v[i] = x[i] / (alpha - beta);
    const tau = (beta - alpha) / beta;
    vs.push(v);
    taus.push(tau);
    for (let j = k; j < l; j++) applyReflector(v, tau, cols[j], k);
  }
  const q = new Float64Array(m * l);
  for (let j = 0; j < l; j++) {
    const e = new Float64Array(m);
    e[j] = 1;
    for (let k = l - 1; k >= 0; k--) applyReflector(vs[k], taus[k], e, k);
    for (let i = 0; i < m; i++) q[i * l + j] = e[i];
  }
  return q;
}
function applyReflector(v, tau, x, from) {
  if (tau === 0) return;
  let s = 0;
  for (let i = from; i < x.length; i++) s += v[i] * x[i];
  s *= tau;
  for (let i = from; i < x.length; i++) x[i] -= s * v[i];
}
function jacobiSvd(a, m, n) {
  const wide = m <= n;
  const p = wide ? m : n;
  const q = wide ? n : m;
  const rows = [];
  for (let i = 0; i < p; i++) {
    const r2 = new Float64Array(q);
    for (let j = 0; j < q; j++) r2[j] = wide ? a[i * n + j] : a[j * n + i];
    rows.push(r2);
  }
  const g = [];
  for (let i = 0; i < p; i++) {
    const r2 = new Float64Array(p);
    r2[i] = 1;
    g.push(r2);
  }
  const tiny = 1e-30 * rows.reduce((acc, r2) => acc + r2.reduce((a2, v) => a2 + v * v, 0), 0);
  for (let sweep = 0; sweep < 60; sweep++) {
    let changed = false;
    for (let i = 0; i < p - 1; i++) {
      for (let j = i + 1; j < p; j++) {
        const x = rows[i];
        const y = rows[j];
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let t = 0; t < q; t++) {
          alpha += x[t] * x[t];
          beta += y[t] * y[t];
          gamma += x[t] * y[t];
        }
        if (alpha <= tiny || beta <= tiny || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        const zeta = (beta - alpha) / (2 * gamma);
        const tn = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + tn * tn);
        const s = c * tn;
        rot(x, y, c, s);
        rot(g[i], g[j], c, s);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const norms = rows.map((r2) => Math.sqrt(r2.reduce((acc, v) => acc + v * v, 0)));
  const order2 = norms.map((_, i) => i).sort((x, y) => norms[y] - norms[x] || x - y);
  const out2 = { s: [], u: [], v: [] };
  for (const i of order2) {
    const sig2 = norms[i];
    const unit = rows[i].map((v) => sig2 > 0 ? v / sig2 : 0);
    out2.s.push(sig2);
    if (wide) {
      out2.u.push(Float64Array.from(g[i]));
      out2.v.push(unit);
    } else {
      out2.u.push(unit);
      out2.v.push(Float64Array.from(g[i]));
    }
  }
  return out2;
}
function rot(x, y, c, s) {
  for (let t = 0; t < x.length; t++) {
    const a = x[t];
    const b = y[t];
    x[t] = c * a - s * b;
    y[t] = s * a + c * b;
  }
}
var Xorshift = class {
  constructor(state) {
    this.state = state;
  }
  state;
  next() {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 4294967296 * 2 - 1;
  }
};
function spectralNorm(a, m, n, rand) {
  let x = new Float64Array(n);
  for (let j = 0; j < n; j++) x[j] = rand.next();
  x = scaled(x, 1 / norm(x));
  let sigma = 0;
  for (let it = 0; it < 500; it++) {
    const y = matmul(a, x, m, 1, n);
    const prev = sigma;
    sigma = norm(y);
    if (sigma === 0) return 0;
    const z = matmul(a, y, n, 1, m, true);
    const nz = norm(z);
    if (nz === 0) return sigma;
    x = scaled(z, 1 / nz);
    if (Math.abs(sigma - prev) <= 1e-12 * sigma) break;
  }
  return sigma;
}
function norm(x) {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s);
}
function scaled(x, c) {
  return x.map((v) => v * c);
}
function thresholdSvd(x, m, n, l, power, tau, keepMax, rand) {
  const p = Math.min(m, n);
  let svd2;
  if (l >= p) {
    svd2 = jacobiSvd(x, m, n);
  } else {
    const omega = new Float64Array(n * l);
    for (let i = 0; i < omega.length; i++) omega[i] = rand.next();
    let q = orthonormalize(matmul(x, omega, m, l, n), m, l);
    for (let it = 0; it < power; it++) {
      const w = orthonormalize(matmul(x, q, n, l, m, true), n, l);
      q = orthonormalize(matmul(x, w, m, l, n), m, l);
    }
    const b = matmul(q, x, l, n, m, true);
    const small = jacobiSvd(b, l, n);
    svd2 = { s: small.s, v: small.v, u: small.u.map((ub) => matmul(q, ub, m, 1, l)) };
  }
  let kept = 0;
  while (kept < svd2.s.length && kept < keepMax && svd2.s[kept] > tau) kept++;
  const L = new Float64Array(m * n);
  for (let c = 0; c < kept; c++) {
    const w = svd2.s[c] - tau;
    const u = svd2.u[c];
    const v = svd2.v[c];
    for (let i = 0; i < m; i++) {
      const ui = w * u[i];
      for (let j = 0; j < n; j++) L[i * n + j] += ui * v[j];
    }
  }
  return { L, kept, sigma: svd2.s };
}

// src/reference/linalg.ts
function gemm(a, b, m, n, k, options = {}) {
  return matmul(a, b, m, n, k, !!options.transA, !!options.transB);
}
function svd(a, m, n) {
  const k = Math.min(m, n);
  const r2 = jacobiSvd(a, m, n);
  const U = new Float64Array(m * k);
  const Vt = new Float64Array(k * n);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < m; i++) U[i * k + c] = r2.u[c][i];
    for (let j = 0; j < n; j++) Vt[c * n + j] = r2.v[c][j];
  }
  return { U, s: Float64Array.from(r2.s), Vt };
}

// src/reference/rpca.ts
var rpca_exports = {};
__export(rpca_exports, {
  rpca: () => rpca,
  rpcaBatch: () => rpcaBatch
});
function width(sv, p, o) {
  if (o.svd === "dense") return p;
  const l = sv + o.oversample;
  if (l >= p) return p;
  if (o.svd === "auto" && 3 * l > p) return p;
  return l;
}
function ialm({ D, m, n, observed, lambda, o }, rand) {
  const mn = m * n;
  const p = Math.min(m, n);
  let L = new Float64Array(mn);
  const S = new Float64Array(mn);
  const Y = new Float64Array(mn);
  let normF = 0;
  let maxAbs = 0;
  for (let i = 0; i < mn; i++) {
    normF += D[i] * D[i];
    maxAbs = Math.max(maxAbs, Math.abs(D[i]));
  }
  normF = Math.sqrt(normF);
  if (normF === 0) return { L, S, iterations: 0, converged: true, rank: 0, relativeResidual: 0 };
  const norm2 = spectralNorm(D, m, n, rand);
  const J = Math.max(norm2, maxAbs / lambda);
  for (let i = 0; i < mn; i++) Y[i] = D[i] / J;
  let mu = 1.25 / norm2;
  const muBar = mu * 1e7;
  let sv = Math.min(10, p);
  let iterations = 0;
  let rank = 0;
  let residual = 1;
  let converged = false;
  const X = new Float64Array(mn);
  while (iterations < o.maxIter) {
    iterations++;
    const shr = lambda / mu;
    for (let i = 0; i < mn; i++) {
      const t = D[i] - L[i] + Y[i] / mu;
      S[i] = observed(i) ? Math.sign(t) * Math.max(Math.abs(t) - shr, 0) : t;
      X[i] = D[i] - S[i] + Y[i] / mu;
    }
    const l = width(sv, p, o);
    const svt = thresholdSvd(X, m, n, l, o.powerIterations, 1 / mu, l >= p ? p : sv, rand);
    L = svt.L;
    rank = svt.kept;
    sv = rank < sv ? Math.min(rank + 1, p) : Math.min(rank + Math.round(0.05 * p), p);
    sv = Math.max(sv, 1);
    let zz = 0;
    for (let i = 0; i < mn; i++) {
      if (!observed(i)) continue;
      const z = D[i] - L[i] - S[i];
      zz += z * z;
      Y[i] += mu * z;
    }
    residual = Math.sqrt(zz) / normF;
    mu = Math.min(mu * 1.5, muBar);
    if (residual < o.tol) {
      converged = true;
      break;
    }
  }
  for (let i = 0; i < mn; i++) if (!observed(i)) S[i] = 0;
  return { L, S, iterations, converged, rank, relativeResidual: residual };
}
function altproj({ D, m, n, observed, o }, rand) {
  const mn = m * n;
  const p = Math.min(m, n);
  const r2 = Math.min(o.rank, p);
  let L = new Float64Array(mn);
  const S = new Float64Array(mn);
  let normF = 0;
  for (let i = 0; i < mn; i++) normF += D[i] * D[i];
  normF = Math.sqrt(normF);
  if (normF === 0) return { L, S, iterations: 0, converged: true, rank: 0, relativeResidual: 0 };
  const beta = 4 * r2 / Math.sqrt(m * n);
  let zeta = beta * spectralNorm(D, m, n, rand);
  for (let i = 0; i < mn; i++) S[i] = observed(i) && Math.abs(D[i]) > zeta ? D[i] : 0;
  let iterations = 0;
  let rank = 0;
  let residual = 1;
  let converged = false;
  let decay = 1;
  const X = new Float64Array(mn);
  while (iterations < o.maxIter) {
    iterations++;
    for (let i = 0; i < mn; i++) X[i] = observed(i) ? D[i] - S[i] : L[i];
    const t = thresholdSvd(X, m, n, width(Math.min(r2 + 1, p), p, o), o.powerIterations, 0, r2, rand);
    L = t.L;
    rank = t.kept;
    const sr = t.sigma[r2 - 1] ?? 0;
    const sr1 = r2 < p ? t.sigma[r2] ?? 0 : 0;
    zeta = beta * (sr1 + decay * sr);
    decay *= 0.5;
    let zz = 0;
    for (let i = 0; i < mn; i++) {
      if (!observed(i)) {
        S[i] = 0;
        continue;
      }
      const e = D[i] - L[i];
      S[i] = Math.abs(e) > zeta ? e : 0;
      zz += (e - S[i]) ** 2;
    }
    residual = Math.sqrt(zz) / normF;
    if (residual < o.tol) {
      converged = true;
      break;
    }
  }
  return { L, S, iterations, converged, rank, relativeResidual: residual };
}
function rpcaBatch(data, dims, o) {
  const count2 = dims.length / 2;
  const res = {
    L: new Float64Array(data.length),
    S: new Float64Array(data.length),
    offsets: new Int32Array(count2 + 1),
    iterations: new Int32Array(count2),
    converged: new Uint8Array(count2),
    rank: new Int32Array(count2),
    relativeResidual: new Float64Array(count2)
  };
  let off = 0;
  for (let k = 0; k < count2; k++) {
    const m = dims[2 * k];
    const n = dims[2 * k + 1];
    const base = off;
    const mask = o.mask;
    const observed = mask ? (i) => mask[base + i] !== 0 : () => true;
    const D = new Float64Array(m * n);
    for (let i = 0; i < m * n; i++) D[i] = observed(i) ? data[off + i] : 0;
    const prob = { D, m, n, observed, lambda: o.lambdas[k], o };
    const rand = new Xorshift(o.seed === 0 ? 2654435769 : o.seed);
    const r2 = o.method === "ialm" ? ialm(prob, rand) : altproj(prob, rand);
    res.L.set(r2.L, off);
    res.S.set(r2.S, off);
    res.iterations[k] = r2.iterations;
    res.converged[k] = r2.converged ? 1 : 0;
    res.rank[k] = r2.rank;
    res.relativeResidual[k] = r2.relativeResidual;
    off += m * n;
    res.offsets[k + 1] = off;
  }
  return res;
}
function rpca(D, rows, cols, o) {
  const r2 = rpcaBatch(D, new Int32Array([rows, cols]), o);
  return {
    L: r2.L,
    S: r2.S,
    iterations: r2.iterations[0],
    converged: r2.converged[0] === 1,
    rank: r2.rank[0],
    relativeResidual: r2.relativeResidual[0]
  };
}

// src/reference/json.ts
var json_exports = {};
__export(json_exports, {
  indexRecords: () => indexRecords
});
var Fail = class {
  constructor(at, code) {
    this.at = at;
    this.code = code;
  }
  at;
  code;
};
var POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
var isWs = (c) => c === 32 || c === 10 || c === 13 || c === 9;
var isDigit = (c) => c >= 48 && c <= 57;
var isHex = (c) => isDigit(c) || c >= 65 && c <= 70 || c >= 97 && c <= 102;
var Scanner = class {
  constructor(buf, maxDepth) {
    this.buf = buf;
    this.maxDepth = maxDepth;
  }
  buf;
  maxDepth;
  flags = 0;
  kind = JSON_K_OTHER;
  num = Number.NaN;
  escaped = false;
  ws(p, e) {
    while (p < e && isWs(this.buf[p])) p++;
    return p;
  }
  word(p, e, w) {
    if (p + w.length > e) return false;
    for (let k = 0; k < w.length; k++) if (this.buf[p + k] !== w.charCodeAt(k)) return false;
    return true;
  }
  /** One UTF-8 sequence at a byte >= 0x80 (an invalid byte is one byte, and flags the record). */
  utf8(p, e) {
    const b = this.buf;
    const c = b[p];
    const need = c >= 194 && c <= 223 ? 1 : c >= 224 && c <= 239 ? 2 : c >= 240 && c <= 244 ? 3 : 0;
    if (need === 0 || p + need >= e) {
      this.flags |= JSON_FLAG_SANITIZE;
      return p + 1;
    }
    const lo = c === 224 ? 160 : c === 240 ? 144 : 128;
    const hi = c === 237 ? 159 : c === 244 ? 143 : 191;
    if (b[p + 1] < lo || b[p + 1] > hi) {
      this.flags |= JSON_FLAG_SANITIZE;
      return p + 1;
    }
    for (let k = 2; k <= need; k++) {
      if (b[p + k] < 128 || b[p + k] > 191) {
        this.flags |= JSON_FLAG_SANITIZE;
        return p + 1;
      }
    }
    return p + need + 1;
  }
  string(p, e) {
    const b = this.buf;
    const s = p;
    p++;
    this.escaped = false;
    for (; ; ) {
      if (p >= e) throw new Fail(s, JSON_E_STRING);
      const c = b[p];
      if (c === 34) return p + 1;
      if (c === 92) {
        this.escaped = true;
        if (p + 1 >= e) throw new Fail(s, JSON_E_STRING);
        const x = b[p + 1];
        if (x === 117) {
          if (p + 5 >= e || !isHex(b[p + 2]) || !isHex(b[p + 3]) || !isHex(b[p + 4]) || !isHex(b[p + 5])) throw new Fail(p, JSON_E_ESCAPE);
          p += 6;
        } else if ([34, 92, 47, 98, 102, 110, 114, 116].includes(x)) p += 2;
        else throw new Fail(p, JSON_E_ESCAPE);
      } else if (c < 32) throw new Fail(p, JSON_E_CONTROL);
      else if (c >= 128) p = this.utf8(p, e);
      else p++;
    }
  }
  number(p, e) {
    const b = this.buf;
    const s = p;
    let neg = false;
    if (b[p] === 45) {
      neg = true;
      p++;
      if (p < e && b[p] === 73) {
        if (!this.word(p, e, "Infinity")) throw new Fail(s, JSON_E_NUMBER);
        this.flags |= JSON_FLAG_SANITIZE;
        this.kind = JSON_K_NEG_INF;
        this.num = -Infinity;
        return p + 8;
      }
    }
    if (p >= e) throw new Fail(s, JSON_E_NUMBER);
    let mant = 0;
    let digits = 0;
    let exp = 0;
    if (b[p] === 48) p++;
    else if (b[p] >= 49 && b[p] <= 57) {
      while (p < e && isDigit(b[p])) {
        if (digits < 19) mant = mant * 10 + (b[p] - 48);
        else exp++;
        digits++;
        p++;
      }
    } else throw new Fail(s, JSON_E_NUMBER);
    if (p < e && b[p] === 46) {
      p++;
      if (p >= e || !isDigit(b[p])) throw new Fail(s, JSON_E_NUMBER);
      while (p < e && isDigit(b[p])) {
        if (digits < 19) {
          mant = mant * 10 + (b[p] - 48);
          exp--;
          if (mant !== 0) digits++;
        }
        p++;
      }
    }
    let bigExp = false;
    if (p < e && (b[p] === 101 || b[p] === 69)) {
      p++;
      let eneg = false;
      if (p < e && (b[p] === 43 || b[p] === 45)) {
        eneg = b[p] === 45;
        p++;
      }
      if (p >= e || !isDigit(b[p])) throw new Fail(s, JSON_E_NUMBER);
      let ev = 0;
      while (p < e && isDigit(b[p])) {
        if (ev < 1e5) ev = ev * 10 + (b[p] - 48);
        else bigExp = true;
        p++;
      }
      exp += eneg ? -ev : ev;
    }
    if (digits > 15 || bigExp || exp > 22 || exp < -22) {
      this.kind = JSON_K_NUMBER_TEXT;
      this.num = Number.NaN;
      return p;
    }
    let v = mant;
    if (exp > 0) v *= POW10[exp];
    else if (exp < 0) v /= POW10[-exp];
    this.kind = JSON_K_NUMBER;
    this.num = neg ? -v : v;
    return p;
  }
  /** A key string and its colon after '{' or ','; returns the value's start. */
  key(p, e) {
    if (p >= e) throw new Fail(e, JSON_E_END);
    if (this.buf[p] !== 34) throw new Fail(p, JSON_E_EXPECT);
    p = this.ws(this.string(p, e), e);
    if (p >= e) throw new Fail(e, JSON_E_END);
    if (this.buf[p] !== 58) throw new Fail(p, JSON_E_EXPECT);
    p = this.ws(p + 1, e);
    if (p >= e) throw new Fail(e, JSON_E_END);
    return p;
  }
  /** Any value at p whose parent sits at `depth`. Recursion-free: open containers are kept on an explicit stack. */
  value(p, e, depth) {
    const b = this.buf;
    const stack = [];
    let firstKind = JSON_K_OTHER;
    for (; ; ) {
      if (p >= e) throw new Fail(e, JSON_E_END);
      const c = b[p];
      let kind = JSON_K_OTHER;
      if (c === 34) {
        p = this.string(p, e);
        kind = JSON_K_STRING;
      } else if (c === 123 || c === 91) {
        if (depth + stack.length + 1 > this.maxDepth) throw new Fail(p, JSON_E_DEEP);
        if (stack.length === 0) firstKind = c === 123 ? JSON_K_OBJECT : JSON_K_ARRAY;
        stack.push(c);
        p = this.ws(p + 1, e);
        if (p >= e) throw new Fail(e, JSON_E_END);
        if (b[p] === (c === 123 ? 125 : 93)) {
          stack.pop();
          p++;
          kind = firstKind;
        } else {
          if (c === 123) p = this.key(p, e);
          continue;
        }
      } else if (c === 45 || isDigit(c)) {
        p = this.number(p, e);
        kind = this.kind;
      } else if (c === 116 && this.word(p, e, "true")) {
        p += 4;
        kind = JSON_K_BOOL;
      } else if (c === 102 && this.word(p, e, "false")) {
        p += 5;
        kind = JSON_K_BOOL;
      } else if (c === 110 && this.word(p, e, "null")) {
        p += 4;
        kind = JSON_K_NULL;
      } else if (c === 78 && this.word(p, e, "NaN")) {
        this.flags |= JSON_FLAG_SANITIZE;
        p += 3;
        kind = JSON_K_NAN;
      } else if (c === 73 && this.word(p, e, "Infinity")) {
        this.flags |= JSON_FLAG_SANITIZE;
        p += 8;
        kind = JSON_K_POS_INF;
      } else throw new Fail(p, JSON_E_TOKEN);
      for (; ; ) {
        if (stack.length === 0) {
          this.kind = kind;
          return p;
        }
        p = this.ws(p, e);
        if (p >= e) throw new Fail(e, JSON_E_END);
        const top = stack[stack.length - 1];
        const d = b[p];
        if (d === 44) {
          p = this.ws(p + 1, e);
          if (top === 123) p = this.key(p, e);
          break;
        }
        if (top === 123 && d === 125 || top === 91 && d === 93) {
          stack.pop();
          p++;
          kind = firstKind;
          continue;
        }
        throw new Fail(p, JSON_E_EXPECT);
      }
    }
  }
};
function indexRecords(buf, start, end, out2, opts = {}) {
  const n = start.length;
  out2.reset(n);
  const maxDepth = opts.maxDepth ?? 512;
  for (let r2 = 0; r2 < n; r2++) {
    const sc = new Scanner(buf, maxDepth);
    const e = end[r2];
    const m0 = out2.members;
    const k0 = out2.elems;
    let status = JSON_REC_OK;
    let errAt = -1;
    let errCode = 0;
    try {
      const p = sc.ws(start[r2], e);
      if (p >= e) throw new Fail(e, JSON_E_EMPTY);
      let x;
      if (buf[p] === 123) x = object(sc, out2, p, e);
      else {
        x = sc.value(p, e, 0);
        status = JSON_REC_NOT_OBJECT;
      }
      const q = sc.ws(x, e);
      if (q < e) throw new Fail(q, JSON_E_EXPECT);
    } catch (err) {
      if (!(err instanceof Fail)) throw err;
      status = err.code === JSON_E_DEEP ? JSON_REC_TOO_DEEP : JSON_REC_MALFORMED;
      errAt = err.at;
      errCode = err.code;
    }
    if (status !== JSON_REC_OK) {
      out2.members = m0;
      out2.elems = k0;
    }
    out2.status[r2] = status;
    out2.flags[r2] = sc.flags;
    out2.errAt[r2] = errAt;
    out2.errCode[r2] = errCode;
    out2.memberOff[r2 + 1] = out2.members;
  }
  return out2;
}
function object(sc, out2, p, e) {
  const b = sc.buf;
  p = sc.ws(p + 1, e);
  if (p < e && b[p] === 125) return p + 1;
  for (; ; ) {
    if (p >= e) throw new Fail(e, JSON_E_END);
    if (b[p] !== 34) throw new Fail(p, JSON_E_EXPECT);
    const ke = sc.string(p, e);
    if (sc.escaped) sc.flags |= JSON_FLAG_ESCAPED_KEY;
    const m = out2.members++;
    out2.ensureMembers(m + 1);
    out2.keyS[m] = p + 1;
    out2.keyE[m] = ke - 1;
    p = sc.ws(ke, e);
    if (p >= e) throw new Fail(e, JSON_E_END);
    if (b[p] !== 58) throw new Fail(p, JSON_E_EXPECT);
    p = sc.ws(p + 1, e);
    if (p >= e) throw new Fail(e, JSON_E_END);
    const vs = p;
    let kind;
    let num = Number.NaN;
    if (b[p] === 91) {
      p = array(sc, out2, p, e);
      kind = JSON_K_ARRAY;
    } else {
      p = sc.value(p, e, 1);
      kind = sc.kind;
      if (kind === JSON_K_NUMBER) num = sc.num;
    }
    out2.valS[m] = vs;
    out2.valE[m] = p;
    out2.valKind[m] = kind;
    out2.valNum[m] = num;
    out2.elemOff[m + 1] = out2.elems;
    p = sc.ws(p, e);
    if (p >= e) throw new Fail(e, JSON_E_END);
    if (b[p] === 44) {
      p = sc.ws(p + 1, e);
      continue;
    }
    if (b[p] === 125) return p + 1;
    throw new Fail(p, JSON_E_EXPECT);
  }
}
function array(sc, out2, p, e) {
  const b = sc.buf;
  if (2 > sc.maxDepth) throw new Fail(p, JSON_E_DEEP);
  p = sc.ws(p + 1, e);
  if (p < e && b[p] === 93) return p + 1;
  for (; ; ) {
    if (p >= e) throw new Fail(e, JSON_E_END);
    const s = p;
    const x = sc.value(p, e, 2);
    const k = out2.elems++;
    out2.ensureElems(k + 1);
    out2.elemS[k] = s;
    out2.elemE[k] = x;
    out2.elemKind[k] = sc.kind;
    out2.elemNum[k] = sc.kind === JSON_K_NUMBER ? sc.num : Number.NaN;
    p = sc.ws(x, e);
    if (p >= e) throw new Fail(e, JSON_E_END);
    if (b[p] === 44) {
      p = sc.ws(p + 1, e);
      continue;
    }
    if (b[p] === 93) return p + 1;
    throw new Fail(p, JSON_E_EXPECT);
  }
}

// src/reference/index.ts
var plain = {
  ...reduce_exports,
  ...scoring_exports,
  ...groups_exports,
  ...losses_exports,
  ...linalg_exports,
  ...rpca_exports,
  ...json_exports
};
function unwrap(v) {
  if (isResident(v)) return v.view();
  if (v !== null && typeof v === "object" && !ArrayBuffer.isView(v) && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype) {
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = isResident(x) ? x.view() : x;
    return o;
  }
  return v;
}
var referenceKernels = Object.fromEntries(
  Object.entries(plain).map(([name, fn]) => [name, (...args) => fn(...args.map(unwrap))])
);

// src/wasm/arena.ts
var PAGE = 65536;
var ALIGN = 16;
var MemoryCapError = class extends RangeError {
  constructor(requested, inUse, cap) {
    super(
      `pairsmith: WASM memory exhausted: ${requested} bytes requested with ${inUse} in use; the cap is ${cap} bytes (raise it with createEngine({ maxMemoryBytes }) or process the data in smaller chunks)`
    );
    this.name = "MemoryCapError";
  }
};
var Arena = class {
  memory;
  maxBytes;
  free = [];
  used = /* @__PURE__ */ new Map();
  inUse = 0;
  peak = 0;
  constructor(memory, heapBase, maxBytes) {
    this.memory = memory;
    this.maxBytes = Math.min(maxBytes, 65536 * PAGE);
    const start = alignUp(heapBase >>> 0);
    const end = memory.buffer.byteLength;
    if (end > start) this.free.push({ off: start, size: end - start });
  }
  /** Bytes currently allocated (resident buffers plus open scopes). */
  get bytesInUse() {
    return this.inUse;
  }
  /** The largest bytesInUse seen. */
  get peakBytes() {
    return this.peak;
  }
  /** Allocates `bytes` (rounded up to 16) and returns the offset. Grows memory when needed. */
  alloc(bytes) {
    if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`pairsmith: bad allocation size ${bytes}`);
    const size = Math.max(ALIGN, alignUp(bytes));
    let i = this.free.findIndex((b2) => b2.size >= size);
    if (i < 0) {
      this.grow(size);
      i = this.free.findIndex((b2) => b2.size >= size);
    }
    const b = this.free[i];
    const off = b.off;
    if (b.size === size) this.free.splice(i, 1);
    else {
      b.off += size;
      b.size -= size;
    }
    this.used.set(off, size);
    this.inUse += size;
    if (this.inUse > this.peak) this.peak = this.inUse;
    return off;
  }
  /** Returns a block to the free list, merging with neighbours. Freeing twice is an error. */
  release(off) {
    const size = this.used.get(off);
    if (size === void 0) throw new Error(`pairsmith: arena block ${off} is not allocated (double free?)`);
    this.used.delete(off);
    this.inUse -= size;
    let lo = 0;
    let hi = this.free.length;
    while (lo < hi) {
      const mid = lo + hi >> 1;
      if (this.free[mid].off < off) lo = mid + 1;
      else hi = mid;
    }
    this.free.splice(lo, 0, { off, size });
    const next = this.free[lo + 1];
    if (next && off + size === next.off) {
      this.free[lo].size += next.size;
      this.free.splice(lo + 1, 1);
    }
    const prev = this.free[lo - 1];
    if (prev && prev.off + prev.size === off) {
      prev.size += this.free[lo].size;
      this.free.splice(lo, 1);
    }
  }
  /** Runs `fn` with a scope whose allocations are all released afterwards, also when `fn` throws. */
  scope(fn) {
    const s = new Scope(this);
    try {
      return fn(s);
    } finally {
      s.close();
    }
  }
  /** A fresh typed view over [off, off + length elements). Never keep it across an allocation. */
  view(ctor, off, length) {
    return new ctor(this.memory.buffer, off, length);
  }
  grow(size) {
    const end = this.memory.buffer.byteLength;
    const last = this.free[this.free.length - 1];
    const tail = last && last.off + last.size === end ? last.size : 0;
    const need = size - tail;
    const pages = Math.ceil(need / PAGE);
    if (end + pages * PAGE > this.maxBytes) throw new MemoryCapError(size, this.inUse, this.maxBytes);
    try {
      this.memory.grow(pages);
    } catch {
      throw new MemoryCapError(size, this.inUse, end);
    }
    const added = pages * PAGE;
    if (tail > 0) last.size += added;
    else this.free.push({ off: end, size: added });
  }
};
var Scope = class {
  constructor(arena) {
    this.arena = arena;
  }
  arena;
  blocks = [];
  /** Raw bytes, 16-byte aligned. */
  alloc(bytes) {
    const off = this.arena.alloc(bytes);
    this.blocks.push(off);
    return off;
  }
  /** Room for `n` elements of `ctor`, zero-filled. */
  array(ctor, n) {
    const off = this.alloc(n * ctor.BYTES_PER_ELEMENT);
    new Uint8Array(this.arena.memory.buffer, off, n * ctor.BYTES_PER_ELEMENT).fill(0);
    return off;
  }
  /**
   * The offset of `x` in WASM memory. A view that already lives in this memory (a resident buffer) is used
   * in place; anything else is copied in. Read pointers of every resident input before allocating, since
   * an allocation may grow memory and detach the caller's views.
   */
  input(x) {
    if (!ArrayBuffer.isView(x)) {
      if (x.freed) throw new Error("pairsmith: a resident buffer was used after free()");
      return x.ptr;
    }
    if (x.buffer === this.arena.memory.buffer) return x.byteOffset;
    const off = this.alloc(x.byteLength);
    new Uint8Array(this.arena.memory.buffer, off, x.byteLength).set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    return off;
  }
  /** input() for several arrays: resident ones are resolved first, so later copies cannot detach them. */
  inputs(...xs) {
    const ptrs = xs.map((x) => !ArrayBuffer.isView(x) || x.buffer === this.arena.memory.buffer ? this.input(x) : -1);
    return xs.map((x, i) => ptrs[i] >= 0 ? ptrs[i] : this.input(x));
  }
  close() {
    for (let i = this.blocks.length - 1; i >= 0; i--) this.arena.release(this.blocks[i]);
    this.blocks.length = 0;
  }
};
function alignUp(n) {
  return Math.ceil(n / ALIGN) * ALIGN;
}

// node_modules/@assemblyscript/loader/index.js
var ID_OFFSET = -8;
var SIZE_OFFSET = -4;
var ARRAYBUFFER_ID = 1;
var STRING_ID = 2;
var ARRAYBUFFERVIEW = 1 << 0;
var ARRAY = 1 << 1;
var STATICARRAY = 1 << 2;
var VAL_ALIGN_OFFSET = 6;
var VAL_SIGNED = 1 << 11;
var VAL_FLOAT = 1 << 12;
var VAL_MANAGED = 1 << 14;
var ARRAYBUFFERVIEW_BUFFER_OFFSET = 0;
var ARRAYBUFFERVIEW_DATASTART_OFFSET = 4;
var ARRAYBUFFERVIEW_BYTELENGTH_OFFSET = 8;
var ARRAYBUFFERVIEW_SIZE = 12;
var ARRAY_LENGTH_OFFSET = 12;
var ARRAY_SIZE = 16;
var E_NO_EXPORT_TABLE = "Operation requires compiling with --exportTable";
var E_NO_EXPORT_RUNTIME = "Operation requires compiling with --exportRuntime";
var F_NO_EXPORT_RUNTIME = () => {
  throw Error(E_NO_EXPORT_RUNTIME);
};
var BIGINT = typeof BigUint64Array !== "undefined";
var THIS = /* @__PURE__ */ Symbol();
var STRING_SMALLSIZE = 192;
var STRING_CHUNKSIZE = 1024;
var utf16 = new TextDecoder("utf-16le", { fatal: true });
Object.hasOwn = Object.hasOwn || function(obj, prop) {
  return Object.prototype.hasOwnProperty.call(obj, prop);
};
function getStringImpl(buffer, ptr) {
  let len = new Uint32Array(buffer)[ptr + SIZE_OFFSET >>> 2] >>> 1;
  const wtf16 = new Uint16Array(buffer, ptr, len);
  if (len <= STRING_SMALLSIZE) return String.fromCharCode(...wtf16);
  try {
    return utf16.decode(wtf16);
  } catch {
    let str = "", off = 0;
    while (len - off > STRING_CHUNKSIZE) {
      str += String.fromCharCode(...wtf16.subarray(off, off += STRING_CHUNKSIZE));
    }
    return str + String.fromCharCode(...wtf16.subarray(off));
  }
}
function preInstantiate(imports) {
  const extendedExports = {};
  function getString(memory, ptr) {
    if (!memory) return "<yet unknown>";
    return getStringImpl(memory.buffer, ptr);
  }
  const env = imports.env = imports.env || {};
  env.abort = env.abort || function abort(msg, file, line, colm) {
    const memory = extendedExports.memory || env.memory;
    throw Error(`abort: ${getString(memory, msg)} at ${getString(memory, file)}:${line}:${colm}`);
  };
  env.trace = env.trace || function trace(msg, n, ...args) {
    const memory = extendedExports.memory || env.memory;
    console.log(`trace: ${getString(memory, msg)}${n ? " " : ""}${args.slice(0, n).join(", ")}`);
  };
  env.seed = env.seed || Date.now;
  imports.Math = imports.Math || Math;
  imports.Date = imports.Date || Date;
  return extendedExports;
}
function postInstantiate(extendedExports, instance) {
  const exports = instance.exports;
  const memory = exports.memory;
  const table = exports.table;
  const __new = exports.__new || F_NO_EXPORT_RUNTIME;
  const __pin = exports.__pin || F_NO_EXPORT_RUNTIME;
  const __unpin = exports.__unpin || F_NO_EXPORT_RUNTIME;
  const __collect = exports.__collect || F_NO_EXPORT_RUNTIME;
  const __rtti_base = exports.__rtti_base;
  const getTypeinfoCount = __rtti_base ? (arr) => arr[__rtti_base >>> 2] : F_NO_EXPORT_RUNTIME;
  extendedExports.__new = __new;
  extendedExports.__pin = __pin;
  extendedExports.__unpin = __unpin;
  extendedExports.__collect = __collect;
  function getTypeinfo(id) {
    const U32 = new Uint32Array(memory.buffer);
    if ((id >>>= 0) >= getTypeinfoCount(U32)) throw Error(`invalid id: ${id}`);
    return U32[(__rtti_base + 4 >>> 2) + id];
  }
  function getArrayInfo(id) {
    const info = getTypeinfo(id);
    if (!(info & (ARRAYBUFFERVIEW | ARRAY | STATICARRAY))) throw Error(`not an array: ${id}, flags=${info}`);
    return info;
  }
  function getValueAlign(info) {
    return 31 - Math.clz32(info >>> VAL_ALIGN_OFFSET & 31);
  }
  function __newString(str) {
    if (str == null) return 0;
    const length = str.length;
    const ptr = __new(length << 1, STRING_ID);
    const U16 = new Uint16Array(memory.buffer);
    for (let i = 0, p = ptr >>> 1; i < length; ++i) U16[p + i] = str.charCodeAt(i);
    return ptr;
  }
  extendedExports.__newString = __newString;
  function __newArrayBuffer(buf) {
    if (buf == null) return 0;
    const bufview = new Uint8Array(buf);
    const ptr = __new(bufview.length, ARRAYBUFFER_ID);
    const U8 = new Uint8Array(memory.buffer);
    U8.set(bufview, ptr);
    return ptr;
  }
  extendedExports.__newArrayBuffer = __newArrayBuffer;
  function __getString(ptr) {
    if (!ptr) return null;
    const buffer = memory.buffer;
    const id = new Uint32Array(buffer)[ptr + ID_OFFSET >>> 2];
    if (id !== STRING_ID) throw Error(`not a string: ${ptr}`);
    return getStringImpl(buffer, ptr);
  }
  extendedExports.__getString = __getString;
  function getView(alignLog2, signed, float) {
    const buffer = memory.buffer;
    if (float) {
      switch (alignLog2) {
        case 2:
          return new Float32Array(buffer);
        case 3:
          return new Float64Array(buffer);
      }
    } else {
      switch (alignLog2) {
        case 0:
          return new (signed ? Int8Array : Uint8Array)(buffer);
        case 1:
          return new (signed ? Int16Array : Uint16Array)(buffer);
        case 2:
          return new (signed ? Int32Array : Uint32Array)(buffer);
        case 3:
          return new (signed ? BigInt64Array : BigUint64Array)(buffer);
      }
    }
    throw Error(`unsupported align: ${alignLog2}`);
  }
  function __newArray(id, valuesOrCapacity = 0) {
    const input2 = valuesOrCapacity;
    const info = getArrayInfo(id);
    const align = getValueAlign(info);
    const isArrayLike = typeof input2 !== "number";
    const length = isArrayLike ? input2.length : input2;
    const buf = __new(length << align, info & STATICARRAY ? id : ARRAYBUFFER_ID);
    let result;
    if (info & STATICARRAY) {
      result = buf;
    } else {
      __pin(buf);
      const arr = __new(info & ARRAY ? ARRAY_SIZE : ARRAYBUFFERVIEW_SIZE, id);
      __unpin(buf);
      const U32 = new Uint32Array(memory.buffer);
      U32[arr + ARRAYBUFFERVIEW_BUFFER_OFFSET >>> 2] = buf;
      U32[arr + ARRAYBUFFERVIEW_DATASTART_OFFSET >>> 2] = buf;
      U32[arr + ARRAYBUFFERVIEW_BYTELENGTH_OFFSET >>> 2] = length << align;
      if (info & ARRAY) U32[arr + ARRAY_LENGTH_OFFSET >>> 2] = length;
      result = arr;
    }
    if (isArrayLike) {
      const view = getView(align, info & VAL_SIGNED, info & VAL_FLOAT);
      const start = buf >>> align;
      if (info & VAL_MANAGED) {
        for (let i = 0; i < length; ++i) {
          view[start + i] = input2[i];
        }
      } else {
        view.set(input2, start);
      }
    }
    return result;
  }
  extendedExports.__newArray = __newArray;
  function __getArrayView(arr) {
    const U32 = new Uint32Array(memory.buffer);
    const id = U32[arr + ID_OFFSET >>> 2];
    const info = getArrayInfo(id);
    const align = getValueAlign(info);
    let buf = info & STATICARRAY ? arr : U32[arr + ARRAYBUFFERVIEW_DATASTART_OFFSET >>> 2];
    const length = info & ARRAY ? U32[arr + ARRAY_LENGTH_OFFSET >>> 2] : U32[buf + SIZE_OFFSET >>> 2] >>> align;
    return getView(align, info & VAL_SIGNED, info & VAL_FLOAT).subarray(buf >>>= align, buf + length);
  }
  extendedExports.__getArrayView = __getArrayView;
  function __getArray(arr) {
    const input2 = __getArrayView(arr);
    const len = input2.length;
    const out2 = new Array(len);
    for (let i = 0; i < len; i++) out2[i] = input2[i];
    return out2;
  }
  extendedExports.__getArray = __getArray;
  function __getArrayBuffer(ptr) {
    const buffer = memory.buffer;
    const length = new Uint32Array(buffer)[ptr + SIZE_OFFSET >>> 2];
    return buffer.slice(ptr, ptr + length);
  }
  extendedExports.__getArrayBuffer = __getArrayBuffer;
  function __getFunction(ptr) {
    if (!table) throw Error(E_NO_EXPORT_TABLE);
    const index = new Uint32Array(memory.buffer)[ptr >>> 2];
    return table.get(index);
  }
  extendedExports.__getFunction = __getFunction;
  function getTypedArray(Type, alignLog2, ptr) {
    return new Type(getTypedArrayView(Type, alignLog2, ptr));
  }
  function getTypedArrayView(Type, alignLog2, ptr) {
    const buffer = memory.buffer;
    const U32 = new Uint32Array(buffer);
    return new Type(
      buffer,
      U32[ptr + ARRAYBUFFERVIEW_DATASTART_OFFSET >>> 2],
      U32[ptr + ARRAYBUFFERVIEW_BYTELENGTH_OFFSET >>> 2] >>> alignLog2
    );
  }
  function attachTypedArrayFunctions(ctor, name, align) {
    extendedExports[`__get${name}`] = getTypedArray.bind(null, ctor, align);
    extendedExports[`__get${name}View`] = getTypedArrayView.bind(null, ctor, align);
  }
  [
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array
  ].forEach((ctor) => {
    attachTypedArrayFunctions(ctor, ctor.name, 31 - Math.clz32(ctor.BYTES_PER_ELEMENT));
  });
  if (BIGINT) {
    [BigUint64Array, BigInt64Array].forEach((ctor) => {
      attachTypedArrayFunctions(ctor, ctor.name.slice(3), 3);
    });
  }
  extendedExports.memory = extendedExports.memory || memory;
  extendedExports.table = extendedExports.table || table;
  return demangle(exports, extendedExports);
}
function isModule(src) {
  return src instanceof WebAssembly.Module;
}
function instantiateSync(source, imports = {}) {
  const module = isModule(source) ? source : new WebAssembly.Module(source);
  const extended = preInstantiate(imports);
  const instance = new WebAssembly.Instance(module, imports);
  const exports = postInstantiate(extended, instance);
  return { module, instance, exports };
}
function demangle(exports, extendedExports = {}) {
  const setArgumentsLength = exports["__argumentsLength"] ? (length) => {
    exports["__argumentsLength"].value = length;
  } : exports["__setArgumentsLength"] || exports["__setargc"] || (() => {
  });
  for (let internalName of Object.keys(exports)) {
    const elem = exports[internalName];
    let parts = internalName.split(".");
    let curr = extendedExports;
    while (parts.length > 1) {
      let part = parts.shift();
      if (!Object.hasOwn(curr, part)) curr[part] = {};
      curr = curr[part];
    }
    let name = parts[0];
    let hash = name.indexOf("#");
    if (hash >= 0) {
      const className = name.substring(0, hash);
      const classElem = curr[className];
      if (typeof classElem === "undefined" || !classElem.prototype) {
        const ctor = function(...args) {
          return ctor.wrap(ctor.prototype.constructor(0, ...args));
        };
        ctor.prototype = {
          valueOf() {
            return this[THIS];
          }
        };
        ctor.wrap = function(thisValue) {
          return Object.create(ctor.prototype, { [THIS]: { value: thisValue, writable: false } });
        };
        if (classElem) Object.getOwnPropertyNames(classElem).forEach(
          (name2) => Object.defineProperty(ctor, name2, Object.getOwnPropertyDescriptor(classElem, name2))
        );
        curr[className] = ctor;
      }
      name = name.substring(hash + 1);
      curr = curr[className].prototype;
      if (/^(get|set):/.test(name)) {
        if (!Object.hasOwn(curr, name = name.substring(4))) {
          let getter = exports[internalName.replace("set:", "get:")];
          let setter = exports[internalName.replace("get:", "set:")];
          Object.defineProperty(curr, name, {
            get() {
              return getter(this[THIS]);
            },
            set(value) {
              setter(this[THIS], value);
            },
            enumerable: true
          });
        }
      } else {
        if (name === "constructor") {
          (curr[name] = function(...args) {
            setArgumentsLength(args.length);
            return elem(...args);
          }).original = elem;
        } else {
          (curr[name] = function(...args) {
            setArgumentsLength(args.length);
            return elem(this[THIS], ...args);
          }).original = elem;
        }
      }
    } else {
      if (/^(get|set):/.test(name)) {
        if (!Object.hasOwn(curr, name = name.substring(4))) {
          Object.defineProperty(curr, name, {
            get: exports[internalName.replace("set:", "get:")],
            set: exports[internalName.replace("get:", "set:")],
            enumerable: true
          });
        }
      } else if (typeof elem === "function" && elem !== setArgumentsLength) {
        (curr[name] = (...args) => {
          setArgumentsLength(args.length);
          return elem(...args);
        }).original = elem;
      } else {
        curr[name] = elem;
      }
    }
  }
  return extendedExports;
}

// src/wasm/load.ts
var SIMD_PROBE = new Uint8Array([
  0,
  97,
  115,
  109,
  1,
  0,
  0,
  0,
  1,
  5,
  1,
  96,
  0,
  1,
  123,
  3,
  2,
  1,
  0,
  10,
  10,
  1,
  8,
  0,
  65,
  0,
  253,
  15,
  253,
  98,
  11
]);
function wasmSimdSupported() {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}
function wasmSupported() {
  return typeof WebAssembly === "object" && typeof WebAssembly.Instance === "function";
}
var WasmAbortError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "WasmAbortError";
  }
};
function asWasmError(e) {
  if (e instanceof Error && !(e instanceof WasmAbortError) && e.message.startsWith("abort:")) {
    return new WasmAbortError(e.message);
  }
  return e;
}
function instantiateRawSync(source) {
  const { exports } = instantiateSync(source, {});
  return exports;
}
function isBinary(x) {
  return x instanceof WebAssembly.Module || x instanceof ArrayBuffer || ArrayBuffer.isView(x);
}

// src/wasm/context.ts
var EngineUnusableError = class extends Error {
  constructor(cause) {
    super(
      `pairsmith: this engine trapped earlier and is unusable (${cause instanceof Error ? cause.message : String(cause)}); create a new engine`
    );
    this.name = "EngineUnusableError";
  }
};
var WasmContext = class {
  constructor(raw, arena) {
    this.raw = raw;
    this.arena = arena;
  }
  raw;
  arena;
  poisoned = void 0;
  /** True after a trap; every later call throws EngineUnusableError. */
  get unusable() {
    return this.poisoned !== void 0;
  }
  /**
   * Runs `fn` in an arena scope. Everything `fn` allocates is released afterwards, also on throw.
   * A WASM trap or abort marks the engine unusable.
   */
  run(fn) {
    if (this.poisoned !== void 0) throw new EngineUnusableError(this.poisoned);
    try {
      return this.arena.scope(fn);
    } catch (e) {
      const err = asWasmError(e);
      if (err instanceof WebAssembly.RuntimeError || err instanceof Error && err.name === "WasmAbortError") {
        this.poisoned = err;
      }
      throw err;
    }
  }
  /** A fresh copy of `n` elements at `off` (copy-out; the result does not alias WASM memory). */
  read(ctor, off, n) {
    return this.arena.view(ctor, off, n).slice();
  }
  /**
   * Where a kernel should write an output of `n` elements. With `out` a resident view, it is written in place;
   * otherwise a scope block is returned and `finish` copies it into `out` or a new array.
   */
  output(s, ctor, n, out2) {
    if (out2 !== void 0 && !ArrayBuffer.isView(out2)) {
      if (out2.type !== ctor) throw new TypeError(`pairsmith: out must hold ${ctor.name}, got ${out2.type.name}`);
      if (out2.length !== n) throw new RangeError(`pairsmith: out has length ${out2.length}, expected ${n}`);
      const ptr2 = s.input(out2);
      return { ptr: ptr2, finish: () => this.arena.view(ctor, ptr2, n) };
    }
    if (out2 !== void 0) {
      if (!(out2 instanceof ctor)) throw new TypeError(`pairsmith: out must be a ${ctor.name}`);
      if (out2.length !== n) throw new RangeError(`pairsmith: out has length ${out2.length}, expected ${n}`);
      if (out2.buffer === this.arena.memory.buffer) {
        const ptr2 = out2.byteOffset;
        return { ptr: ptr2, finish: () => this.arena.view(ctor, ptr2, n) };
      }
    }
    const ptr = s.array(ctor, n);
    return {
      ptr,
      finish: () => {
        const v = this.arena.view(ctor, ptr, n);
        if (out2) {
          out2.set(v);
          return out2;
        }
        return v.slice();
      }
    };
  }
};

// src/engine.ts
var BACKENDS = ["wasm-simd", "wasm-scalar", "js"];
var DEFAULT_MAX_MEMORY = 2 * 1024 * 1024 * 1024;
function plan(opts) {
  const simd = opts.simd ?? wasmSimdSupported();
  const b = opts.backend ?? "auto";
  if (!["auto", ...BACKENDS].includes(b)) {
    throw new RangeError(`pairsmith: unknown backend '${String(b)}' (use auto, ${BACKENDS.join(", ")})`);
  }
  if (b === "js") return { variants: [], simd, explicit: true };
  if (b === "wasm-simd") {
    if (!simd) throw new Error("pairsmith: backend wasm-simd requested but this runtime does not support WASM SIMD");
    return { variants: ["simd"], simd, explicit: true };
  }
  if (b === "wasm-scalar") return { variants: ["scalar"], simd, explicit: true };
  return { variants: simd ? ["simd", "scalar"] : ["scalar"], simd, explicit: false };
}
function build(raw, backendHint, opts, simd, reason) {
  const arena = new Arena(raw.memory, raw.heapBase(), opts.maxMemoryBytes ?? DEFAULT_MAX_MEMORY);
  const ctx = new WasmContext(raw, arena);
  const isSimd = typeof raw.simdEnabled === "function" ? raw.simdEnabled() === 1 : backendHint === "simd";
  const kernels = guardKernels(wasmKernels(ctx));
  return assemble(kernels, {
    backend: isSimd ? "wasm-simd" : "wasm-scalar",
    simdSupported: simd,
    fallbackReason: reason,
    get unusable() {
      return ctx.unusable;
    },
    alloc(type, n) {
      checkAlloc(type, n);
      const ptr = arena.alloc(n * type.BYTES_PER_ELEMENT);
      const buf = new WasmResident(arena, type, n, ptr);
      buf.view().fill(0);
      return buf;
    },
    memory: () => ({
      bytesInUse: arena.bytesInUse,
      peakBytes: arena.peakBytes,
      memoryBytes: raw.memory.buffer.byteLength,
      maxBytes: arena.maxBytes
    })
  });
}
function jsEngine(simd, reason) {
  return assemble(guardKernels(referenceKernels), {
    backend: "js",
    simdSupported: simd,
    fallbackReason: reason,
    unusable: false,
    alloc(type, n) {
      checkAlloc(type, n);
      return new JsResident(type, n);
    },
    memory: () => ({ bytesInUse: 0, peakBytes: 0, memoryBytes: 0, maxBytes: 0 })
  });
}
function assemble(kernels, core) {
  const engine2 = /* @__PURE__ */ Object.create(null);
  Object.defineProperties(engine2, Object.getOwnPropertyDescriptors(core));
  Object.assign(engine2, kernels);
  engine2.kernels = kernels;
  return engine2;
}
var ALLOC_TYPES = [Float32Array, Float64Array, Int32Array, Uint8Array];
function checkAlloc(type, n) {
  if (!ALLOC_TYPES.includes(type)) throw new TypeError("pairsmith: alloc type must be Float32Array, Float64Array, Int32Array or Uint8Array");
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`pairsmith: alloc length must be a non-negative integer, got ${n}`);
}
function describe(e) {
  return e instanceof Error ? e.message : String(e);
}
function createEngineSync(opts = {}) {
  const p = plan(opts);
  if (p.variants.length === 0) return jsEngine(p.simd, void 0);
  const reasons = [];
  if (!wasmSupported()) {
    if (p.explicit) throw new Error("pairsmith: WebAssembly is not available in this runtime; use backend js");
    return jsEngine(p.simd, "WebAssembly is not available in this runtime");
  }
  if (!p.simd && !p.explicit) reasons.push("this runtime does not support WASM SIMD");
  const one = opts.module ?? opts.bytes;
  const candidates = one !== void 0 ? [p.variants[0]] : p.variants;
  for (const v of candidates) {
    try {
      const src = one ?? opts.locate?.(v);
      if (src === void 0) throw new Error("createEngineSync needs module, bytes or a synchronous locate()");
      if (!isBinary(src)) {
        throw new Error("createEngineSync needs a Module or bytes; use createEngine for URLs");
      }
      const raw = instantiateRawSync(src);
      return build(raw, v, opts, p.simd, reasons.length ? reasons.join("; ") : void 0);
    } catch (e) {
      if (p.explicit) throw new Error(`pairsmith: could not load the ${v} build: ${describe(e)}`, { cause: e });
      reasons.push(`${v} build failed: ${describe(e)}`);
    }
  }
  return jsEngine(p.simd, reasons.join("; "));
}

// src/pipeline/group-engine.ts
function groupEngineOf(k) {
  return {
    ...k.alloc ? { alloc: k.alloc.bind(k) } : {},
    groupStats: (values, offsets, opts) => k.groupStats(values, offsets, opts),
    pickPositions: (values, offsets, stats, positions, opts) => k.pickPositions(values, offsets, stats, positions, opts),
    zscores: (values, offsets, stats) => k.zscores(values, offsets, stats),
    implicitRewards: (policy, reference, offsets, opts) => offsets === null ? k.implicitRewards(policy, reference, { beta: opts.beta }) : k.implicitRewards(policy, reference, offsets, opts)
  };
}

// src/cli/engine-port.ts
function pipelineEngine(engine2) {
  return {
    ...groupEngineOf(engine2),
    alloc: engine2.alloc.bind(engine2),
    indexRecords: engine2.indexRecords.bind(engine2)
  };
}

// src/io/cells.ts
var CELL_SPAN = 0;
var CELL_SANITIZE = 1;
var CELL_VALUE = 2;
var FORM_STRING = 0;
var FORM_MESSAGES = 1;
var FORM_OTHER = 2;
var Cells = class {
  n = 0;
  kind = new Uint8Array(1024);
  form = new Uint8Array(1024);
  s = new Int32Array(1024);
  e = new Int32Array(1024);
  values = [];
  reset() {
    this.n = 0;
    this.values.length = 0;
  }
  next() {
    const c = this.n++;
    if (c >= this.kind.length) {
      const cap = this.kind.length * 2;
      const k = new Uint8Array(cap);
      k.set(this.kind);
      this.kind = k;
      const f = new Uint8Array(cap);
      f.set(this.form);
      this.form = f;
      const s = new Int32Array(cap);
      s.set(this.s);
      this.s = s;
      const e = new Int32Array(cap);
      e.set(this.e);
      this.e = e;
    }
    return c;
  }
  /** A span of the batch's bytes; `sanitize` when its record needs re-encoding. */
  span(s, e, form, sanitize) {
    const c = this.next();
    this.kind[c] = sanitize ? CELL_SANITIZE : CELL_SPAN;
    this.form[c] = form;
    this.s[c] = s;
    this.e[c] = e;
    return c;
  }
  /** A decoded value. */
  value(v, form) {
    const c = this.next();
    this.kind[c] = CELL_VALUE;
    this.form[c] = form;
    this.s[c] = this.values.length;
    this.e[c] = -1;
    this.values.push(v);
    return c;
  }
};

// src/io/json.ts
var JsonSyntaxError = class extends SyntaxError {
  constructor(message, pos) {
    super(message);
    this.pos = pos;
    this.name = "JsonSyntaxError";
  }
  pos;
};
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return new Parser(text).parseDocument();
  }
}
var WS = /* @__PURE__ */ new Set([32, 9, 10, 13]);
var Parser = class {
  constructor(s) {
    this.s = s;
  }
  s;
  i = 0;
  parseDocument() {
    this.ws();
    const v = this.value(0);
    this.ws();
    if (this.i < this.s.length) this.fail(`unexpected '${this.s[this.i]}' after the value`);
    return v;
  }
  fail(msg) {
    const at = this.i >= this.s.length ? "end of input" : `offset ${this.i}`;
    throw new JsonSyntaxError(`${msg} at ${at}`, this.i);
  }
  ws() {
    while (this.i < this.s.length && WS.has(this.s.charCodeAt(this.i))) this.i++;
  }
  value(depth) {
    if (depth > 512) this.fail("nesting deeper than 512");
    const c = this.s[this.i];
    switch (c) {
      case "{":
        return this.object(depth);
      case "[":
        return this.array(depth);
      case '"':
        return this.string();
      case "t":
        return this.word("true", true);
      case "f":
        return this.word("false", false);
      case "n":
        return this.word("null", null);
      case "N":
        return this.word("NaN", Number.NaN);
      case "I":
        return this.word("Infinity", Number.POSITIVE_INFINITY);
      case void 0:
        return this.fail("unexpected end of input");
      default:
        if (c === "-" && this.s.startsWith("-Infinity", this.i)) return this.word("-Infinity", Number.NEGATIVE_INFINITY);
        if (c === "-" || c >= "0" && c <= "9") return this.number();
        return this.fail(`unexpected '${c}'`);
    }
  }
  word(w, v) {
    if (!this.s.startsWith(w, this.i)) this.fail(`unexpected '${this.s[this.i]}'`);
    this.i += w.length;
    return v;
  }
  number() {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) this.fail("bad number");
    this.i += m[0].length;
    return Number(m[0]);
  }
  string() {
    const start = ++this.i;
    let out2 = "";
    let chunk = start;
    for (; ; ) {
      if (this.i >= this.s.length) this.fail("unterminated string");
      const c = this.s.charCodeAt(this.i);
      if (c === 34) {
        out2 += this.s.slice(chunk, this.i);
        this.i++;
        return out2;
      }
      if (c < 32) this.fail("control character in string");
      if (c === 92) {
        out2 += this.s.slice(chunk, this.i);
        const e = this.s[this.i + 1];
        this.i += 2;
        switch (e) {
          case '"':
          case "\\":
          case "/":
            out2 += e;
            break;
          case "b":
            out2 += "\b";
            break;
          case "f":
            out2 += "\f";
            break;
          case "n":
            out2 += "\n";
            break;
          case "r":
            out2 += "\r";
            break;
          case "t":
            out2 += "	";
            break;
          case "u": {
            const hex = this.s.slice(this.i, this.i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape");
            out2 += String.fromCharCode(parseInt(hex, 16));
            this.i += 4;
            break;
          }
          default:
            this.i -= 1;
            this.fail("bad escape");
        }
        chunk = this.i;
        continue;
      }
      this.i++;
    }
  }
  array(depth) {
    this.i++;
    const out2 = [];
    this.ws();
    if (this.s[this.i] === "]") {
      this.i++;
      return out2;
    }
    for (; ; ) {
      this.ws();
      out2.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i];
      if (c === ",") {
        this.i++;
        continue;
      }
      if (c === "]") {
        this.i++;
        return out2;
      }
      this.fail(c === void 0 ? "unterminated array" : `expected ',' or ']' but found '${c}'`);
    }
  }
  object(depth) {
    this.i++;
    const out2 = {};
    this.ws();
    if (this.s[this.i] === "}") {
      this.i++;
      return out2;
    }
    for (; ; ) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail(this.i >= this.s.length ? "unterminated object" : "expected a key string");
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ":") this.fail("expected ':'");
      this.i++;
      this.ws();
      const v = this.value(depth + 1);
      Object.defineProperty(out2, key, { value: v, writable: true, enumerable: true, configurable: true });
      this.ws();
      const c = this.s[this.i];
      if (c === ",") {
        this.i++;
        continue;
      }
      if (c === "}") {
        this.i++;
        return out2;
      }
      this.fail(c === void 0 ? "unterminated object" : `expected ',' or '}' but found '${c}'`);
    }
  }
};

// src/io/text.ts
function asText(v) {
  if (typeof v === "string") return v;
  if (!Array.isArray(v)) return void 0;
  const out2 = [];
  for (const m of v) {
    if (m === null || typeof m !== "object" || Array.isArray(m)) return void 0;
    const { role, content } = m;
    if (typeof role !== "string" || typeof content !== "string") return void 0;
    out2.push({ role, content });
  }
  return out2;
}
function promptMessages(t) {
  if (typeof t !== "string") return t;
  if (/^\s*\n\nHuman:/.test(t) || t.startsWith("Human:")) return parseHhDialogue(t.startsWith("Human:") ? `

${t}` : t);
  return [{ role: "user", content: t }];
}
function responseMessages(t) {
  return typeof t === "string" ? [{ role: "assistant", content: t }] : t;
}
var ROLE_LABEL = { user: "Human", assistant: "Assistant", system: "System" };
function promptString(t) {
  if (typeof t === "string") return t;
  if (t.length === 1 && t[0].role === "user") return t[0].content;
  return `${t.map((m) => `

${ROLE_LABEL[m.role] ?? m.role}: ${m.content}`).join("")}

Assistant:`;
}
function responseString(t) {
  return typeof t === "string" ? t : t.map((m) => m.content).join("\n\n");
}
function parseHhDialogue(s) {
  const re = /\n\n(Human|Assistant):[ ]?/g;
  const out2 = [];
  let last = 0;
  let role = null;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const body = s.slice(last, m.index);
    if (role !== null) out2.push({ role, content: body });
    else if (body.trim() !== "") out2.push({ role: "system", content: body.trim() });
    role = m[1] === "Human" ? "user" : "assistant";
    last = m.index + m[0].length;
  }
  if (role !== null) {
    const body = s.slice(last);
    if (!(role === "assistant" && body === "")) out2.push({ role, content: body });
  } else if (s.trim() !== "") out2.push({ role: "user", content: s });
  return out2;
}
function commonPrefixLength(a, b) {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
function commonMessagesLength(a, b) {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i].role === b[i].role && a[i].content === b[i].content) i++;
  return i;
}
var HH_ASSISTANT = "\n\nAssistant:";
function splitHh(chosen, rejected) {
  const common = commonPrefixLength(chosen, rejected);
  let at = chosen.lastIndexOf(HH_ASSISTANT, common - HH_ASSISTANT.length);
  if (at < 0 || at + HH_ASSISTANT.length > common) return void 0;
  at += HH_ASSISTANT.length;
  return { prompt: chosen.slice(0, at), chosen: chosen.slice(at), rejected: rejected.slice(at) };
}

// src/io/encode.ts
var decoder = new TextDecoder();
var encoder = new TextEncoder();
var Column = class {
  constructor(name) {
    this.name = name;
    const k = JSON.stringify(name);
    this.first = encoder.encode(`{${k}:`);
    this.next = encoder.encode(`,${k}:`);
  }
  name;
  first;
  next;
};
function cellValue(cells, id, buf) {
  const k = cells.kind[id];
  if (k === CELL_SPAN || k === CELL_SANITIZE) return parseJson(decoder.decode(buf.subarray(cells.s[id], cells.e[id])));
  return cells.values[cells.s[id]];
}
function convertText(t, role, form) {
  if (form === FORM_MESSAGES) return role === "prompt" ? promptMessages(t) : responseMessages(t);
  return role === "prompt" ? promptString(t) : responseString(t);
}
var ASSISTANT_HEAD = encoder.encode('[{"role":"assistant","content":');
var ASSISTANT_TAIL = encoder.encode("}]");
var JsonlRowBuilder = class {
  constructor(sink) {
    this.sink = sink;
  }
  sink;
  first = true;
  begin() {
    this.first = true;
  }
  key(c) {
    const k = this.first ? c.first : c.next;
    this.sink.bytes(k, 0, k.length);
    this.first = false;
  }
  cell(cells, id, buf, role, form) {
    const kind = cells.kind[id];
    const cf = cells.form[id];
    if (role === "other" || cf === form || cf !== FORM_STRING && cf !== FORM_MESSAGES) {
      if (kind === CELL_SPAN) this.sink.bytes(buf, cells.s[id], cells.e[id]);
      else if (kind === CELL_SANITIZE) this.span(buf, cells.s[id], cells.e[id], true);
      else this.value(cells.values[cells.s[id]]);
      return;
    }
    if (form === FORM_MESSAGES && role === "response" && kind === CELL_SPAN) {
      this.sink.bytes(ASSISTANT_HEAD, 0, ASSISTANT_HEAD.length);
      this.sink.bytes(buf, cells.s[id], cells.e[id]);
      this.sink.bytes(ASSISTANT_TAIL, 0, ASSISTANT_TAIL.length);
      return;
    }
    this.value(convertText(cellValue(cells, id, buf), role, form));
  }
  span(buf, s, e, sanitize) {
    if (!sanitize) this.sink.bytes(buf, s, e);
    else this.value(parseJson(decoder.decode(buf.subarray(s, e))));
  }
  num(x) {
    this.sink.number(x);
  }
  int(x) {
    if (Number.isFinite(x)) this.sink.int(x);
    else this.sink.ascii("null");
  }
  str(s) {
    this.sink.text(JSON.stringify(s));
  }
  bool(b) {
    this.sink.ascii(b ? "true" : "false");
  }
  null() {
    this.sink.ascii("null");
  }
  value(v) {
    if (typeof v === "number") this.sink.number(v);
    else this.sink.text(JSON.stringify(v) ?? "null");
  }
  end() {
    if (this.first) this.sink.ascii("{");
    this.sink.ascii("}\n");
  }
};
var ObjectRowBuilder = class {
  rows = [];
  row = {};
  col = "";
  begin() {
    this.row = {};
  }
  key(c) {
    this.col = c.name;
  }
  put(v) {
    Object.defineProperty(this.row, this.col, { value: v, writable: true, enumerable: true, configurable: true });
  }
  cell(cells, id, buf, role, form) {
    const v = cellValue(cells, id, buf);
    const cf = cells.form[id];
    if (role === "other" || cf === form || cf !== FORM_STRING && cf !== FORM_MESSAGES) this.put(v);
    else this.put(convertText(v, role, form));
  }
  span(buf, s, e) {
    this.put(parseJson(decoder.decode(buf.subarray(s, e))));
  }
  num(x) {
    this.put(Number.isFinite(x) ? x : null);
  }
  int(x) {
    this.put(Number.isFinite(x) ? x : null);
  }
  str(s) {
    this.put(s);
  }
  bool(b) {
    this.put(b);
  }
  null() {
    this.put(null);
  }
  value(v) {
    this.put(typeof v === "number" && !Number.isFinite(v) ? null : v);
  }
  end() {
    this.rows.push(this.row);
  }
  /** The rows built so far, and a reset. */
  take() {
    const r2 = this.rows;
    this.rows = [];
    return r2;
  }
};

// src/io/grow.ts
var GrowF64 = class {
  a = new Float64Array(1024);
  n = 0;
  ensure(k) {
    if (this.n + k <= this.a.length) return;
    let c = this.a.length * 2;
    while (c < this.n + k) c *= 2;
    const b = new Float64Array(c);
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  push(x) {
    if (this.n === this.a.length) this.ensure(1);
    this.a[this.n++] = x;
  }
  values() {
    return this.a.subarray(0, this.n);
  }
};
var GrowI32 = class {
  a = new Int32Array(1024);
  n = 0;
  ensure(k) {
    if (this.n + k <= this.a.length) return;
    let c = this.a.length * 2;
    while (c < this.n + k) c *= 2;
    const b = new Int32Array(c);
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  push(x) {
    if (this.n === this.a.length) this.ensure(1);
    this.a[this.n++] = x;
  }
  values() {
    return this.a.subarray(0, this.n);
  }
};
var GrowU8 = class {
  a = new Uint8Array(1024);
  n = 0;
  ensure(k) {
    if (this.n + k <= this.a.length) return;
    let c = this.a.length * 2;
    while (c < this.n + k) c *= 2;
    const b = new Uint8Array(c);
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  push(x) {
    if (this.n === this.a.length) this.ensure(1);
    this.a[this.n++] = x;
  }
  values() {
    return this.a.subarray(0, this.n);
  }
};

// src/io/types.ts
var REJECT_REASONS = [
  "malformed_json",
  "not_an_object",
  "missing_field",
  "wrong_type",
  "length_mismatch",
  "too_few_scored",
  "no_shared_prompt",
  // row inputs (e.g. `loss`): a non-finite number where a finite one is needed, a value out of its range,
  // a row that contradicts the rows before it (e.g. token counts on some rows only)
  "non_finite",
  "out_of_range",
  "inconsistent",
  // any input: a record nested deeper than the depth limit, or larger than --max-record-bytes
  "too_deep",
  "too_large"
];
var EXCLUSION_REASONS = ["score_null", "score_nan", "score_infinite", "score_out_of_range"];
var BadRecordError = class extends Error {
  constructor(reject) {
    super(`${reject.file}:${reject.line}:${reject.field ?? "-"}: ${reject.reason}: ${reject.detail}`);
    this.reject = reject;
    this.name = "BadRecordError";
  }
  reject;
};

// src/io/manifest.ts
function zeros(keys) {
  const o = {};
  for (const k of keys) o[k] = 0;
  return o;
}
var Tally = class {
  recordsRead = 0;
  /** Records that ended in the output (one or more rows each). */
  recordsWritten = 0;
  rejected = zeros(REJECT_REASONS);
  /** Records that were valid but produced no output row, by reason (e.g. all_scores_equal). */
  noPair = {};
  candidatesRead = 0;
  excluded = zeros(EXCLUSION_REASONS);
  rowsWritten = 0;
  pairsWritten = 0;
  /** A record was read (every non-blank line / array element / Parquet row). */
  read(n = 1) {
    this.recordsRead += n;
  }
  reject(reason) {
    this.rejected[reason]++;
  }
  /** An accepted record: counts its candidates and exclusions. */
  accept(r2) {
    this.acceptRow(r2.kind === "candidates" ? r2.responses.length : 2, r2.excluded);
  }
  /** An accepted row of a row input (RowDecoder): `candidates` it holds and why any of them was excluded. */
  acceptRow(candidates, excluded) {
    this.candidatesRead += candidates;
    if (excluded) for (const why of excluded.values()) this.excluded[why]++;
  }
  /** A candidate of an accepted record was excluded later (e.g. out of range for a transform). */
  exclude(reason, n = 1) {
    this.excluded[reason] += n;
  }
  /** A record ended in the output as `rows` rows, `pairs` of which are preference pairs. */
  written(rows = 1, pairs = 0) {
    this.recordsWritten++;
    this.rowsWritten += rows;
    this.pairsWritten += pairs;
  }
  /** A valid record produced no row. */
  noPairFor(reason) {
    this.noPair[reason] = (this.noPair[reason] ?? 0) + 1;
  }
  get rejectedTotal() {
    return sum2(this.rejected);
  }
  get excludedTotal() {
    return sum2(this.excluded);
  }
  get noPairTotal() {
    return sum2(this.noPair);
  }
  /** Invariant violations (empty when the counts add up). */
  problems() {
    const out2 = [];
    const accounted = this.recordsWritten + this.noPairTotal + this.rejectedTotal;
    if (accounted !== this.recordsRead) {
      out2.push(`records: read ${this.recordsRead} but written ${this.recordsWritten} + no_pair ${this.noPairTotal} + rejected ${this.rejectedTotal} = ${accounted}`);
    }
    if (this.excludedTotal > this.candidatesRead) out2.push(`candidates: excluded ${this.excludedTotal} > read ${this.candidatesRead}`);
    return out2;
  }
};
function sum2(o) {
  let s = 0;
  for (const v of Object.values(o)) s += v;
  return s;
}

// src/io/numbers.ts
var COMMA = 44;
var LBRACKET = 91;
var RBRACKET = 93;
function skipWs(buf, i, end) {
  while (i < end) {
    const b = buf[i];
    if (b !== 32 && b !== 10 && b !== 13 && b !== 9) break;
    i++;
  }
  return i;
}
function isTokenByte(b) {
  return b >= 48 && b <= 57 || b === 45 || b === 43 || b === 46 || b >= 65 && b <= 90 || b >= 97 && b <= 122;
}
var NUM_TOKEN_OK = 0;
var NUM_TOKEN_BAD = 4;
var POW102 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
var NUMBER_STATUS = new Int32Array(1);
var NUM_FINITE = 0;
var NUM_NULL = 1;
var NUM_NONFINITE = 2;
function slowNumber(buf, s, e) {
  let str = "";
  for (let i = s; i < e; i++) str += String.fromCharCode(buf[i]);
  if (str === "NaN") return Number.NaN;
  if (str === "Infinity") return Infinity;
  if (str === "-Infinity") return -Infinity;
  if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(str)) return Number.NaN;
  return Number(str);
}
function parseNumberToken(buf, s, e, status) {
  let i = s;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let exp = 0;
  const first = i;
  while (i < e && buf[i] >= 48 && buf[i] <= 57) {
    mant = mant * 10 + (buf[i] - 48);
    digits++;
    i++;
  }
  const intDigits = i - first;
  if (intDigits === 0 || intDigits > 1 && buf[first] === 48) return fallback(buf, s, e, status);
  if (i < e && buf[i] === 46) {
    i++;
    const f0 = i;
    while (i < e && buf[i] >= 48 && buf[i] <= 57) {
      mant = mant * 10 + (buf[i] - 48);
      digits++;
      i++;
    }
    if (i === f0) return fallback(buf, s, e, status);
    exp -= i - f0;
  }
  if (i < e && (buf[i] === 101 || buf[i] === 69)) {
    i++;
    let eneg = false;
    if (buf[i] === 45 || buf[i] === 43) {
      eneg = buf[i] === 45;
      i++;
    }
    const e0 = i;
    let ev = 0;
    while (i < e && buf[i] >= 48 && buf[i] <= 57 && ev < 1e5) {
      ev = ev * 10 + (buf[i] - 48);
      i++;
    }
    if (i === e0) return fallback(buf, s, e, status);
    exp += eneg ? -ev : ev;
  }
  if (i !== e) return fallback(buf, s, e, status);
  if (mant > 9007199254740992 || digits > 19) return fallback(buf, s, e, status);
  let v;
  if (exp === 0) v = mant;
  else if (exp > 0 && exp <= 22) v = mant * POW102[exp];
  else if (exp < 0 && exp >= -22) v = mant / POW102[-exp];
  else return fallback(buf, s, e, status);
  return neg ? -v : v;
}
function fallback(buf, s, e, status) {
  const v = slowNumber(buf, s, e);
  if (Number.isNaN(v)) {
    const isNaNLiteral = e - s === 3 && buf[s] === 78 && buf[s + 1] === 97 && buf[s + 2] === 78;
    if (!isNaNLiteral) status[0] = NUM_TOKEN_BAD;
  }
  return v;
}
function parseNumberArray(buf, start, end, out2, kinds, at, spans) {
  if (buf[start] !== LBRACKET) return -1;
  const status = NUMBER_STATUS;
  status[0] = NUM_TOKEN_OK;
  let i = skipWs(buf, start + 1, end);
  if (buf[i] === RBRACKET) return 0;
  let n = 0;
  for (; ; ) {
    if (at + n >= out2.length) return -1;
    const s = i;
    let j = i;
    if (buf[j] === 45) j++;
    const d0 = j;
    let mant = 0;
    let c = buf[j];
    while (j < end && c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      c = buf[++j];
    }
    const intDigits = j - d0;
    let frac = 0;
    if (c === 46 && j < end) {
      const f0 = ++j;
      c = buf[j];
      while (j < end && c >= 48 && c <= 57) {
        mant = mant * 10 + (c - 48);
        c = buf[++j];
      }
      frac = j - f0;
      if (frac === 0) frac = -1;
    }
    if ((j >= end || !isTokenByte(c)) && intDigits > 0 && (intDigits === 1 || buf[d0] !== 48) && frac >= 0 && intDigits + frac <= 15) {
      if (spans !== void 0) {
        if (2 * (at + n) + 1 >= spans.length) return -1;
        spans[2 * (at + n)] = s;
        spans[2 * (at + n) + 1] = j;
      }
      const v = frac === 0 ? mant : mant / POW102[frac];
      out2[at + n] = buf[s] === 45 ? -v : v;
      kinds[at + n] = NUM_FINITE;
      i = j;
      n++;
      i = skipWs(buf, i, end);
      if (buf[i] === COMMA) i = skipWs(buf, i + 1, end);
      else if (buf[i] === RBRACKET) return n;
      else return -1;
      continue;
    }
    while (i < end && isTokenByte(buf[i])) i++;
    if (i === s) return -1;
    if (spans !== void 0) {
      if (2 * (at + n) + 1 >= spans.length) return -1;
      spans[2 * (at + n)] = s;
      spans[2 * (at + n) + 1] = i;
    }
    if (i - s === 4 && buf[s] === 110 && buf[s + 1] === 117 && buf[s + 2] === 108 && buf[s + 3] === 108) {
      out2[at + n] = Number.NaN;
      kinds[at + n] = NUM_NULL;
    } else {
      const v = parseNumberToken(buf, s, i, status);
      if (status[0] !== NUM_TOKEN_OK) return -1;
      out2[at + n] = v;
      kinds[at + n] = Number.isFinite(v) ? NUM_FINITE : NUM_NONFINITE;
    }
    n++;
    i = skipWs(buf, i, end);
    if (buf[i] === COMMA) i = skipWs(buf, i + 1, end);
    else if (buf[i] === RBRACKET) return n;
    else return -1;
  }
}

// src/io/path.ts
var hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
function splitPath(path, option = "field") {
  const parts = path.split(".");
  if (parts.some((p) => p === "")) throw new RangeError(`${option}: bad dot path '${path}'`);
  return parts;
}
function getPath(obj, path) {
  let cur = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return void 0;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(seg)) return void 0;
      cur = cur[Number(seg)];
    } else {
      if (!hasOwn(cur, seg)) return void 0;
      cur = cur[seg];
    }
  }
  return cur;
}
function own(obj, key) {
  return hasOwn(obj, key) ? obj[key] : void 0;
}

// src/io/framer.ts
var plainAlloc = (n) => {
  const a = new Uint8Array(n);
  return { length: n, view: () => a, free() {
  } };
};
var FramingError = class extends Error {
  constructor(message, line) {
    super(message);
    this.line = line;
    this.name = "FramingError";
  }
  line;
};
var DEFAULT_MAX_RECORD_BYTES = 256 * 1024 * 1024;
var HEAD_BYTES = 1024;
var LF = 10;
var defaultIndexOf = (buf, byte, from) => buf.indexOf(byte, from);
var headDecoder = new TextDecoder();
var I32s = class {
  a = new Int32Array(256);
  n = 0;
  push(x) {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
};
var Framer = class {
  store;
  alloc;
  maxRecord;
  batchBytes;
  indexOf;
  mode;
  /** Bytes held: [0, fill). Records before `pos` are already handed out. */
  fill = 0;
  pos = 0;
  /** Where the newline search of the unfinished line resumes. */
  scanFrom = 0;
  lineNo = 0;
  recordNo = 0;
  started = false;
  ended = false;
  bytesIn = 0;
  // Records found and not yet handed out.
  starts = new I32s();
  ends = new I32s();
  recLines = new I32s();
  indexes = new I32s();
  large = [];
  // Skipping a too-large record: its start line, index, bytes so far and first KiB.
  skip = null;
  // JSON array state (mode 'array').
  arr = { state: 0, depth: 0, inString: false, escape: false, elemStart: -1, elemLine: 0, trailing: -1 };
  constructor(o = {}) {
    this.alloc = o.alloc ?? plainAlloc;
    this.maxRecord = o.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.batchBytes = o.batchBytes ?? 1 << 20;
    this.indexOf = o.indexOf ?? defaultIndexOf;
    this.mode = o.mode ?? "jsonl";
    this.store = this.alloc(Math.max(1 << 16, Math.min(this.batchBytes * 2, 1 << 22)));
  }
  /** Releases the buffer (engine memory). */
  free() {
    this.store.free();
  }
  /** Lines read so far (complete ones), e.g. for messages about the framing. */
  get lines() {
    return this.lineNo;
  }
  /** The framing in use (after sniffing). */
  get framing() {
    return this.mode;
  }
  /** Appends input bytes (copied); call take() after each push to collect what is complete. */
  push(chunk) {
    if (this.ended) throw new Error("pairsmith: Framer.push after end()");
    this.bytesIn += chunk.length;
    let c = chunk;
    if (!this.started) {
      if (this.fill + c.length < 3 && this.mode !== "jsonl") {
        this.append(c);
        return;
      }
      this.started = true;
      this.append(c);
      this.begin();
      this.scan();
      return;
    }
    while (c.length > 0) {
      if (this.skip) {
        const used = this.mode === "jsonl" ? this.skipBytes(c) : this.skipArrayBytes(c);
        c = c.subarray(used);
        continue;
      }
      this.append(c);
      c = c.subarray(c.length);
      this.scan();
    }
  }
  /** Ends the input: a last line without a newline (e.g. truncated) is a record too. */
  end() {
    if (this.ended) return;
    if (!this.started) {
      this.started = true;
      this.begin();
    }
    this.ended = true;
    this.scan();
    if (this.mode === "jsonl") {
      if (this.skip) this.finishSkip();
      else if (this.fill > this.scanLineStart()) this.record(this.scanLineStart(), this.fill, true);
    } else this.endArray();
  }
  /**
   * The complete records buffered so far, when there are at least batchBytes of them (or the input has ended and
   * any are left); null otherwise. The batch stays valid until the next push(), end() or take().
   */
  take(force = false) {
    const n = this.starts.n;
    const pending = this.large.length;
    if (n === 0 && pending === 0) return null;
    const lastEnd = n > 0 ? this.ends.a[n - 1] : this.pos;
    if (!force && !this.ended && lastEnd - this.pos < this.batchBytes && pending === 0) return null;
    const batch = {
      store: this.store,
      n,
      start: this.starts.a.slice(0, n),
      end: this.ends.a.slice(0, n),
      line: this.recLines.a.slice(0, n),
      index: this.indexes.a.slice(0, n),
      large: this.large,
      bytes: this.bytesIn
    };
    this.bytesIn = 0;
    this.large = [];
    this.starts.n = this.ends.n = this.recLines.n = this.indexes.n = 0;
    if (n > 0) this.pos = this.consumedTo();
    return batch;
  }
  // --- buffer ---------------------------------------------------------------------------------------------------
  /** Moves the unconsumed bytes [pos, fill) to the front (after a batch has been handed out) and grows if needed. */
  makeRoom(need) {
    if (this.fill + need <= this.store.length) return;
    const from = this.starts.n > 0 ? Math.min(this.pos, this.starts.a[0]) : this.pos;
    const live2 = this.fill - from;
    if (live2 + need <= this.store.length && from > 0) {
      const v = this.store.view();
      v.copyWithin(0, from, this.fill);
      this.shift(from);
      return;
    }
    let cap = this.store.length * 2;
    while (cap < live2 + need) cap *= 2;
    const next = this.alloc(cap);
    next.view().set(this.store.view().subarray(from, this.fill));
    this.store.free();
    this.store = next;
    this.shift(from);
  }
  /** All offsets move down by `d` after compaction. */
  shift(d) {
    if (d === 0) return;
    this.fill -= d;
    this.pos -= d;
    this.scanFrom = Math.max(0, this.scanFrom - d);
    for (let i = 0; i < this.starts.n; i++) {
      this.starts.a[i] -= d;
      this.ends.a[i] -= d;
    }
    if (this.arr.elemStart >= 0) this.arr.elemStart -= d;
    this.lineStart -= d;
  }
  append(c) {
    this.makeRoom(c.length);
    this.store.view().set(c, this.fill);
    this.fill += c.length;
  }
  // --- JSON Lines -----------------------------------------------------------------------------------------------
  /** Start of the current (unfinished) line. */
  lineStart = 0;
  scanLineStart() {
    return this.lineStart;
  }
  consumedTo() {
    return this.mode === "jsonl" ? this.lineStart : this.arr.elemStart >= 0 ? this.arr.elemStart : this.fill;
  }
  /** Decides the framing (sniff) and skips a UTF-8 BOM. */
  begin() {
    const v = this.store.view();
    let i = 0;
    if (this.fill >= 3 && v[0] === 239 && v[1] === 187 && v[2] === 191) i = 3;
    this.pos = this.lineStart = this.scanFrom = i;
    if (this.mode === "sniff") this.mode = this.sniff(i);
    if (this.mode === "array") {
      this.arr.state = 0;
      this.scanFrom = i;
    }
  }
  /**
   * JSON Lines unless the input starts with '[' and is a JSON array document: a first value that spans lines, or
   * one that is followed by nothing else. An array on the first line followed by more lines is JSON Lines (whose
   * first record is an array, rejected as not an object).
   */
  sniff(from) {
    const v = this.store.view();
    let i = from;
    while (i < this.fill && (v[i] === 32 || v[i] === 9 || v[i] === 13 || v[i] === 10)) i++;
    if (i >= this.fill || v[i] !== 91) return "jsonl";
    let depth = 0;
    let inStr = false;
    let esc = false;
    for (let j = i; j < this.fill; j++) {
      const c = v[j];
      if (inStr) {
        if (esc) esc = false;
        else if (c === 92) esc = true;
        else if (c === 34) inStr = false;
        else if (c === LF) return "array";
        continue;
      }
      if (c === LF) return "array";
      if (c === 34) inStr = true;
      else if (c === 91 || c === 123) depth++;
      else if (c === 93 || c === 125) {
        depth--;
        if (depth === 0) {
          for (let k = j + 1; k < this.fill; k++) {
            const d = v[k];
            if (d === 32 || d === 9 || d === 13 || d === LF) continue;
            return "jsonl";
          }
          return "array";
        }
      }
    }
    return "array";
  }
  scan() {
    if (this.mode === "array") this.scanArray();
    else this.scanLines();
  }
  scanLines() {
    const v = this.store.view();
    for (; ; ) {
      const nl = this.indexOf(v, LF, this.scanFrom);
      if (nl < 0 || nl >= this.fill) {
        this.scanFrom = this.fill;
        if (this.fill - this.lineStart > this.maxRecord) this.startSkip();
        return;
      }
      this.record(this.lineStart, nl, false);
      this.lineStart = this.scanFrom = nl + 1;
    }
  }
  /** A complete line [s, e) (without its newline): a record unless blank. */
  record(s, e, last) {
    const line = ++this.lineNo;
    const v = this.store.view();
    let t = e;
    if (t > s && v[t - 1] === 13) t--;
    let k = s;
    while (k < t && (v[k] === 32 || v[k] === 9 || v[k] === 13)) k++;
    if (last) this.lineStart = this.scanFrom = e;
    if (k >= t) return;
    if (t - s > this.maxRecord) {
      this.large.push({ line, index: this.recordNo++, bytes: t - s, head: headDecoder.decode(v.subarray(s, s + HEAD_BYTES)) });
      return;
    }
    this.starts.push(s);
    this.ends.push(t);
    this.recLines.push(line);
    this.indexes.push(this.recordNo++);
  }
  /** The unfinished line exceeds the limit: keep its first KiB and drop its bytes from here on. */
  startSkip() {
    const v = this.store.view();
    const head = v.slice(this.lineStart, this.lineStart + HEAD_BYTES);
    this.skip = { line: this.lineNo + 1, index: -1, bytes: this.fill - this.lineStart, head, headLen: head.length, lf: 0 };
    this.fill = this.lineStart;
    this.scanFrom = this.lineStart;
  }
  /** Skips bytes of a too-large line; returns how many of `c` were used (up to and including its newline). */
  skipBytes(c) {
    const sk = this.skip;
    const nl = this.indexOf(c, LF, 0);
    if (nl < 0) {
      sk.bytes += c.length;
      return c.length;
    }
    sk.bytes += nl;
    this.finishSkip();
    return nl + 1;
  }
  finishSkip() {
    const sk = this.skip;
    this.skip = null;
    const line = ++this.lineNo;
    this.large.push({ line, index: this.recordNo++, bytes: sk.bytes, head: headDecoder.decode(sk.head.subarray(0, sk.headLen)) });
    this.lineStart = this.scanFrom = this.fill;
  }
  // --- JSON array -----------------------------------------------------------------------------------------------
  /**
   * Runs the array state machine over bytes[from, to). States: 0 before '[', 1 between elements (a value or ']'
   * expected), 2 in an element, 3 after ']'. Calls onEnd(i) when the element in progress ends at bytes[i] (its ',' or
   * ']'); returns the index where it stopped (to, or just after an element end when `stopAtEnd`).
   */
  arrayBytes(v, from, to, onStart, onEnd, stopAtEnd) {
    const a = this.arr;
    for (let i = from; i < to; i++) {
      const c = v[i];
      if (a.state === 2) {
        if (c === LF) this.lineNo++;
        if (a.inString) {
          if (a.escape) a.escape = false;
          else if (c === 92) a.escape = true;
          else if (c === 34) a.inString = false;
          continue;
        }
        if (c === 34) a.inString = true;
        else if (c === 123 || c === 91) a.depth++;
        else if ((c === 125 || c === 93) && a.depth > 0) a.depth--;
        else if (a.depth === 0 && (c === 44 || c === 93)) {
          a.state = c === 93 ? 3 : 1;
          onEnd(i);
          if (stopAtEnd) return i + 1;
        }
        continue;
      }
      if (c === LF) this.lineNo++;
      const ws = c === 32 || c === LF || c === 13 || c === 9;
      if (a.state === 0) {
        if (c === 91) a.state = 1;
        else if (!ws) throw new FramingError(`a JSON array input must start with '[' (found ${JSON.stringify(String.fromCharCode(c))})`, this.lineNo + 1);
      } else if (a.state === 1) {
        if (c === 93) a.state = 3;
        else if (!ws && c !== 44) {
          a.state = 2;
          a.depth = 0;
          a.inString = false;
          a.escape = false;
          a.elemLine = this.lineNo + 1;
          onStart(i);
          i--;
        }
      } else if (!ws && a.trailing < 0) a.trailing = this.lineNo + 1;
    }
    return to;
  }
  scanArray() {
    const v = this.store.view();
    const a = this.arr;
    this.scanFrom = this.arrayBytes(
      v,
      this.scanFrom,
      this.fill,
      (i) => a.elemStart = i,
      (i) => {
        this.element(a.elemStart, i);
        a.elemStart = -1;
      },
      false
    );
    if (a.state === 2 && this.fill - a.elemStart > this.maxRecord) {
      const head = v.slice(a.elemStart, a.elemStart + HEAD_BYTES);
      this.skip = { line: a.elemLine, index: -1, bytes: this.fill - a.elemStart, head, headLen: head.length, lf: 0 };
      this.fill = a.elemStart;
      this.scanFrom = this.fill;
      a.elemStart = -1;
    }
    if (a.state !== 2) this.lineStart = this.fill;
  }
  /** Skips bytes of a too-large array element; returns how many of `c` were used (up to its ',' or ']'). */
  skipArrayBytes(c) {
    const sk = this.skip;
    let ended = false;
    const used = this.arrayBytes(c, 0, c.length, () => {
    }, () => ended = true, true);
    if (!ended) {
      sk.bytes += used;
      return used;
    }
    sk.bytes += used - 1;
    this.skip = null;
    this.large.push({ line: sk.line, index: this.recordNo++, bytes: sk.bytes, head: headDecoder.decode(sk.head.subarray(0, sk.headLen)) });
    this.lineStart = this.scanFrom = this.fill;
    return used;
  }
  element(s, e) {
    const v = this.store.view();
    let t = e;
    while (t > s && (v[t - 1] === 32 || v[t - 1] === LF || v[t - 1] === 13 || v[t - 1] === 9)) t--;
    this.starts.push(s);
    this.ends.push(t);
    this.recLines.push(this.arr.elemLine);
    this.indexes.push(this.recordNo++);
    this.lineStart = e + 1;
  }
  endArray() {
    const a = this.arr;
    if (this.skip) {
      const sk = this.skip;
      this.skip = null;
      this.large.push({ line: sk.line, index: this.recordNo++, bytes: sk.bytes, head: headDecoder.decode(sk.head.subarray(0, sk.headLen)) });
      a.state = 3;
    }
    if (a.state === 2) {
      this.element(a.elemStart, this.fill);
      a.elemStart = -1;
      a.state = 3;
    }
    if (a.state === 0) throw new FramingError("a JSON array input must be one JSON array (the input is empty)", this.lineNo + 1);
    if (a.trailing >= 0) throw new FramingError(`unexpected text after the JSON array on line ${a.trailing}`, a.trailing);
  }
};

// src/io/records.ts
var decoder2 = new TextDecoder();
var encoder2 = new TextEncoder();
function statusReason(status) {
  switch (status) {
    case JSON_REC_NOT_OBJECT:
      return "not_an_object";
    case JSON_REC_TOO_DEEP:
      return "too_deep";
    default:
      return "malformed_json";
  }
}
function describeBytes(buf, s) {
  switch (buf[s]) {
    case 34:
      return "a string";
    case 91:
      return "an array";
    case 123:
      return "an object";
    case 110:
      return "null";
    case 116:
    case 102:
      return "a boolean";
    default:
      return "a number";
  }
}
var Key = class {
  constructor(text) {
    this.text = text;
    this.bytes = encoder2.encode(text);
  }
  text;
  bytes;
};
var RecordBatch = class {
  constructor(file, maxRecordBytes = DEFAULT_MAX_RECORD_BYTES) {
    this.file = file;
    this.maxRecordBytes = maxRecordBytes;
  }
  file;
  maxRecordBytes;
  index = new JsonIndex();
  store = null;
  view = new Uint8Array(0);
  n = 0;
  start = new Int32Array(0);
  end = new Int32Array(0);
  line = new Int32Array(0);
  recNo = new Int32Array(0);
  large = [];
  /**
   * The batch's bytes. The buffer may live in engine memory, which a kernel call can grow (detaching older views):
   * the view is taken again whenever it has been detached, so this is always safe to read.
   */
  get buf() {
    if (this.view.byteLength === 0 && this.store) this.view = this.store.view();
    return this.view;
  }
  /** Takes a framed batch; the caller runs the indexer on it next. */
  set(b) {
    this.store = b.store;
    this.view = b.store.view();
    this.n = b.n;
    this.start = b.start;
    this.end = b.end;
    this.line = b.line;
    this.recNo = b.index;
    this.large = b.large;
  }
  status(r2) {
    return this.index.status[r2];
  }
  sanitize(r2) {
    return (this.index.flags[r2] & JSON_FLAG_SANITIZE) !== 0;
  }
  /** The member of record r with this key (the last one when repeated, as JSON.parse keeps), or -1. */
  member(r2, key) {
    const ix = this.index;
    const buf = this.buf;
    const kb = key.bytes;
    const n = kb.length;
    const escaped = (ix.flags[r2] & JSON_FLAG_ESCAPED_KEY) !== 0;
    for (let m = ix.memberOff[r2 + 1] - 1; m >= ix.memberOff[r2]; m--) {
      const ks = ix.keyS[m];
      const ke = ix.keyE[m];
      if (ke - ks === n) {
        let same = true;
        for (let x = 0; x < n; x++) {
          if (buf[ks + x] !== kb[x]) {
            same = false;
            break;
          }
        }
        if (same) return m;
      }
      if (escaped && this.keyHasEscape(ks, ke) && this.keyText(m) === key.text) return m;
    }
    return -1;
  }
  keyHasEscape(s, e) {
    const i = this.buf.indexOf(92, s);
    return i >= 0 && i < e;
  }
  /** Member m's key as a string. */
  keyText(m) {
    const s = this.index.keyS[m];
    const e = this.index.keyE[m];
    if (!this.keyHasEscape(s, e)) return decoder2.decode(this.buf.subarray(s, e));
    return JSON.parse(`"${decoder2.decode(this.buf.subarray(s, e))}"`);
  }
  /** The JSON value at [s, e) decoded (NaN / Infinity literals read as numbers; invalid UTF-8 as U+FFFD). */
  decode(s, e) {
    return parseJson(decoder2.decode(this.buf.subarray(s, e)));
  }
  /** A string value's span decoded. */
  decodeString(s, e) {
    const buf = this.buf;
    let plain2 = true;
    for (let i = s + 1; i < e - 1; i++) {
      if (buf[i] === 92) {
        plain2 = false;
        break;
      }
    }
    const inner = decoder2.decode(buf.subarray(s + 1, e - 1));
    return plain2 ? inner : JSON.parse(`"${inner}"`);
  }
  /** The number of a member (kind NUMBER or NUMBER_TEXT), parsed exactly. */
  memberNumber(m) {
    const ix = this.index;
    if (ix.valKind[m] === JSON_K_NUMBER) return ix.valNum[m];
    return this.numberText(ix.valS[m], ix.valE[m]);
  }
  /** The number of an element (kind NUMBER or NUMBER_TEXT), parsed exactly. */
  elemNumber(k) {
    const ix = this.index;
    if (ix.elemKind[k] === JSON_K_NUMBER) return ix.elemNum[k];
    return this.numberText(ix.elemS[k], ix.elemE[k]);
  }
  numberText(s, e) {
    const st = new Int32Array(1);
    const v = parseNumberToken(this.buf, s, e, st);
    if (st[0] !== NUM_TOKEN_OK) throw new Error("pairsmith: internal error: the indexer passed a bad number token");
    return v;
  }
  /** Whether a member's value kind is a number the indexer recognised (read or to be parsed). */
  static isNumberKind(kind) {
    return kind === JSON_K_NUMBER || kind === JSON_K_NUMBER_TEXT;
  }
  /** The record's bytes as text (for rejects of records that are not valid JSON). */
  text(r2) {
    return decoder2.decode(this.buf.subarray(this.start[r2], this.end[r2]));
  }
  /** The reject of record r for a reason found by an adapter (the record is valid JSON). */
  reject(r2, field, reason, detail) {
    const json = this.sanitize(r2) ? null : this.buf.slice(this.start[r2], this.end[r2]);
    return { file: this.file, line: this.line[r2], index: this.recNo[r2], field, reason, detail, json, text: json ? null : this.text(r2) };
  }
  /** The reject of a record the indexer refused (status not OK), or null when it is a valid object. */
  statusReject(r2) {
    const st = this.index.status[r2];
    if (st === JSON_REC_OK) return null;
    if (st === JSON_REC_NOT_OBJECT) {
      const s = skipWs2(this.buf, this.start[r2], this.end[r2]);
      return this.reject(r2, null, "not_an_object", `the record is ${describeBytes(this.buf, s)}, not an object`);
    }
    const detail = this.errorDetail(r2);
    return { file: this.file, line: this.line[r2], index: this.recNo[r2], field: null, reason: statusReason(st), detail, json: null, text: this.text(r2) };
  }
  /** Rejects of the records too large to buffer. */
  largeRejects() {
    const maxBytes = this.maxRecordBytes;
    return this.large.map((l) => ({
      file: this.file,
      line: l.line,
      index: l.index,
      field: null,
      reason: "too_large",
      detail: `the record has ${l.bytes} bytes, over the limit of ${maxBytes} (--max-record-bytes); its first KiB is kept`,
      json: null,
      text: l.head
    }));
  }
  /** Why record r failed to parse, naming the byte offset within the record. */
  errorDetail(r2) {
    const ix = this.index;
    const at = ix.errAt[r2] - this.start[r2];
    const abs = ix.errAt[r2];
    const ch = abs >= 0 && abs < this.end[r2] ? describeByte(this.buf[abs]) : "";
    switch (ix.errCode[r2]) {
      case JSON_E_EMPTY:
        return "empty record";
      case JSON_E_END:
        return `unexpected end of the record at offset ${at} (truncated?)`;
      case JSON_E_STRING:
        return `unterminated string starting at offset ${at}`;
      case JSON_E_ESCAPE:
        return `bad escape in a string at offset ${at}`;
      case JSON_E_CONTROL:
        return `raw control character ${ch} in a string at offset ${at}`;
      case JSON_E_NUMBER:
        return `bad number at offset ${at}`;
      case JSON_E_DEEP:
        return `nested deeper than the limit at offset ${at}`;
      default:
        return `unexpected ${ch || "end of the record"} at offset ${at}`;
    }
  }
};
function skipWs2(buf, i, e) {
  while (i < e && (buf[i] === 32 || buf[i] === 9 || buf[i] === 13 || buf[i] === 10)) i++;
  return i;
}
function describeByte(b) {
  if (b < 32 || b === 127) return `U+${b.toString(16).toUpperCase().padStart(4, "0")}`;
  if (b >= 128) return `byte 0x${b.toString(16)}`;
  return `'${String.fromCharCode(b)}'`;
}

// src/io/adapt.ts
var DEFAULT_FIELDS = {
  candidates: { prompt: "prompt", responses: "responses", scores: "scores" },
  onpolicy: { prompt: "prompt", responses: "all_generated_responses", scores: "all_rm_scores" },
  ultrafeedback: { prompt: "instruction", responses: "completions", scores: "overall_score" },
  pairs: { prompt: "prompt", chosen: "chosen", rejected: "rejected" },
  "hh-rlhf": { prompt: "prompt", chosen: "chosen", rejected: "rejected" }
};
var EX_NONE = 0;
var EX_NULL = 1;
var EX_NAN = 2;
var EX_INF = 3;
var EXCLUSION_OF_CODE = [null, "score_null", "score_nan", "score_infinite"];
var FieldProblem = class extends Error {
  constructor(field, reason, detail) {
    super(detail);
    this.field = field;
    this.reason = reason;
    this.detail = detail;
    this.name = "FieldProblem";
  }
  field;
  reason;
  detail;
};
function describeType(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}
function exclusionCode(v) {
  if (v === null) return EX_NULL;
  if (Number.isNaN(v)) return EX_NAN;
  if (!Number.isFinite(v)) return EX_INF;
  return EX_NONE;
}
var FieldPath = class {
  constructor(path) {
    this.path = path;
    this.segs = splitPath(path);
    this.key = new Key(this.segs[0]);
  }
  path;
  segs;
  key;
  get simple() {
    return this.segs.length === 1;
  }
};
var MISSING = -1;
var DECODED = -2;
var Fields = class {
  constructor(batch) {
    this.batch = batch;
  }
  batch;
  decoded = void 0;
  /** MISSING, DECODED (value in `decoded`) or the member index. */
  locate(r2, f) {
    const m = this.batch.member(r2, f.key);
    if (m < 0) return MISSING;
    if (f.simple) return m;
    const ix = this.batch.index;
    const v = getPath(this.batch.decode(ix.valS[m], ix.valE[m]), f.segs.slice(1));
    if (v === void 0) return MISSING;
    this.decoded = v;
    return DECODED;
  }
};
var LP_MISSING = 0;
var LP_SUM = 1;
var LP_TOKENS = 2;
var CandidateColumns = class {
  groups = 0;
  cells = new Cells();
  /** Per group: slot in the batch, record number, line, prompt cell, id cell (-1: none), conversational (0/1). */
  rec = new GrowI32();
  index = new GrowI32();
  line = new GrowI32();
  prompt = new GrowI32();
  id = new GrowI32();
  conversational = new GrowU8();
  /** Per group: whether it has policy and reference log-probs. */
  withLogps = new GrowU8();
  /** Candidates of group g: off[g] .. off[g + 1]. */
  off = new GrowI32();
  /** Per candidate: response cell, score (NaN unless usable), exclusion code. */
  resp = new GrowI32();
  score = new GrowF64();
  excl = new GrowU8();
  /** Per candidate: the score's number text in the batch (start; -1 when decoded), to copy it as written. */
  scoreS = new GrowI32();
  scoreE = new GrowI32();
  /**
   * Log-probs, only for groups that have them: group g's candidate i is entry lpBase[g] + i (lpBase -1: none).
   * Per entry: LP_* kind, a sum (LP_SUM), or a token list (LP_TOKENS, CSR into tokPol/tokRef by tokOff).
   */
  lpBase = new GrowI32();
  lpKind = new GrowU8();
  lpPol = new GrowF64();
  lpRef = new GrowF64();
  tokOff = new GrowI32();
  tokPol = new GrowF64();
  tokRef = new GrowF64();
  reset() {
    this.groups = 0;
    this.cells.reset();
    for (const g of [this.rec, this.index, this.line, this.prompt, this.id, this.conversational, this.withLogps, this.resp, this.excl, this.scoreS, this.scoreE, this.lpBase, this.lpKind, this.tokOff]) g.n = 0;
    for (const g of [this.score, this.lpPol, this.lpRef, this.tokPol, this.tokRef]) g.n = 0;
    this.off.n = 0;
    this.off.push(0);
    this.tokOff.push(0);
  }
};
var POLICY = new Key("policy_logps");
var REFERENCE = new Key("reference_logps");
var ID = new Key("id");
var PROMPT_ID = new Key("prompt_id");
var ASPECTS = ["instruction_following", "honesty", "truthfulness", "helpfulness"];
var CandidateAdapter = class {
  constructor(format, o) {
    this.format = format;
    const d = DEFAULT_FIELDS[format];
    this.promptF = new FieldPath(o.fields?.prompt ?? d.prompt);
    this.respF = new FieldPath(o.fields?.responses ?? d.responses);
    this.scoresF = new FieldPath(o.fields?.scores ?? d.scores);
    this.scoreKey = splitPath(o.fields?.scores ?? d.scores);
    this.fine = o.score === "fine-grained";
  }
  format;
  promptF;
  respF;
  scoresF;
  scoreKey;
  fine;
  columns = new CandidateColumns();
  tmpNum = { a: new Float64Array(64), k: new Uint8Array(64) };
  tally = new Tally();
  /** Adapts every record of the batch (indexed already), counting into `tally`; the columns are valid until the next call. */
  adapt(batch, tally) {
    this.tally = tally;
    const cols = this.columns;
    cols.reset();
    const rejects = [];
    const fields = new Fields(batch);
    for (let r2 = 0; r2 < batch.n; r2++) {
      this.tally.read();
      const bad = batch.statusReject(r2);
      if (bad) {
        this.tally.reject(bad.reason);
        rejects.push(bad);
        continue;
      }
      const mark = this.mark();
      try {
        this.record(batch, fields, r2);
      } catch (e) {
        if (!(e instanceof FieldProblem)) throw e;
        this.rollback(mark);
        this.tally.reject(e.reason);
        rejects.push(batch.reject(r2, e.field, e.reason, e.detail));
      }
    }
    addLarge(batch, rejects, this.tally);
    return { columns: cols, rejects };
  }
  mark() {
    const c = this.columns;
    return [c.resp.n, c.lpKind.n, c.tokPol.n, c.cells.n, c.cells.values.length];
  }
  rollback(m) {
    const c = this.columns;
    c.resp.n = c.score.n = c.excl.n = c.scoreS.n = c.scoreE.n = m[0];
    c.lpKind.n = c.lpPol.n = c.lpRef.n = m[1];
    c.tokOff.n = m[1] + 1;
    c.tokPol.n = c.tokRef.n = m[2];
    c.cells.n = m[3];
    c.cells.values.length = m[4];
  }
  /** Whether the last text cell made was a message list. */
  conv = false;
  /** A prompt or response value as a text cell, or a wrong_type problem naming `path`. */
  textCell(batch, s, e, kind, sanitize, path) {
    if (kind === JSON_K_STRING) {
      this.conv = false;
      return this.columns.cells.span(s, e, FORM_STRING, sanitize);
    }
    if (kind === JSON_K_ARRAY) {
      const t = asText(batch.decode(s, e));
      if (t !== void 0) return this.textValue(t);
    }
    throw new FieldProblem(path, "wrong_type", `'${path}' must be a string or a list of {role, content} messages, got ${describeBytes(batch.buf, s)}`);
  }
  textValue(t) {
    this.conv = typeof t !== "string";
    return this.columns.cells.value(t, typeof t === "string" ? FORM_STRING : FORM_MESSAGES);
  }
  valueText(v, path) {
    const t = asText(v);
    if (t === void 0) throw new FieldProblem(path, "wrong_type", `'${path}' must be a string or a list of {role, content} messages, got ${describeType(v)}`);
    return this.textValue(t);
  }
  record(batch, fields, r2) {
    const c = this.columns;
    const ix = batch.index;
    const sanitize = batch.sanitize(r2);
    const pp = this.promptF.path;
    const pm = fields.locate(r2, this.promptF);
    if (pm === MISSING) throw new FieldProblem(pp, "missing_field", `required field '${pp}' is missing`);
    const prompt = pm === DECODED ? this.valueText(fields.decoded, pp) : this.textCell(batch, ix.valS[pm], ix.valE[pm], ix.valKind[pm], sanitize, pp);
    let conv = this.conv;
    const first = c.resp.n;
    if (this.format === "ultrafeedback") conv = this.ultrafeedback(batch, fields, r2) || conv;
    else {
      const rp = this.respF.path;
      const rm = fields.locate(r2, this.respF);
      if (rm === MISSING) throw new FieldProblem(rp, "missing_field", `required field '${rp}' is missing`);
      if (rm === DECODED) {
        const v = fields.decoded;
        if (!Array.isArray(v)) throw new FieldProblem(rp, "wrong_type", `'${rp}' must be an array, got ${describeType(v)}`);
        v.forEach((x, i) => {
          c.resp.push(this.valueText(x, `${rp}.${i}`));
          conv ||= this.conv;
        });
      } else {
        if (ix.valKind[rm] !== JSON_K_ARRAY) throw new FieldProblem(rp, "wrong_type", `'${rp}' must be an array, got ${describeBytes(batch.buf, ix.valS[rm])}`);
        const cells = c.cells;
        for (let k = ix.elemOff[rm]; k < ix.elemOff[rm + 1]; k++) {
          if (ix.elemKind[k] === JSON_K_STRING) c.resp.push(cells.span(ix.elemS[k], ix.elemE[k], FORM_STRING, sanitize));
          else {
            c.resp.push(this.textCell(batch, ix.elemS[k], ix.elemE[k], ix.elemKind[k], sanitize, `${rp}.${k - ix.elemOff[rm]}`));
            conv ||= this.conv;
          }
        }
      }
      const sp2 = this.scoresF.path;
      const sm = fields.locate(r2, this.scoresF);
      if (sm === MISSING) throw new FieldProblem(sp2, "missing_field", `required field '${sp2}' is missing`);
      if (sm === DECODED) {
        const v = fields.decoded;
        if (!Array.isArray(v)) throw new FieldProblem(sp2, "wrong_type", `'${sp2}' must be an array, got ${describeType(v)}`);
        v.forEach((x, i) => this.pushScore(scoreValue(x, `${sp2}.${i}`), -1, -1));
      } else {
        if (ix.valKind[sm] !== JSON_K_ARRAY) throw new FieldProblem(sp2, "wrong_type", `'${sp2}' must be an array, got ${describeBytes(batch.buf, ix.valS[sm])}`);
        for (let k = ix.elemOff[sm]; k < ix.elemOff[sm + 1]; k++) {
          if (ix.elemKind[k] === JSON_K_NUMBER) {
            const v = ix.elemNum[k];
            c.excl.push(EX_NONE);
            c.score.push(v);
            c.scoreS.push(ix.elemS[k]);
            c.scoreE.push(ix.elemE[k]);
          } else this.pushScore(this.elemScore(batch, k, `${sp2}.${k - ix.elemOff[sm]}`), ix.elemS[k], ix.elemE[k]);
        }
      }
    }
    const nResp = c.resp.n - first;
    const nScores = c.score.n - first;
    const sp = this.format === "ultrafeedback" ? this.fine ? `${this.respF.path}.annotations` : `${this.respF.path}.${this.scoresF.path}` : this.scoresF.path;
    if (nResp !== nScores) throw new FieldProblem(sp, "length_mismatch", `${nResp} responses but ${nScores} scores`);
    let valid = 0;
    for (let i = first; i < c.score.n; i++) if (c.excl.a[i] === EX_NONE) valid++;
    if (valid < 2) throw new FieldProblem(sp, "too_few_scored", `${valid} of ${nScores} candidates have a finite score (need 2)`);
    const pol = batch.member(r2, POLICY);
    const ref = batch.member(r2, REFERENCE);
    const polOk = this.checkLogps(batch, pol, "policy_logps", nResp);
    const refOk = this.checkLogps(batch, ref, "reference_logps", nResp);
    const withLogps = polOk && refOk;
    c.lpBase.push(withLogps ? c.lpKind.n : -1);
    if (withLogps) for (let i = 0; i < nResp; i++) this.pushLogps(batch, ix.elemOff[pol] + i, ix.elemOff[ref] + i);
    const g = c.groups++;
    c.rec.push(r2);
    c.index.push(batch.recNo[r2]);
    c.line.push(batch.line[r2]);
    c.prompt.push(prompt);
    c.id.push(this.idCell(batch, r2, sanitize));
    c.conversational.push(conv ? 1 : 0);
    c.withLogps.push(withLogps ? 1 : 0);
    c.off.push(c.resp.n);
    void g;
    this.tally.candidatesRead += nResp;
    for (let i = first; i < c.resp.n; i++) {
      const x = c.excl.a[i];
      if (x !== EX_NONE) this.tally.exclude(EXCLUSION_OF_CODE[x]);
    }
  }
  idCell(batch, r2, sanitize) {
    const ix = batch.index;
    for (const key of [ID, PROMPT_ID]) {
      const m = batch.member(r2, key);
      if (m < 0) continue;
      const k = ix.valKind[m];
      if (k === JSON_K_STRING || RecordBatch.isNumberKind(k) || k === JSON_K_NAN || k === JSON_K_POS_INF || k === JSON_K_NEG_INF) {
        return this.columns.cells.span(ix.valS[m], ix.valE[m], FORM_OTHER, sanitize);
      }
    }
    return -1;
  }
  /** One candidate's score (null: excluded) and, when it was read from the batch, its number text's span. */
  pushScore(v, s, e) {
    const c = this.columns;
    const x = exclusionCode(v);
    c.excl.push(x);
    c.score.push(x === EX_NONE ? v : Number.NaN);
    c.scoreS.push(x === EX_NONE ? s : -1);
    c.scoreE.push(x === EX_NONE ? e : -1);
  }
  /** A score element: a number (finite or not) or null; anything else is a wrong type. */
  elemScore(batch, k, path) {
    const kind = batch.index.elemKind[k];
    if (RecordBatch.isNumberKind(kind)) return batch.elemNumber(k);
    if (kind === JSON_K_NULL) return null;
    if (kind === JSON_K_NAN) return Number.NaN;
    if (kind === JSON_K_POS_INF) return Infinity;
    if (kind === JSON_K_NEG_INF) return -Infinity;
    throw new FieldProblem(path, "wrong_type", `'${path}' must be a number or null, got ${describeBytes(batch.buf, batch.index.elemS[k])}`);
  }
  /** Completions of an UltraFeedback record (decoded): responses and scores. Returns whether any is conversational. */
  ultrafeedback(batch, fields, r2) {
    const c = this.columns;
    const cp = this.respF.path;
    const m = fields.locate(r2, this.respF);
    if (m === MISSING) throw new FieldProblem(cp, "missing_field", `required field '${cp}' is missing`);
    const ix = batch.index;
    const comps = m === DECODED ? fields.decoded : batch.decode(ix.valS[m], ix.valE[m]);
    if (!Array.isArray(comps)) throw new FieldProblem(cp, "wrong_type", `'${cp}' must be an array, got ${describeType(comps)}`);
    let conv = false;
    comps.forEach((comp, i) => {
      const at = `${cp}.${i}`;
      if (comp === null || typeof comp !== "object" || Array.isArray(comp)) throw new FieldProblem(at, "wrong_type", `'${at}' must be an object, got ${describeType(comp)}`);
      const resp = getPath(comp, ["response"]);
      if (resp === void 0) throw new FieldProblem(`${at}.response`, "missing_field", `required field '${at}.response' is missing`);
      c.resp.push(this.valueText(resp, `${at}.response`));
      conv ||= this.conv;
      if (this.fine) this.pushScore(fineGrained(comp, at), -1, -1);
      else {
        const sv = getPath(comp, this.scoreKey);
        this.pushScore(sv === void 0 ? null : scoreValue(sv, `${at}.${this.scoresF.path}`), -1, -1);
      }
    });
    return conv;
  }
  /** Checks a log-prob field; true when present (not absent or null) and aligned with the responses. */
  checkLogps(batch, m, key, n) {
    if (m < 0) return false;
    const ix = batch.index;
    const kind = ix.valKind[m];
    if (kind === JSON_K_NULL) return false;
    if (kind !== JSON_K_ARRAY) throw new FieldProblem(key, "wrong_type", `'${key}' must be an array, got ${describeBytes(batch.buf, ix.valS[m])}`);
    const count2 = ix.elemOff[m + 1] - ix.elemOff[m];
    if (count2 !== n) throw new FieldProblem(key, "length_mismatch", `'${key}' has ${count2} entries for ${n} responses`);
    for (let i = 0; i < count2; i++) {
      const k = ix.elemOff[m] + i;
      const ek = ix.elemKind[k];
      if (RecordBatch.isNumberKind(ek) || ek === JSON_K_NAN || ek === JSON_K_POS_INF || ek === JSON_K_NEG_INF) continue;
      if (ek === JSON_K_ARRAY && this.tokens(batch, k) >= 0) continue;
      throw new FieldProblem(`${key}.${i}`, "wrong_type", `'${key}[${i}]' must be a number or an array of numbers, got ${describeBytes(batch.buf, ix.elemS[k])}`);
    }
    return true;
  }
  /** Parses the token list of element k into tmpNum; returns its length, or -1 unless every entry is a number. */
  tokens(batch, k) {
    const ix = batch.index;
    const s = ix.elemS[k];
    const e = ix.elemE[k];
    const cap = (e - s >> 1) + 1;
    if (this.tmpNum.a.length < cap) this.tmpNum = { a: new Float64Array(cap), k: new Uint8Array(cap) };
    const n = parseNumberArray(batch.buf, s, e, this.tmpNum.a, this.tmpNum.k, 0);
    if (n < 0) return -1;
    for (let i = 0; i < n; i++) if (this.tmpNum.k[i] === NUM_NULL) return -1;
    return n;
  }
  /** One candidate's log-probs from elements kp (policy) and kr (reference). */
  pushLogps(batch, kp, kr) {
    const c = this.columns;
    const ix = batch.index;
    const sum3 = (k) => {
      const kind = ix.elemKind[k];
      if (kind === JSON_K_ARRAY) return null;
      const v = RecordBatch.isNumberKind(kind) ? batch.elemNumber(k) : kind === JSON_K_NAN ? Number.NaN : kind === JSON_K_POS_INF ? Infinity : -Infinity;
      return v;
    };
    const a = sum3(kp);
    const b = sum3(kr);
    if (a !== null && b !== null) {
      const ok2 = Number.isFinite(a) && Number.isFinite(b);
      c.lpKind.push(ok2 ? LP_SUM : LP_MISSING);
      c.lpPol.push(a);
      c.lpRef.push(b);
      c.tokOff.push(c.tokPol.n);
      return;
    }
    const list2 = (k, into) => {
      const v = sum3(k);
      if (v !== null) {
        if (!Number.isFinite(v)) return -1;
        into.push(v);
        return 1;
      }
      const n = this.tokens(batch, k);
      for (let i = 0; i < n; i++) {
        if (this.tmpNum.k[i] !== NUM_FINITE) return -1;
        into.push(this.tmpNum.a[i]);
      }
      return n;
    };
    const t02 = c.tokPol.n;
    const np = list2(kp, c.tokPol);
    const nr = list2(kr, c.tokRef);
    const ok = np >= 0 && nr >= 0 && np === nr;
    if (!ok) {
      c.tokPol.n = t02;
      c.tokRef.n = t02;
    }
    c.lpKind.push(ok ? LP_TOKENS : LP_MISSING);
    c.lpPol.push(Number.NaN);
    c.lpRef.push(Number.NaN);
    c.tokOff.push(c.tokPol.n);
  }
};
function scoreValue(v, path) {
  if (v === null) return null;
  if (typeof v === "number") return v;
  throw new FieldProblem(path, "wrong_type", `'${path}' must be a number or null, got ${describeType(v)}`);
}
function fineGrained(c, path) {
  let sum3 = 0;
  let n = 0;
  for (const a of ASPECTS) {
    const r2 = getPath(c, ["annotations", a, "Rating"]);
    if (r2 === void 0 || r2 === null || r2 === "N/A") continue;
    const v = typeof r2 === "number" ? r2 : typeof r2 === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(r2) ? Number(r2) : void 0;
    if (v === void 0) throw new FieldProblem(`${path}.annotations.${a}.Rating`, "wrong_type", `rating ${JSON.stringify(r2)} is not a number or "N/A"`);
    sum3 += v;
    n++;
  }
  return n === 0 ? null : sum3 / n;
}
function addLarge(batch, rejects, tally) {
  if (batch.large.length === 0) return;
  for (const l of batch.largeRejects()) {
    tally.read();
    tally.reject("too_large");
    rejects.push(l);
  }
  rejects.sort((a, b) => a.index - b.index);
}
var PairColumns = class {
  groups = 0;
  cells = new Cells();
  rec = new GrowI32();
  index = new GrowI32();
  line = new GrowI32();
  prompt = new GrowI32();
  chosen = new GrowI32();
  rejected = new GrowI32();
  conversational = new GrowU8();
  /** The prompt was split off as the shared prefix of chosen and rejected. */
  implicitPrompt = new GrowU8();
  /** score_chosen / score_rejected: NaN unless finite; present flags (a present null or non-finite is excluded). */
  scoreChosen = new GrowF64();
  scoreRejected = new GrowF64();
  hasScoreChosen = new GrowU8();
  hasScoreRejected = new GrowU8();
  reset() {
    this.groups = 0;
    this.cells.reset();
    for (const g of [this.rec, this.index, this.line, this.prompt, this.chosen, this.rejected, this.conversational, this.implicitPrompt, this.hasScoreChosen, this.hasScoreRejected]) g.n = 0;
    this.scoreChosen.n = this.scoreRejected.n = 0;
  }
};
var SCORE_CHOSEN = new Key("score_chosen");
var SCORE_REJECTED = new Key("score_rejected");
var PairAdapter = class {
  constructor(format, o) {
    this.format = format;
    const d = DEFAULT_FIELDS[format];
    this.promptF = new FieldPath(o.fields?.prompt ?? d.prompt);
    this.chosenF = new FieldPath(o.fields?.chosen ?? d.chosen);
    this.rejectedF = new FieldPath(o.fields?.rejected ?? d.rejected);
  }
  format;
  promptF;
  chosenF;
  rejectedF;
  columns = new PairColumns();
  tally = new Tally();
  /** Adapts every record of the batch (indexed already), counting into `tally`; the columns are valid until the next call. */
  adapt(batch, tally) {
    this.tally = tally;
    const cols = this.columns;
    cols.reset();
    const rejects = [];
    const fields = new Fields(batch);
    for (let r2 = 0; r2 < batch.n; r2++) {
      this.tally.read();
      const bad = batch.statusReject(r2);
      if (bad) {
        this.tally.reject(bad.reason);
        rejects.push(bad);
        continue;
      }
      const cellMark = cols.cells.n;
      const valueMark = cols.cells.values.length;
      try {
        this.record(batch, fields, r2);
      } catch (e) {
        if (!(e instanceof FieldProblem)) throw e;
        cols.cells.n = cellMark;
        cols.cells.values.length = valueMark;
        this.tally.reject(e.reason);
        rejects.push(batch.reject(r2, e.field, e.reason, e.detail));
      }
    }
    addLarge(batch, rejects, this.tally);
    return { columns: cols, rejects };
  }
  /** A text field: a span cell for a top-level string, else its decoded value (string or messages). */
  text(batch, fields, r2, f, sanitize) {
    const ix = batch.index;
    const m = fields.locate(r2, f);
    if (m === MISSING) throw new FieldProblem(f.path, "missing_field", `required field '${f.path}' is missing`);
    if (m !== DECODED && ix.valKind[m] === JSON_K_STRING) return { cell: this.columns.cells.span(ix.valS[m], ix.valE[m], FORM_STRING, sanitize), value: null, conv: false };
    const v = m === DECODED ? fields.decoded : batch.decode(ix.valS[m], ix.valE[m]);
    const t = asText(v);
    if (t === void 0) throw new FieldProblem(f.path, "wrong_type", `'${f.path}' must be a string or a list of {role, content} messages, got ${describeType(v)}`);
    return { cell: -1, value: t, conv: typeof t !== "string" };
  }
  record(batch, fields, r2) {
    const c = this.columns;
    const cells = c.cells;
    const hh = this.format === "hh-rlhf";
    const sanitize = batch.sanitize(r2);
    const ch = this.text(batch, fields, r2, this.chosenF, sanitize);
    const rj = this.text(batch, fields, r2, this.rejectedF, sanitize);
    const pm = hh ? MISSING : fields.locate(r2, this.promptF);
    let promptCell;
    let chosenCell = ch.cell;
    let rejectedCell = rj.cell;
    let implicit = false;
    let conv = ch.conv || rj.conv;
    const str = (x) => {
      if (x.value !== null) return typeof x.value === "string" ? x.value : null;
      return batch.decodeString(cells.s[x.cell], cells.e[x.cell]);
    };
    const val = (x) => x.cell >= 0 ? x.cell : cells.value(x.value, typeof x.value === "string" ? FORM_STRING : FORM_MESSAGES);
    if (!hh && pm !== MISSING) {
      const ix = batch.index;
      if (pm !== DECODED && ix.valKind[pm] === JSON_K_STRING) promptCell = cells.span(ix.valS[pm], ix.valE[pm], FORM_STRING, sanitize);
      else {
        const v = pm === DECODED ? fields.decoded : batch.decode(ix.valS[pm], ix.valE[pm]);
        const t = asText(v);
        if (t === void 0) throw new FieldProblem(this.promptF.path, "wrong_type", `'${this.promptF.path}' must be a string or a list of {role, content} messages, got ${describeType(v)}`);
        conv ||= typeof t !== "string";
        promptCell = cells.value(t, typeof t === "string" ? FORM_STRING : FORM_MESSAGES);
      }
      chosenCell = val(ch);
      rejectedCell = val(rj);
    } else {
      implicit = true;
      const cs = str(ch);
      const rs = str(rj);
      const cp = this.chosenF.path;
      const rp = this.rejectedF.path;
      const pp = this.promptF.path;
      if (cs !== null && rs !== null) {
        let prompt;
        let chosen;
        let rejected;
        if (hh) {
          const s = splitHh(cs, rs);
          if (!s) throw new FieldProblem(cp, "no_shared_prompt", `'${cp}' and '${rp}' share no prefix ending in "\\n\\nAssistant:"`);
          ({ prompt, chosen, rejected } = s);
        } else {
          const n = commonPrefixLength(cs, rs);
          if (n === 0) throw new FieldProblem(pp, "no_shared_prompt", `no '${pp}' field and '${cp}' / '${rp}' share no prefix`);
          prompt = cs.slice(0, n);
          chosen = cs.slice(n);
          rejected = rs.slice(n);
        }
        promptCell = cells.value(prompt, FORM_STRING);
        chosenCell = cells.value(chosen, FORM_STRING);
        rejectedCell = cells.value(rejected, FORM_STRING);
      } else if (ch.value !== null && rj.value !== null && typeof ch.value !== "string" && typeof rj.value !== "string") {
        const n = commonMessagesLength(ch.value, rj.value);
        if (n === 0) throw new FieldProblem(pp, "no_shared_prompt", `no '${pp}' field and '${cp}' / '${rp}' share no leading messages`);
        promptCell = cells.value(ch.value.slice(0, n), FORM_MESSAGES);
        chosenCell = cells.value(ch.value.slice(n), FORM_MESSAGES);
        rejectedCell = cells.value(rj.value.slice(n), FORM_MESSAGES);
      } else {
        throw new FieldProblem(rp, "wrong_type", `'${cp}' and '${rp}' must both be strings or both message lists`);
      }
    }
    const sc = this.pairScore(batch, r2, SCORE_CHOSEN);
    const sr = this.pairScore(batch, r2, SCORE_REJECTED);
    c.groups++;
    c.rec.push(r2);
    c.index.push(batch.recNo[r2]);
    c.line.push(batch.line[r2]);
    c.prompt.push(promptCell);
    c.chosen.push(chosenCell);
    c.rejected.push(rejectedCell);
    c.conversational.push(conv ? 1 : 0);
    c.implicitPrompt.push(implicit ? 1 : 0);
    c.hasScoreChosen.push(sc === void 0 ? 0 : 1);
    c.hasScoreRejected.push(sr === void 0 ? 0 : 1);
    c.scoreChosen.push(sc !== void 0 && sc !== null && Number.isFinite(sc) ? sc : Number.NaN);
    c.scoreRejected.push(sr !== void 0 && sr !== null && Number.isFinite(sr) ? sr : Number.NaN);
    this.tally.candidatesRead += 2;
    for (const s of [sc, sr]) {
      if (s === void 0) continue;
      const x = exclusionCode(s);
      if (x !== EX_NONE) this.tally.exclude(EXCLUSION_OF_CODE[x]);
    }
  }
  /** score_chosen / score_rejected: undefined when absent; null, a number (finite or not), or wrong_type. */
  pairScore(batch, r2, key) {
    const m = batch.member(r2, key);
    if (m < 0) return void 0;
    const ix = batch.index;
    const kind = ix.valKind[m];
    if (RecordBatch.isNumberKind(kind)) return batch.memberNumber(m);
    if (kind === JSON_K_NULL) return null;
    if (kind === JSON_K_NAN) return Number.NaN;
    if (kind === JSON_K_POS_INF) return Infinity;
    if (kind === JSON_K_NEG_INF) return -Infinity;
    throw new FieldProblem(key.text, "wrong_type", `'${key.text}' must be a number or null, got ${describeBytes(batch.buf, ix.valS[m])}`);
  }
};

// src/pipeline/positions.ts
var GRID_POSITIONS = [
  { kind: "min" },
  { kind: "sigma", k: -2 },
  { kind: "sigma", k: -1 },
  { kind: "sigma", k: 0 },
  { kind: "sigma", k: 1 },
  { kind: "sigma", k: 2 },
  { kind: "max" }
];

// src/pipeline/rng.ts
function mix32(x) {
  let z = x + 2654435769 | 0;
  z = Math.imul(z ^ z >>> 16, 2246822507);
  z = Math.imul(z ^ z >>> 13, 3266489909);
  return (z ^ z >>> 16) >>> 0;
}
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = a + 1831565813 >>> 0;
    let t = a;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
}
function streamRng(seed, stream) {
  return mulberry32(mix32(mix32(seed >>> 0) ^ mix32((stream >>> 0) + 1663821227)));
}
function randomInt(next, n) {
  return Math.min(n - 1, Math.floor(next() * n));
}

// src/pipeline/construct.ts
var MAX = { kind: "max" };
var MIN = { kind: "min" };
var DEFAULT_REJECTED = parsePosition("mu-2sigma");
function bump(m, r2, by = 1) {
  m[r2] = (m[r2] ?? 0) + by;
}
function strategyPositions(o) {
  switch (o.strategy) {
    case "sweet-spot":
      return [MAX, o.rejected ?? DEFAULT_REJECTED];
    case "max-min":
      return [MAX, MIN];
    case "max-random":
      return [MAX];
    case "positions":
      return [o.chosen ?? MAX, o.rejected ?? DEFAULT_REJECTED];
    case "grid":
      return [...GRID_POSITIONS];
  }
}
function nearestBelow(values, s, e, p, mu, sigma, ceiling) {
  let best = -1;
  let bestD = Infinity;
  for (let i = s; i < e; i++) {
    const v = values[i];
    if (!(v < ceiling)) continue;
    let d;
    if (p.kind === "min") d = v;
    else if (p.kind === "max") d = -v;
    else d = Math.abs(v - (mu + p.k * sigma));
    if (best < 0 || d < bestD || d === bestD && v < values[best]) {
      best = i;
      bestD = d;
    }
  }
  return best < 0 ? -1 : best - s;
}
var PairBuilder = class {
  group = [];
  chosen = [];
  rejected = [];
  cpos = [];
  rpos = [];
  push(g, c, r2, cp, rp) {
    this.group.push(g);
    this.chosen.push(c);
    this.rejected.push(r2);
    this.cpos.push(cp);
    this.rpos.push(rp);
  }
  build() {
    return {
      n: this.group.length,
      group: Int32Array.from(this.group),
      chosen: Int32Array.from(this.chosen),
      rejected: Int32Array.from(this.rejected),
      chosenPosition: this.cpos,
      rejectedPosition: this.rpos
    };
  }
};
function constructPairs(engine2, values, offsets, opts, streams) {
  if (engine2.alloc && values.length > 0) {
    const rv = engine2.alloc(Float64Array, values.length);
    const ro = engine2.alloc(Int32Array, offsets.length);
    try {
      rv.view().set(values);
      ro.view().set(offsets);
      return constructOn(engine2, values, offsets, rv, ro, opts, streams);
    } finally {
      rv.free();
      ro.free();
    }
  }
  return constructOn(engine2, values, offsets, values, offsets, opts, streams);
}
function constructOn(engine2, values, offsets, kv, ko, opts, streams) {
  const groups = offsets.length - 1;
  const std = opts.std ?? "population";
  const minGap = opts.minGap ?? 0;
  const keepTies = opts.keepTies ?? false;
  const fallback2 = opts.fallback ?? "none";
  const stats = engine2.groupStats(kv, ko, { std });
  const positions = strategyPositions(opts);
  const np = positions.length;
  const chosenPositions = opts.strategy === "grid" ? positions : positions.slice(0, 1);
  const rejectedPositions = opts.strategy === "grid" ? positions : positions.slice(1);
  const chosenPicks = engine2.pickPositions(kv, ko, stats, chosenPositions, { role: "chosen" });
  const rejectedPicks = rejectedPositions.length ? engine2.pickPositions(kv, ko, stats, rejectedPositions, { role: "rejected" }) : new Int32Array(0);
  const nc = chosenPositions.length;
  const nr = rejectedPositions.length;
  const labels = positions.map(formatPosition);
  const out2 = new PairBuilder();
  const report = {
    prompts: groups,
    promptsWithPair: 0,
    pairs: 0,
    promptsWithoutPair: {},
    pairsDropped: {},
    fallbackUsed: 0,
    smallPrompts: 0,
    rejectedNotMin: 0,
    rejectedZSum: 0
  };
  const single2 = opts.strategy !== "grid";
  const noPair = new Array(groups).fill(null);
  for (let g = 0; g < groups; g++) {
    const s = offsets[g];
    const e = offsets[g + 1];
    const count2 = stats.count[g];
    if (count2 < 2) {
      noPair[g] = "insufficient_samples";
      bump(report.promptsWithoutPair, "insufficient_samples");
      if (single2) bump(report.pairsDropped, "insufficient_samples");
      continue;
    }
    if (count2 < 5) report.smallPrompts++;
    const mu = stats.mean[g];
    const sigma = stats.std[g];
    if (!(sigma > 0)) {
      noPair[g] = "no_spread";
      bump(report.promptsWithoutPair, "no_spread");
      if (single2) bump(report.pairsDropped, "no_spread");
      continue;
    }
    const emitted = out2.group.length;
    const accept = (c, r2, cp, rp, rejPos) => {
      let rr = r2;
      let reason = null;
      const vc = values[s + c];
      if (rr === c) reason = "same_candidate";
      else if (values[s + rr] === vc) reason = keepTies ? null : "tie";
      else if (values[s + rr] > vc) reason = "inverted";
      if (reason !== null && reason !== "inverted" && fallback2 === "next-nearest") {
        const alt = rejPos ? nearestBelow(values, s, e, rejPos, mu, sigma, vc) : randomBelow(values, s, e, vc, opts.seed ?? 0, streams ? streams[g] : g);
        if (alt < 0) reason = "no_lower_candidate";
        else {
          rr = alt;
          reason = null;
          report.fallbackUsed++;
        }
      }
      if (reason === null && vc - values[s + rr] < minGap) reason = "below_min_gap";
      if (reason !== null) return reason;
      out2.push(g, c, rr, cp, rp);
      report.rejectedZSum += (values[s + rr] - mu) / sigma;
      return null;
    };
    if (opts.strategy === "grid") {
      const seen = /* @__PURE__ */ new Set();
      for (let hi = np - 1; hi > 0; hi--) {
        for (let lo = hi - 1; lo >= 0; lo--) {
          const c = chosenPicks[g * nc + hi];
          const r2 = rejectedPicks[g * nr + lo];
          if (c !== r2 && seen.has(c * 65536 + r2)) {
            bump(report.pairsDropped, "duplicate_pair");
            continue;
          }
          const why = accept(c, r2, labels[hi], labels[lo], null);
          if (why === null) seen.add(c * 65536 + r2);
          else bump(report.pairsDropped, why);
        }
      }
    } else {
      const c = chosenPicks[g * nc];
      let r2;
      let rejPos = null;
      if (opts.strategy === "max-random") {
        const next = streamRng(opts.seed ?? 0, streams ? streams[g] : g);
        r2 = randomInt(next, count2 - 1);
        if (r2 >= c) r2++;
      } else {
        r2 = rejectedPicks[g * nr];
        rejPos = positions[1];
      }
      const why = accept(c, r2, labels[0], opts.strategy === "max-random" ? null : labels[1], rejPos);
      if (why !== null) {
        noPair[g] = why;
        bump(report.promptsWithoutPair, why);
        bump(report.pairsDropped, why);
      }
    }
    const made = out2.group.length - emitted;
    if (made === 0 && !single2) {
      noPair[g] = "no_valid_pair";
      bump(report.promptsWithoutPair, "no_valid_pair");
    }
    if (made > 0) {
      report.promptsWithPair++;
      const last = out2.rejected[out2.rejected.length - 1];
      if (single2 && values[s + last] !== stats.min[g]) report.rejectedNotMin++;
    }
  }
  const pairs = out2.build();
  report.pairs = pairs.n;
  return { pairs, stats, report, noPair };
}
function randomBelow(values, s, e, ceiling, seed, stream) {
  const lower = [];
  for (let i = s; i < e; i++) if (values[i] < ceiling) lower.push(i - s);
  if (lower.length === 0) return -1;
  return lower[randomInt(streamRng(seed ^ 1540483477, stream), lower.length)];
}

// src/numeric.ts
var LOGIT_EPS = 1e-6;
function clippedLogit(q, eps = LOGIT_EPS) {
  const c = Math.min(Math.max(q, eps), 1 - eps);
  return Math.log(c) - Math.log1p(-c);
}
function logitClamped(p, eps = LOGIT_EPS) {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  return clippedLogit(p, eps);
}

// src/pipeline/transform.ts
function applyTransform(raw, offsets, transform, engine2, std = "population") {
  const invalid = [];
  if (transform === "none") return { values: raw, invalid };
  if (transform === "logit") {
    const out2 = new Float64Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const v = logitClamped(raw[i]);
      if (Number.isNaN(v) && Number.isFinite(raw[i])) invalid.push(i);
      out2[i] = v;
    }
    return { values: out2, invalid };
  }
  const stats = engine2.groupStats(raw, offsets, { std });
  return { values: engine2.zscores(raw, offsets, stats), invalid };
}

// src/pipeline/pairs.ts
function emptyReport() {
  return { prompts: 0, promptsWithPair: 0, pairs: 0, promptsWithoutPair: {}, pairsDropped: {}, fallbackUsed: 0, smallPrompts: 0, rejectedNotMin: 0, rejectedZSum: 0 };
}
function mergeReport(a, b) {
  for (const k of ["prompts", "promptsWithPair", "pairs", "fallbackUsed", "smallPrompts", "rejectedNotMin", "rejectedZSum"]) a[k] += b[k];
  for (const m of ["promptsWithoutPair", "pairsDropped"]) {
    for (const [r2, v] of Object.entries(b[m])) a[m][r2] = (a[m][r2] ?? 0) + (v ?? 0);
  }
}
function dropInvalid(chunk, values, invalid) {
  const bad = new Uint8Array(values.length);
  for (const i of invalid) bad[i] = 1;
  const keep = [];
  const groups = chunk.offsets.length - 1;
  const off = new Int32Array(groups + 1);
  for (let g = 0; g < groups; g++) {
    for (let i = chunk.offsets[g]; i < chunk.offsets[g + 1]; i++) if (!bad[i]) keep.push(i);
    off[g + 1] = keep.length;
  }
  const pick = (a, C) => C.from(keep, (i) => a[i]);
  return {
    chunk: {
      promptIndex: chunk.promptIndex,
      offsets: off,
      scores: pick(chunk.scores, Float64Array),
      candidateIndex: pick(chunk.candidateIndex, Int32Array),
      rewards: chunk.rewards && pick(chunk.rewards, Float64Array)
    },
    values: pick(values, Float64Array)
  };
}
function pairsForChunk(engine2, chunk, opts) {
  const t = applyTransform(chunk.scores, chunk.offsets, opts.transform ?? "none", engine2, opts.std);
  let values = t.values;
  if (t.invalid.length > 0) ({ chunk, values } = dropInvalid(chunk, values, t.invalid));
  const offsets = chunk.offsets;
  const { pairs, report, noPair } = constructPairs(engine2, values, offsets, opts, chunk.promptIndex);
  const groupPairs = new Int32Array(offsets.length - 1);
  for (let i = 0; i < pairs.n; i++) groupPairs[pairs.group[i]]++;
  const n = pairs.n;
  const rows = {
    n,
    strategy: opts.strategy,
    group: pairs.group,
    promptIndex: new Int32Array(n),
    chosenIndex: new Int32Array(n),
    rejectedIndex: new Int32Array(n),
    chosenSlot: new Int32Array(n),
    rejectedSlot: new Int32Array(n),
    scoreChosen: new Float64Array(n),
    scoreRejected: new Float64Array(n),
    margin: new Float64Array(n),
    implicitMargin: chunk.rewards ? new Float64Array(n) : null,
    chosenPosition: pairs.chosenPosition,
    rejectedPosition: pairs.rejectedPosition
  };
  for (let i = 0; i < n; i++) {
    const g = pairs.group[i];
    const s = offsets[g];
    const c = s + pairs.chosen[i];
    const r2 = s + pairs.rejected[i];
    rows.promptIndex[i] = chunk.promptIndex[g];
    rows.chosenSlot[i] = pairs.chosen[i];
    rows.rejectedSlot[i] = pairs.rejected[i];
    rows.chosenIndex[i] = chunk.candidateIndex[c];
    rows.rejectedIndex[i] = chunk.candidateIndex[r2];
    rows.scoreChosen[i] = chunk.scores[c];
    rows.scoreRejected[i] = chunk.scores[r2];
    rows.margin[i] = chunk.scores[c] - chunk.scores[r2];
    if (rows.implicitMargin) rows.implicitMargin[i] = chunk.rewards[c] - chunk.rewards[r2];
  }
  return { rows, report, outOfRange: t.invalid.length, groupPairs, noPair };
}

// src/pipeline/candidates.ts
function chunkOfColumns(engine2, c, o = {}) {
  const groups = c.groups;
  const offsets = new Int32Array(groups + 1);
  let usable = 0;
  for (let i = 0; i < c.resp.n; i++) if (c.excl.a[i] === EX_NONE) usable++;
  const scores = new Float64Array(usable);
  const candidateIndex = new Int32Array(usable);
  let anyLogps = false;
  for (let g = 0; g < groups; g++) if (c.withLogps.a[g]) anyLogps = true;
  let tokens = 0;
  if (anyLogps) {
    for (let g = 0; g < groups; g++) {
      const base = c.lpBase.a[g];
      if (base < 0) continue;
      for (let i = c.off.a[g]; i < c.off.a[g + 1]; i++) {
        if (c.excl.a[i] !== EX_NONE) continue;
        const j = base + i - c.off.a[g];
        if (c.lpKind.a[j] === LP_SUM) tokens++;
        else if (c.lpKind.a[j] === LP_TOKENS) tokens += c.tokOff.a[j + 1] - c.tokOff.a[j];
      }
    }
  }
  const pol = anyLogps ? new Float64Array(tokens) : null;
  const ref = anyLogps ? new Float64Array(tokens) : null;
  const tokOff = anyLogps ? new Int32Array(usable + 1) : null;
  const missing = anyLogps ? new Uint8Array(usable) : null;
  let u = 0;
  let t = 0;
  for (let g = 0; g < groups; g++) {
    const s = c.off.a[g];
    const e = c.off.a[g + 1];
    const base = c.lpBase.a[g];
    for (let i = s; i < e; i++) {
      if (c.excl.a[i] !== EX_NONE) continue;
      scores[u] = c.score.a[i];
      candidateIndex[u] = i - s;
      if (anyLogps) {
        const j = base + i - s;
        const k = base < 0 ? -1 : c.lpKind.a[j];
        if (k === LP_SUM) {
          pol[t] = c.lpPol.a[j];
          ref[t] = c.lpRef.a[j];
          t++;
        } else if (k === LP_TOKENS) {
          for (let x = c.tokOff.a[j]; x < c.tokOff.a[j + 1]; x++) {
            pol[t] = c.tokPol.a[x];
            ref[t] = c.tokRef.a[x];
            t++;
          }
        } else missing[u] = 1;
        tokOff[u + 1] = t;
      }
      u++;
    }
    offsets[g + 1] = u;
  }
  let rewards;
  if (anyLogps) {
    rewards = engine2.implicitRewards(pol, ref, tokOff, { beta: o.beta ?? 1, reduce: o.reduce ?? "sum" });
    for (let i = 0; i < usable; i++) if (missing[i]) rewards[i] = Number.NaN;
  }
  return { promptIndex: c.index.values().slice(), offsets, scores, candidateIndex, rewards };
}
var PAIR_COLUMNS = {
  prompt: new Column("prompt"),
  chosen: new Column("chosen"),
  rejected: new Column("rejected"),
  scoreChosen: new Column("score_chosen"),
  scoreRejected: new Column("score_rejected"),
  margin: new Column("margin"),
  promptIndex: new Column("prompt_index"),
  chosenIndex: new Column("chosen_index"),
  rejectedIndex: new Column("rejected_index"),
  strategy: new Column("strategy"),
  chosenPosition: new Column("chosen_position"),
  rejectedPosition: new Column("rejected_position"),
  implicitMargin: new Column("implicit_margin")
};
function pairSchema(conversational, implicit, extra = []) {
  const t = conversational ? "messages" : "string";
  return [
    { name: "prompt", type: t, nullable: false },
    { name: "chosen", type: t, nullable: false },
    { name: "rejected", type: t, nullable: false },
    { name: "score_chosen", type: "double" },
    { name: "score_rejected", type: "double" },
    { name: "margin", type: "double" },
    { name: "prompt_index", type: "int" },
    { name: "chosen_index", type: "int" },
    { name: "rejected_index", type: "int" },
    { name: "strategy", type: "string" },
    { name: "chosen_position", type: "string" },
    { name: "rejected_position", type: "string" },
    ...implicit ? [{ name: "implicit_margin", type: "double" }] : [],
    ...extra
  ];
}
function writePairColumns(b, src, i, conversational, implicit) {
  const { batch, columns: c, pairs } = src;
  const r2 = pairs.rows;
  const g = r2.group[i];
  const base = c.off.a[g];
  const form = conversational ? FORM_MESSAGES : FORM_STRING;
  const C = PAIR_COLUMNS;
  b.begin();
  b.key(C.prompt);
  b.cell(c.cells, c.prompt.a[g], batch.buf, "prompt", form);
  b.key(C.chosen);
  b.cell(c.cells, c.resp.a[base + r2.chosenIndex[i]], batch.buf, "response", form);
  b.key(C.rejected);
  b.cell(c.cells, c.resp.a[base + r2.rejectedIndex[i]], batch.buf, "response", form);
  const ci = base + r2.chosenIndex[i];
  const ri = base + r2.rejectedIndex[i];
  b.key(C.scoreChosen);
  if (c.scoreS.a[ci] >= 0) b.span(batch.buf, c.scoreS.a[ci], c.scoreE.a[ci], false);
  else b.num(r2.scoreChosen[i]);
  b.key(C.scoreRejected);
  if (c.scoreS.a[ri] >= 0) b.span(batch.buf, c.scoreS.a[ri], c.scoreE.a[ri], false);
  else b.num(r2.scoreRejected[i]);
  b.key(C.margin);
  b.num(r2.margin[i]);
  b.key(C.promptIndex);
  b.int(r2.promptIndex[i]);
  b.key(C.chosenIndex);
  b.int(r2.chosenIndex[i]);
  b.key(C.rejectedIndex);
  b.int(r2.rejectedIndex[i]);
  b.key(C.strategy);
  b.str(r2.strategy);
  b.key(C.chosenPosition);
  const cp = r2.chosenPosition[i];
  if (cp) b.str(cp);
  else b.null();
  b.key(C.rejectedPosition);
  const rp = r2.rejectedPosition[i];
  if (rp) b.str(rp);
  else b.null();
  if (implicit) {
    b.key(C.implicitMargin);
    b.num(r2.implicitMargin && c.withLogps.a[g] ? r2.implicitMargin[i] : Number.NaN);
  }
}

// src/pipeline/report-json.ts
function constructReportJson(r2) {
  return {
    prompts: r2.prompts,
    prompts_with_pair: r2.promptsWithPair,
    pairs: r2.pairs,
    prompts_without_pair: r2.promptsWithoutPair,
    pairs_dropped: r2.pairsDropped,
    fallback_used: r2.fallbackUsed,
    small_prompts: r2.smallPrompts,
    rejected_not_min: r2.rejectedNotMin,
    rejected_z_mean: r2.pairs > 0 ? r2.rejectedZSum / r2.pairs : null
  };
}

// src/io/bytes.ts
var enc = new TextEncoder();
var ByteSink = class {
  buf;
  pos = 0;
  constructor(capacity = 1 << 16) {
    this.buf = new Uint8Array(capacity);
  }
  ensure(n) {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  /** Copies src[s, e). */
  bytes(src, s, e) {
    const n = e - s;
    this.ensure(n);
    if (n <= 32) {
      const b = this.buf;
      let p = this.pos;
      for (let i = s; i < e; i++) b[p++] = src[i];
      this.pos = p;
      return;
    }
    this.buf.set(src.subarray(s, e), this.pos);
    this.pos += n;
  }
  /** Appends an ASCII string (keys, numbers, literals): short ones byte by byte, long ones in one native encode. */
  ascii(str) {
    const n = str.length;
    this.ensure(n);
    if (n <= 64) {
      const b = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) b[p++] = str.charCodeAt(i);
      this.pos = p;
      return;
    }
    this.pos += enc.encodeInto(str, this.buf.subarray(this.pos)).written;
  }
  /** Appends a safe integer in decimal (no string built). */
  int(x) {
    if (x < 0 || x > 4294967295 || x !== Math.floor(x)) {
      this.ascii(String(x));
      return;
    }
    let digits = 1;
    for (let t = x; t >= 10; t = Math.floor(t / 10)) digits++;
    this.ensure(digits);
    const b = this.buf;
    let p = this.pos + digits;
    this.pos = p;
    let v = x;
    do {
      const q = Math.floor(v / 10);
      b[--p] = 48 + (v - q * 10);
      v = q;
    } while (v > 0);
  }
  /** Appends a JSON number (non-finite values as null, as JSON.stringify does). */
  number(x) {
    if (Number.isFinite(x)) this.ascii(String(x));
    else this.ascii("null");
  }
  /** Appends any string as UTF-8. */
  text(str) {
    this.ensure(str.length * 3);
    const r2 = enc.encodeInto(str, this.buf.subarray(this.pos));
    this.pos += r2.written;
  }
  /** The bytes written so far, as a view valid until the next write, and a reset. */
  take() {
    const out2 = this.buf.subarray(0, this.pos);
    this.pos = 0;
    return out2;
  }
};

// src/pipeline/emit.ts
var RowEmitter = class {
  constructor(sink) {
    this.sink = sink;
    if (sink.kind === "jsonl") {
      this.bytes = new ByteSink(1 << 20);
      this.builder = new JsonlRowBuilder(this.bytes);
    } else {
      this.objects = new ObjectRowBuilder();
      this.builder = this.objects;
    }
  }
  sink;
  builder;
  bytes;
  objects;
  announced = false;
  /** Rows written so far. */
  rows = 0;
  /** Tells a typed sink its columns (once; before any flush with rows). */
  async columns(cols) {
    if (this.announced) return;
    this.announced = true;
    await this.sink.columns?.(cols);
  }
  /** Counts one row built through `builder` (call after builder.end()). */
  row() {
    this.rows++;
  }
  /** Hands the rows built since the last flush to the sink. */
  async flush() {
    if (this.bytes) {
      const b = this.bytes.take();
      if (b.length > 0) await this.sink.writeBytes(b);
    } else {
      const r2 = this.objects.take();
      if (r2.length > 0) await this.sink.writeRows(r2);
    }
  }
};

// src/io/detect.ts
function detectFormat(rec, fields = {}) {
  const has = (path) => getPath(rec, splitPath(path)) !== void 0;
  if (has("all_generated_responses") && fields.chosen === void 0) {
    return { format: "onpolicy", reason: "the first record has 'all_generated_responses'" };
  }
  const comps = own(rec, "completions");
  if (has("instruction") && Array.isArray(comps) && comps.some((c) => c !== null && typeof c === "object" && "response" in c)) {
    return { format: "ultrafeedback", reason: "the first record has 'instruction' and 'completions[].response'" };
  }
  if (fields.responses !== void 0 || fields.scores !== void 0) {
    return { format: "candidates", reason: "a --responses-field/--scores-field override was given" };
  }
  if (has("responses")) return { format: "candidates", reason: "the first record has 'responses'" };
  const cp = fields.chosen ?? "chosen";
  const rp = fields.rejected ?? "rejected";
  if (has(cp) && has(rp)) {
    const c = getPath(rec, splitPath(cp));
    const pp = fields.prompt ?? "prompt";
    if (!has(pp) && typeof c === "string" && /^\s*\n?\n?Human:/.test(c)) {
      return { format: "hh-rlhf", reason: `the first record has '${cp}'/'${rp}' dialogues starting with "Human:" and no '${pp}'` };
    }
    return { format: "pairs", reason: `the first record has '${cp}' and '${rp}'` };
  }
  return void 0;
}

// src/io/reader.ts
function isResident2(s) {
  return "type" in s && s.type === Uint8Array;
}
async function* readBatches(source, engine2, o) {
  const framer = new Framer({
    alloc: engine2.alloc ? (n) => engine2.alloc(Uint8Array, n) : void 0,
    mode: o.framing ?? "jsonl",
    maxRecordBytes: o.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    indexOf: o.indexOf,
    batchBytes: o.batchBytes
  });
  const batch = new RecordBatch(o.file, o.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES);
  const maxDepth = o.maxDepth ?? DEFAULT_MAX_DEPTH;
  const index = (b) => {
    o.onBytes?.(b.bytes);
    batch.set(b);
    engine2.indexRecords(isResident2(b.store) ? b.store : b.store.view(), b.start, b.end, batch.index, { maxDepth });
    return batch;
  };
  try {
    for await (const chunk of source) {
      framer.push(chunk);
      for (let b = framer.take(); b; b = framer.take()) yield index(b);
    }
    framer.end();
    for (let b = framer.take(true); b; b = framer.take(true)) yield index(b);
  } finally {
    framer.free();
  }
}

// src/pipeline/job.ts
var FormatDetectionError = class extends Error {
  constructor(file, line, keys) {
    super(
      `${file}:${line}: cannot detect the input format from the first record (keys: ${keys.slice(0, 12).join(", ") || "none"}); pass --format candidates|onpolicy|ultrafeedback|pairs|hh-rlhf, or field overrides`
    );
    this.name = "FormatDetectionError";
  }
};
var Job = class {
  constructor(engine2, input2, settings, hooks = {}) {
    this.engine = engine2;
    this.input = input2;
    this.settings = settings;
    this.hooks = hooks;
    if (settings.format !== "auto") this.fmt = settings.format;
  }
  engine;
  input;
  settings;
  hooks;
  tally = new Tally();
  fmt;
  detection;
  candidates;
  pairAdapter;
  /** The format in use (undefined while `auto` has seen no object record). */
  get format() {
    return this.fmt;
  }
  get detected() {
    return this.detection;
  }
  /** Input bytes consumed by the current pass. */
  bytesRead = 0;
  /** The raw batches of one pass (indexed, not adapted): for row commands that decode their records. */
  batches() {
    this.bytesRead = 0;
    return readBatches(this.input.open(), this.engine, {
      file: this.input.name,
      framing: this.input.framing,
      maxRecordBytes: this.settings.maxRecordBytes,
      maxDepth: this.settings.maxDepth,
      indexOf: this.hooks.indexOf,
      onBytes: (n) => {
        this.bytesRead += n;
      }
    });
  }
  /**
   * One pass: every batch adapted to the input's format. With `count` (the first pass) the tally counts every record
   * and rejects go to the hooks (and throw BadRecordError under --on-error fail); a second pass counts nothing.
   */
  async *pass(count2 = true) {
    const tally = count2 ? this.tally : new Tally();
    let records = 0;
    for await (const batch of this.batches()) {
      if (this.fmt === void 0) this.detect(batch);
      let rejects;
      let out2;
      if (this.fmt === void 0) {
        rejects = [];
        for (let r2 = 0; r2 < batch.n; r2++) {
          tally.read();
          const rej2 = batch.statusReject(r2);
          tally.reject(rej2.reason);
          rejects.push(rej2);
        }
        for (const l of batch.largeRejects()) {
          tally.read();
          tally.reject("too_large");
          rejects.push(l);
        }
        rejects.sort((a, b) => a.index - b.index);
      } else if (this.fmt === "pairs" || this.fmt === "hh-rlhf") {
        const a = this.pairAdapter ??= new PairAdapter(this.fmt, this.settings);
        const res = a.adapt(batch, tally);
        rejects = res.rejects;
        out2 = { kind: "pairs", batch, columns: res.columns };
      } else {
        const a = this.candidates ??= new CandidateAdapter(this.fmt, this.settings);
        const res = a.adapt(batch, tally);
        rejects = res.rejects;
        out2 = { kind: "candidates", batch, columns: res.columns };
      }
      records += batch.n + batch.large.length;
      if (count2) {
        if (rejects.length > 0) {
          if (this.settings.onError === "fail") throw new BadRecordError(rejects[0]);
          await this.hooks.rejects?.(rejects);
        }
        this.hooks.progress?.(this.bytesRead, records);
      }
      if (out2) yield out2;
    }
  }
  detect(batch) {
    for (let r2 = 0; r2 < batch.n; r2++) {
      if (batch.index.status[r2] !== JSON_REC_OK) continue;
      const rec = batch.decode(batch.start[r2], batch.end[r2]);
      const d = detectFormat(rec, this.settings.fields);
      if (!d) throw new FormatDetectionError(this.input.name, batch.line[r2], Object.keys(rec));
      this.fmt = d.format;
      this.detection = d;
      this.hooks.detected?.(d);
      return;
    }
  }
};

// src/pipeline/errors.ts
var UsageError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "UsageError";
  }
};

// src/pipeline/weights.ts
var GapAccumulator = class {
  sum = 0;
  count = 0;
  missing = 0;
  negative = 0;
  add(g) {
    if (!Number.isFinite(g)) {
      this.missing++;
      return;
    }
    if (g < 0) this.negative++;
    this.sum += Math.max(g, 0);
    this.count++;
  }
  report() {
    return { meanGap: this.count > 0 ? this.sum / this.count : Number.NaN, missing: this.missing, negative: this.negative };
  }
};
function gapWeight(g, meanGap) {
  if (!Number.isFinite(g)) return Number.NaN;
  if (!(meanGap > 0)) return 1;
  return Math.max(g, 0) / meanGap;
}

// src/pipeline/run-pairs.ts
var WEIGHT = new Column("weight");
function needCandidates(input2, format) {
  return new UsageError(`${input2}: this input holds pairs (format ${format}); pair construction needs candidate sets (formats candidates, onpolicy, ultrafeedback)`);
}
async function runPairs(engine2, input2, read, o, sink, hooks = {}) {
  const job = new Job(engine2, input2, read, hooks);
  const report = emptyReport();
  let meanGap = Number.NaN;
  let weightReport;
  if (o.weights) {
    const acc = new GapAccumulator();
    for await (const a of job.pass(true)) {
      if (a.kind !== "candidates") throw needCandidates(input2.name, job.format);
      const res = pairsForChunk(engine2, chunkOfColumns(engine2, a.columns, o), o);
      count(job.tally, res);
      mergeReport(report, res.report);
      for (let i = 0; i < res.rows.n; i++) acc.add(res.rows.scoreChosen[i] - res.rows.scoreRejected[i]);
    }
    const w = acc.report();
    meanGap = w.meanGap;
    weightReport = { mean_gap: Number.isFinite(w.meanGap) ? w.meanGap : null, missing: w.missing, negative: w.negative };
  }
  const emitter = new RowEmitter(sink);
  let conversational;
  let implicit = false;
  for await (const a of job.pass(!o.weights)) {
    if (a.kind !== "candidates") throw needCandidates(input2.name, job.format);
    const c = a.columns;
    if (c.groups === 0) continue;
    const res = pairsForChunk(engine2, chunkOfColumns(engine2, c, o), o);
    if (!o.weights) {
      count(job.tally, res);
      mergeReport(report, res.report);
    }
    if (conversational === void 0) {
      conversational = c.conversational.a[0] === 1;
      for (let g = 0; g < c.groups; g++) if (c.withLogps.a[g]) implicit = true;
      await emitter.columns(pairSchema(conversational, implicit, o.weights ? [{ name: "weight", type: "double" }] : []));
    }
    const src = { batch: a.batch, columns: c, pairs: res };
    const b = emitter.builder;
    for (let i = 0; i < res.rows.n; i++) {
      writePairColumns(b, src, i, conversational, implicit);
      if (o.weights) {
        b.key(WEIGHT);
        b.num(gapWeight(res.rows.scoreChosen[i] - res.rows.scoreRejected[i], meanGap));
      }
      b.end();
      emitter.row();
    }
    await emitter.flush();
  }
  if (conversational === void 0) await emitter.columns(pairSchema(false, false, o.weights ? [{ name: "weight", type: "double" }] : []));
  return {
    tally: job.tally,
    format: job.format ?? null,
    detected: job.detected,
    report: { ...constructReportJson(report), ...weightReport ? { weights: weightReport } : {} }
  };
}
function count(tally, res) {
  if (res.outOfRange > 0) tally.exclude("score_out_of_range", res.outOfRange);
  for (let g = 0; g < res.groupPairs.length; g++) {
    const k = res.groupPairs[g];
    if (k > 0) tally.written(k, k);
    else tally.noPairFor(res.noPair[g] ?? "no_pair");
  }
}

// src/io/node/source.ts
import { closeSync, createReadStream, createWriteStream, fstatSync, openSync, readSync, rmSync as rmSync2, statSync } from "node:fs";
import { join as join2, resolve } from "node:path";
import { createGunzip } from "node:zlib";

// src/io/node/temp.ts
import { readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
var live = /* @__PURE__ */ new Set();
function registerTemp(path) {
  live.add(path);
}
function unregisterTemp(path) {
  live.delete(path);
}
var MARK = ".pairsmith-tmp-";
function tempPathFor(target2) {
  return `${target2}${MARK}${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}
function alive(pid) {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}
function removeStaleTemps(target2) {
  const dir = dirname(target2);
  const prefix = `${basename(target2)}${MARK}`;
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || alive(pid)) continue;
    const p = join(dir, name);
    try {
      rmSync(p, { force: true });
      removed.push(p);
    } catch {
    }
  }
  return removed;
}

// src/io/node/source.ts
var InputError = class extends Error {
  constructor(file, message, options) {
    super(`${file}: ${message}`, options);
    this.file = file;
    this.name = "InputError";
  }
  file;
};
function inputKind(path) {
  if (path === "-") return "sniff";
  const p = path.toLowerCase().replace(/\.gz$/, "");
  if (p.endsWith(".parquet")) return "parquet";
  if (p.endsWith(".json")) return "sniff";
  return "jsonl";
}
var nodeIndexOf = (buf, byte, from) => Buffer.prototype.indexOf.call(buf, byte, from);
var READ_CHUNK = 1 << 20;
function isGzipAt(path) {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    if (n >= 4 && head.toString("latin1", 0, 4) === "PAR1") throw new InputError(path, "this is a Parquet file: give it a .parquet name");
    return n >= 2 && head[0] === 31 && head[1] === 139;
  } finally {
    closeSync(fd);
  }
}
async function* plainChunks(path) {
  const fd = openSync(path, "r");
  const buf = Buffer.allocUnsafe(READ_CHUNK);
  try {
    for (; ; ) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}
async function* gunzip(src, name) {
  const gz = createGunzip();
  src.on("error", (e) => gz.destroy(e));
  src.pipe(gz);
  try {
    for await (const c of gz) yield c;
  } catch (e) {
    const msg = e.code === "Z_BUF_ERROR" || /unexpected end/i.test(e.message) ? "the gzip stream is truncated" : `cannot decompress: ${e.message}`;
    throw new InputError(name, msg, { cause: e });
  }
}
function fileInput(path, cwd) {
  const full = resolve(cwd ?? process.cwd(), path);
  let size;
  try {
    const st = statSync(full);
    if (st.isDirectory()) throw new InputError(path, "is a directory");
    size = st.isFile() ? st.size : void 0;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = e.code;
    throw new InputError(path, code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : e.message, { cause: e });
  }
  const kind = inputKind(path);
  if (kind === "parquet") {
    return {
      name: path,
      path: full,
      framing: "jsonl",
      size,
      open: () => parquetLines(full, path),
      close() {
      }
    };
  }
  return {
    name: path,
    path: full,
    framing: kind === "sniff" ? "sniff" : "jsonl",
    size,
    async *open() {
      let gz;
      try {
        gz = isGzipAt(full);
      } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError(path, e.message, { cause: e });
      }
      if (gz) yield* gunzip(createReadStream(full, { highWaterMark: READ_CHUNK }), path);
      else {
        try {
          yield* plainChunks(full);
        } catch (e) {
          throw new InputError(path, `read failed: ${e.message}`, { cause: e });
        }
      }
    },
    close() {
    }
  };
}
function cellJson(v) {
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  if (typeof v === "bigint") return v.toString();
  if (v === null || v === void 0) return "null";
  if (typeof v === "string" || typeof v === "boolean") return JSON.stringify(v);
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (ArrayBuffer.isView(v)) return JSON.stringify(Array.from(v));
  if (Array.isArray(v)) return `[${v.map(cellJson).join(",")}]`;
  return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${cellJson(v[k])}`).join(",")}}`;
}
async function* parquetLines(full, shown) {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import("hyparquet");
  const { compressors } = await import("hyparquet-compressors");
  let file;
  let metadata;
  try {
    file = await asyncBufferFromFile(full);
    metadata = await parquetMetadataAsync(file);
  } catch (e) {
    throw new InputError(shown, `cannot read Parquet: ${e.message}`, { cause: e });
  }
  const enc2 = new TextEncoder();
  let rowStart = 0;
  for (const rg of metadata.row_groups) {
    const n = Number(rg.num_rows);
    let rows;
    try {
      rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd: rowStart + n, compressors });
    } catch (e) {
      throw new InputError(shown, `cannot read Parquet rows ${rowStart + 1}-${rowStart + n}: ${e.message}`, { cause: e });
    }
    let text = "";
    for (const r2 of rows) {
      text += `${cellJson(r2)}
`;
      if (text.length > 1 << 20) {
        yield enc2.encode(text);
        text = "";
      }
    }
    if (text) yield enc2.encode(text);
    rowStart += n;
  }
}

// src/io/node/output.ts
import { closeSync as closeSync2, lstatSync, mkdirSync, openSync as openSync2, realpathSync, renameSync, rmSync as rmSync3, statSync as statSync2, writeSync } from "node:fs";
import { dirname as dirname2, resolve as resolve2 } from "node:path";
import { gzipSync } from "node:zlib";
function outputKind(path) {
  if (path === "-") return "jsonl";
  const p = path.toLowerCase();
  if (p.endsWith(".parquet")) return "parquet";
  if (p.endsWith(".jsonl.gz") || p.endsWith(".json.gz") || p.endsWith(".ndjson.gz")) return "jsonl.gz";
  if (p.endsWith(".jsonl") || p.endsWith(".json") || p.endsWith(".ndjson")) return "jsonl";
  if (p.endsWith(".gz")) return "jsonl.gz";
  return void 0;
}
var WHY = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EPIPE: "the reading end was closed",
  EROFS: "read-only file system",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EIO: "input/output error",
  ENOENT: "no such directory",
  ENOTDIR: "a parent is not a directory",
  EISDIR: "is a directory",
  EFBIG: "file too large"
};
var OutputError = class extends Error {
  constructor(path, code, cause) {
    super(`cannot write ${path === "-" ? "standard output" : path}: ${WHY[code] ?? code}`, { cause });
    this.path = path;
    this.code = code;
    this.name = "OutputError";
  }
  path;
  code;
};
function asOutputError(path, e) {
  if (e instanceof OutputError) return e;
  const code = e.code ?? (e instanceof Error ? e.message : String(e));
  return new OutputError(path, code, e);
}
var GZIP_BLOCK = 1 << 20;
function target(full) {
  let file = full;
  try {
    if (lstatSync(full).isSymbolicLink()) file = realpathSync(full);
  } catch {
    try {
      file = realpathSync(dirname2(full)) + full.slice(dirname2(full).length);
    } catch {
      file = full;
    }
  }
  try {
    const st = statSync2(file);
    if (st.isDirectory()) throw new OutputError(full, "EISDIR");
    if (st.isCharacterDevice() || st.isFIFO() || st.isSocket() || st.isBlockDevice()) return { file, stream: true };
  } catch (e) {
    if (e instanceof OutputError) throw e;
  }
  return { file, stream: false };
}
async function openFileOutput(path, o = {}) {
  const kind = o.kind ?? outputKind(path) ?? "jsonl";
  if (path === "-") {
    if (!o.stdout) throw new Error("pairsmith: no standard output available for -");
    const out2 = o.stdout;
    if (kind === "parquet") throw new OutputError("-", "Parquet cannot be written to standard output (it needs a file)");
    return {
      path,
      kind: "jsonl",
      sink: {
        kind: "jsonl",
        async writeBytes(b) {
          try {
            await out2(b);
          } catch (e) {
            throw asOutputError("-", e);
          }
        }
      },
      async commit() {
      },
      abort() {
      }
    };
  }
  const full = resolve2(o.cwd ?? process.cwd(), path);
  const t = target(full);
  let fd;
  let tmp;
  try {
    if (t.stream) fd = openSync2(t.file, "w");
    else {
      mkdirSync(dirname2(t.file), { recursive: true });
      const stale = removeStaleTemps(t.file);
      if (stale.length) o.onStale?.(stale);
      tmp = tempPathFor(t.file);
      fd = openSync2(tmp, "wx", 438);
      registerTemp(tmp);
    }
  } catch (e) {
    throw asOutputError(path, e);
  }
  let open = true;
  const put = (b) => {
    try {
      let off = 0;
      while (off < b.length) off += writeSync(fd, b, off, b.length - off);
    } catch (e) {
      throw asOutputError(path, e);
    }
  };
  const close = () => {
    if (!open) return;
    open = false;
    try {
      closeSync2(fd);
    } catch {
    }
  };
  const discard = () => {
    close();
    if (tmp) {
      rmSync3(tmp, { force: true });
      unregisterTemp(tmp);
    }
  };
  const finish = (flush) => {
    try {
      flush();
      if (open) {
        open = false;
        closeSync2(fd);
      }
      if (tmp) {
        renameSync(tmp, t.file);
        unregisterTemp(tmp);
        tmp = void 0;
      }
    } catch (e) {
      discard();
      throw asOutputError(path, e);
    }
  };
  if (kind === "parquet") {
    let pq;
    const sink = {
      kind: "objects",
      async columns(cols) {
        const { ParquetRows: ParquetRows2 } = await Promise.resolve().then(() => (init_parquet_write(), parquet_write_exports));
        pq = new ParquetRows2(cols, put, 1e4, o.metadata);
      },
      writeRows(rows) {
        if (!pq) throw new Error("pairsmith: internal error: Parquet rows before their columns");
        try {
          pq.write(rows);
        } catch (e) {
          throw asOutputError(path, e);
        }
      }
    };
    return {
      path,
      kind,
      sink,
      async commit() {
        if (!pq) await sink.columns([]);
        finish(() => pq.finish());
      },
      abort: discard
    };
  }
  if (kind === "jsonl.gz") {
    let pending = [];
    let size = 0;
    let members = 0;
    const flush = () => {
      members++;
      const all = new Uint8Array(size);
      let at = 0;
      for (const p of pending) {
        all.set(p, at);
        at += p.length;
      }
      pending = [];
      size = 0;
      put(gzipSync(all));
    };
    return {
      path,
      kind,
      sink: {
        kind: "jsonl",
        writeBytes(b) {
          pending.push(b.slice());
          size += b.length;
          if (size >= GZIP_BLOCK) flush();
        }
      },
      async commit() {
        finish(() => {
          if (size > 0 || members === 0) flush();
        });
      },
      abort: discard
    };
  }
  return {
    path,
    kind,
    sink: { kind: "jsonl", writeBytes: put },
    async commit() {
      finish(() => {
      });
    },
    abort: discard
  };
}

// ../../tmp/tpairs.ts
var backend = process.argv[4] ?? "wasm-simd";
var engine = createEngineSync({ backend, bytes: readFileSync("/work/main/build/simd.wasm") });
var t0 = performance.now();
var input = fileInput(process.argv[2]);
var out = await openFileOutput(process.argv[3], {});
var rej = 0;
var r = await runPairs(pipelineEngine(engine), input, { format: "auto", fields: {}, score: "overall", onError: "skip" }, { strategy: "sweet-spot" }, out.sink, { indexOf: nodeIndexOf, rejects: (rs) => {
  rej += rs.length;
}, detected: (d) => console.error("detected", d.format) });
await out.commit();
console.error(`read ${r.tally.recordsRead} written ${r.tally.recordsWritten} rej ${rej} ${(performance.now() - t0).toFixed(0)} ms`, JSON.stringify(r.report));
