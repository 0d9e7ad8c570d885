/** Drops the run's template database or deletes its PGlite dump. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.colectaTestTeardown?.();
}
