// The contract with the WASM module, read from the module itself. AssemblyScript exports its enums (status codes,
// loss codes, position kinds, the slots of argument blocks) as `Enum.MEMBER` globals; the bindings look every number
// up here by name when an engine is built, so no number of the ABI is written down on this side. Whatever does not
// match (a name the module lacks, a member no binding knows, two names with one code, a missing function, a block
// larger than the argument area) is collected and raised as one AbiError (test/wasm/abi.test.ts).

/**
 * The raw exports every engine needs. Kernel families declare their own functions in their binding (Abi.functions);
 * pointers and counts are plain numbers (usize = u32 in wasm32).
 */
export interface RawExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  simdEnabled(): number;
  /** The static argument area of the argument blocks (assembly/util/args.ts). */
  argsArea(): number;
  // The rpca family's (not yet declared in its bindings, src/kernels/linalg.ts and rpca.ts).
  gemmF64(transA: number, transB: number, m: number, n: number, k: number, aPtr: number, bPtr: number, beta: number, cPtr: number): number;
  svdF64(m: number, n: number, aPtr: number, uPtr: number, sPtr: number, vtPtr: number, workPtr: number): number;
  rpcaF64(count: number, dimsPtr: number, dataPtr: number, maskPtr: number, lambdasPtr: number, method: number, rank: number, tol: number, maxIter: number, svdMode: number, over: number, power: number, seed: number, lPtr: number, sPtr: number, statsPtr: number, workPtr: number, workLen: number, paramsPtr: number): number;
  indexRecords(params: number): number;
  [name: string]: unknown;
}

/** The module does not implement the contract the bindings expect; the message lists every mismatch. */
export class AbiError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`pairsmith: the WASM module does not match the bindings: ${problems.join('; ')}`);
    this.name = 'AbiError';
  }
}

/**
 * A kernel call failed: a non-zero status from WASM (`code` is its Status name, e.g. E_INVALID, `status` the number)
 * or a contract broken before any kernel ran (`status` undefined, e.g. E_FOREIGN_BUFFER).
 */
export class KernelError extends Error {
  constructor(
    kernel: string,
    readonly code: string,
    detail?: string,
    readonly status?: number,
  ) {
    super(`${kernel}: ${code}${detail ? `: ${detail}` : ''}`);
    this.name = 'KernelError';
  }
}

/**
 * @deprecated The rpca family's status check until its bindings call WasmContext.check (which names every code from
 * the module): success is Status.S_OK, which the ABI test pins to 0; other codes are named by number.
 */
export function check(kernel: string, status: number, detail?: string): void {
  if (status !== 0) throw new KernelError(kernel, `status ${status}`, detail, status);
}

/** The module's member name of a binding-side name: 'ml-rdpo' -> ML_RDPO, 'policyChosen' -> POLICY_CHOSEN. */
export function memberName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-.]/g, '_').toUpperCase();
}

/**
 * The members of an exported enum as name -> value, or undefined when the module has none. Both shapes of the
 * exports are read: nested (`exports.Loss.SIGMOID`, as @assemblyscript/loader demangles them) and flat
 * (`exports['Loss.SIGMOID']`, as WebAssembly.Instance has them).
 */
export function enumMembers(raw: Record<string, unknown>, enumName: string): Map<string, number> | undefined {
  const out = new Map<string, number>();
  const nested = raw[enumName];
  if (nested !== null && typeof nested === 'object') {
    for (const [k, v] of Object.entries(nested)) if (v instanceof WebAssembly.Global) out.set(k, Number(v.value));
  }
  const prefix = `${enumName}.`;
  for (const [k, v] of Object.entries(raw)) {
    if (k.startsWith(prefix) && v instanceof WebAssembly.Global) out.set(k.slice(prefix.length), Number(v.value));
  }
  return out.size > 0 ? out : undefined;
}

/**
 * An argument block: named 8-byte slots in the module's argument area, one per field of F, written before a call
 * and read back for in/out slots. The view is re-derived whenever memory growth has detached it.
 */
export class ArgBlock<F extends string> {
  private view: Float64Array | undefined;
  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly ptr: number,
    private readonly capacity: number,
    private readonly slots: readonly (readonly [F, number])[],
  ) {}

  private area(): Float64Array {
    let v = this.view;
    if (v === undefined || v.buffer !== this.memory.buffer) v = this.view = new Float64Array(this.memory.buffer, this.ptr, this.capacity);
    return v;
  }

  /** Writes every field (pointers, counts, codes and options as numbers) and returns the block's address. */
  write(values: Readonly<Record<F, number>>): number {
    const v = this.area();
    for (const [field, slot] of this.slots) v[slot] = values[field];
    return this.ptr;
  }

  /** A slot's value after the call (in/out slots). */
  read(field: F): number {
    const slot = this.slots.find(([f]) => f === field)![1];
    return this.area()[slot]!;
  }
}

