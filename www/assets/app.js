// Demo service: start govuk-frontend's components, and follow the server's
// answer after a fetch-mode slice-seal form was accepted.
import { initAll } from '/assets/govuk-frontend.min.js';

initAll();

document.addEventListener('slice-seal:sent', (event) => {
  const { response } = event.detail;
  // Fetch mode: the server answered with a redirect (to the task list); follow it.
  if (response && response.redirected) window.location.assign(response.url);
});
