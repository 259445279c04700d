import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSurfacesDoc } from '../bin/surfaces-doc.js';
import { requirements } from '../schemas/catalog.js';
import { allSurfaces, SURFACE_FILES, surfaceFileErrors, surfaceProblems, type Surface } from '../schemas/surfaces.js';

const ROOT = new URL('../', import.meta.url);
const IDS = new Set(requirements.map((r) => r.id));

describe('surface inventory (schemas/surfaces/)', () => {
  for (const [side, doc] of Object.entries(SURFACE_FILES)) {
    it(`${side}.json follows schemas/surfaces.schema.json`, () => {
      expect(surfaceFileErrors(doc)).toEqual([]);
    });
    it(`every ${side} surface is judged by a known requirement and varied by generators that exist`, () => {
      expect(surfaceProblems(doc.surfaces as Surface[], IDS, ROOT, side as Surface['side'])).toEqual([]);
    });
  }

  it('lists both JWKS paths, every discovery member the suite judges, and every grant’s tokens', () => {
    const ids = new Set(allSurfaces().map((s) => s.id));
    for (const id of ['jwks.path.jwks', 'jwks.path.jwks_json', 'discovery.issuer', 'discovery.jwks_uri', 'response.headers.cache-control', 'response.headers.pragma', 'token.refresh.access', 'token.refresh.id', 'token.m2m-org.access']) {
      expect(ids.has(id), id).toBe(true);
    }
  });

  it('the coverage test can fail: each kind of hole is reported', () => {
    const base: Surface = { id: 'x.y', side: 'verifier', surface: 'something read', requirements: ['SIG-RS256'], variedBy: ['suites/lib/attacks.ts#ATTACKS'], source: 'RFC 7515' };
    expect(surfaceProblems([base], IDS, ROOT)).toEqual([]);
    const holes = [
      { ...base, requirements: [] },
      { ...base, requirements: ['NO-SUCH-REQ'] },
      { ...base, variedBy: [] },
      { ...base, variedBy: ['suites/lib/none.ts#x'] },
      { ...base, variedBy: ['suites/lib/attacks.ts#noSuchSymbol'] },
    ];
    for (const h of holes) expect(surfaceProblems([h], IDS, ROOT), JSON.stringify(h)).toHaveLength(1);
    expect(surfaceProblems([base, base], IDS, ROOT)).toEqual(['x.y: listed twice']);
    expect(surfaceFileErrors({ surfaces: [{ ...base, side: 'both' }] }).length).toBeGreaterThan(0);
  });

  it('docs/surfaces.md is generated from the current inventory (run `npm run docs`)', () => {
    expect(readFileSync(new URL('docs/surfaces.md', ROOT), 'utf8')).toBe(renderSurfacesDoc());
  });
});