/** The module's side of the contract, checked name by name as the bindings ask for it (problems are collected). */
export class Abi {
  readonly problems: string[] = [];
  private statuses: Map<number, string> | undefined;

  constructor(readonly raw: RawExports) {}

  /**
   * The codes of `names` in the exported enum `enumName` (member = memberName(name)). Problems: the enum or a member
   * is missing, the module has a member no name maps to, two members share a value.
   */
  codes<N extends string>(enumName: string, names: readonly N[]): Record<N, number> {
    const out = {} as Record<N, number>;
    const members = this.members(enumName);
    if (members === undefined) return out;
    for (const name of names) {
      const v = members.get(memberName(name));
      if (v === undefined) this.problem(`${enumName} has no member ${memberName(name)} for '${name}'`);
      else out[name] = v;
    }
    const known = new Set(names.map(memberName));
    for (const m of members.keys()) if (!known.has(m)) this.problem(`${enumName}.${m} is not known to the binding`);
    this.distinct(enumName, members);
    return out;
  }

  /** The exported functions named in `names` (every key of T), each checked to be present. */
  functions<T>(names: Readonly<Record<keyof T & string, true>>): T {
    for (const name of Object.keys(names)) {
      if (typeof this.raw[name] !== 'function') this.problem(`the module does not export the function ${name}`);
    }
    return this.raw as unknown as T;
  }

  /**
   * The argument block of the enum `enumName`, whose members are the fields (memberName) plus SLOTS, the count:
   * every field must have a slot, every slot a field, slots must be 0 .. SLOTS-1 once each and fit the area.
   */
  block<F extends string>(enumName: string, fields: readonly F[]): ArgBlock<F> {
    const capacity = this.global('ARGS_SLOTS') ?? 0;
    const area = typeof this.raw.argsArea === 'function' ? this.raw.argsArea() : 0;
    if (area === 0) this.problem('the module does not export argsArea');
    const slots: [F, number][] = [];
    const members = this.members(enumName);
    if (members !== undefined) {
      for (const f of fields) {
        const s = members.get(memberName(f));
        if (s === undefined) this.problem(`${enumName} has no slot ${memberName(f)} for '${f}'`);
        else slots.push([f, s]);
      }
      const known = new Set([...fields.map(memberName), 'SLOTS']);
      for (const m of members.keys()) if (!known.has(m)) this.problem(`${enumName}.${m} is not written by the binding`);
      const count = members.get('SLOTS');
      if (count === undefined) this.problem(`${enumName} has no SLOTS member`);
      else {
        const used = new Set(slots.map(([, s]) => s));
        if (used.size !== slots.length || slots.some(([, s]) => !(s >= 0 && s < count)) || count !== fields.length) {
          this.problem(`${enumName}: slots must be 0..${count - 1}, one per field (${fields.length} fields)`);
        }
        if (count > capacity) this.problem(`${enumName} needs ${count} slots, the argument area has ${capacity}`);
      }
    }
    return new ArgBlock(this.raw.memory, area, capacity, slots);
  }

  /** Checks the Status enum the bindings name their errors from (its S_OK is what check() compares with). */
  status(): void {
    const m = this.members('Status');
    if (m !== undefined && !m.has('S_OK')) this.problem('Status has no member S_OK');
    if (m !== undefined) this.distinct('Status', m);
  }

  /** The name of a status code from the module's Status enum (E_UNKNOWN(n) for a code it does not have). */
  statusName(status: number): string {
    this.statuses ??= new Map([...(enumMembers(this.raw, 'Status') ?? [])].map(([k, v]) => [v, k]));
    return this.statuses.get(status) ?? `E_UNKNOWN(${status})`;
  }

  /** Status.S_OK of the module. */
  get ok(): number {
    const v = enumMembers(this.raw, 'Status')?.get('S_OK');
    if (v === undefined) throw new AbiError(['Status has no member S_OK']);
    return v;
  }

  /** Throws an AbiError listing every problem found so far. */
  assertOk(): void {
    if (this.problems.length > 0) throw new AbiError(this.problems);
  }

  private problem(p: string): void {
    if (!this.problems.includes(p)) this.problems.push(p);
  }

  private members(enumName: string): Map<string, number> | undefined {
    const m = enumMembers(this.raw, enumName);
    if (m === undefined) this.problem(`the module does not export the enum ${enumName}`);
    return m;
  }

  private distinct(enumName: string, members: Map<string, number>): void {
    const seen = new Map<number, string>();
    for (const [k, v] of members) {
      const other = seen.get(v);
      if (other !== undefined) this.problem(`${enumName}.${other} and ${enumName}.${k} share the code ${v}`);
      seen.set(v, k);
    }
  }

  private global(name: string): number | undefined {
    const g = this.raw[name];
    if (g instanceof WebAssembly.Global) return Number(g.value);
    this.problem(`the module does not export ${name}`);
    return undefined;
  }
}
