//! Opening many envelopes with one key: in parallel natively (one scoped
//! thread per available core), sequentially on wasm32.
//!
//! Each envelope is opened by [`open_one`]: the same checks, in the same
//! order, with the same results as [`crate::open`], but the recipient side of
//! HPKE is composed from the crate's RFC 9180 schedule so that it costs one
//! scalar multiplication (`skR·pkE`) instead of two (the `hpke` crate's
//! `Decap` also recomputes `pkR` from `skR` for every envelope). The saved
//! one is a fixed-base multiplication, so the gain is modest (about 10% per
//! envelope in `benches/seal.rs`); the threads give the rest.

use zeroize::Zeroizing;

use crate::context::Context;
use crate::envelope::{AEAD_ID, ENC_LEN, Envelope};
use crate::error::{Error, Result};
use crate::keys::PrivateKey;
use crate::seal::Opened;

/// Below this many envelopes, threads cost more than they save.
#[cfg(not(target_arch = "wasm32"))]
const MIN_PER_THREAD: usize = 8;

/// Open every envelope in `envelopes` with `key`, as [`open`] would.
///
/// Result `i` is the outcome for `envelopes[i]`: the order and the values are
/// exactly those of a sequential loop over [`open`]; one bad envelope does not
/// affect the others. Natively the work is split into contiguous chunks over
/// [`std::thread::available_parallelism`] scoped threads; on wasm32 it runs on
/// the calling thread.
///
/// ```
/// use slice_seal::{open_batch, seal, Context, PrivateKey};
/// let key = PrivateKey::generate()?;
/// let ctx = Context::new("f", "a")?;
/// let good = seal(key.public_key(), b"x", &ctx)?;
/// let results = open_batch(&key, &[good.as_str(), "ss1.AAAA", good.as_str()], Some(&ctx));
/// assert_eq!(results[0].as_ref().unwrap().plaintext, b"x");
/// assert_eq!(results[1].as_ref().unwrap_err().code(), "MALFORMED_ENVELOPE");
/// assert!(results[2].is_ok());
/// # Ok::<(), slice_seal::Error>(())
/// ```
pub fn open_batch(
    key: &PrivateKey,
    envelopes: &[&str],
    expected: Option<&Context>,
) -> Vec<Result<Opened>> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(envelopes.len() / MIN_PER_THREAD)
            .max(1);
        if threads > 1 {
            return open_parallel(key, envelopes, expected, threads);
        }
    }
    open_sequential(key, envelopes, expected)
}

fn open_sequential(
    key: &PrivateKey,
    envelopes: &[&str],
    expected: Option<&Context>,
) -> Vec<Result<Opened>> {
    let pk_rm = pk_rm(key);
    envelopes
        .iter()
        .map(|e| open_one(key, &pk_rm, e, expected))
        .collect()
}

fn pk_rm(key: &PrivateKey) -> [u8; ENC_LEN] {
    let mut out = [0u8; ENC_LEN];
    out.copy_from_slice(&key.public_key().to_sec1(false));
    out
}

/// [`crate::open`] with `pkRm` (the recipient's uncompressed public key)
/// supplied: RFC 9180 `Decap` (DH, `ExtractAndExpand(dh, enc || pkRm)`),
/// `KeySchedule` (mode_base) and `Open` at sequence number 0 with empty aad.
fn open_one(
    key: &PrivateKey,
    pk_rm: &[u8; ENC_LEN],
    text: &str,
    expected: Option<&Context>,
) -> Result<Opened> {
    let envelope = Envelope::parse(text)?;
    key.public_key().check_kid(&envelope.kid())?;
    if let Some(want) = expected {
        want.validate()?;
        envelope.context().check_expected(want)?;
    }
    let enc = envelope.enc();
    let pk_e = p256::PublicKey::from_sec1_bytes(enc)
        .map_err(|_| Error::MalformedEnvelope("enc is not an uncompressed P-256 point".into()))?;
    let shared = p256::ecdh::diffie_hellman(key.secret().to_nonzero_scalar(), pk_e.as_affine());
    let mut dh = Zeroizing::new([0u8; 32]);
    dh.copy_from_slice(shared.raw_secret_bytes());
    let kem_secret = crate::schedule::extract_and_expand(&dh, enc, pk_rm);
    let ks = crate::schedule::key_schedule_base(&kem_secret, envelope.info(), AEAD_ID, 32);
    let plaintext = crate::primitives::aes_gcm_open(
        &ks.key,
        ks.base_nonce.as_ref(),
        b"",
        envelope.ciphertext(),
    )
    .map_err(|_| Error::DecryptFailed)?;
    Ok(Opened {
        kid: envelope.kid(),
        context: envelope.context().clone(),
        plaintext,
    })
}

