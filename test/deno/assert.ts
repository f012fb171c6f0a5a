// Minimal assertions, so the Deno tests need nothing from outside the npm registry.
export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new Error(message);
}

export function assertEquals(actual: unknown, expected: unknown): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`expected ${e}, got ${a}`);
}

export async function assertRejects(
  fn: () => Promise<unknown>,
  errorClass: abstract new (...args: never[]) => Error,
): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof errorClass) return error;
    throw new Error(`expected ${errorClass.name}, got ${String(error)}`);
  }
  throw new Error(`expected ${errorClass.name}, but nothing was thrown`);
}
