// A helper module next to the workflow: Kinde bundles relative imports into the workflow.
export function planName(orgCode: string | null): string {
  return orgCode ? `team:${orgCode}` : 'personal';
}
