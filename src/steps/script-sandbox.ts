import {
  type CustomizeVariantOptions,
  newQuickJSWASMModule,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  RELEASE_SYNC,
} from 'quickjs-emscripten';
import { RUNNER, USER_FILE } from './script-runner.js';

/**
 * The sandbox's own stack limit. QuickJS runs on the host's stack too (each WebAssembly frame uses
 * V8 stack), so the limit stays small enough that deep recursion ends in a catchable
 * "stack overflow" inside the sandbox well before the host's stack runs out.
 */
const MAX_STACK_BYTES = 64 * 1024;
const WASM_PAGE = 64 * 1024;
/** A stack frame in the user's code: its line and column. */
const USER_FRAME = new RegExp(`${USER_FILE}:(\\d+):(\\d+)`);

/** The WebAssembly global (Node has it; the TypeScript libs of this project only declare its types). */
const wasm = (globalThis as unknown as { WebAssembly: { Memory: new (size: MemorySize) => WasmMemory } }).WebAssembly;
type WasmMemory = NonNullable<CustomizeVariantOptions['wasmMemory']>;
interface MemorySize {
  readonly initial: number;
  readonly maximum: number;
}

export interface SandboxLimits {
  readonly timeoutMs: number;
  readonly memoryBytes: number;
}

/** Why a call into the sandbox did not return: its time ran out, its memory, it threw, or it broke the sandbox. */
export type CallFailure =
  | { readonly reason: 'timeout' }
  | { readonly reason: 'memory' }
  | {
      readonly reason: 'error';
      readonly name: string;
      readonly message: string;
      readonly line: number;
      readonly column: number;
    }
  | { readonly reason: 'crash'; readonly message: string };

export type CallOutcome = { readonly ok: true; readonly text: string } | ({ readonly ok: false } & CallFailure);

/** A failure while loading the script: what went wrong, and where in the script when known. */
export class ScriptLoadError extends Error {
  constructor(
    message: string,
    readonly line = 0,
    readonly column = 0,
  ) {
    super(message);
  }
}

/** One QuickJS instance running one script: in its own WebAssembly module, so nothing is shared. */
export interface Sandbox {
  readonly mode: 'record' | 'page';
  /** Runs the script's function on a JSON array of records (op `run`), or fetches an interrupted run's results (`partial`). */
  call(op: 'run' | 'partial', input: string): CallOutcome;
  /**
   * False once a call broke the WebAssembly module (host stack exhausted) or left no memory for the
   * runner itself: dispose it and open a new sandbox.
   */
  readonly usable: boolean;
  dispose(): void;
}

/**
 * Loads `code` into a fresh QuickJS runtime with the limits, and binds its `transform(record)` or
 * `transformPage(records)`. Throws ScriptLoadError for a syntax error, a throw or timeout in the
 * top-level code, or a missing/duplicate function. Every handle is disposed here or in `dispose`.
 */
