// Preloaded (node --require) into the kit's own `govuk-prototype-kit start`:
// the kit calls server.listen(PORT) on every interface and has no host
// setting, so a listen without a host is made to bind 127.0.0.1 here, and
// the bound address is printed for the test (PORT=0: the OS picks a free port).
'use strict';
const net = require('node:net');

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args[0] && typeof args[0] === 'object') {
    if (args[0].host === undefined && args[0].path === undefined) args[0] = { ...args[0], host: '127.0.0.1' };
  } else if (args.length === 0 || typeof args[0] === 'function') {
    args.unshift(0, '127.0.0.1');
  } else if (typeof args[1] !== 'string') {
    args.splice(1, 0, '127.0.0.1');
  }
  this.once('listening', () => {
    const a = this.address();
    if (a && typeof a === 'object') console.log(`[loopback] listening on http://${a.address}:${a.port}/`);
  });
  return listen.apply(this, args);
};
