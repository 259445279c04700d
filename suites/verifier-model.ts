/**
 * The verifier as a stateful black box: model-based sequences (fast-check
 * commands, `asyncModelRun`) of presentations over time and key changes.
 * A verifier that caches verdicts, keys or decoded tokens can pass every
 * one-token check and still accept a token that expired since it was first
 * seen, a claim tampered after the valid token was accepted, or a key that
 * left the JWKS after it refetched.
 *
 * The verifier's clock is the wall clock, so the model works in real time:
 * an expectation is "accept" or "reject" only when it holds with a margin for
 * the time a presentation takes, otherwise "either" and nothing is judged. A
 * key change reaches the verifier within its declared refresh bound; a key
 * that left the JWKS must be rejected once the verifier has shown (by
 * accepting a key published by the change) that it fetched the new set.
 */
import fc from 'fast-check';
import type { JsonObject } from '../adapters/types.js';
import { defineCheck, type Check, type CheckEnv } from './lib/check.js';
import { rotationKey, stableKey, type SuiteKey } from './lib/attack-keys.js';
import type { KeySet } from './lib/attack-server.js';
import { ATTACKS, ATTACK_REQUIREMENT, NEAR_MISS_ONE, type Attack } from './lib/attacks.js';
import { buildAttack } from './lib/attack-build.js';
import type { Decoded } from './lib/tokens.js';
import type { Judge } from './lib/violation.js';
import { applyVariation, describeVariation, variationArb, type Variation } from './lib/valid-variants.js';
import { contextFor, describeVerdict, fixedKeys, mirror, present, refreshBoundMs, rootSet, shown, signed, sleep, verifierOf } from './verifier-lib.js';
import { issueScenario, scenarioArb, type VerifierScenario } from './verifier-scenario.js';

/** A presentation this close to exp (ms) may fall on either side of it. */
const ACCEPT_MARGIN_MS = 1_500;
/** Real time a sequence may spend waiting. */
const MAX_WAIT_MS = 4_000;
/** Attack classes replayed inside sequences (judged under their own requirements). */
const SEQUENCE_ATTACKS = ['VERIFY-TAMPER', 'VERIFY-ISS', 'VERIFY-ALG-RS256'] as const;

interface Stored {
  label: string;
  raw: string;
  payload: JsonObject;
  exp: number;
  key: SuiteKey;
}

interface KeyRecord {
  key: SuiteKey;
  /** Infinity while unpublished. */
  publishedAtMs: number;
  /** A token signed by it was presented before the key was published (the next key change publishes it). */
  unpublished?: boolean;
  /** Published at the start of the sequence, or accepted since it was published. */
  known: boolean;
  removed: boolean;
  /** Change number that published it. */
  change: number;
}

export interface Seq {
  env: CheckEnv;
  judge: Judge;
  s: VerifierScenario;
  base: Decoded;
  set: KeySet;
  issuer: string;
  org: string | undefined;
  tolerance: number;
  bound: number;
  tokens: Stored[];
  keys: KeyRecord[];
  signer: SuiteKey;
  changes: number;
  /** The verifier accepted a key published by the latest change, so it has the latest set. */
  refetchSeen: boolean;
  waitedMs: number;
  nextKey: number;
  log: string[];
}

type Expectation = { outcome: 'accept'; blame: string } | { outcome: 'reject'; blame: string; why: string } | { outcome: 'either' };

