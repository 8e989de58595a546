// Small behaviours the portal's pages share, kept out of the HTML so that the
// Content-Security-Policy needs no inline script for them.
document.addEventListener("click", (event) => {
  const trigger = event.target.closest("[data-print]");
  if (trigger) {
    event.preventDefault();
    window.print();
  }
});