#[cfg(not(target_arch = "wasm32"))]
fn open_parallel(
    key: &PrivateKey,
    envelopes: &[&str],
    expected: Option<&Context>,
    threads: usize,
) -> Vec<Result<Opened>> {
    let chunk = envelopes.len().div_ceil(threads);
    std::thread::scope(|scope| {
        // Spawn all chunks but the first, then work on the first here.
        let mut chunks = envelopes.chunks(chunk);
        let first = chunks.next().unwrap_or(&[]);
        let handles: Vec<_> = chunks
            .map(|part| {
                let spawned = std::thread::Builder::new()
                    .spawn_scoped(scope, move || open_sequential(key, part, expected));
                // If the OS refuses a thread, that chunk runs here instead.
                (part, spawned.ok())
            })
            .collect();
        let mut out = Vec::with_capacity(envelopes.len());
        out.extend(open_sequential(key, first, expected));
        for (part, handle) in handles {
            match handle {
                Some(h) => match h.join() {
                    Ok(results) => out.extend(results),
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                None => out.extend(open_sequential(key, part, expected)),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::{open, seal};
    use base64ct::{Base64UrlUnpadded, Encoding};

    /// Envelope text with its body edited by `f`.
    fn edit(text: &str, f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut body = Base64UrlUnpadded::decode_vec(&text[4..]).unwrap();
        f(&mut body);
        format!("ss1.{}", Base64UrlUnpadded::encode_string(&body))
    }

    /// Valid, foreign, tampered, moved and malformed envelopes.
    fn mixed(key: &PrivateKey, ctx: &Context, other: &Context) -> Vec<String> {
        let stranger = PrivateKey::generate().unwrap();
        let mut texts = Vec::new();
        for i in 0..41u32 {
            let c = if i % 17 == 5 { other } else { ctx };
            let pt = vec![i as u8; i as usize * 13];
            texts.push(seal(key.public_key(), &pt, c).unwrap());
        }
        let good = texts[1].clone();
        let info_len = ctx.info().unwrap().len();
        let enc_at = 40 + info_len;
        texts[7] = "garbage".into();
        texts[9] = seal(stranger.public_key(), b"x", ctx).unwrap();
        // Last tag byte flipped.
        texts[11] = edit(&good, |b| *b.last_mut().unwrap() ^= 1);
        // enc replaced by another valid point: decrypts to nothing.
        let other_enc = Envelope::parse(&texts[2]).unwrap().enc().to_vec();
        texts[13] = edit(&good, |b| {
            b[enc_at..enc_at + 65].copy_from_slice(&other_enc)
        });
        // enc not on the curve.
        texts[15] = edit(&good, |b| b[enc_at + 64] ^= 1);
        // Moved: the info claims another field, enc and ct unchanged.
        texts[19] = {
            let env = Envelope::parse(&good).unwrap();
            Envelope::new(
                *env.kid_bytes(),
                other.clone(),
                other.info().unwrap(),
                *env.enc(),
                env.ciphertext().to_vec(),
            )
            .to_string()
        };
        texts[21] = "ss2.AAAA".into();
        texts
    }

    #[test]
    fn open_one_equals_open() {
        let key = PrivateKey::generate().unwrap();
        let ctx = Context::new("f", "a")
            .unwrap()
            .with_submission("s")
            .unwrap();
        let other = Context::new("f", "b").unwrap();
        let texts = mixed(&key, &ctx, &other);
        let bad_expected = Context {
            form: String::new(),
            field: "a".into(),
            submission: None,
        };
        let pk = pk_rm(&key);
        let mut codes = Vec::new();
        for expected in [None, Some(&ctx), Some(&other), Some(&bad_expected)] {
            for t in &texts {
                let want = open(&key, t, expected);
                assert_eq!(open_one(&key, &pk, t, expected), want, "{t}");
                if let Err(e) = want {
                    codes.push(e.code());
                }
            }
        }
        for code in [
            "MALFORMED_ENVELOPE",
            "KID_MISMATCH",
            "DECRYPT_FAILED",
            "CONTEXT_MISMATCH",
            "INVALID_CONTEXT",
            "UNSUPPORTED_VERSION",
        ] {
            assert!(codes.contains(&code), "no {code} case");
        }
    }

    #[test]
    fn parallel_equals_sequential_open() {
        let key = PrivateKey::generate().unwrap();
        let ctx = Context::new("f", "a")
            .unwrap()
            .with_submission("s")
            .unwrap();
        let other = Context::new("f", "b").unwrap();
        let texts = mixed(&key, &ctx, &other);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        for expected in [None, Some(&ctx)] {
            let reference: Vec<_> = refs.iter().map(|t| open(&key, t, expected)).collect();
            assert_eq!(open_sequential(&key, &refs, expected), reference);
            for threads in [2, 3, 7, 64] {
                assert_eq!(open_parallel(&key, &refs, expected, threads), reference);
            }
            assert_eq!(open_batch(&key, &refs, expected), reference);
        }
        let results = open_batch(&key, &refs, Some(&ctx));
        assert_eq!(results[0].as_ref().unwrap().plaintext, b"");
        assert_eq!(results[3].as_ref().unwrap().plaintext, [3u8; 39]);
        assert_eq!(results[5].as_ref().unwrap_err().code(), "CONTEXT_MISMATCH");
        assert_eq!(
            results[7].as_ref().unwrap_err().code(),
            "MALFORMED_ENVELOPE"
        );
        assert_eq!(results[11].as_ref().unwrap_err().code(), "DECRYPT_FAILED");
        assert_eq!(open_batch(&key, &[], None), Vec::new());
    }
}
