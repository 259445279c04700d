// settings (warning): an object default export with handle() instead of a function; Kinde's open runtime calls
// handle(), so check-workflow runs it too, and still reports the binding it uses without declaring.
declare const kinde: { accessToken: { setCustomClaim(name: string, value: unknown): void } };

export const workflowSettings = {
  id: 'handleObject',
  trigger: 'user:tokens_generation',
  bindings: {},
};

export default {
  async handle() {
    kinde.accessToken.setCustomClaim('hello', 'world');
  },
};
