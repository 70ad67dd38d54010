// The embargo as every page shows it: local time in the zone it was set in, the UTC offset and UTC,
// and (with JavaScript, as an enhancement) the reader's own local time.
import type { EmbargoView } from '../../../domain/embargo.ts';

export function EmbargoNotice(props: { embargo: EmbargoView | null; none?: string }) {
  const e = props.embargo;
  if (!e) return props.none ? <p class="muted">{props.none}</p> : null;
  return (
    <p class={e.ended ? 'embargo ended' : 'embargo'} id="embargo-notice">
      <strong>{e.ended ? 'Embargo ended' : 'Under embargo until'}</strong>{' '}
      <time datetime={e.endsAt} data-local-time="">
        {e.local} {e.zone}
      </time>{' '}
      <span class="muted">
        ({e.offset}; {e.utc}
        <span class="local-time" hidden></span>)
      </span>
    </p>
  );
}
