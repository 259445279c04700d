/**
 * An adapter module (`--target=hardening/injecting-adapter.ts`) whose every
 * word is an injection attempt: the reference issuer, but its handshake name
 * and version and the errors its refresh and client-credentials calls throw
 * carry GitHub workflow commands after a newline (`::error`, `::add-mask::`,
 * `::stop-commands::`), a screen clear, a window-title escape and a bidi
 * override. Nothing of it may reach a terminal or CI log raw: the hardening
 * row `inject-adapter` and test/hostile-output.test.ts read the whole output.
 */
import type { RefreshRequest, TargetInfo, TokenResult, ClientCredentialsRequest } from '../adapters/types.js';
import { ReferenceAdapter } from '../reference/adapter.js';

/** One string with every kind of injection the issue measured. */
export const INJECTION =
  'x\n::error title=FAKE::injected\n  ::add-mask::kinde\n::stop-commands::pwned\n\x1b[2J\x1b]0;window title\x07 \u202eevil\u202c\r::warning::cr';

export class InjectingAdapter extends ReferenceAdapter {
  constructor() {
    super(`inject${INJECTION}`);
  }

  override async start(): Promise<TargetInfo> {
    const info = await super.start();
    return { ...info, name: `inject${INJECTION}`, version: `1${INJECTION}` };
  }

  override async refresh(_request: RefreshRequest): Promise<TokenResult> {
    throw new Error(`refresh refused${INJECTION}`);
  }

  override async clientCredentials(_request: ClientCredentialsRequest): Promise<TokenResult> {
    throw new Error(`client credentials refused${INJECTION}`);
  }
}

export default () => new InjectingAdapter();
