// @ts-nocheck — plain JavaScript on purpose, like sandbox-host.js: `urlBinding` is
// shipped into each sandbox context with Function.prototype.toString and may use
// nothing outside itself.
/**
 * The native `url` binding (Kinde's runtime: gojaRuntime/url) made INSIDE the
 * sandbox realm: `URLSearchParams` entirely here (the
 * application/x-www-form-urlencoded rules of the WHATWG URL standard), `URL`
 * with its parsing done by the host's WHATWG parser through a primitive-only
 * callback (`hostUrl(input, base)` → JSON text of the parts, or '' when the
 * input is not a URL). Nothing of the host realm reaches the workflow.
 */
export function urlBinding(hostUrl) {
  'use strict';
  const { parse } = JSON;
  const apply = Reflect.apply;
  const Str = String;
  const TypeErr = TypeError;
  const encode = encodeURIComponent;
  const decode = decodeURIComponent;
  const replace = String.prototype.replace;
  const split = String.prototype.split;
  const indexOf = String.prototype.indexOf;
  const slice = String.prototype.slice;
  const push = Array.prototype.push;
  const isArray = Array.isArray;
  const keys = Object.keys;
  const defineProperty = Object.defineProperty;
  const iterator = Symbol.iterator;
  const owners = new WeakMap();
  const listOf = new WeakMap();
  const wmGet = WeakMap.prototype.get;
  const wmSet = WeakMap.prototype.set;

  const callHost = (a, b) => {
    try {
      return hostUrl(a, b);
    } catch {
      return undefined;
    }
  };
  // Only ALPHA / DIGIT / * - . _ stay as they are; a space becomes '+'.
  const formEncode = (s) => apply(replace, apply(replace, encode(s), [/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()]), [/%20/g, '+']);
  const formDecode = (s) => {
    const plus = apply(replace, s, [/\+/g, ' ']);
    try {
      return decode(plus);
    } catch {
      return plus;
    }
  };
  const parseQuery = (q) => {
    const out = [];
    const text = q !== '' && q[0] === '?' ? apply(slice, q, [1]) : q;
    if (text === '') return out;
    for (const part of apply(split, text, ['&'])) {
      if (part === '') continue;
      const eq = apply(indexOf, part, ['=']);
      const name = eq === -1 ? part : apply(slice, part, [0, eq]);
      const value = eq === -1 ? '' : apply(slice, part, [eq + 1]);
      apply(push, out, [[formDecode(name), formDecode(value)]]);
    }
    return out;
  };
  const list = (p) => {
    const l = apply(wmGet, listOf, [p]);
    if (l === undefined) throw new TypeErr('not a URLSearchParams');
    return l;
  };
  const changed = (p) => {
    const owner = apply(wmGet, owners, [p]);
    if (owner !== undefined) owner(p.toString());
  };

  class URLSearchParams {
    constructor(init) {
      let l = [];
      if (init === undefined || init === null) l = [];
      else if (typeof init === 'object' && apply(wmGet, listOf, [init]) !== undefined) {
        for (const [n, v] of list(init)) apply(push, l, [[n, v]]);
      } else if (typeof init === 'object' && typeof init[iterator] === 'function') {
        for (const pair of init) {
          const arr = isArray(pair) ? pair : [...pair];
          if (arr.length !== 2) throw new TypeErr('URLSearchParams: each pair must have exactly two items');
          apply(push, l, [[Str(arr[0]), Str(arr[1])]]);
        }
      } else if (typeof init === 'object' || typeof init === 'function') {
        for (const k of keys(init)) apply(push, l, [[k, Str(init[k])]]);
      } else l = parseQuery(Str(init));
      apply(wmSet, listOf, [this, l]);
    }
    get size() {
      return list(this).length;
    }
    append(name, value) {
      apply(push, list(this), [[Str(name), Str(value)]]);
      changed(this);
    }
    delete(name, value) {
      const l = list(this);
      const n = Str(name);
      const v = value === undefined ? undefined : Str(value);
      for (let i = l.length - 1; i >= 0; i--) if (l[i][0] === n && (v === undefined || l[i][1] === v)) l.splice(i, 1);
      changed(this);
    }
    get(name) {
      const n = Str(name);
      for (const [k, v] of list(this)) if (k === n) return v;
      return null;
    }
    getAll(name) {
      const n = Str(name);
      const out = [];
      for (const [k, v] of list(this)) if (k === n) apply(push, out, [v]);
      return out;
    }
    has(name, value) {
      const n = Str(name);
      const v = value === undefined ? undefined : Str(value);
      for (const [k, x] of list(this)) if (k === n && (v === undefined || x === v)) return true;
      return false;
    }
    set(name, value) {
      const l = list(this);
      const n = Str(name);
      const i = l.findIndex((e) => e[0] === n);
      if (i === -1) apply(push, l, [[n, Str(value)]]);
      else {
        l[i] = [n, Str(value)];
        for (let j = l.length - 1; j > i; j--) if (l[j][0] === n) l.splice(j, 1);
      }
      changed(this);
    }
    sort() {
      // Stable, by UTF-16 code units of the names.
      list(this).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      changed(this);
    }
    forEach(callback, thisArg) {
      for (const [k, v] of [...list(this)]) apply(callback, thisArg, [v, k, this]);
    }
    *entries() {
      for (const [k, v] of [...list(this)]) yield [k, v];
    }
    *keys() {
      for (const [k] of [...list(this)]) yield k;
    }
    *values() {
      for (const [, v] of [...list(this)]) yield v;
    }
    [iterator]() {
      return this.entries();
    }
    toString() {
      let out = '';
      for (const [k, v] of list(this)) out += (out === '' ? '' : '&') + formEncode(k) + '=' + formEncode(v);
      return out;
    }
  }

  const PARTS = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'];
  const partsOf = new WeakMap();
  const paramsOf = new WeakMap();
  /** The URL's search changed: its searchParams object (if made) follows. */
  const refresh = (u) => {
    const sp = apply(wmGet, paramsOf, [u]);
    if (sp === undefined) return;
    const l = list(sp);
    l.length = 0;
    for (const e of parseQuery(parts(u).search)) apply(push, l, [e]);
  };
  const load = (input, base) => {
    const json = callHost(Str(input), base === undefined ? undefined : Str(base));
    if (typeof json !== 'string' || json === '') throw new TypeErr(`Invalid URL: ${Str(input).slice(0, 200)}`);
    return parse(json);
  };
  const parts = (u) => {
    const p = apply(wmGet, partsOf, [u]);
    if (p === undefined) throw new TypeErr('not a URL');
    return p;
  };
  const rebuild = (u, change) => {
    const p = parts(u);
    const next = { ...p, ...change };
    const auth = next.username !== '' ? next.username + (next.password !== '' ? ':' + next.password : '') + '@' : '';
    const href = next.protocol + (next.host !== '' || next.protocol === 'file:' ? '//' : '') + auth + next.host + next.pathname + next.search + next.hash;
    apply(wmSet, partsOf, [u, load(href)]);
  };

  class URL {
    constructor(input, base) {
      apply(wmSet, partsOf, [this, load(input, base)]);
    }
    static canParse(input, base) {
      try {
        load(input, base);
        return true;
      } catch {
        return false;
      }
    }
    get searchParams() {
      let sp = apply(wmGet, paramsOf, [this]);
      if (sp === undefined) {
        sp = new URLSearchParams(parts(this).search);
        apply(wmSet, owners, [sp, (text) => rebuild(this, { search: text === '' ? '' : '?' + text })]);
        apply(wmSet, paramsOf, [this, sp]);
      }
      return sp;
    }
    set href(v) {
      apply(wmSet, partsOf, [this, load(v)]);
      refresh(this);
    }
    set search(v) {
      const s = Str(v);
      rebuild(this, { search: s === '' || s === '?' ? '' : s[0] === '?' ? s : '?' + s });
      refresh(this);
    }
    set hash(v) {
      const s = Str(v);
      rebuild(this, { hash: s === '' || s === '#' ? '' : s[0] === '#' ? s : '#' + s });
    }
    set pathname(v) {
      const s = Str(v);
      rebuild(this, { pathname: s[0] === '/' ? s : '/' + s });
    }
    toString() {
      return parts(this).href;
    }
    toJSON() {
      return parts(this).href;
    }
  }
  for (const name of PARTS) {
    const existing = Object.getOwnPropertyDescriptor(URL.prototype, name);
    defineProperty(URL.prototype, name, {
      get() {
        return parts(this)[name];
      },
      set: existing && existing.set,
      enumerable: true,
      configurable: true,
    });
  }
  return { URL, URLSearchParams };
}
