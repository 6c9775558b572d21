//! wasm-bindgen bindings: a thin layer that converts JS values to core types
//! and core errors to JS `Error`s with a stable `code`. No crypto here.
//! Natively the crate is empty: it builds for wasm32 only.
//!
//! By concern: [`args`] reads every JS argument (one key/JWK/context
//! reader); [`keys`], [`sealer`], [`opener`] and [`primitives`] are the
//! exports; [`async_sealer`] and [`async_opener`] the async API's WebCrypto
//! and wasm paths, chosen by measurement in [`backend`]; [`web_crypto`] the
//! WebCrypto externs; [`chain`] the hand-chained promises; [`errors`] the
//! JS error type. The TypeScript types the exports name are in wasm/ts/.
#![cfg(target_arch = "wasm32")]
// wasm-bindgen's generated glue is `unsafe`; this crate writes none.
#![allow(unsafe_code)]

mod args;
mod async_opener;
mod async_sealer;
mod backend;
mod chain;
mod errors;
mod hybrid;
mod keys;
mod opener;
mod out;
mod primitives;
mod sealer;
mod web_crypto;

pub use backend::backend_timings;
pub use errors::{INVALID_ARGUMENT, INVALID_UTF8};
pub use keys::{export_public_key, generate_key_pair, import_public_key, inspect, thumbprint};
pub use opener::{JsOpener, open, open_async, open_text, open_text_async};
pub use primitives::{
    primitives_aes_gcm_open, primitives_aes_gcm_seal, primitives_ecdh, primitives_hkdf,
    primitives_hkdf_expand, primitives_hkdf_extract,
};
pub use sealer::{JsSealer, seal, seal_async, seal_bytes_async};
