// slice-seal: key, key-set and envelope-metadata types.
// Part of web/slice_seal.d.ts (concatenated by .ci/build-pkg, wasm/ts/*.d.ts in name order).
/**
 * A P-256 JSON Web Key (RFC 7517). Public keys have `x` and `y`; private keys
 * also `d`. `kid` is the RFC 7638 SHA-256 thumbprint (base64url); when
 * present on input it must match the key.
 */
export interface Jwk {
  kty: "EC";
  crv: "P-256";
  /** Affine x coordinate, 32 bytes, unpadded base64url. */
  x: string;
  /** Affine y coordinate, 32 bytes, unpadded base64url. */
  y: string;
  /** Private scalar, 32 bytes, unpadded base64url (private keys only). */
  d?: string;
  /** RFC 7638 thumbprint (SHA-256, unpadded base64url). */
  kid?: string;
  /** Intended use; slice-seal writes `"enc"`. */
  use?: string;
  /** Algorithm hint; slice-seal writes `"HPKE-P256-SHA256-A256GCM"`. */
  alg?: string;
}

/** A JWK Set (RFC 7517 §5). */
export interface Jwks {
  keys: Jwk[];
}

/**
 * The clear metadata of an envelope, as read by `inspect`. It is NOT
 * authenticated until the envelope is opened: use it for routing only.
 */
export interface EnvelopeInfo {
  /** Envelope format version. */
  version: 1;
  /** HPKE KEM id: DHKEM(P-256, HKDF-SHA256). */
  kem: 16;
  /** HPKE KDF id: HKDF-SHA256. */
  kdf: 1;
  /** HPKE AEAD id: AES-256-GCM. */
  aead: 2;
  /** Key id (thumbprint) of the recipient key. */
  kid: string;
  form: string;
  field: string;
  submission?: string;
}

/** A fresh key pair from `generateKeyPair`. */
export interface KeyPair {
  /** Public JWK with `kid`, `use` and `alg`: publish this. */
  publicKey: Jwk;
  /** Private JWK (with `d`): keep this on the high side only. */
  privateKey: Jwk;
}

/** Options of `importPublicKey`. */
export interface ImportOptions {
  /** Choose this key from a JWKS; for a single key, require this thumbprint. */
  kid?: string;
}

/** A public key as accepted by `seal`, `Sealer`, `importPublicKey`, `exportPublicKey`. */
export type PublicKeyInput = Jwk | Jwks | string | Uint8Array;

/** A private key: a private JWK, or its JSON, or a PEM (PKCS#8 / SEC1) string. */
export type PrivateKeyInput = Jwk | string;

/** Output forms of `exportPublicKey`. */
export type PublicKeyFormat = "jwk" | "jwks" | "spki-pem" | "sec1" | "sec1-compressed";
