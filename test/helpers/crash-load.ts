// Load for the crash-safety test and bench: clients that submit reports at full speed through the
// JSON API, through the no-JS web form (GET for cookie + CSRF token, POST urlencoded, 303), and by
// mail to the built-in SMTP listener — and remember exactly what was acknowledged. Clients ride out
// the server's deaths: a failed request is counted and the client waits for the server to come back.
// Mail clients behave like a relay: a mail not answered 250 is sent again (same Message-ID) until it
// is; after every restart each also re-sends its last acknowledged mail, as a relay that lost the 250.
import nodemailer from 'nodemailer';

/** Deterministic PRNG (mulberry32), so a failing run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Submitted {
  via: 'api' | 'form';
  input: {
    title: string;
    description: string;
    stepsToReproduce: string;
    impact: string;
    affectedVersions: string;
    suggestedFix: string;
    reporterEmail: string;
    creditPreference: 'anonymous' | 'name';
    creditName: string;
  };
  /** From the answer: the reporter's token (both), the case id and key (API only). */
  token: string;
  id?: string;
  key?: string;
}

export interface MailSent {
  messageId: string;
  subject: string;
  from: string;
  /** The text after the "Description:" heading. */
  description: string;
  /** 250 received (at least once). */
  acked: boolean;
  /** Times this Message-ID was sent again after a 250 (relay re-sends). */
  resentAfterAck: number;
}

export interface LoadStats {
  acked: Submitted[];
  mails: MailSent[];
  /** Requests that died with the server (connection reset, timeout): may or may not have landed. */
  failed: number;
  /** Requests refused while the server was down (never sent). */
  refused: number;
  /** Both of the above by error code. */
  errors: Record<string, number>;
  /** Answers other than the expected success, by status. */
  statuses: Record<string, number>;
  /** SMTP answers other than 250 (4xx/5xx), by code. */
  smtpCodes: Record<string, number>;
}

export interface LoadOptions {
  baseUrl: string;
  slug: string;
  /** The project's mail address (`<slug>@<inbound domain>`), when mail clients run. */
  mailTo?: string;
  inboundSmtpPort?: number;
  apiClients: number;
  formClients: number;
  mailClients: number;
  /** Tag in titles and Message-IDs (e.g. the seed), so reruns never collide. */
  tag: string;
  random: () => number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A bit of everything a report holds: unicode, markup, newlines, and a random length. */
function reportOf(o: LoadOptions, via: string, client: number, n: number): Submitted['input'] {
  const salt = Math.floor(o.random() * 1e9).toString(36);
  const pad = 'x'.repeat(Math.floor(o.random() * 400));
  const named = n % 3 === 0;
  return {
    title: `Crash ${o.tag} ${via} c${client} n${n} ${salt}`,
    description: `Report ${via}/${client}/${n}: <b>bold?</b> ünïcødé ✓ "quotes" & ampersands\nline two ${pad}.`,
    stepsToReproduce: `1. step ${salt}\n2. kill -9 the server`,
    impact: `Impact of ${salt}: nothing may be lost.`,
    affectedVersions: `>= 1.${n % 7}.0, < 2.0.0`,
    suggestedFix: `Fix ${salt}`,
    reporterEmail: `r${client}.${n}@reporters.test`,
    creditPreference: named ? 'name' : 'anonymous',
    creditName: named ? `Finder ${salt}` : '',
  };
}

export class CrashLoad {
  readonly stats: LoadStats = {
    acked: [],
    mails: [],
    failed: 0,
    refused: 0,
    errors: {},
    statuses: {},
    smtpCodes: {},
  };
  #stopped = false;
  #clients: Promise<void>[] = [];
  /** Bumped at every restart: mail clients re-send their last acknowledged mail once per epoch. */
  #epoch = 0;

  constructor(private readonly o: LoadOptions) {}

  start(): void {
    for (let i = 0; i < this.o.apiClients; i++) this.#clients.push(this.#api(i));
    for (let i = 0; i < this.o.formClients; i++) this.#clients.push(this.#form(i));
    for (let i = 0; i < this.o.mailClients; i++) this.#clients.push(this.#mail(i));
  }

  /** The server was restarted. */
  restarted(): void {
    this.#epoch++;
  }

  /** Stops sending new reports; mail clients still deliver what they hold until it is acknowledged. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#clients);
  }

  /** A request that threw: refused (server down) or cut (in flight when it died). */
  #died(e: unknown) {
    const cause =
      (e as { cause?: { code?: string } }).cause?.code ??
      (e as { code?: string }).code ??
      String(e).slice(0, 40);
    this.stats.errors[cause] = (this.stats.errors[cause] ?? 0) + 1;
    // nodemailer reports a refused connection as ECONNECTION with the system error in its message.
    if (cause === 'ECONNREFUSED' || /ECONNREFUSED/.test(String((e as Error).message))) this.stats.refused++;
    else this.stats.failed++;
  }

