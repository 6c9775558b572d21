// Minimal seal path over raw WebCrypto (for the bundle-size table): the same
// ECDH + HKDF + AES-GCM code the benchmark runs (src/peers.js).
const subtle = globalThis.crypto.subtle;
const ECDH = { name: 'ECDH', namedCurve: 'P-256' };

export async function sealOne(recipientPublicKey, pt, info) {
  const eph = await subtle.generateKey(ECDH, true, ['deriveBits']);
  const [dh, enc] = await Promise.all([
    subtle.deriveBits({ name: 'ECDH', public: recipientPublicKey }, eph.privateKey, 256),
    subtle.exportKey('raw', eph.publicKey),
  ]);
  const ikm = await subtle.importKey('raw', dh, 'HKDF', false, ['deriveBits']);
  const okm = new Uint8Array(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: enc, info }, ikm, 44 * 8));
  const key = await subtle.importKey('raw', okm.subarray(0, 32), 'AES-GCM', false, ['encrypt']);
  const ct = await subtle.encrypt({ name: 'AES-GCM', iv: okm.subarray(32) }, key, pt);
  return { enc: new Uint8Array(enc), ct };
}
