/** The file name the user's code runs under inside the sandbox; stack frames in it give the line. */
export const USER_FILE = 'user-script';

/**
 * The sandbox's own JavaScript, evaluated before the user's code. It evaluates to
 * `bind(fn, isPage)`, which returns `run(op, input)`: op 0 runs `fn` on the JSON text `input` (an
 * array of records), op 1 returns what the last run finished before it was interrupted. Both return
 * `{"out":[entry…],"logs":[[index, level, text]…],"dropped":n}` as text, one entry per record (one
 * per page with transformPage):
 *
 * - `["o", data]` one record, `["m", [data…]]` several, `["d"]` dropped
 * - `["r", what]` a result that is not JSON records (`what` says why, e.g. `NaN at "total"`)
 * - `["e", kind, name, message, line, column]` a throw; kind `error`, `memory` or `thrown` (not an Error)
 *
 * It keeps the built-ins it uses from before the user's code runs, so a script that replaces
 * `JSON` or `Array.prototype.join` breaks only its own results (which the host checks anyway).
 * Nothing of the host is reachable from here: no host functions are installed at all, and
 * `console` only collects lines for the host to log after the call.
 */
export const RUNNER = `(function (global) {
  'use strict';
  const uncurry = (f) => Function.prototype.call.bind(f);
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const isArray = Array.isArray;
  const join = uncurry(Array.prototype.join);
  const exec = uncurry(RegExp.prototype.exec);
  const cut = uncurry(String.prototype.slice);
  const toText = String;
  const USER_FRAME = /${USER_FILE}:(\\d+):(\\d+)/;
  const MAX_LOGS = 100;
  const MAX_LOG_CHARS = 1000;
  let fn;
  let parts = [];
  let logs = [];
  let dropped = 0;
  let current = -1;
  let bad = {};

  function kindOf(v) {
    if (v === null) return 'null';
    if (isArray(v)) return 'an array';
    const t = typeof v;
    if (t === 'number' && v - v !== 0) return toText(v);
    if (t === 'undefined') return 'undefined';
    return t === 'object' ? 'an object' : 'a ' + t;
  }
  function fail(what) {
    bad = { what: what };
    throw bad;
  }
  function replacer(key, value) {
    const t = typeof value;
    if (t === 'function' || t === 'symbol' || t === 'bigint' || (t === 'number' && value - value !== 0) ||
        (value === undefined && isArray(this))) {
      fail(kindOf(value) + ' at ' + (isArray(this) ? 'item ' + key : '"' + key + '"'));
    }
    return value;
  }
  function show(v) {
    if (typeof v === 'string') return v;
    try {
      const s = stringify(v);
      return s === undefined ? toText(v) : s;
    } catch (e) {
      try { return toText(v); } catch (e2) { return '?'; }
    }
  }
  function text(v) {
    try {
      return stringify(v, replacer);
    } catch (e) {
      if (e === bad || (e !== null && typeof e === 'object' && e.message === 'out of memory')) throw e;
      fail('a value that is not JSON (' + show(e && e.message) + ')');
    }
  }
  function many(list) {
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (item === null || typeof item !== 'object' || isArray(item)) fail('an array whose item ' + i + ' is ' + kindOf(item));
    }
    return '["m",' + text(list) + ']';
  }
  function one(r) {
    if (r === null || r === undefined) return '["d"]';
    if (isArray(r)) return many(r);
    if (typeof r !== 'object') fail(kindOf(r));
    return '["o",' + text(r) + ']';
  }
  function failure(e) {
    if (e === bad) return stringify(['r', toText(bad.what)]);
    // QuickJS throws null when memory is too short even for the error object
    if (e === null) return '["e","memory","InternalError","out of memory",0,0]';
    try {
      if (e !== null && typeof e === 'object' && typeof e.message === 'string') {
        const name = typeof e.name === 'string' ? e.name : 'Error';
        const at = typeof e.stack === 'string' ? exec(USER_FRAME, e.stack) : null;
        const kind = name === 'InternalError' && e.message === 'out of memory' ? 'memory' : 'error';
        return stringify(['e', kind, name, e.message, at ? +at[1] : 0, at ? +at[2] : 0]);
      }
      return stringify(['e', 'thrown', '', cut(typeof e === 'string' ? stringify(e) : show(e), 0, 200), 0, 0]);
    } catch (e2) {
      return '["e","error","Error","the script threw a value that cannot be read",0,0]';
    }
  }
  function logger(level) {
    return function () {
      if (logs.length >= MAX_LOGS) { dropped++; return; }
      const texts = [];
      for (let i = 0; i < arguments.length; i++) texts[i] = show(arguments[i]);
      logs[logs.length] = [current, level, cut(join(texts, ' '), 0, MAX_LOG_CHARS)];
    };
  }
  global.console = { log: logger('debug'), info: logger('debug'), debug: logger('debug'), warn: logger('warn'), error: logger('warn') };

  function finish() {
    const result = '{"out":[' + join(parts, ',') + '],"logs":' + stringify(logs) + ',"dropped":' + dropped + '}';
    parts = [];
    logs = [];
    dropped = 0;
    return result;
  }
  function each(input) {
    const records = parse(input);
    for (let i = 0; i < records.length; i++) {
      current = i;
      let part;
      try { part = one(fn(records[i])); } catch (e) { part = failure(e); }
      parts[i] = part;
      records[i] = null;
    }
    current = -1;
    return finish();
  }
  function page(input) {
    const records = parse(input);
    let part;
    try {
      const r = fn(records);
      if (r === null || r === undefined) part = '["m",[]]';
      else if (!isArray(r)) fail(kindOf(r));
      else part = many(r);
    } catch (e) { part = failure(e); }
    parts[0] = part;
    return finish();
  }
  return function bind(f, isPage) {
    fn = f;
    const go = isPage ? page : each;
    return function run(op, input) {
      if (op === 1) return finish();
      parts = [];
      logs = [];
      dropped = 0;
      return go(input);
    };
  };
})(globalThis)`;
