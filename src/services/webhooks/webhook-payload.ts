// The bodies Parley POSTs to webhooks: its own JSON envelope (`parley`), or a Slack incoming-webhook
// message (`slack`: `{ text, blocks }`), which carries a one-line summary and a link, never the full
// event data.
export const WEBHOOK_FORMATS = ['parley', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface WebhookEnvelope {
  /** Identifies the event occurrence (the same for every hook told of it); see X-Parley-Delivery. */
  id: string;
  event: string;
  createdAt: string;
  project: { slug: string; name: string };
  data: Record<string, unknown>;
}

const HEADLINES: Record<string, string> = {
  'report.created': 'New report',
  'case.updated': 'Case updated',
  'case.message': 'New message',
  'advisory.draft': 'Advisory drafted',
  'advisory.scheduled': 'Advisory scheduled',
  'advisory.published': 'Advisory published',
  'advisory.withdrawn': 'Advisory withdrawn',
  ping: 'Test delivery',
};

/** Slack's mrkdwn needs only these three escaped (https://api.slack.com/reference/surfaces/formatting). */
function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** The Slack message for an event: headline, linked name, and a few facts (severity, state, time). */
export function slackMessage(e: WebhookEnvelope): { text: string; blocks: unknown[] } {
  // Case events describe their case under `case` and what happened under `change`; advisory events
  // are flat.
  const nested = e.data.case;
  const d = nested && typeof nested === 'object' ? (nested as Record<string, unknown>) : e.data;
  const change = e.data.change as Record<string, unknown> | undefined;
  const headline = HEADLINES[e.event] ?? e.event;
  const name = [str(d.key) ?? str(d.id), str(d.title)].filter(Boolean).join(': ');
  const url = str(d.url);
  // `|` and `>` would end Slack's <url|label> link early; they are rare in URLs and safe to encode.
  const link = url
    ? `<${url.replace(/\|/g, '%7C').replace(/>/g, '%3E')}|${slackEscape(name || url)}>`
    : slackEscape(name);
  const facts = [
    str(d.severity) ? `severity ${slackEscape(str(d.severity)!)}` : '',
    str(d.state) ? `state ${slackEscape(str(d.state)!)}` : '',
    str(d.scheduledFor) ? `goes public ${slackEscape(str(d.scheduledFor)!)}` : '',
    e.event === 'case.updated' && str(change?.type) ? slackEscape(str(change?.type)!) : '',
    e.event === 'ping' ? slackEscape(str(d.message) ?? '') : '',
  ].filter(Boolean);
  const text = `*${slackEscape(headline)}*${link ? ` ${link}` : ''}${facts.length ? ` · ${facts.join(' · ')}` : ''}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `${slackEscape(e.project.name)} · \`${e.event}\` · Parley` }],
      },
    ],
  };
}

/** The exact JSON text POSTed for `format`. */
export function webhookBody(format: WebhookFormat, e: WebhookEnvelope): string {
  return JSON.stringify(format === 'slack' ? slackMessage(e) : e);
}
