/**
 * Token-response operators, generated from schemas/token-response.schema.json:
 * every field dropped, retyped and replaced by each near miss of its kind, in
 * every answer and (a `@refresh` twin) in refresh_token answers only. Plus
 * consistency operators across the tokens of one answer (at_hash, swapped
 * tokens, shared or constant jti, sub/azp swapped) and replays of an earlier
 * answer.
 */
import type { JsonValue, TokenResult, TokenSet, TokenType } from '../adapters/types.js';
import responseSchema from '../schemas/token-response.schema.json' with { type: 'json' };
import { getClaim, hasClaim, setClaim } from './claim-operators.js';
import type { Grant, Interceptor, Operator } from './types.js';
import { convert, JSON_KINDS, kindOf, nearMisses, type JsonKind } from './values.js';

const FIELDS = Object.entries((responseSchema as unknown as { properties: Record<string, { type: string }> }).properties).map(([name, s]) => ({
  name,
  kind: (s.type === 'integer' ? 'number' : s.type) as JsonKind,
}));

function editField(body: TokenSet, name: string, f: (v: JsonValue) => JsonValue | undefined): boolean {
  const v = body[name];
  if (v === undefined) return false;
  const next = f(v);
  if (next === undefined || JSON.stringify(next) === JSON.stringify(v)) return false;
  (body as Record<string, JsonValue>)[name] = next;
  return true;
}

function fieldOperators(name: string, kind: JsonKind, grants?: readonly Grant[]): Operator[] {
  const suffix = grants ? '@refresh' : '';
  const where = grants ? ' of refresh_token answers' : '';
  const base = { target: `response.${name}`, area: 'response', ...(grants ? { grants } : {}) };
  const ops: Operator[] = [
    { ...base, id: `response.${name}:drop${suffix}`, family: 'response', description: `the token response${where} has no ${name}`, response: (b) => b[name] !== undefined && delete b[name] },
  ];
  for (const to of JSON_KINDS.filter((k) => k !== kind)) {
    ops.push({ ...base, id: `response.${name}:type:${to}${suffix}`, family: 'response', description: `the token response's ${name}${where} is a JSON ${to}`, response: (b) => editField(b, name, (v) => convert(v, to)) });
  }
  for (const e of nearMisses(kind)) {
    ops.push({
      ...base,
      id: `response.${name}:edit:${e.id}${suffix}`,
      family: 'response',
      description: `the token response's ${name}${where} has ${e.description}`,
      response: (b) => editField(b, name, (v) => (kindOf(v) === kind ? e.apply(v, name) : undefined)),
    });
  }
  return ops;
}

/** Replay the previous successful answer to an identical request. */
function replay<R>(key: (r: R) => string, call: (r: R, inner: Parameters<NonNullable<Interceptor['signIn']>>[1]) => Promise<TokenResult>) {
  return async (request: R, inner: Parameters<NonNullable<Interceptor['signIn']>>[1], memory: Map<string, unknown>) => {
    const k = `replay:${key(request)}`;
    const earlier = memory.get(k) as TokenResult | undefined;
    if (earlier) return { result: structuredClone(earlier), applied: true };
    const result = await call(request, inner);
    if (result.ok) memory.set(k, structuredClone(result));
    return { result, applied: false };
  };
}

function jtiOf(payload: Record<string, JsonValue> | undefined): JsonValue | undefined {
  return payload ? getClaim(payload, 'jti') : undefined;
}

