// The page frame: header with navigation, main content, footer. No inline script or style:
// the CSP forbids both, and every page works without JavaScript.
import type { ComponentChildren } from 'preact';
import type { PageContext } from '../render.ts';

export function Layout(props: {
  ctx: Pick<PageContext, 'user' | 'csrf'> & { unread?: number };
  title: string;
  children: ComponentChildren;
  wide?: boolean;
  /** An Atom feed of what the page lists, announced to feed readers. */
  feed?: { href: string; title: string };
}) {
  const { ctx } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${props.title} · Parley`}</title>
        <link rel="stylesheet" href="/assets/parley.css" />
        <link rel="stylesheet" href="/assets/charts.css" />
        {props.feed ? (
          <link rel="alternate" type="application/atom+xml" href={props.feed.href} title={props.feed.title} />
        ) : null}
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site">
          <nav aria-label="Main">
            <a class="brand" href="/">
              Parley
            </a>
            <ul>
              <li>
                <a href="/advisories">Advisories</a>
              </li>
              {ctx.user ? (
                <>
                  <li>
                    <a href="/inbox">Inbox</a>
                  </li>
                  <li>
                    <a href="/notifications">
                      Notifications
                      {ctx.unread ? <span class="badge count">{ctx.unread}</span> : null}
                    </a>
                  </li>
                  <li>
                    <a href="/metrics">Metrics</a>
                  </li>
                  <li class="who">
                    <a href="/account/security" title="Account security, API tokens">
                      {ctx.user.name}
                    </a>
                  </li>
                  <li>
                    <form method="post" action="/logout" class="inline">
                      <input type="hidden" name="_csrf" value={ctx.csrf} />
                      <button type="submit" class="link">
                        Sign out
                      </button>
                    </form>
                  </li>
                </>
              ) : (
                <li>
                  <a href="/login">Team sign-in</a>
                </li>
              )}
            </ul>
          </nav>
        </header>
        <main id="main" class={props.wide ? 'wide' : undefined}>
          {props.children}
        </main>
        <footer class="site">
          <p>
            Parley — coordinated vulnerability disclosure · <a href="/advisories">Advisories</a> ·{' '}
            <a href="/hall-of-fame">Hall of fame</a>
          </p>
        </footer>
      </body>
    </html>
  );
}
