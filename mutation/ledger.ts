/**
 * The equivalent-mutant ledger (mutation/equivalent.json): survivors the
 * documentation allows, each entry naming the operators it covers (ids or
 * globs) and the doc URL with the verbatim quote that allows the change.
 * Where the Kinde docs are silent and an RFC explicitly allows the change,
 * the entry cites the RFC clause instead. A survivor that no entry covers is
 * unexplained: `power` exits 1.
 */
import ledgerJson from './equivalent.json' with { type: 'json' };

export interface LedgerEntry {
  /** Operator ids or globs (`access.jti:edit:*`). */
  operators: string[];
  /** Ids or globs the entry does not cover although `operators` matches them. */
  except?: string[];
  /** Why the change is not a defect, in one sentence. */
  why: string;
  /** Kinde docs page that allows it, with the verbatim quote from the fact sheet. */
  docUrl?: string;
  quote?: string;
  /** Docs silent: the RFC clause that allows it (`RFC 7519 §5.1`), its URL and wording. */
  rfc?: { clause: string; url: string; quote: string };
}

export class LedgerError extends Error {
  readonly code = 'ERR_LEDGER_INVALID';
}

function compile(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

export class Ledger {
  readonly entries: readonly LedgerEntry[];
  readonly #compiled: Array<{ entry: LedgerEntry; res: RegExp[]; not: RegExp[] }>;

  constructor(entries: LedgerEntry[]) {
    for (const [i, e] of entries.entries()) {
      const where = `equivalent.json entry ${i} (${e.operators?.join(', ')})`;
      if (!Array.isArray(e.operators) || e.operators.length === 0) throw new LedgerError(`${where}: no operators`);
      if (typeof e.why !== 'string' || e.why.length < 10) throw new LedgerError(`${where}: "why" must explain the equivalence`);
      const kinde = e.docUrl !== undefined && e.quote !== undefined;
      if (!kinde && !e.rfc) throw new LedgerError(`${where}: needs docUrl + quote (Kinde docs) or rfc (clause, url, quote)`);
      if (kinde && !e.docUrl!.startsWith('https://docs.kinde.com/')) throw new LedgerError(`${where}: docUrl must be a docs.kinde.com page`);
      if (e.rfc && !/^RFC \d+ §[\d.]+$|^OpenID Connect Core 1\.0 §[\d.]+$/.test(e.rfc.clause)) throw new LedgerError(`${where}: rfc.clause must look like "RFC 7519 §5.1"`);
    }
    this.entries = entries;
    this.#compiled = entries.map((entry) => ({ entry, res: entry.operators.map(compile), not: (entry.except ?? []).map(compile) }));
  }

  /** The entry that explains `operatorId` surviving, if any. */
  explain(operatorId: string): LedgerEntry | undefined {
    return this.#compiled.find((c) => c.res.some((re) => re.test(operatorId)) && !c.not.some((re) => re.test(operatorId)))?.entry;
  }
}

export function loadLedger(): Ledger {
  return new Ledger((ledgerJson as { entries: LedgerEntry[] }).entries);
}
