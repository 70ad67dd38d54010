// The HTML error page, used by the error handler for every non-API path.
import type { FastifyRequest } from 'fastify';
import { render } from 'preact-render-to-string';
import { Layout } from './components/layout.tsx';

export function renderErrorPage(
  request: FastifyRequest,
  status: number,
  title: string,
  detail: string,
  /** A way forward, when there is one (e.g. set up two-factor sign-in). */
  action?: { href: string; label: string },
): string {
  const user = request.actor?.kind === 'user' ? request.actor.user : null;
  // No CSRF token here: the error may come from the CSRF check itself; the sign-out form then fails safe.
  return (
    '<!doctype html>' +
    render(
      <Layout ctx={{ user, csrf: '' }} title={title}>
        <section class="card narrow">
          <p class="eyebrow">Error {status}</p>
          <h1>{title}</h1>
          <p>{detail}</p>
          {action ? (
            <p>
              <a class="button" href={action.href}>
                {action.label}
              </a>
            </p>
          ) : null}
          <p>
            <a href="/">Back to the start page</a>
          </p>
        </section>
      </Layout>,
    )
  );
}
