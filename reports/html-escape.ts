/** Escaping for the HTML reports: element content, attribute values, and JSON inside a script element. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

import { escapeControls } from './sanitize.js';

/**
 * Escapes text for element content and quoted attribute values alike; control
 * characters and bidi overrides are shown escaped (`\u202e`), so foreign text
 * cannot reorder what a reviewer reads.
 */
export function escapeHtml(value: unknown): string {
  return escapeControls(String(value)).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** JSON that is safe inside `<script type="application/json">`: nothing in it can close the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
    // Only inside JSON strings, where \uXXXX is the same character: the page's source holds no raw bidi or C1 control.
    .replace(/[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
