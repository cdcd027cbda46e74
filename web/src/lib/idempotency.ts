/**
 * One Idempotency-Key per submit attempt: retrying the same payload (after a network error, a 5xx or
 * a re-login) reuses the key so the server answers with the first result; changing the payload or
 * the outcome starts a new attempt with a new key.
 */
export class IdempotencyKeys {
  private key: string | null = null;
  private fingerprint: string | null = null;

  constructor(private readonly newKey: () => string = () => crypto.randomUUID()) {}

  /** The key for this payload: the current one if the payload is unchanged, otherwise a fresh one. */
  keyFor(payload: unknown): string {
    const fp = stableStringify(payload);
    if (this.key === null || fp !== this.fingerprint) {
      this.key = this.newKey();
      this.fingerprint = fp;
    }
    return this.key;
  }

  /** Forget the key once the server has answered with a final result. */
  settle(): void {
    this.key = null;
    this.fingerprint = null;
  }
}

/** JSON with object keys sorted, so the same data in another key order has the same fingerprint. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v as object)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}
