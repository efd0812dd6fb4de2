/** An HTTP server for tests and benchmarks (the mock upstreams): listen on a port, its URL, close everything. */
import http from 'node:http';

export abstract class LoopbackServer {
  readonly server: http.Server;

  constructor() {
    this.server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => this.handle(req, res));
  }

  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse): void;

  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const a = this.server.address();
        resolve(typeof a === 'object' && a !== null ? a.port : port);
      });
    });
  }

  get url(): string {
    const a = this.server.address();
    return `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}`;
  }

  /** Drops every connection and stops listening. */
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}
