import * as sliceSeal from 'slice-seal';
import { roundTrip } from './roundtrip.js';

roundTrip(sliceSeal).then(
  (r) => { window.__result = { ok: true, ...r }; document.getElementById('status').textContent = 'done'; },
  (e) => { window.__result = { ok: false, error: String(e && e.stack || e) }; },
);