function expectationFor(q: Seq, t: Stored, nowMs: number): Expectation {
  const k = q.keys.find((r) => r.key.kid === t.key.kid)!;
  if (k.unpublished) return { outcome: 'reject', blame: 'VERIFY-KID', why: `its key ${k.key.kid} is not in the JWKS yet` };
  // Past the exp instant (RFC 7519 §4.1.4: now "MUST be before" exp), read in milliseconds so a verifier with a millisecond clock is never blamed at exp itself.
  if (nowMs > (t.exp + q.tolerance) * 1000) return { outcome: 'reject', blame: 'VERIFY-EXP', why: `it expired at ${t.exp}` };
  if (k.removed) return q.refetchSeen ? { outcome: 'reject', blame: 'VERIFY-KEY-ROTATION', why: `its key ${k.key.kid} left the JWKS and the verifier has fetched the new set` } : { outcome: 'either' };
  const keyReady = k.known || nowMs - k.publishedAtMs > q.bound;
  if (t.exp * 1000 - nowMs > ACCEPT_MARGIN_MS && keyReady) return { outcome: 'accept', blame: k.change === 0 ? 'VERIFY-ACCEPT-VALID' : 'VERIFY-KEY-ROTATION' };
  return { outcome: 'either' };
}

async function presentStored(q: Seq, t: Stored, how: string): Promise<void> {
  const ctx = contextFor(q.s, q.issuer, q.set, q.org);
  const before = performance.now();
  const v = await present(q.env, t.raw, ctx);
  // Judge by the less favourable end of the presentation window.
  const e = expectationFor(q, t, v.accepted ? Date.now() - (performance.now() - before) : Date.now());
  q.log.push(`${how} ${t.label} (key ${t.key.kid}, exp ${t.exp}): ${describeVerdict(v)}`);
  q.judge.trace.commands = [...q.log];
  q.judge.trace.token = { header: shown(t.raw).header, payload: t.payload };
  if (v.accepted) {
    const k = q.keys.find((r) => r.key.kid === t.key.kid)!;
    if (!k.removed && !k.unpublished) {
      k.known = true;
      if (k.change === q.changes && q.changes > 0) q.refetchSeen = true;
    }
  }
  if (e.outcome === 'accept') {
    q.judge.check(v.accepted, e.blame, 'ERR_REQUEST_REFUSED', () => `${t.label} was ${describeVerdict(v)} although it is valid and its key is published${e.blame === 'VERIFY-KEY-ROTATION' ? ` (for more than the ${q.bound} ms refresh bound)` : ''}`, {
      expected: 'accepted',
      actual: describeVerdict(v),
    });
  } else if (e.outcome === 'reject') {
    q.judge.check(!v.accepted, e.blame, 'ERR_REQUEST_ACCEPTED', () => `${t.label} was ${describeVerdict(v)} although ${e.why}`, { expected: 'rejected', actual: describeVerdict(v) });
  }
}

function mint(q: Seq, payload: JsonObject, what: string): Stored {
  const t: Stored = { label: `token#${q.tokens.length + 1} (${what})`, raw: signed(q.base, payload, q.signer), payload, exp: Number(payload.exp), key: q.signer };
  q.tokens.push(t);
  return t;
}

export type Cmd = fc.AsyncCommand<Seq, Seq>;

class PresentFresh implements Cmd {
  constructor(readonly variation: Variation) {}
  check = () => true as const;
  async run(_m: Seq, q: Seq) {
    const t = mint(q, applyVariation(q.base.payload, this.variation, q.s.audience, Math.floor(Date.now() / 1000)), describeVariation(this.variation));
    await presentStored(q, t, 'present new');
  }
  toString = () => `presentNew(${describeVariation(this.variation)})`;
}

class PresentShortLived implements Cmd {
  constructor(readonly seconds: number) {}
  check = () => true as const;
  async run(_m: Seq, q: Seq) {
    const now = Math.floor(Date.now() / 1000);
    const t = mint(q, { ...q.base.payload, iat: now, exp: now + this.seconds }, `exp in ${this.seconds} s`);
    await presentStored(q, t, 'present new');
  }
  toString = () => `presentShortLived(${this.seconds}s)`;
}

