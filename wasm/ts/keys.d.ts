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
 * A hybrid post-quantum key (MLKEM768-X25519, docs/FORMAT.md §11) as an
 * "AKP" JWK. Public keys have `pub`; private keys also `priv`. The suite
 * follows the key: `seal`, `Sealer`, `open` and `Opener` take it as they
 * take a P-256 `Jwk`.
 */
export interface AkpJwk {
  kty: "AKP";
  alg: "MLKEM768-X25519";
  /** ML-KEM-768 encapsulation key || X25519 public key, 1216 bytes, unpadded base64url. */
  pub: string;
  /** The 32-byte X-Wing seed, unpadded base64url (private keys only). */
  priv?: string;
  /** RFC 7638 thumbprint of {alg, kty, pub} (SHA-256, unpadded base64url). */
  kid?: string;
  use?: string;
}

/** A JWK of either suite. */
export type AnyJwk = Jwk | AkpJwk;

/** A JWK Set that may hold keys of both suites. */
export interface AnyJwks {
  keys: AnyJwk[];
}

/**
 * The clear metadata of an envelope, as read by `inspect`. It is NOT
 * authenticated until the envelope is opened: use it for routing only.
 */
export interface EnvelopeInfo {
  /** Envelope format version. */
  version: 1;
  /** HPKE KEM id: 16 = DHKEM(P-256, HKDF-SHA256); 25722 (0x647a) = MLKEM768-X25519. */
  kem: 16 | 25722;
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

/** A fresh hybrid key pair from `generateKeyPair({ suite: "mlkem768-x25519" })`. */
export interface HybridKeyPair {
  /** Public AKP JWK with `kid` and `use`: publish this. */
  publicKey: AkpJwk;
  /** Private AKP JWK (with `priv`): keep this on the high side only. */
  privateKey: AkpJwk;
}

/** Options of `generateKeyPair`. */
export interface KeyPairOptions {
  /** `"p256"` (the default) or `"mlkem768-x25519"` (hybrid post-quantum). */
  suite?: "p256" | "mlkem768-x25519";
}

/**
 * Generate a new key pair for the high side: P-256, or with
 * `{ suite: "mlkem768-x25519" }` a hybrid post-quantum one (AKP JWKs).
 * `publicKey` carries its `kid` (RFC 7638 thumbprint): publish it to the low
 * side. `privateKey` holds the secret (`d`, or `priv`): keep it on the high side.
 */
export function generateKeyPair(options: { suite: "mlkem768-x25519" }): HybridKeyPair;
export function generateKeyPair(options?: KeyPairOptions): KeyPair;

/**
 * Import and validate a public key, returning it as a normalised public JWK
 * with `kid` and `use` (a P-256 one also `alg`). `input` is a JWK or JWKS
 * (object or JSON), a PEM `PUBLIC KEY` string, or SEC1 bytes (33 or 65).
 * From a JWKS the key with `options.kid` is chosen (`KEY_NOT_FOUND` if
 * absent); without `kid` the set must hold one key. For any other input,
 * `options.kid` must be the key's thumbprint (`KID_MISMATCH`). A `d` or
 * `priv` member is dropped.
 */
export function importPublicKey(input: AkpJwk | { keys: AkpJwk[] }, options?: ImportOptions): AkpJwk;
export function importPublicKey(input: Jwk | Jwks | Uint8Array, options?: ImportOptions): Jwk;
export function importPublicKey(input: PublicKeyInput, options?: ImportOptions): AnyJwk;

/**
 * Export a public key (any input `importPublicKey` accepts) as:
 * `"jwk"` → JWK, `"jwks"` → a one-key set, `"spki-pem"` → PEM string,
 * `"sec1"` → 65 bytes, `"sec1-compressed"` → 33 bytes (P-256 keys), `"raw"`
 * → the 1216-byte key (hybrid keys; the other forms of the other suite are
 * `INVALID_KEY`).
 */
export function exportPublicKey(publicKey: Jwk | Jwks | Uint8Array, format: PublicKeyFormat): Jwk | Jwks | string | Uint8Array;
export function exportPublicKey(publicKey: AkpJwk, format: "jwk"): AkpJwk;
export function exportPublicKey(publicKey: PublicKeyInput, format: PublicKeyFormat | "raw"): AnyJwk | AnyJwks | string | Uint8Array;

/** Options of `importPublicKey`. */
export interface ImportOptions {
  /** Choose this key from a JWKS; for a single key, require this thumbprint. */
  kid?: string;
}

/** A public key as accepted by `seal`, `Sealer`, `importPublicKey`, `exportPublicKey`: the suite follows the key. */
export type PublicKeyInput = Jwk | Jwks | AkpJwk | AnyJwks | string | Uint8Array;

/** A private key: a private JWK (P-256 or AKP), or its JSON, or a PEM (PKCS#8 / SEC1) string. */
export type PrivateKeyInput = Jwk | AkpJwk | string;

/** Output forms of `exportPublicKey`. */
export type PublicKeyFormat = "jwk" | "jwks" | "spki-pem" | "sec1" | "sec1-compressed";
