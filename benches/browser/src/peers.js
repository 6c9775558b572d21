// The peer libraries' seal/open, each through its WHOLE public call, as an
// application would use it. Every library gets the same 1 KiB plaintext and
// (except libsodium, which has no P-256) the same P-256 recipient key.
//
// Each entry: { id, label, note, setup(keys) -> state, seal(state, pt) ->
// sealed, open(state, sealed) -> Uint8Array }. seal/open may be async.

import { CipherSuite, DhkemP256HkdfSha256, HkdfSha256, Aes256Gcm } from '@hpke/core';
import { CompactEncrypt, compactDecrypt } from 'jose';
import sodium from 'libsodium-wrappers';
import { p256 } from '@noble/curves/nist.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { gcm } from '@noble/ciphers/aes.js';

const subtle = globalThis.crypto.subtle;
const te = new TextEncoder();
const ECDH = { name: 'ECDH', namedCurve: 'P-256' };

/** The info string every HPKE-style peer binds (same length class as slice-seal's). */
export const PEER_INFO = te.encode('slice-seal-bench/v1 form=bench field=answer');

const b64uDecode = (s) => {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
};

/** The recipient P-256 key (a slice-seal private JWK) in every peer's format. */
export async function importRecipient(privateJwk) {
  const pubJwk = { kty: 'EC', crv: 'P-256', x: privateJwk.x, y: privateJwk.y };
  const privJwk = { ...pubJwk, d: privateJwk.d };
  const publicKey = await subtle.importKey('jwk', pubJwk, ECDH, true, []);
  const privateKey = await subtle.importKey('jwk', privJwk, ECDH, false, ['deriveBits', 'deriveKey']);
  const sec1 = new Uint8Array(65);
  sec1[0] = 4;
  sec1.set(b64uDecode(privateJwk.x), 1);
  sec1.set(b64uDecode(privateJwk.y), 33);
  return { publicKey, privateKey, sec1, d: b64uDecode(privateJwk.d) };
}

const hpkeSuite = () =>
  new CipherSuite({ kem: new DhkemP256HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

export const PEERS = [
  {
    id: 'hpke',
    label: '@hpke/core (HPKE, WebCrypto)',
    note: 'suite.seal({recipientPublicKey, info}, pt) / suite.open({recipientKey: keyPair, enc, info}, ct): same suite as slice-seal. Open is given the CryptoKeyPair: with a non-extractable private CryptoKey alone, @hpke/core 1.9.0 fails to open for ~50% of keys (it rebuilds the recipient public key from x with a fixed y parity)',
    // open gets the CryptoKeyPair: given only a NON-extractable private
    // CryptoKey, @hpke/core 1.9.0 re-derives pkR from x alone with a fixed
    // ("even") y and so fails to open about half of all keys' envelopes
    // (@hpke/common dhkemPrimitives/ec.js _derivePublicKeyWithoutJwkExport).
    setup: async (k) => ({ suite: hpkeSuite(), k, pair: { privateKey: k.privateKey, publicKey: k.publicKey } }),
    seal: (s, pt) => s.suite.seal({ recipientPublicKey: s.k.publicKey, info: PEER_INFO }, pt),
    open: async (s, r) =>
      new Uint8Array(await s.suite.open({ recipientKey: s.pair, enc: r.enc, info: PEER_INFO }, r.ct)),
  },
  {
    id: 'jose',
    label: 'jose (JWE ECDH-ES + A256GCM)',
    note: "new CompactEncrypt(pt).setProtectedHeader({alg:'ECDH-ES', enc:'A256GCM'}).encrypt(publicKey) / compactDecrypt",
    setup: async (k) => ({ k }),
    seal: (s, pt) =>
      new CompactEncrypt(pt).setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM' }).encrypt(s.k.publicKey),
    open: async (s, jwe) => (await compactDecrypt(jwe, s.k.privateKey)).plaintext,
  },
  {
    id: 'webcrypto',
    label: 'WebCrypto raw (ECDH + HKDF + AES-GCM)',
    note:
      'generateKey + deriveBits(ECDH) + exportKey(raw) + importKey(HKDF) + deriveBits(key‖nonce) + importKey(AES) + encrypt; ECIES-style, not HPKE\'s labelled key schedule',
    setup: async (k) => ({ k }),
    seal: async (s, pt) => {
      const eph = await subtle.generateKey(ECDH, true, ['deriveBits']);
      const [dh, enc] = await Promise.all([
        subtle.deriveBits({ name: 'ECDH', public: s.k.publicKey }, eph.privateKey, 256),
        subtle.exportKey('raw', eph.publicKey),
      ]);
      const ikm = await subtle.importKey('raw', dh, 'HKDF', false, ['deriveBits']);
      const okm = new Uint8Array(
        await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: enc, info: PEER_INFO }, ikm, 44 * 8),
      );
      const key = await subtle.importKey('raw', okm.subarray(0, 32), 'AES-GCM', false, ['encrypt']);
      const ct = await subtle.encrypt({ name: 'AES-GCM', iv: okm.subarray(32) }, key, pt);
      return { enc: new Uint8Array(enc), ct };
    },
    open: async (s, r) => {
      const epk = await subtle.importKey('raw', r.enc, ECDH, false, []);
      const dh = await subtle.deriveBits({ name: 'ECDH', public: epk }, s.k.privateKey, 256);
      const ikm = await subtle.importKey('raw', dh, 'HKDF', false, ['deriveBits']);
      const okm = new Uint8Array(
        await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: r.enc, info: PEER_INFO }, ikm, 44 * 8),
      );
      const key = await subtle.importKey('raw', okm.subarray(0, 32), 'AES-GCM', false, ['decrypt']);
      return new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: okm.subarray(32) }, key, r.ct));
    },
  },
  {
    id: 'sodium',
    label: 'libsodium-wrappers crypto_box_seal (X25519!)',
    note: 'crypto_box_seal / crypto_box_seal_open: X25519 + XSalsa20-Poly1305, NOT P-256 (libsodium has no P-256)',
    setup: async () => {
      await sodium.ready;
      return { kp: sodium.crypto_box_keypair() };
    },
    seal: (s, pt) => sodium.crypto_box_seal(pt, s.kp.publicKey),
    open: (s, ct) => sodium.crypto_box_seal_open(ct, s.kp.publicKey, s.kp.privateKey),
  },
  {
    id: 'noble',
    label: '@noble (p256 ECDH + hkdf + gcm, pure JS)',
    note: 'p256.utils.randomSecretKey + getPublicKey + getSharedSecret + hkdf(sha256) + gcm; ECIES-style, not HPKE\'s labelled key schedule',
    setup: async (k) => ({ k }),
    seal: (s, pt) => {
      const secretKey = p256.utils.randomSecretKey();
      const enc = p256.getPublicKey(secretKey, false);
      const dh = p256.getSharedSecret(secretKey, s.k.sec1, true).subarray(1);
      const okm = hkdf(sha256, dh, enc, PEER_INFO, 44);
      const ct = gcm(okm.subarray(0, 32), okm.subarray(32)).encrypt(pt);
      return { enc, ct };
    },
    open: (s, r) => {
      const dh = p256.getSharedSecret(s.k.d, r.enc, true).subarray(1);
      const okm = hkdf(sha256, dh, r.enc, PEER_INFO, 44);
      return gcm(okm.subarray(0, 32), okm.subarray(32)).decrypt(r.ct);
    },
  },
];