/** A token valid for about a second, presented, then presented again once it is certainly expired. */
class PresentUntilExpired implements Cmd {
  check = (m: Readonly<Seq>) => m.waitedMs + 2_000 + m.tolerance * 1_000 <= MAX_WAIT_MS;
  async run(_m: Seq, q: Seq) {
    const now = Math.floor(Date.now() / 1000);
    const t = mint(q, { ...q.base.payload, iat: now, exp: now + 1 }, 'exp in 1 s');
    await presentStored(q, t, 'present new');
    const ms = Math.max(0, (t.exp + q.tolerance + 1) * 1000 - Date.now());
    q.waitedMs += ms;
    q.log.push(`wait ${ms} ms (until ${t.label} is expired beyond the tolerance)`);
    await sleep(ms);
    await presentStored(q, t, 'present again');
  }
  toString = () => 'presentUntilExpired()';
}

class Replay implements Cmd {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Seq>) => m.tokens.length > 0;
  async run(_m: Seq, q: Seq) {
    await presentStored(q, q.tokens[this.pick % q.tokens.length]!, 'present again');
  }
  toString = () => `replay(${this.pick})`;
}

class AttackStored implements Cmd {
  constructor(
    readonly pick: number,
    readonly attack: Attack,
  ) {}
  check = (m: Readonly<Seq>) => m.tokens.length > 0;
  async run(_m: Seq, q: Seq) {
    const base = q.tokens[this.pick % q.tokens.length]!;
    // Only from a token that is valid right now, so the attacked value is the only reason to refuse.
    if (expectationFor(q, base, Date.now() + ACCEPT_MARGIN_MS).outcome !== 'accept') return;
    const m = await mirror(q.env);
    const raw = buildAttack(this.attack, {
      token: base.raw,
      trusted: base.key,
      jwks: q.set.jwks(),
      otherOrg: q.s.orgB,
      otherAudience: q.s.otherAudience,
      attackerJwksUrl: m.attackerJwksUrl,
      attackerX5uUrl: m.attackerX5uUrl,
      clockToleranceSeconds: q.tolerance,
      now: Math.floor(Date.now() / 1000),
    });
    if (raw === undefined) return;
    const v = await present(q.env, raw, contextFor(q.s, q.issuer, q.set, q.org));
    const requirement = ATTACK_REQUIREMENT[this.attack.kind];
    q.log.push(`attack ${JSON.stringify(this.attack)} on ${base.label}: ${describeVerdict(v)}`);
    q.judge.trace.commands = [...q.log];
    q.judge.trace.token = shown(raw);
    q.judge.check(!v.accepted, requirement, 'ERR_REQUEST_ACCEPTED', () => `after ${base.label} was presented, a ${this.attack.kind} attack built from it was ${describeVerdict(v)}`, { expected: 'rejected', actual: describeVerdict(v) });
  }
  toString = () => `attack(${this.pick}, ${JSON.stringify(this.attack)})`;
}

class Wait implements Cmd {
  constructor(readonly ms: number) {}
  check = (m: Readonly<Seq>) => m.waitedMs + this.ms <= MAX_WAIT_MS;
  async run(_m: Seq, q: Seq) {
    q.waitedMs += this.ms;
    q.log.push(`wait ${this.ms} ms`);
    await sleep(this.ms);
  }
  toString = () => `wait(${this.ms})`;
}

/**
 * The verifier meets a kid before its key is published: a token signed by the next key is presented
 * (rejected: not in the JWKS), the next key change publishes that key, and the same token must then be
 * accepted within the refresh bound (a verifier that remembers the unknown kid for good refuses it).
 */
class PresentUnpublished implements Cmd {
  check = (m: Readonly<Seq>) => m.changes < 3;
  async run(_m: Seq, q: Seq) {
    let k = q.keys.find((r) => r.unpublished);
    if (!k) q.keys.push((k = { key: rotationKey(q.nextKey++), publishedAtMs: Infinity, known: false, removed: false, change: q.changes + 1, unpublished: true }));
    const now = Math.floor(Date.now() / 1000);
    const t: Stored = { label: `token#${q.tokens.length + 1} (presented before its key ${k.key.kid} was published)`, raw: '', payload: { ...q.base.payload, iat: now, exp: now + 3_600 }, exp: now + 3_600, key: k.key };
    t.raw = signed(q.base, t.payload, k.key);
    q.tokens.push(t);
    await presentStored(q, t, 'present before its key is published');
  }
  toString = () => 'presentUnpublished()';
}