const CONSISTENCY: Operator[] = [
  {
    id: 'consistency:at-hash-stale',
    family: 'consistency',
    target: 'id.at_hash',
    area: 'consistency',
    tokenTypes: ['id'],
    description: "the ID token's at_hash is computed over another access token than the one in the answer",
    staleAtHash: true,
    token: (e) => hasClaim(e.payload, 'at_hash'),
  },
  {
    id: 'consistency:swap-access-id',
    family: 'consistency',
    target: 'response.tokens',
    area: 'consistency',
    description: 'the answer carries the ID token as access_token and the access token as id_token',
    response: (b) => {
      if (b.id_token === undefined) return false;
      [b.access_token, b.id_token] = [b.id_token, b.access_token];
      return true;
    },
  },
  {
    id: 'consistency:id-token-as-access',
    family: 'consistency',
    target: 'response.tokens',
    area: 'consistency',
    description: 'the answer carries the ID token as access_token too',
    response: (b) => b.id_token !== undefined && ((b.access_token = b.id_token), true),
  },
  {
    id: 'consistency:jti-shared',
    family: 'consistency',
    target: 'id.jti',
    area: 'consistency',
    tokenTypes: ['id'],
    description: "the ID token has the access token's jti",
    token: (e, ctx) => {
      const jti = jtiOf(ctx.siblings.access);
      if (jti === undefined || jti === getClaim(e.payload, 'jti')) return false;
      setClaim(e.payload, 'jti', jti);
      return true;
    },
  },
  ...(['access', 'id', 'm2m'] as TokenType[]).map<Operator>((t) => ({
    id: `consistency:jti-constant-${t}`,
    family: 'consistency',
    target: `${t}.jti`,
    area: 'consistency',
    tokenTypes: [t],
    description: `every ${t} token has the jti of the first ${t} token`,
    token: (e, ctx) => {
      const k = `first-jti-${t}`;
      const jti = getClaim(e.payload, 'jti');
      if (!ctx.memory.has(k)) ctx.memory.set(k, jti);
      const first = ctx.memory.get(k) as JsonValue | undefined;
      if (first === undefined || first === jti) return false;
      setClaim(e.payload, 'jti', first);
      return true;
    },
  })),
  ...(['access', 'id'] as const).map<Operator>((to) => {
    const from = to === 'id' ? 'access' : 'id';
    return {
      id: `consistency:leak-${from}-into-${to}`,
      family: 'consistency',
      target: `${to}.claims`,
      area: 'consistency',
      tokenTypes: [to],
      description: `the ${to} token also carries every claim of the answer's ${from} token that it lacks (custom claims a workflow set included)`,
      token: (e, ctx) => {
        const source = ctx.siblings[from];
        if (!source) return false;
        let any = false;
        for (const k of Object.keys(source)) {
          if (hasClaim(e.payload, k)) continue;
          setClaim(e.payload, k, structuredClone(getClaim(source, k)!));
          any = true;
        }
        return any;
      },
    };
  }),
  {
    id: 'consistency:sub-azp-swap',
    family: 'consistency',
    target: 'access.sub',
    area: 'consistency',
    tokenTypes: ['access'],
    description: "the access token's sub and azp are swapped",
    token: (e) => {
      const sub = getClaim(e.payload, 'sub');
      const azp = getClaim(e.payload, 'azp');
      if (sub === undefined || azp === undefined || sub === azp) return false;
      setClaim(e.payload, 'sub', azp);
      setClaim(e.payload, 'azp', sub);
      return true;
    },
  },
  {
    id: 'consistency:replay-sign-in',
    family: 'consistency',
    target: 'response.tokens',
    area: 'consistency',
    description: 'a repeated sign-in (same client, user, scopes, org, audience) gets the earlier answer again',
    interceptor: { signIn: replay((r) => JSON.stringify(r), (r, inner) => inner.signIn(r)) },
  },
  {
    id: 'consistency:replay-client-credentials',
    family: 'consistency',
    target: 'response.tokens',
    area: 'consistency',
    description: 'a repeated client-credentials request gets the earlier answer again',
    interceptor: { clientCredentials: replay((r) => JSON.stringify(r), (r, inner) => inner.clientCredentials(r)) },
  },
];

export function responseOperatorsAll(): Operator[] {
  const all = FIELDS.flatMap((f) => fieldOperators(f.name, f.kind));
  const refresh = FIELDS.flatMap((f) => fieldOperators(f.name, f.kind, ['refresh_token']));
  return [...all, ...refresh, ...CONSISTENCY];
}
