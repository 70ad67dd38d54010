// Progressive enhancement for advisory pages: a "Copy" button after each [data-copy] block. Without
// JavaScript the blocks are plain selectable text, so the button is only added when it can work.
/* global document, navigator, window */
(function () {
  if (!navigator.clipboard || !window.isSecureContext) return;
  for (const block of document.querySelectorAll('[data-copy]')) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary copy';
    button.textContent = 'Copy';
    button.addEventListener('click', () => {
      const text = 'value' in block ? block.value : block.textContent;
      navigator.clipboard.writeText(text || '').then(
        () => (button.textContent = 'Copied'),
        () => (button.textContent = 'Copy failed: select the text instead'),
      );
    });
    block.insertAdjacentElement('afterend', button);
  }
})();
