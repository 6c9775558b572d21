//! The binary form of the async seal (`sealBytesAsync`): the envelope body
//! of docs/FORMAT.md §4 as one `Uint8Array`, for large values, where the
//! text form's base64 and JS string cost more than the AES-GCM
//! (benches/README.md, "large values"). Same encapsulations, checks, key
//! schedule and backend choice as the text form; only the last steps
//! differ: no base64, and from [`WEB_AES_MIN`] on the caller's bytes go to
//! WebCrypto's `encrypt` as they are (no copy into wasm and back) and the
//! body is written once, head then ciphertext.
//!
//! Where the secrets are: the AEAD key and base nonce are made in wasm
//! (`KeySchedule`) and stay in the [`Sealing`], zeroized when it drops (at
//! the end of the chain). The key crosses into WebCrypto once, imported
//! non-extractable for `encrypt` only (its JS copy zero-filled as soon as
//! `importKey` has copied it); that `CryptoKey` is referenced by this chain
//! alone and goes with it. A string plaintext is ours: zeroized in wasm on
//! drop, and its JS copy zero-filled once `encrypt` has copied it. The
//! caller's `Uint8Array` is theirs: not copied on the WebCrypto path (the
//! wasm paths copy it into wasm, zeroized there), never wiped.

use std::rc::Rc;

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;

use super::{AesPlan, AsyncSealer, check_inputs, timed};
use crate::args::SealValue;
use crate::backend::{Timer, Work};
use crate::chain::{Step, chain, settled};
use crate::errors::JsErr;
#[cfg(doc)]
use crate::web_crypto::WEB_AES_MIN;
use crate::web_crypto::{ARGS, Subtle, aes_alg, import_secret, own};
use slice_seal::hazmat::{self, Encapsulation, Sealing};
use slice_seal::{Context, MAX_PLAINTEXT, PublicKey};

impl AsyncSealer {
    /// The one-shot `sealBytesAsync`: as [`AsyncSealer::seal_once`], the
    /// body instead of the text.
    pub(crate) fn seal_bytes_once(self: &Rc<Self>, value: SealValue, context: Context) -> Promise {
        if let Err(e) = check_inputs(value.len(), &context) {
            return Promise::reject(&e.js_err());
        }
        let (subtle, timer) = self.web.plan(Work::Seal);
        if subtle.is_some() {
            return self.with_encap(move |me, encap| me.seal_encap_bytes(encap, value, context));
        }
        self.with_fresh(timer, move |me, encap| {
            me.seal_encap_bytes(encap, value, context)
        })
    }

    /// `Sealer.sealBytesAsync`: as [`AsyncSealer::seal_promise`], the body
    /// instead of the text.
    pub(crate) fn seal_bytes_promise(
        self: &Rc<Self>,
        value: SealValue,
        context: Context,
    ) -> Promise {
        if let Err(e) = check_inputs(value.len(), &context) {
            return Promise::reject(&e.js_err());
        }
        self.with_encap(move |me, encap| me.seal_encap_bytes(encap, value, context))
    }

    /// Seal with `encap`, resolving to the body: AES-GCM in wasm (settled at
    /// once) below [`WEB_AES_MIN`], else by the page's choice, as the text
    /// form ([`AsyncSealer::seal_encap`]).
    fn seal_encap_bytes(
        &self,
        encap: Encapsulation,
        value: SealValue,
        context: Context,
    ) -> Promise {
        match self.plan_aes(encap, value.len(), &context) {
            Err(e) => Promise::reject(&e),
            Ok(AesPlan::Wasm(sealing, timer)) => settled(timed(
                timer,
                body_in_wasm(sealing, &self.recipient, &value, &context),
            )),
            Ok(AesPlan::Web(subtle, sealing, timer)) => web_aes_body(
                &subtle,
                sealing,
                self.recipient.clone(),
                value,
                context,
                timer,
            ),
        }
    }
}

/// A body as a fresh `Uint8Array`.
fn body_out(body: &[u8]) -> JsValue {
    Uint8Array::from(body).into()
}

/// RFC 9180 `Seal` in wasm and the body.
fn body_in_wasm(
    sealing: Sealing,
    recipient: &PublicKey,
    value: &SealValue,
    context: &Context,
) -> Result<JsValue, JsValue> {
    let plaintext = value.to_wasm().js_err()?;
    let env = sealing.seal(recipient, &plaintext, context).js_err()?;
    Ok(body_out(&env.to_body()))
}

