// Minimal seal path of @noble curves/hashes/ciphers (for the bundle-size table).
import { p256 } from '@noble/curves/nist.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { gcm } from '@noble/ciphers/aes.js';

export function sealOne(recipientSec1, pt, info) {
  const sk = p256.utils.randomSecretKey();
  const enc = p256.getPublicKey(sk, false);
  const dh = p256.getSharedSecret(sk, recipientSec1, true).subarray(1);
  const okm = hkdf(sha256, dh, enc, info, 44);
  return { enc, ct: gcm(okm.subarray(0, 32), okm.subarray(32)).encrypt(pt) };
}
