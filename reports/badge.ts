/**
 * A shields.io endpoint badge (https://shields.io/badges/endpoint-badge):
 * publish `badge.json` and point the badge URL at it.
 */
import { applicableCount, scoreMessage } from './format.js';
import type { RunResults } from './results.js';

export interface Badge {
  schemaVersion: 1;
  label: string;
  message: string;
  color: string;
}

/** Red whenever a requirement FAILED or ERRORED; otherwise by score; grey when nothing was applicable. */
export function badgeColor(results: Pick<RunResults, 'summary'>): string {
  if (applicableCount(results) === 0) return 'lightgrey';
  if (results.summary.FAILED > 0 || results.summary.ERRORED > 0) return 'red';
  const score = results.summary.score;
  if (score >= 100) return 'brightgreen';
  if (score >= 90) return 'green';
  if (score >= 75) return 'yellowgreen';
  if (score >= 50) return 'yellow';
  if (score >= 25) return 'orange';
  return 'red';
}

export function renderBadge(results: RunResults): Badge {
  return { schemaVersion: 1, label: 'kinde tokens', message: scoreMessage(results), color: badgeColor(results) };
}
