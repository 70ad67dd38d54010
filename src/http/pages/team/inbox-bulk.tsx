// The inbox's bulk actions: a checkbox per case and "Close selected as spam". The checkboxes belong
// to a form after the table (HTML `form` attribute), so the table needs no wrapping form and the
// filter form above stays separate. Posting shows a confirmation page first (bulk-close.routes.tsx):
// nothing closes on a stray click, and it works without JavaScript.
import type { CaseSummary } from '../../../services/presenters/case.presenter.ts';
import { Csrf } from '../components/form.tsx';

export const BULK_FORM = 'bulk-close';

/** The checkbox column's heading (no select-all: that would need a script). */
export function BulkHeading() {
  return <th scope="col">Select</th>;
}

/** Cases that can still be closed (a closed or disclosed case cannot). */
const closable = (c: CaseSummary) => c.state !== 'closed' && c.state !== 'disclosed';

export function BulkCell(props: { item: CaseSummary }) {
  const c = props.item;
  return (
    <td>
      {!closable(c) ? null : (
        <input type="checkbox" name="ids" value={c.id} form={BULK_FORM} aria-label={`Select ${c.key}`} />
      )}
    </td>
  );
}

export function BulkCloseForm(props: { csrf: string; items: CaseSummary[] }) {
  if (!props.items.some(closable)) return null;
  return (
    <form method="post" action="/inbox/bulk-close" id={BULK_FORM} class="inline">
      <Csrf token={props.csrf} />
      <input type="hidden" name="resolution" value="spam" />
      <button type="submit" class="secondary">
        Close selected as spam…
      </button>{' '}
      <span class="hint">You confirm on the next page. The reporters are not mailed.</span>
    </form>
  );
}

/** Marks a case whose reporter has had reports closed as spam before. */
export function SpamMarker(props: { show: boolean }) {
  if (!props.show) return null;
  return (
    <span class="badge warn" title="This reporter has had reports closed as spam">
      Spam history
    </span>
  );
}
