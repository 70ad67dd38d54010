// The server's draining state. From SIGTERM on, /readyz answers 503 (a load balancer stops sending
// new work here) and every response carries `Connection: close` (keep-alive clients reconnect, to
// another process), while requests already in flight finish. buildApp reads it; server.ts sets it.
export class DrainState {
  #since: number | undefined;

  get draining(): boolean {
    return this.#since !== undefined;
  }

  start(): void {
    this.#since ??= Date.now();
  }
}
