//! Opening many envelopes with one key: in parallel natively (one scoped
//! thread per available core, taking blocks of envelopes in turn),
//! sequentially on wasm32.
//!
//! Each envelope is opened by [`Opener::open`], as [`crate::open`] opens one:
//! one scalar multiplication (`skR·pkE`; see `src/dh.rs`), then the crate's
//! RFC 9180 schedule and AES-GCM.
//! The threads give the rest.

use crate::context::Context;
use crate::error::Result;
use crate::keys::PrivateKey;
use crate::seal::{Opened, Opener};

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
    let opener = Opener::new(key.clone());
    map_batch(envelopes, |e| opener.open(e, expected))
}

/// `open` applied to every envelope, in parallel natively (see
/// [`open_batch`]); result `i` is `open(envelopes[i])`.
pub(crate) fn map_batch<F>(envelopes: &[&str], open: F) -> Vec<Result<Opened>>
where
    F: Fn(&str) -> Result<Opened> + Sync,
{
    #[cfg(not(target_arch = "wasm32"))]
    {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(envelopes.len() / MIN_PER_THREAD)
            .max(1);
        if threads > 1 {
            return map_parallel(envelopes, &open, threads);
        }
    }
    envelopes.iter().map(|e| open(e)).collect()
}

#[cfg(test)]
fn open_sequential(
    key: &PrivateKey,
    envelopes: &[&str],
    expected: Option<&Context>,
) -> Vec<Result<Opened>> {
    let opener = Opener::new(key.clone());
    envelopes.iter().map(|e| opener.open(e, expected)).collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
fn open_parallel(
    key: &PrivateKey,
    envelopes: &[&str],
    expected: Option<&Context>,
    threads: usize,
) -> Vec<Result<Opened>> {
    let opener = Opener::new(key.clone());
    map_parallel(envelopes, &|e| opener.open(e, expected), threads)
}

/// `threads` threads (this one and `threads - 1` scoped ones) take blocks of
/// [`BLOCK`] envelopes from a shared counter; the blocks' results are then put
/// back in input order.
#[cfg(not(target_arch = "wasm32"))]
fn map_parallel<F>(envelopes: &[&str], open: &F, threads: usize) -> Vec<Result<Opened>>
where
    F: Fn(&str) -> Result<Opened> + Sync,
{
    use std::sync::atomic::{AtomicUsize, Ordering};

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
            let results: Vec<_> = block.iter().map(|e| open(e)).collect();
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
    use crate::envelope::Envelope;
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
            let opener = Opener::new(key.clone());
            for t in &texts {
                let want = open(&key, t, expected);
                assert_eq!(opener.open(t, expected), want, "{t}");
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
