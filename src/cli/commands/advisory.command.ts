// `parley import osv` and `parley export advisory`: moving advisories in and out as files.
import type { Command } from 'commander';
import { countOsvFiles, readOsvFiles } from '../../integrations/osv/osv-files.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../../services/advisories/advisory-export.service.ts';
import { output, withCore } from '../run.ts';

/** A progress line on a terminal (rewritten in place, at most ten times a second); nothing otherwise. */
function progressLine(total: number) {
  if (!process.stderr.isTTY) return { tick: () => {}, done: () => {} };
  let last = 0;
  return {
    tick(done: number) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const pct = total ? Math.floor((done / total) * 100) : 100;
      process.stderr.write(`\r${done}/${total} records (${pct} %)`);
    },
    done: () => process.stderr.write('\n'),
  };
}

export function registerAdvisoryCommands(program: Command) {
  program
    .command('import')
    .description('Import advisories')
    .command('osv')
    .description('Import OSV records (JSON or YAML files, or directories of them) into a project; idempotent')
    .argument('<paths...>', 'files or directories')
    .requiredOption('--project <slug>', 'the project the advisories belong to')
    .option('--json', 'machine-readable output')
    .action(async (paths: string[], opts: { project: string; json?: boolean }) => {
      await withCore(async (core) => {
        const total = await countOsvFiles(paths);
        const progress = progressLine(total);
        const started = Date.now();
        const report = await core.services.advisoryImport.importOsv(
          'system',
          opts.project,
          readOsvFiles(paths),
          progress.tick,
        );
        progress.done();
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        const lines = [
          `Read ${report.read} records in ${seconds} s: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.invalid.length} invalid.`,
          ...report.invalid.map((i) => `  ${i.path}${i.id ? ` (${i.id})` : ''}: ${i.errors.join('; ')}`),
        ];
        output(opts.json, report, lines.join('\n'));
        if (report.invalid.length) process.exitCode = 2;
      });
    });

  program
    .command('export')
    .description('Export advisories')
    .command('advisory')
    .description('Write one advisory as OSV, CSAF 2.0 or CVE JSON 5 to standard output')
    .argument('<id>', 'public id (or uid of a draft, written with a placeholder id)')
    .requiredOption('--format <format>', EXPORT_FORMATS.join('|'))
    .action(async (id: string, opts: { format: string }) => {
      if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format)) {
        throw new Error(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
      }
      await withCore(async (core) => {
        const doc = await core.services.advisoryExport.systemDocument(id, opts.format as ExportFormat);
        console.log(JSON.stringify(doc, null, 2));
      });
    });
}
