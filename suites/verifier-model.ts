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
import { ATTACKS, ATTACK_REQUIREMENT, NEAR_MISS_ONE, buildAttack, type Attack } from './lib/attacks.js';
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
  publishedAtMs: number;
  /** Published at the start of the sequence, or accepted since it was published. */
  known: boolean;
  removed: boolean;
  /** Change number that published it. */
  change: number;
}

interface Seq {
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
    if (!k.removed) {
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

type Cmd = fc.AsyncCommand<Seq, Seq>;

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

class ChangeKeys implements Cmd {
  constructor(readonly mode: 'rotate' | 'add') {}
  check = (m: Readonly<Seq>) => m.changes < 3;
  async run(_m: Seq, q: Seq) {
    const fresh = rotationKey(q.nextKey++);
    q.changes += 1;
    if (this.mode === 'rotate') for (const k of q.keys) k.removed = true;
    q.keys.push({ key: fresh, publishedAtMs: Date.now(), known: false, removed: false, change: q.changes });
    await q.set.publish(q.keys.filter((k) => !k.removed).map((k) => k.key));
    q.signer = fresh;
    q.refetchSeen = false;
    q.log.push(this.mode === 'rotate' ? `rotate: publish ${fresh.kid}, remove every other key` : `publish ${fresh.kid} beside the others`);
  }
  toString = () => `${this.mode}Key()`;
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
  fc.tuple(fc.nat(7), fc.oneof(...SEQUENCE_ATTACKS.flatMap((r) => [ATTACKS[r]!, ...(NEAR_MISS_ONE[r] ? [NEAR_MISS_ONE[r]] : [])]))).map(([p, a]) => new AttackStored(p, a) as Cmd),
];
const keyCommands = [freshArb, replayArb, waitArb, fc.constantFrom(new ChangeKeys('rotate') as Cmd, new ChangeKeys('add') as Cmd)];

interface SeqInput {
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
    arbitrary: (env) => {
      const commands = spec.keyChanges ? keyCommands : timeCommands;
      return fc.record({
        s: scenarioArb(env.verifier?.info),
        base: fc.constantFrom('m2m' as const, 'access' as const),
        commands: fc.commands(commands, { maxCommands: 8 }),
      });
    },
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
    requirements: ['VERIFY-KEY-ROTATION', 'VERIFY-ACCEPT-VALID'],
    keyChanges: true,
    runsFactor: 0.1,
  }),
];