class ChangeKeys implements Cmd {
  /** `first`: the published key goes first in the served JWKS (RFC 7517 §5: the order means nothing). */
  constructor(
    readonly mode: 'rotate' | 'add',
    readonly first = false,
  ) {}
  check = (m: Readonly<Seq>) => m.changes < 3;
  async run(_m: Seq, q: Seq) {
    const pending = q.keys.find((k) => k.unpublished);
    const fresh = pending?.key ?? rotationKey(q.nextKey++);
    q.changes += 1;
    if (this.mode === 'rotate') for (const k of q.keys) if (k !== pending) k.removed = true;
    if (pending) Object.assign(pending, { unpublished: false, publishedAtMs: Date.now(), change: q.changes });
    else q.keys.push({ key: fresh, publishedAtMs: Date.now(), known: false, removed: false, change: q.changes });
    const live = q.keys.filter((k) => !k.removed && !k.unpublished).map((k) => k.key);
    await q.set.publish(this.first ? [fresh, ...live.filter((k) => k !== fresh)] : live);
    q.signer = fresh;
    q.refetchSeen = false;
    q.log.push(this.mode === 'rotate' ? `rotate: publish ${fresh.kid}, remove every other key` : `publish ${fresh.kid} ${this.first ? 'before' : 'after'} the others`);
  }
  toString = () => `${this.mode}Key(${this.first ? 'first' : 'last'})`;
}

const freshArb = variationArb.map((v) => new PresentFresh(v) as Cmd);
const replayArb = fc.nat(7).map((p) => new Replay(p) as Cmd);
const waitArb = fc.integer({ min: 200, max: 1_500 }).map((ms) => new Wait(ms) as Cmd);

const timeCommands = [
  fc.constantFrom(1, 2, 3, 4).map((s) => new PresentShortLived(s) as Cmd),
  fc.constant(new PresentUntilExpired() as Cmd),
  freshArb,
  replayArb,
  waitArb,
];
const changeArb = fc.constantFrom<Cmd>(new ChangeKeys('rotate'), new ChangeKeys('add'), new ChangeKeys('add', true));
const keyCommands = [freshArb, replayArb, waitArb, changeArb, fc.constant(new PresentUnpublished() as Cmd)];

const attackArb = fc.tuple(fc.nat(7), fc.oneof(...SEQUENCE_ATTACKS.flatMap((r) => [ATTACKS[r]!, ...(NEAR_MISS_ONE[r] ? [NEAR_MISS_ONE[r]] : [])]))).map(([p, a]) => new AttackStored(p, a) as Cmd);

/**
 * Every sequence starts with one command of every kind, in an order whose preconditions hold from the
 * initial state, so each stateful path is reached at any seed (test/verifier-model-coverage.test.ts);
 * generated commands follow. Key changes: the pre-published token is replayed once the refresh bound has passed.
 */
export function prefixArb(keyChanges: boolean, boundMs: number): fc.Arbitrary<Cmd[]> {
  if (keyChanges) {
    const settle = Math.min(MAX_WAIT_MS, boundMs + 300);
    return fc.tuple(freshArb, changeArb).map(([fresh, change]) => [new PresentUnpublished(), fresh, change, new Wait(settle), new Replay(1)]);
  }
  return fc
    .tuple(fc.constantFrom(1, 2, 3, 4), freshArb, fc.nat(7), attackArb, fc.integer({ min: 200, max: 1_500 }))
    .map(([seconds, fresh, pick, attack, ms]) => [new PresentShortLived(seconds), new PresentUntilExpired(), fresh, new Replay(pick), attack, new Wait(ms)]);
}

/** Command kinds of each model (class names), for the coverage self-test. */
export const COMMAND_KINDS = {
  time: ['PresentShortLived', 'PresentUntilExpired', 'PresentFresh', 'Replay', 'AttackStored', 'Wait'],
  keys: ['PresentUnpublished', 'PresentFresh', 'ChangeKeys', 'Wait', 'Replay'],
} as const;