  #status(s: number | string) {
    this.stats.statuses[s] = (this.stats.statuses[s] ?? 0) + 1;
  }

  async #api(client: number) {
    for (let n = 0; !this.#stopped; n++) {
      const input = reportOf(this.o, 'api', client, n);
      try {
        const res = await fetch(`${this.o.baseUrl}/api/v1/projects/${this.o.slug}/reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
        const body = (await res.json()) as { id: string; key: string; accessToken: string };
        if (res.status === 201) {
          this.stats.acked.push({ via: 'api', input, token: body.accessToken, id: body.id, key: body.key });
        } else this.#status(res.status);
      } catch (e) {
        this.#died(e);
        await sleep(50);
      }
    }
  }

  async #form(client: number) {
    const jar = new Map<string, string>();
    let csrf: string | undefined;
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const keep = (res: Response) => {
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair!.indexOf('=');
        jar.set(pair!.slice(0, i), pair!.slice(i + 1));
      }
    };
    for (let n = 0; !this.#stopped; n++) {
      const input = reportOf(this.o, 'form', client, n);
      try {
        if (!csrf) {
          const page = await fetch(`${this.o.baseUrl}/p/${this.o.slug}/report`, {
            headers: { cookie: cookie() },
          });
          keep(page);
          csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
          if (!csrf) throw new Error('no CSRF token on the form');
        }
        const res = await fetch(`${this.o.baseUrl}/p/${this.o.slug}/report`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
          body: new URLSearchParams({ _csrf: csrf, ...input }).toString(),
        });
        keep(res);
        await res.arrayBuffer();
        const location = res.headers.get('location') ?? '';
        const token = /^\/c\/(rct_[A-Za-z0-9_-]+)$/.exec(location)?.[1];
        if (res.status === 303 && token) this.stats.acked.push({ via: 'form', input, token });
        else {
          this.#status(res.status);
          if (res.status === 403) csrf = undefined;
        }
      } catch (e) {
        this.#died(e);
        csrf = undefined;
        await sleep(50);
      }
    }
  }

  async #mail(client: number) {
    if (!this.o.inboundSmtpPort || !this.o.mailTo) return;
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: this.o.inboundSmtpPort,
      secure: false,
      ignoreTLS: true,
      // One connection kept open, as a relay does; it reconnects after the server died.
      pool: true,
      maxConnections: 1,
      connectionTimeout: 5000,
      greetingTimeout: 5000,
      socketTimeout: 15_000,
    });
    const pending: MailSent[] = [];
    let lastAcked: MailSent | undefined;
    let resentEpoch = 0;
    const send = async (m: MailSent): Promise<boolean> => {
      try {
        await transport.sendMail({
          from: m.from,
          to: this.o.mailTo,
          subject: m.subject,
          messageId: m.messageId,
          text: `Description:\n${m.description}\n\nImpact:\nAll of it.\n\nSteps to reproduce:\n1. Send mail\n2. Kill\n`,
        });
        return true;
      } catch (e) {
        const code = (e as { responseCode?: number }).responseCode;
        if (code) this.stats.smtpCodes[code] = (this.stats.smtpCodes[code] ?? 0) + 1;
        else this.#died(e);
        await sleep(50);
        return false;
      }
    };
    for (let n = 0; ; n++) {
      // A relay delivers what it holds first, and keeps it until it gets a 250.
      while (pending.length) {
        const m = pending[0]!;
        if (!(await send(m))) break;
        m.acked = true;
        lastAcked = m;
        pending.shift();
      }
      if (lastAcked && resentEpoch !== this.#epoch && !pending.length) {
        // The 250 may have been lost with the connection: the same mail once more.
        resentEpoch = this.#epoch;
        if (await send(lastAcked)) lastAcked.resentAfterAck++;
      }
      if (this.#stopped && !pending.length) break;
      if (this.#stopped || pending.length) continue;
      const salt = Math.floor(this.o.random() * 1e9).toString(36);
      const m: MailSent = {
        messageId: `<crash-${this.o.tag}-m${client}-${n}-${salt}@mailer.test>`,
        subject: `Crash ${this.o.tag} mail c${client} n${n} ${salt}`,
        from: `mailer${client}.${n}@mailer.test`,
        description: `Mailed report ${client}/${n} ${salt}: ünïcødé ✓`,
        acked: false,
        resentAfterAck: 0,
      };
      this.stats.mails.push(m);
      pending.push(m);
    }
    transport.close();
  }
}
