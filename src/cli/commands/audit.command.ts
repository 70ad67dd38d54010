// `parley audit verify` proves the audit log's hash chain (exit 0) or names the first broken entry
// (exit 2); `parley audit list` prints entries with the admin page's filters. Both run as the
// operator, who has the database anyway. docs/audit-log.md says what verification can and cannot show.
import type { Command } from 'commander';
import { withCore } from '../run.ts';
import { parseAnchor, type AuditEntryView } from '../../services/audit/audit.service.ts';

/** Exit code of a verification that found the chain broken (1 is any other failure). */
export const EXIT_BROKEN = 2;

function line(e: AuditEntryView): string {
  const where = [e.project?.slug ?? e.project?.id, e.case?.key ?? e.case?.id].filter(Boolean).join(' ');
  const data = JSON.stringify(e.data);
  return [
    `#${e.id}`,
    e.at,
    e.action,
    e.actor.label ?? e.actor.kind,
    e.ip ?? '-',
    where || '-',
    e.target ?? '-',
    data === '{}' ? '' : data,
  ]
    .join('  ')
    .trimEnd();
}

export function registerAudit(program: Command) {
  const audit = program.command('audit').description('The hash-chained audit log');

  audit
    .command('verify')
    .summary('prove the hash chain, or name the first broken entry')
    .description(
      'Check every entry of the audit log against its hash and its predecessor; exit 0 when intact, ' +
        `${EXIT_BROKEN} naming the first broken entry. Prints the head (newest entry's id and hash): ` +
        'record it outside this server and pass it to --expect later to detect a cut-off or rewritten chain.',
    )
    .option('--expect <id:hash>', 'a head recorded earlier: that entry must still exist with that hash')
    .option('--json', 'machine-readable output: {ok, checked, head, firstBroken?}')
    .action(async (opts: { expect?: string; json?: boolean }) => {
      const expect = opts.expect ? parseAnchor(opts.expect) : undefined;
      await withCore(async (core) => {
        const r = await core.services.audit.verify('system', { expect });
        if (!r.ok) process.exitCode = EXIT_BROKEN;
        if (opts.json) {
          console.log(JSON.stringify(r, null, 2));
          return;
        }
        const head = r.head ? `Head: ${r.head.id}:${r.head.hash} (${r.head.at})` : 'The audit log is empty.';
        if (r.ok) {
          console.log(
            `Audit log intact: ${r.checked} entries checked${expect ? `, #${expect.id} as recorded` : ''}.`,
          );
          console.log(head);
          return;
        }
        const b = r.firstBroken!;
        console.error(
          `Audit log BROKEN at entry #${b.id}${b.at ? ` (${b.at}, ${b.action})` : ''}: ${b.reason}: ${b.detail}`,
        );
        console.error(`${r.checked} entries before it are intact. ${head}`);
      });
    });

  audit
    .command('list')
    .summary('print entries, newest first, with filters')
    .description('Print audit entries, newest first, with the admin page’s filters')
    .option('--action <action>', 'an action (case.state-changed) or a group (case.*)')
    .option('--actor <email>', 'who acted')
    .option('--project <slug>', 'project')
    .option('--case <KEY>', 'case key, e.g. CONURE-12')
    .option('--from <date>', 'from this date or instant (UTC), inclusive')
    .option('--to <date>', 'to this date (inclusive) or instant (exclusive)')
    .option('--before <id>', 'entries older than this id (paging)')
    .option('--limit <n>', 'at most this many (1–200, default 50)')
    .option('--json', 'machine-readable output')
    .action(
      async (opts: {
        action?: string;
        actor?: string;
        project?: string;
        case?: string;
        from?: string;
        to?: string;
        before?: string;
        limit?: string;
        json?: boolean;
      }) => {
        await withCore(async (core) => {
          const { json, ...filters } = opts;
          const r = await core.services.audit.list('system', filters);
          if (json) console.log(JSON.stringify({ items: r.items, older: r.older }, null, 2));
          else {
            for (const e of r.items) console.log(line(e));
            if (!r.items.length) console.log('No entries match.');
            else if (r.older !== null) console.log(`More: --before ${r.older}`);
          }
        });
      },
    );
}
