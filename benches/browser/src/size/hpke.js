// Minimal seal path of @hpke/core (for the bundle-size table).
import { CipherSuite, DhkemP256HkdfSha256, HkdfSha256, Aes256Gcm } from '@hpke/core';

export async function sealOne(recipientPublicKey, pt, info) {
  const suite = new CipherSuite({ kem: new DhkemP256HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
  return suite.seal({ recipientPublicKey, info }, pt);
}
