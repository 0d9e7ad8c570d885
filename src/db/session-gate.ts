/**
 * PGlite has one session. The server's knex and the clients on its socket take turns with it: a
 * turn lasts a whole transaction (or one statement outside one), so neither ever runs a statement
 * inside the other's transaction. The holder may take it again without waiting (the socket's
 * queue sends one message at a time and keeps its turn across a transaction).
 */
export class SessionGate {
  private holder: symbol | null = null;
  private readonly waiting: Array<{ owner: symbol; resolve: () => void }> = [];

  heldBy(owner: symbol): boolean {
    return this.holder === owner;
  }

  async acquire(owner: symbol): Promise<void> {
    if (this.holder === owner) return;
    if (this.holder === null) {
      this.holder = owner;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push({ owner, resolve }));
  }

  release(owner: symbol): void {
    if (this.holder !== owner) return;
    const next = this.waiting.shift();
    this.holder = next ? next.owner : null;
    next?.resolve();
  }
}
