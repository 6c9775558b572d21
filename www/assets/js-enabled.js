// The govuk-frontend "js-enabled" pattern without an inline script (the CSP
// allows scripts from 'self' only). Loaded synchronously at the top of <body>.
document.body.className +=
  ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
