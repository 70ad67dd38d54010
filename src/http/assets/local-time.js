// Progressive enhancement: next to an embargo shown in its own zone and UTC, show the reader's
// local time too. Without JavaScript the page already shows the zone, offset and UTC.
/* global document */
for (const t of document.querySelectorAll('time[data-local-time]')) {
  const d = new Date(t.getAttribute('datetime'));
  const out = t.parentElement && t.parentElement.querySelector('.local-time');
  if (Number.isNaN(d.getTime()) || !out) continue;
  // dateStyle/timeStyle cannot be combined with timeZoneName, so the fields are named one by one.
  const fmt = new Intl.DateTimeFormat(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });
  out.textContent = '; your time: ' + fmt.format(d);
  out.hidden = false;
}
