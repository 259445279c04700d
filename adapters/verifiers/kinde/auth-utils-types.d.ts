/** @kinde-oss/kinde-node-auth-utils 0.0.7 ships no types: what auth-utils.ts uses. */
declare module '@kinde-oss/kinde-node-auth-utils' {
  const utils: {
    getPem(domain: string): Promise<string | undefined>;
    authToken(token: string, pem: string | undefined, callback: (err: unknown, user?: unknown) => void): void;
  };
  export default utils;
}
