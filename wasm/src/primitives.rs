//! Building blocks for advanced use (`primitives.*`): P-256 ECDH, HKDF-SHA256
//! and AES-256-GCM, each a thin call into the core's `primitives`.

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::args::{bytes_arg, length_arg, opt_bytes_arg, private_key_arg, public_key_arg};
use crate::errors::{JsErr, JsResult};
use crate::out::bytes_out;
use slice_seal::primitives;

/// P-256 ECDH: the raw 32-byte shared secret (x-coordinate of d·Q). For the
/// raw two-party pattern only; prefer `seal`.
#[wasm_bindgen(js_namespace = primitives, js_name = ecdh, unchecked_return_type = "Uint8Array")]
pub fn primitives_ecdh(
    #[wasm_bindgen(js_name = privateKey, unchecked_param_type = "PrivateKeyInput")]
    private_key: JsValue,
    #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "PublicKeyInput")]
    public_key: JsValue,
) -> JsResult<JsValue> {
    let sk = private_key_arg(&private_key)?;
    let pk = public_key_arg(&public_key, None)?;
    let shared = primitives::ecdh(&sk, &pk);
    Ok(bytes_out(shared.as_ref()).into())
}

/// HKDF-SHA256 (RFC 5869) extract-then-expand to `length` ≤ 8160 bytes.
/// An empty `salt` means 32 zero bytes.
#[wasm_bindgen(js_namespace = primitives, js_name = hkdf, unchecked_return_type = "Uint8Array")]
pub fn primitives_hkdf(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] ikm: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] salt: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] info: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] length: JsValue,
) -> JsResult<JsValue> {
    let ikm = bytes_arg(&ikm, "ikm")?;
    let salt = bytes_arg(&salt, "salt")?;
    let info = bytes_arg(&info, "info")?;
    let len = length_arg(&length)?;
    let okm = primitives::hkdf(&salt, &ikm, &info, len).js_err()?;
    Ok(bytes_out(&okm).into())
}

/// HKDF-SHA256 extract (RFC 5869 §2.2): the 32-byte pseudorandom key.
/// Arguments in the order of `hkdf` (`ikm`, then `salt`).
#[wasm_bindgen(js_namespace = primitives, js_name = hkdfExtract, unchecked_return_type = "Uint8Array")]
pub fn primitives_hkdf_extract(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] ikm: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] salt: JsValue,
) -> JsResult<JsValue> {
    let ikm = bytes_arg(&ikm, "ikm")?;
    let salt = bytes_arg(&salt, "salt")?;
    let prk = primitives::hkdf_extract(&salt, &ikm);
    Ok(bytes_out(prk.as_ref()).into())
}

/// HKDF-SHA256 expand (RFC 5869 §2.3) of a pseudorandom key (≥ 32 bytes) to
/// `length` ≤ 8160 bytes.
#[wasm_bindgen(js_namespace = primitives, js_name = hkdfExpand, unchecked_return_type = "Uint8Array")]
pub fn primitives_hkdf_expand(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] prk: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] info: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] length: JsValue,
) -> JsResult<JsValue> {
    let prk = bytes_arg(&prk, "prk")?;
    let info = bytes_arg(&info, "info")?;
    let len = length_arg(&length)?;
    let okm = primitives::hkdf_expand(&prk, &info, len).js_err()?;
    Ok(bytes_out(&okm).into())
}

/// AES-256-GCM encrypt with a 32-byte key and 12-byte nonce; returns
/// ciphertext ‖ 16-byte tag. Never reuse a nonce with the same key.
#[wasm_bindgen(js_namespace = primitives, js_name = aesGcmSeal, unchecked_return_type = "Uint8Array")]
pub fn primitives_aes_gcm_seal(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] nonce: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] plaintext: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Uint8Array")] aad: JsValue,
) -> JsResult<JsValue> {
    let key = bytes_arg(&key, "key")?;
    let nonce = bytes_arg(&nonce, "nonce")?;
    let pt = bytes_arg(&plaintext, "plaintext")?;
    let aad = opt_bytes_arg(&aad, "aad")?;
    let ct = primitives::aes_gcm_seal(&key, &nonce, &aad, &pt).js_err()?;
    Ok(bytes_out(&ct).into())
}

/// AES-256-GCM decrypt of ciphertext ‖ tag; `DECRYPT_FAILED` if the tag does
/// not verify.
#[wasm_bindgen(js_namespace = primitives, js_name = aesGcmOpen, unchecked_return_type = "Uint8Array")]
pub fn primitives_aes_gcm_open(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] nonce: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] ciphertext: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Uint8Array")] aad: JsValue,
) -> JsResult<JsValue> {
    let key = bytes_arg(&key, "key")?;
    let nonce = bytes_arg(&nonce, "nonce")?;
    let ct = bytes_arg(&ciphertext, "ciphertext")?;
    let aad = opt_bytes_arg(&aad, "aad")?;
    let pt = Zeroizing::new(primitives::aes_gcm_open(&key, &nonce, &aad, &ct).js_err()?);
    Ok(bytes_out(&pt).into())
}
