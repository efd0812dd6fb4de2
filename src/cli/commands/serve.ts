/** `distillguard serve`: the analyst dashboard (web app and JSON API) over a store. Runs until SIGINT/SIGTERM. */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { DEFAULT_DB } from '../../store/store.js';
import { checkBind, startServer } from '../../server/serve.js';
import { EXIT, UserError } from '../errors.js';

interface ServeCliOptions {
  db: string;
  port: string;
  host: string;
  token?: string;
  policy?: string;
}

const log = (msg: string) => void process.stderr.write(`distillguard serve: ${msg}\n`);

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the analyst dashboard: campaigns, accounts, review decisions, allow/deny lists and policy, with a JSON API (OpenAPI at /api/openapi.json)')
    .option('--db <file>', 'DuckDB store file (after `distillguard analyze`)', DEFAULT_DB)
    .option('--port <n>', 'port to listen on (0: any free port)', '8787')
    .option('--host <addr>', 'address to listen on; anything but a loopback address needs an access token', '127.0.0.1')
    .option('--token <token>', 'access token required on every request (default: $DISTILLGUARD_TOKEN); at least 16 characters')
    .option('--policy <file>', 'policy JSON to show and edit (edits are validated and written back); default: the store\u2019s saved policy or the built-in one')
    .addHelpText(
      'after',
      '\nWith a token, browsers log in at /login (or open the address once with ?token=...); API clients send\n' +
        'Authorization: Bearer <token>. Decisions become labels: `distillguard labels export`. See docs/dashboard.md.',
    )
    .action(async (o: ServeCliOptions) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port: expected a port number, got "${o.port}"`, EXIT.USAGE);
      const token = o.token || process.env.DISTILLGUARD_TOKEN || null;
      checkBind(o.host, token);
      if (!existsSync(o.db)) throw new UserError(`no store at ${o.db}: run distillguard analyze first (or give --db)`);
      const server = await startServer({ db: o.db, host: o.host, port, token, policyFile: o.policy ?? null, log });
      const { ctx } = server;
      if (!ctx.shape.results) log(`the store holds no analysis yet: run distillguard analyze --db ${o.db} (traffic is shown meanwhile)`);
      if (!ctx.webRoot) log('the web app is not built (npm run build); the JSON API is served');
      log(`policy: ${ctx.policy.source}${ctx.policy.file ? ` (${ctx.policy.file})` : ''}, mode ${ctx.policy.policy.mode}`);
      log(`listening on ${server.url}${token ? ' (access token required: log in at /login)' : ''}`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.close();
      log('stopped');
    });
}
