// Minimal seal path of libsodium-wrappers (for the bundle-size table).
import sodium from 'libsodium-wrappers';

export async function sealOne(publicKey, pt) {
  await sodium.ready;
  return sodium.crypto_box_seal(pt, publicKey);
}