export async function openSandbox(code: string, limits: SandboxLimits): Promise<Sandbox> {
  // The memory limit is the WebAssembly memory itself, fixed in size: this QuickJS build cannot
  // measure its allocations (no malloc_usable_size), so runtime.setMemoryLimit would not hold.
  const pages = Math.ceil(limits.memoryBytes / WASM_PAGE);
  const wasmMemory = new wasm.Memory({ initial: pages, maximum: pages });
  const module = await newQuickJSWASMModule(newVariant(RELEASE_SYNC, { wasmMemory }));
  const runtime = module.newRuntime();
  runtime.setMaxStackSize(MAX_STACK_BYTES);
  let deadline = 0;
  let interrupted = false;
  runtime.setInterruptHandler(() => {
    if (deadline === 0) return false;
    if (performance.now() > deadline) interrupted = true;
    return interrupted;
  });
  const vm = runtime.newContext();
  let broken = false;
  let spent = false;
  let run: QuickJSHandle | undefined;

  /** Runs `enter` with a fresh deadline; never throws (a host-side exception marks the sandbox broken). */
  const guarded = (enter: () => CallOutcome): CallOutcome => {
    if (broken) return { ok: false, reason: 'crash', message: 'the sandbox was broken by an earlier call' };
    deadline = performance.now() + limits.timeoutMs;
    interrupted = false;
    try {
      return enter();
    } catch (cause) {
      if (cause instanceof ScriptLoadError) throw cause;
      broken = true;
      const message = cause instanceof RangeError ? 'the script nested too deeply (stack exhausted)' : String(cause);
      return { ok: false, reason: 'crash', message };
    } finally {
      deadline = 0;
    }
  };
  const failureOf = (error: QuickJSHandle): CallFailure => {
    if (interrupted) return { reason: 'timeout' };
    if (vm.typeof(error) !== 'object') {
      const thrown = JSON.stringify(vm.dump(error)) ?? String(vm.dump(error));
      return { reason: 'error', name: '', message: `the script threw ${thrown.slice(0, 200)}`, line: 0, column: 0 };
    }
    // null: QuickJS had no memory left even for the error object
    const name = vm.sameValue(error, vm.null) ? 'InternalError' : readText(vm, error, 'name');
    const message = vm.sameValue(error, vm.null) ? 'out of memory' : readText(vm, error, 'message');
    if (name === 'InternalError' && message === 'out of memory') {
      spent = true; // the runner itself could not run: globals may hold the memory, start afresh
      return { reason: 'memory' };
    }
    const at = USER_FRAME.exec(readText(vm, error, 'stack'));
    const line = at ? Number(at[1]) : 0;
    return { reason: 'error', name, message, line, column: at ? Number(at[2]) : 0 };
  };
  const evaluate = (source: string, file: string): CallOutcome =>
    guarded(() => {
      const result = vm.evalCode(source, file, { type: 'global' });
      try {
        return result.error ? { ok: false, ...failureOf(result.error) } : { ok: true, text: '' };
      } finally {
        result.dispose();
      }
    });
  const globalValue = (expression: string): QuickJSHandle | undefined => {
    const result = vm.evalCode(expression, 'syncline-bind', { type: 'global' });
    if (result.error) {
      result.dispose();
      return undefined;
    }
    return result.value;
  };

  const dispose = () => {
    if (broken) return; // the module is in an unknown state: leave it all to the garbage collector
    broken = true;
    try {
      run?.dispose();
      vm.dispose();
      runtime.dispose();
    } catch {
      // a module that cannot free itself is dropped whole: the garbage collector takes its memory
    }
  };
  try {
    const runner = evaluateToHandle(vm, RUNNER);
    let mode: 'record' | 'page' = 'record';
    try {
      const loaded = evaluate(code, USER_FILE);
      if (!loaded.ok) throw loadError(loaded, limits);
      const bound = guarded(() => {
        const transform = globalValue("typeof transform === 'undefined' ? undefined : transform");
        const transformPage = globalValue("typeof transformPage === 'undefined' ? undefined : transformPage");
        try {
          const chosen = chooseFunction(vm, transform, transformPage);
          mode = chosen === transformPage ? 'page' : 'record';
          const made = vm.callFunction(runner, vm.undefined, chosen, mode === 'page' ? vm.true : vm.false);
          if (made.error) {
            made.dispose();
            throw new ScriptLoadError('the sandbox could not bind the function');
          }
          run = made.value;
          return { ok: true, text: '' };
        } finally {
          transform?.dispose();
          transformPage?.dispose();
        }
      });
      if (!bound.ok) throw loadError(bound, limits);
    } finally {
      runner.dispose();
    }
    const fn = run as QuickJSHandle | undefined;
    if (fn === undefined) throw new ScriptLoadError('the sandbox could not bind the function');
    return {
      mode,
      get usable() {
        return !broken && !spent;
      },
      call(op, input) {
        return guarded(() => {
          const arg = vm.newString(op === 'run' ? input : '');
          const opHandle = vm.newNumber(op === 'run' ? 0 : 1);
          const result = vm.callFunction(fn, vm.undefined, opHandle, arg);
          arg.dispose();
          opHandle.dispose();
          try {
            if (result.error) return { ok: false, ...failureOf(result.error) };
            if (vm.typeof(result.value) !== 'string') {
              return { ok: false, reason: 'crash', message: 'the sandbox runner returned no text' };
            }
            return { ok: true, text: vm.getString(result.value) };
          } finally {
            result.dispose();
          }
        });
      },
      dispose,
    };
  } catch (error) {
    dispose();
    throw error;
  }
}

/** The one function the script defines: transform or transformPage (a config error otherwise). */
function chooseFunction(
  vm: QuickJSContext,
  transform: QuickJSHandle | undefined,
  transformPage: QuickJSHandle | undefined,
): QuickJSHandle {
  const isFunction = (h: QuickJSHandle | undefined): h is QuickJSHandle =>
    h !== undefined && vm.typeof(h) === 'function';
  if (isFunction(transform) && isFunction(transformPage)) {
    throw new ScriptLoadError('the script defines both transform and transformPage: keep one');
  }
  if (isFunction(transform)) return transform;
  if (isFunction(transformPage)) return transformPage;
  for (const [name, h] of [
    ['transform', transform],
    ['transformPage', transformPage],
  ] as const) {
    if (h !== undefined && vm.typeof(h) !== 'undefined')
      throw new ScriptLoadError(`${name} is a ${vm.typeof(h)}, not a function`);
  }
  throw new ScriptLoadError('the script defines neither transform(record) nor transformPage(records)');
}

function evaluateToHandle(vm: QuickJSContext, source: string): QuickJSHandle {
  const result = vm.evalCode(source, 'syncline-runner', { type: 'global' });
  if (result.error) {
    result.dispose();
    throw new ScriptLoadError('the sandbox runner failed to load');
  }
  return result.value;
}

function readText(vm: QuickJSContext, handle: QuickJSHandle, key: string): string {
  const value = vm.getProp(handle, key);
  try {
    return vm.typeof(value) === 'string' ? vm.getString(value) : '';
  } finally {
    value.dispose();
  }
}

function loadError(failure: CallFailure, limits: SandboxLimits): ScriptLoadError {
  switch (failure.reason) {
    case 'error': {
      const name = failure.name && failure.name !== 'Error' ? `${failure.name}: ` : '';
      return new ScriptLoadError(`${name}${failure.message}`, failure.line, failure.column);
    }
    case 'timeout':
      return new ScriptLoadError(`the top-level code ran longer than ${limits.timeoutMs}ms`);
    case 'memory':
      return new ScriptLoadError('the top-level code ran out of memory');
    case 'crash':
      return new ScriptLoadError(failure.message);
  }
}
