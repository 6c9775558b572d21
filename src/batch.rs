//! Opening many envelopes with one key: in parallel natively (one scoped
//! thread per available core), sequentially on wasm32.

use crate::context::Context;
use crate::error::Result;
use crate::keys::PrivateKey;
use crate::seal::{Opened, open};

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
    envelopes.iter().map(|e| open(key, e, expected)).collect()
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
    use crate::seal::seal;

    #[test]
    fn parallel_equals_sequential() {
        let key = PrivateKey::generate().unwrap();
        let ctx = Context::new("f", "a").unwrap();
        let other = Context::new("f", "b").unwrap();
        let mut texts = Vec::new();
        for i in 0..61u32 {
            let c = if i % 17 == 5 { &other } else { &ctx };
            texts.push(seal(key.public_key(), &i.to_be_bytes(), c).unwrap());
        }
        texts[40] = "garbage".into();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        for expected in [None, Some(&ctx)] {
            let seq = open_sequential(&key, &refs, expected);
            for threads in [2, 3, 7, 64] {
                assert_eq!(open_parallel(&key, &refs, expected, threads), seq);
            }
            assert_eq!(open_batch(&key, &refs, expected), seq);
        }
        let seq = open_sequential(&key, &refs, Some(&ctx));
        assert_eq!(seq[0].as_ref().unwrap().plaintext, 0u32.to_be_bytes());
        assert_eq!(seq[5].as_ref().unwrap_err().code(), "CONTEXT_MISMATCH");
        assert_eq!(seq[40].as_ref().unwrap_err().code(), "MALFORMED_ENVELOPE");
        assert_eq!(open_batch(&key, &[], None), Vec::new());
    }
}
