//! The lean browser module (pkg/lean.js): where `crypto.subtle` exists,
//! WebCrypto does every P-256 step (key import and its curve check, the
//! ephemeral key pair, ECDH) and this module the rest of RFC 9180 with the
//! core's engine: the JWK's shape and RFC 7638 thumbprint, `ExtractAndExpand`,
//! `KeySchedule`, AES-256-GCM, the context and the envelope. It calls no P-256
//! arithmetic, so none is linked. Plain byte and string arguments, one
//! synchronous call per step.
#![cfg(target_arch = "wasm32")]
// wasm-bindgen's generated glue is `unsafe`; this crate writes none.
#![allow(unsafe_code)]

use std::cell::RefCell;

use slice_seal::hazmat::{self, Encapsulation};
use slice_seal::{Context, ENC_LEN, Error, Jwk, KID_LEN};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

/// Errors are the core's codes only: lean.js hands a refused input to the
/// full module, whose error (code and message) the caller gets, so the
/// messages' formatting code stays out of this module.
type Out<T> = Result<T, JsValue>;

fn err(e: Error) -> JsValue {
    JsValue::from_str(e.code())
}

fn fixed<const N: usize>(b: &[u8]) -> Out<[u8; N]> {
    b.try_into().map_err(|_| JsValue::from_str("INVALID_INPUT"))
}

/// A public JWK's members checked as the full module checks them, except
/// the curve check (WebCrypto's `importKey`): 65 bytes of uncompressed SEC1
/// point, then the 32-byte thumbprint.
#[wasm_bindgen]
pub fn recipient(
    kty: Option<String>,
    crv: Option<String>,
    x: Option<String>,
    y: Option<String>,
    kid: Option<String>,
) -> Out<Vec<u8>> {
    let jwk = Jwk {
        kty,
        crv,
        x,
        y,
        kid,
        ..Jwk::default()
    };
    let (point, kid) = hazmat::jwk_point_unchecked(&jwk).map_err(err)?;
    let mut out = Vec::with_capacity(ENC_LEN + KID_LEN);
    out.extend_from_slice(&point);
    out.extend_from_slice(&kid);
    Ok(out)
}

fn context(form: String, field: String, submission: Option<String>) -> Context {
    Context {
        form,
        field,
        submission,
    }
}

/// The core's checks of one slice's inputs, in its order (size, context).
fn check_inputs(len: usize, ctx: &Context) -> Out<()> {
    hazmat::check_plaintext(len).map_err(err)?;
    ctx.validate().map_err(err)
}

/// Check one slice's inputs before any WebCrypto call is made for it.
#[wasm_bindgen]
pub fn check(len: usize, form: String, field: String, submission: Option<String>) -> Out<()> {
    check_inputs(len, &context(form, field, submission))
}

thread_local! {
    /// Prepared encapsulations by handle; each taken once, zeroized on drop.
    static POOL: RefCell<Vec<Option<Encapsulation>>> = const { RefCell::new(Vec::new()) };
}

fn encapsulate(pk_rm: &[u8], enc: &[u8], dh: &[u8]) -> Out<Encapsulation> {
    let pk_rm = fixed::<ENC_LEN>(pk_rm)?;
    hazmat::encapsulation_unchecked(&pk_rm, enc, dh).map_err(err)
}

/// `ExtractAndExpand` of WebCrypto's ECDH value `dh` for `enc` (the
/// ephemeral public key WebCrypto exported) and `pk_rm`: a prepared
/// encapsulation, kept here; returns its handle. `dh` is zeroized.
#[wasm_bindgen]
pub fn agree(pk_rm: &[u8], enc: &[u8], dh: Vec<u8>) -> Out<u32> {
    let dh = Zeroizing::new(dh);
    let encap = encapsulate(pk_rm, enc, &dh)?;
    POOL.with_borrow_mut(|pool| {
        let free = pool.iter().position(Option::is_none);
        let slot = free.unwrap_or_else(|| {
            pool.push(None);
            pool.len() - 1
        });
        pool[slot] = Some(encap);
        Ok(slot as u32)
    })
}

/// Drop a prepared encapsulation unused (its secret zeroized).
#[wasm_bindgen]
pub fn release(handle: u32) {
    POOL.with_borrow_mut(|pool| {
        if let Some(slot) = pool.get_mut(handle as usize) {
            *slot = None;
        }
    });
}

fn seal_with(encap: Encapsulation, kid: &[u8], plaintext: &[u8], ctx: &Context) -> Out<String> {
    let kid = fixed::<KID_LEN>(kid)?;
    Ok(hazmat::seal_to_kid(encap, &kid, plaintext, ctx)
        .map_err(err)?
        .to_text())
}

/// Seal with the prepared encapsulation `handle` (checked inputs first: a
/// bad one leaves it prepared). The plaintext is zeroized.
#[wasm_bindgen]
pub fn seal(
    handle: u32,
    kid: &[u8],
    plaintext: Vec<u8>,
    form: String,
    field: String,
    submission: Option<String>,
) -> Out<String> {
    let plaintext = Zeroizing::new(plaintext);
    let ctx = context(form, field, submission);
    check_inputs(plaintext.len(), &ctx)?;
    let encap = POOL
        .with_borrow_mut(|pool| pool.get_mut(handle as usize).and_then(Option::take))
        .ok_or_else(|| JsValue::from_str("INVALID_INPUT"))?;
    seal_with(encap, kid, &plaintext, &ctx)
}
