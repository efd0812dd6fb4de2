/** `distillguard labels export`: analyst decisions from the dashboard as labels for `distillguard train`. */
import type { Command } from 'commander';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_DB } from '../../store/store.js';
import { Db } from '../../server/db.js';
import { exportLabels, labelsJsonl, migrateReview } from '../../server/review.js';
import { UserError } from '../errors.js';
import { openStore } from '../store.js';

export function registerLabels(program: Command): void {
  const labels = program
    .command('labels')
    .description('Labels from analyst decisions made in the dashboard')
    .addHelpText(
      'after',
      '\nlabels export --db FILE --out FILE: write one JSONL line per decided account, {account_id, label, campaign_id,\n' +
        'decision_id, decided_at}; label is distillation (confirmed) or benign (false positive). Then:\n' +
        '  distillguard train --db FILE --labels FILE --out models/model.json',
    );
  labels
    .command('export')
    .description('Write the current decisions as labels (JSONL) that `distillguard train --db FILE --labels FILE` reads')
    .option('--db <file>', 'DuckDB store file the dashboard ran on', DEFAULT_DB)
    .option('--out <file>', 'labels file to write', 'labels.jsonl')
    .action(async (o: { db: string; out: string }) => {
      if (!existsSync(o.db)) throw new UserError(`no store at ${o.db}`);
      const store = await openStore(o.db);
      try {
        const db = new Db(store);
        await migrateReview(db);
        const lines = await exportLabels(db);
        mkdirSync(dirname(resolve(o.out)), { recursive: true });
        writeFileSync(o.out, labelsJsonl(lines));
        const pos = lines.filter((l) => l.label === 'distillation').length;
        process.stdout.write(`${lines.length} labels (${pos} distillation, ${lines.length - pos} benign) written to ${o.out}\n`);
        if (lines.length) process.stdout.write(`train with: distillguard train --db ${o.db} --labels ${o.out} --out models/model.json\n`);
      } finally {
        store.close();
      }
    });
}
