import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRequirementsDoc } from '../bin/requirements-doc.js';

describe('docs/requirements.md', () => {
  it('is generated from the current catalog (run `npm run docs` after changing requirements or checks)', () => {
    const committed = readFileSync(new URL('../docs/requirements.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderRequirementsDoc());
  });
});
