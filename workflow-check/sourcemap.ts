/**
 * Source positions back through esbuild's source maps (Node's own
 * `module.SourceMap` reads them: no dependency).
 */
import { SourceMap } from 'node:module';
import { isAbsolute, resolve } from 'node:path';

export interface MappedPosition {
  /** Absolute path of the original file, or the map's own name for virtual modules (`ktc:…`). */
  source: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export class PositionMap {
  readonly #map: SourceMap;
  readonly #base: string;

  /** `base`: the directory the map's `sources` are relative to. */
  constructor(json: string, base: string) {
    this.#map = new SourceMap(JSON.parse(json) as ConstructorParameters<typeof SourceMap>[0]);
    this.#base = base;
  }

  /** `line`, `column` 1-based in the generated file. */
  original(line: number, column: number): MappedPosition | undefined {
    const e = this.#map.findEntry(line - 1, Math.max(0, column - 1)) as {
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
    };
    if (e.originalSource === undefined || e.originalLine === undefined) return undefined;
    const src = e.originalSource;
    const source = src.includes(':') && !src.startsWith('file:') && !isAbsolute(src) ? src : resolve(this.#base, src.replace(/^file:\/\//, ''));
    return { source, line: e.originalLine + 1, column: (e.originalColumn ?? 0) + 1 };
  }
}