export interface SeqInput {
  s: VerifierScenario;
  base: 'access' | 'm2m';
  commands: Iterable<Cmd>;
}

async function runSequence(input: SeqInput, judge: Judge, env: CheckEnv, keyChanges: boolean): Promise<void> {
  const issued = await issueScenario(env, judge, input.s, []);
  const base = input.base === 'access' ? issued.access ?? issued.orgM2m : issued.orgM2m ?? issued.access;
  if (!base) return;
  const org = typeof base.payload.org_code === 'string' ? base.payload.org_code : undefined;
  const first = keyChanges ? rotationKey(0) : stableKey();
  const set = keyChanges ? (await mirror(env)).epoch(issued.issuer, [first]) : await rootSet(env, issued.issuer);
  const q: Seq = {
    env,
    judge,
    s: input.s,
    base,
    set,
    issuer: issued.issuer,
    org,
    tolerance: verifierOf(env).info.clockToleranceSeconds ?? 0,
    bound: refreshBoundMs(env),
    tokens: [],
    keys: [{ key: first, publishedAtMs: Date.now(), known: true, removed: false, change: 0 }],
    signer: first,
    changes: 0,
    refetchSeen: false,
    waitedMs: 0,
    nextKey: 1,
    log: [],
  };
  judge.trace.commands = [];
  await fc.asyncModelRun(async () => {
    // Every sequence starts from a valid token, so no run is spent on commands that cannot apply.
    await presentStored(q, mint(q, { ...base.payload }, 'as issued'), 'present new');
    return { model: q, real: q };
  }, input.commands);
}

/** A scenario, a base token and the commands: the prefix of every kind, then generated ones. */
export function sequenceArb(env: CheckEnv, keyChanges: boolean): fc.Arbitrary<SeqInput> {
  const commands = keyChanges ? keyCommands : [...timeCommands, attackArb];
  return fc.record({
    s: scenarioArb(env.verifier?.info),
    base: fc.constantFrom('m2m' as const, 'access' as const),
    commands: fc.tuple(prefixArb(keyChanges, refreshBoundMs(env)), fc.commands(commands, { maxCommands: 8 })).map(([prefix, rest]): Iterable<Cmd> => [...prefix, ...rest]),
  });
}

function sequenceCheck(spec: { name: string; requirements: string[]; keyChanges: boolean; runsFactor: number }): Check<SeqInput> {
  return defineCheck({
    name: spec.name,
    requirements: spec.requirements,
    needs: spec.keyChanges ? ['keyRotation', 'm2m'] : [],
    verifierNeeds: spec.keyChanges ? ['remoteJwks'] : [],
    runsFactor: spec.runsFactor,
    ...(spec.keyChanges
      ? {
          notApplicable: (env: CheckEnv) =>
            fixedKeys(env) ? 'the API was configured with one JWKS URL; key changes are judged by the key-rotation check, which waits out the declared refresh bound' : undefined,
        }
      : {}),
    arbitrary: (env) => sequenceArb(env, spec.keyChanges),
    predicate: (input, judge, env) => runSequence(input, judge, env, spec.keyChanges),
  });
}

export const checks: Check<any>[] = [
  sequenceCheck({
    name: 'sequences of presentations over time: valid tokens stay accepted until they expire, then are rejected; attacks after a valid token are rejected',
    requirements: ['VERIFY-ACCEPT-VALID', 'VERIFY-EXP', ...SEQUENCE_ATTACKS],
    keyChanges: false,
    runsFactor: 0.1,
  }),
  sequenceCheck({
    name: 'sequences of key changes: a new key is accepted within the refresh bound, a removed one is rejected once the new set was fetched',
    requirements: ['VERIFY-KEY-ROTATION', 'VERIFY-ACCEPT-VALID', 'VERIFY-KID'],
    keyChanges: true,
    runsFactor: 0.1,
  }),
];
