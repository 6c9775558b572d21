//! Opening many envelopes with one key: in parallel natively (one scoped
//! thread per available core, taking blocks of envelopes in turn),
//! sequentially on wasm32.
//!
//! Each envelope is opened by [`Batch::open_one`]: the same checks, in the same
//! order, with the same results as [`crate::open`], but the recipient side of
//! HPKE is composed from the crate's RFC 9180 schedule so that it costs one
//! scalar multiplication (`skR·pkE`) instead of two (the `hpke` crate's
//! `Decap` also recomputes `pkR` from `skR` for every envelope). The saved
//! one is a fixed-base multiplication, so the gain is modest (about 10% per
//! envelope in `benches/seal.rs`); the threads give the rest. What depends
//! only on the key and the expected context (`pkRm`, the kid, the context's
//! validity) is worked out once per batch.

use zeroize::Zeroizing;

use crate::context::Context;
use crate::envelope::{AEAD_ID, ENC_LEN, Envelope};
use crate::error::{Error, Result};
use crate::keys::PrivateKey;
use crate::seal::Opened;

/// Below this many envelopes, threads cost more than they save.
#[cfg(not(target_arch = "wasm32"))]
const MIN_PER_THREAD: usize = 8;

/// Envelopes a thread takes at a time. Threads take blocks from a shared
/// counter until none is left, so a thread that the OS slows down (a loaded
/// machine) holds up the batch by at most one block, not half of it.
#[cfg(not(target_arch = "wasm32"))]
const BLOCK: usize = 16;

/// Open every envelope in `envelopes` with `key`, as [`open`] would.
///
/// Result `i` is the outcome for `envelopes[i]`: the order and the values are
/// exactly those of a sequential loop over [`open`]; one bad envelope does not
/// affect the others. Natively the work is shared by
/// [`std::thread::available_parallelism`] scoped threads, which take blocks of
/// envelopes in turn; on wasm32 it runs on the calling thread.
///
/// [`open`]: crate::open
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
    let batch = Batch::new(key, expected);
    envelopes.iter().map(|e| batch.open_one(e)).collect()
}

/// What opening depends on besides the envelope, worked out once per batch
/// instead of once per envelope: `pkRm`, the key's kid, and whether the
/// expected context is valid.
struct Batch<'a> {
    key: &'a PrivateKey,
    /// The recipient's uncompressed public key (`pkRm` of RFC 9180).
    pk_rm: [u8; ENC_LEN],
    /// The expected context and the outcome of its `validate()`.
    expected: Option<(&'a Context, Result<()>)>,
}

impl<'a> Batch<'a> {
    fn new(key: &'a PrivateKey, expected: Option<&'a Context>) -> Self {
        let mut pk_rm = [0u8; ENC_LEN];
        pk_rm.copy_from_slice(&key.public_key().to_sec1(false));
        Batch {
            key,
            pk_rm,
            expected: expected.map(|want| (want, want.validate())),
        }
    }

    /// [`crate::open`], with what depends only on the key and `expected`
    /// computed once: RFC 9180 `Decap` (DH, `ExtractAndExpand(dh, enc ||
    /// pkRm)`), `KeySchedule` (mode_base) and `Open` at sequence number 0
    /// with empty aad. Same checks in the same order, same errors.
    fn open_one(&self, text: &str) -> Result<Opened> {
        let envelope = Envelope::parse(text)?;
        // PublicKey::check_kid compares the base64url texts; equal texts
        // are equal bytes (canonical encoding of 32 bytes), and the error is
        // the one check_kid makes.
        let public = self.key.public_key();
        if envelope.kid_bytes() != public.kid_bytes() {
            return Err(Error::KidMismatch {
                expected: envelope.kid(),
                found: public.kid(),
            });
        }
        if let Some((want, valid)) = &self.expected {
            valid.clone()?;
            envelope.context().check_expected(want)?;
        }
        let enc = envelope.enc();
        let pk_e = p256::PublicKey::from_sec1_bytes(enc).map_err(|_| {
            Error::MalformedEnvelope("enc is not an uncompressed P-256 point".into())
        })?;
        let shared =
            p256::ecdh::diffie_hellman(self.key.secret().to_nonzero_scalar(), pk_e.as_affine());
        let mut dh = Zeroizing::new([0u8; 32]);
        dh.copy_from_slice(shared.raw_secret_bytes());
        let kem_secret = crate::schedule::extract_and_expand(&dh, enc, &self.pk_rm);
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
}

/// `threads` threads (this one and `threads - 1` scoped ones) take blocks of
/// [`BLOCK`] envelopes from a shared counter; the blocks' results are then put
/// back in input order.
#[cfg(not(target_arch = "wasm32"))]
fn open_parallel(
    key: &PrivateKey,
    envelopes: &[&str],
    expected: Option<&Context>,
    threads: usize,
) -> Vec<Result<Opened>> {
    use std::sync::atomic::{AtomicUsize, Ordering};

    let batch = Batch::new(key, expected);
    let blocks: Vec<&[&str]> = envelopes.chunks(BLOCK).collect();
    let next = AtomicUsize::new(0);
    // Each thread returns (block index, results) for the blocks it took.
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(block) = blocks.get(i) else {
                return done;
            };
            let results: Vec<_> = block.iter().map(|e| batch.open_one(e)).collect();
            done.push((i, results));
        }
    };
    let mut slots: Vec<Option<Vec<Result<Opened>>>> = Vec::new();
    slots.resize_with(blocks.len(), || None);
    std::thread::scope(|scope| {
        // If the OS refuses a thread, the others (this one at least) take
        // its share.
        let handles: Vec<_> = (1..threads.min(blocks.len()))
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, work).ok())
            .collect();
        let mut place = |done: Vec<(usize, Vec<Result<Opened>>)>| {
            for (i, results) in done {
                slots[i] = Some(results);
            }
        };
        place(work());
        for handle in handles {
            match handle.join() {
                Ok(done) => place(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    let mut out = Vec::with_capacity(envelopes.len());
    for slot in slots {
        // Every block is taken by exactly one thread, and every thread has
        // been joined.
        out.extend(slot.expect("every block opened"));
    }
    out
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
        let mut codes = Vec::new();
        for expected in [None, Some(&ctx), Some(&other), Some(&bad_expected)] {
            let batch = Batch::new(&key, expected);
            for t in &texts {
                let want = open(&key, t, expected);
                assert_eq!(batch.open_one(t), want, "{t}");
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
        // Five copies: many blocks of uneven cost (bad envelopes fail fast),
        // finished out of order by the threads.
        let refs: Vec<&str> = (0..5)
            .flat_map(|_| texts.iter().map(String::as_str))
            .collect();
        assert!(refs.len() > 8 * BLOCK);
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
