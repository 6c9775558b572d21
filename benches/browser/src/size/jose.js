// Minimal seal path of jose (for the bundle-size table).
import { CompactEncrypt } from 'jose';

export function sealOne(publicKey, pt) {
  return new CompactEncrypt(pt).setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM' }).encrypt(publicKey);
}