/// RFC 9180 `Seal` with WebCrypto's AES-GCM on the plaintext where it lies,
/// and the body written once: `head || ct` in one buffer. If WebCrypto
/// refuses (e.g. a view of a `SharedArrayBuffer`), the same step runs in
/// wasm on a copy: the body is the same either way (AES-GCM is deterministic
/// for a key and nonce), and nothing is timed.
fn web_aes_body(
    subtle: &Subtle,
    sealing: Sealing,
    recipient: PublicKey,
    value: SealValue,
    context: Context,
    timer: Option<Timer>,
) -> Promise {
    let import =
        ARGS.with(|a| import_secret(subtle, &a.raw, &sealing.ks.key, &a.aes_gcm, &a.encrypt));
    let Ok(import) = import else {
        return settled(body_in_wasm(sealing, &recipient, &value, &context));
    };
    let head = sealing.body_head(&recipient);
    let nonce = Uint8Array::from(&sealing.ks.base_nonce[..]);
    let value = Rc::new(value);
    let (subtle, pt) = (own(subtle), value.clone());
    let encrypt: Step = Box::new(move |key| {
        let alg = aes_alg(&nonce);
        match &*pt {
            SealValue::Caller { bytes, .. } => subtle.encrypt(&alg, &key, bytes),
            SealValue::Owned(b) => {
                let data = Uint8Array::from(&b[..]);
                let promise = subtle.encrypt(&alg, &key, &data);
                data.fill(0, 0, data.length());
                promise
            }
        }
        .map(JsValue::from)
    });
    chain(
        import,
        vec![encrypt],
        Box::new(move |sealed| match sealed {
            Ok(buf) => {
                let ct = Uint8Array::new(&buf);
                let ct_len = ct.length() as usize;
                // The caller's bytes may be longer than their `byteLength`
                // read (a faked one), or have grown since.
                if ct_len > MAX_PLAINTEXT + hazmat::TAG_LEN {
                    return Err(hazmat::input_error("plaintext is larger than 4 MiB").js_err());
                }
                let out = Uint8Array::new_with_length((head.len() + ct_len) as u32);
                out.subarray(0, head.len() as u32).copy_from(&head);
                out.set(&ct, head.len() as u32);
                if let Some(t) = timer {
                    t.finish();
                }
                drop(sealing);
                Ok(out.into())
            }
            Err(_) => body_in_wasm(sealing, &recipient, &value, &context),
        }),
    )
}

#[cfg(test)]
mod tests {
    //! The binary form is the text form's body, byte for byte: sealed with
    //! the same encapsulation (made twice from one ephemeral key's ECDH), by
    //! WebCrypto's AES-GCM and by wasm's, on both sides of [`WEB_AES_MIN`].
    use super::*;
    use crate::args::WebCryptoMode;
    use slice_seal::{Envelope, PrivateKey};
    use wasm_bindgen_futures::JsFuture;
    use wasm_bindgen_test::wasm_bindgen_test;
    use zeroize::Zeroizing;

    #[wasm_bindgen_test]
    async fn bytes_are_the_text_forms_body() {
        let key = PrivateKey::generate().unwrap();
        let recipient = key.public_key().clone();
        let eph = PrivateKey::generate().unwrap();
        let enc = eph.public_key().to_sec1(false);
        let dh = slice_seal::primitives::ecdh(&eph, &recipient);
        let encap = || Encapsulation::from_agreement(&recipient, &enc, &*dh).unwrap();
        let ctx = Context::new("f", "a")
            .unwrap()
            .with_submission("s-1")
            .unwrap();
        for mode in [WebCryptoMode::Always, WebCryptoMode::Never] {
            for len in [0usize, 2031, 2032, 70_000] {
                let pt: Vec<u8> = (0..len).map(|i| (i * 5 % 251) as u8).collect();
                let sealer = AsyncSealer::new(recipient.clone(), mode);
                hazmat::add_prepared(&mut sealer.sealer.borrow_mut(), [encap(), encap(), encap()]);
                let text =
                    JsFuture::from(sealer.seal_promise(Zeroizing::new(pt.clone()), ctx.clone()))
                        .await
                        .unwrap()
                        .as_string()
                        .unwrap();
                let want = Envelope::parse(&text).unwrap().to_body();
                let values = [
                    SealValue::Caller {
                        bytes: Uint8Array::from(&pt[..]),
                        len,
                    },
                    SealValue::Owned(Zeroizing::new(pt.clone())),
                ];
                for value in values {
                    let got = JsFuture::from(sealer.seal_bytes_promise(value, ctx.clone()))
                        .await
                        .unwrap();
                    let got = Uint8Array::new(&got).to_vec();
                    assert_eq!(got, want, "{mode:?} {len}");
                    assert_eq!(Envelope::from_body(&got).unwrap().to_text(), text);
                }
                assert_eq!(sealer.prepared(), 0);
            }
        }
    }
}
