//! Soak tests (issue 5): run by `tests/run-hardening.sh` as
//! `cargo test --release --test soak` (Cargo.toml sets `test = false` for this
//! target so that the debug `cargo test --all-targets` does not run it; naming
//! it with `--test soak` does).
//!
//! 1. One million native seals over two threads with flat memory: VmRSS after
//!    10,000 warm-up seals and after all 1,000,000 may differ by < 4 MiB.
//! 2. `open_batch` of 10,000 envelopes (some bad) in parallel gives exactly
//!    the results of `open` called one by one.

use std::sync::{Arc, Barrier, Mutex};
use std::time::Instant;

use slice_seal::{Context, PrivateKey, Sealer, open, open_batch, seal};

const TOTAL_SEALS: usize = 1_000_000;
const WARMUP_SEALS: usize = 10_000;
const THREADS: usize = 2;
const MAX_GROWTH_KIB: u64 = 4 * 1024;

/// The two tests run one at a time, so that neither's memory or threads
/// show in the other's measurements.
static SERIAL: Mutex<()> = Mutex::new(());

/// The process's resident set size in KiB, from /proc/self/status.
fn vm_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .expect("VmRSS line in /proc/self/status");
    line.split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("VmRSS value in KiB")
}

#[test]
fn one_million_seals_with_flat_memory() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    assert!(
        !cfg!(debug_assertions),
        "the soak test must be built with --release: cargo test --release --test soak"
    );
    let key = PrivateKey::generate().unwrap();
    let public = key.public_key().clone();
    let kid = public.kid();
    let per_thread = TOTAL_SEALS / THREADS;
    let warm_per_thread = WARMUP_SEALS / THREADS;
    // Threads: warm up, wait (A), main reads RSS, wait (B), seal the rest,
    // wait (C), main reads RSS, wait (D), threads exit. RSS is read while the
    // worker threads are alive, so their stacks count both times.
    let barrier = Arc::new(Barrier::new(THREADS + 1));
    let t0 = Instant::now();
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let barrier = Arc::clone(&barrier);
            let mut sealer = Sealer::pinned(public.clone(), &kid).unwrap();
            std::thread::spawn(move || {
                let ctx = Context::new("soak-form", format!("field-{t}"))
                    .unwrap()
                    .with_submission("soak-submission")
                    .unwrap();
                let mut bytes = 0usize;
                let mut last = String::new();
                for i in 0..per_thread {
                    if i == warm_per_thread {
                        barrier.wait(); // A
                        barrier.wait(); // B
                    }
                    let pt = (i as u64).to_le_bytes();
                    let env = sealer.seal(&pt, &ctx).unwrap();
                    bytes += env.len();
                    if i + 1 == per_thread {
                        last = env;
                    }
                }
                barrier.wait(); // C
                barrier.wait(); // D
                (bytes, last, ctx)
            })
        })
        .collect();
    barrier.wait(); // A
    let warm_time = t0.elapsed();
    let rss_warm = vm_rss_kib();
    barrier.wait(); // B
    barrier.wait(); // C
    let total_time = t0.elapsed();
    let rss_end = vm_rss_kib();
    barrier.wait(); // D
    let mut total_bytes = 0;
    for h in handles {
        let (bytes, last, ctx) = h.join().unwrap();
        total_bytes += bytes;
        // The last envelope of each thread opens to its plaintext.
        let opened = open(&key, &last, Some(&ctx)).unwrap();
        assert_eq!(opened.plaintext, ((per_thread - 1) as u64).to_le_bytes());
    }
    let growth = rss_end.saturating_sub(rss_warm);
    println!(
        "soak: {TOTAL_SEALS} seals on {THREADS} threads in {:.1} s ({:.1} µs/seal/thread, warm-up {WARMUP_SEALS} in {:.2} s); \
         VmRSS after warm-up {rss_warm} KiB, after all {rss_end} KiB, growth {growth} KiB (limit {MAX_GROWTH_KIB} KiB); \
         {total_bytes} envelope bytes",
        total_time.as_secs_f64(),
        total_time.as_secs_f64() * 1e6 * THREADS as f64 / TOTAL_SEALS as f64,
        warm_time.as_secs_f64(),
    );
    assert!(
        growth < MAX_GROWTH_KIB,
        "VmRSS grew by {growth} KiB over {TOTAL_SEALS} seals (from {rss_warm} to {rss_end} KiB)"
    );
}

#[test]
fn open_batch_parallel_equals_sequential_open() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    const N: usize = 10_000;
    let key = PrivateKey::generate().unwrap();
    let other = PrivateKey::generate().unwrap();
    let ctx = Context::new("batch-form", "answer").unwrap();
    let wrong_ctx = Context::new("batch-form", "other-field").unwrap();
    let mut sealer = Sealer::new(key.public_key().clone());
    let mut envelopes: Vec<String> = Vec::with_capacity(N);
    let mut bad = 0;
    for i in 0..N {
        let pt = format!("answer {i}");
        let good = sealer.seal(pt.as_bytes(), &ctx).unwrap();
        let e = match i % 50 {
            7 => good[..good.len() - 5].to_owned(), // truncated
            13 => {
                // one ciphertext character changed
                let mut b = good.into_bytes();
                let j = b.len() - 3;
                b[j] = if b[j] == b'A' { b'B' } else { b'A' };
                String::from_utf8(b).unwrap()
            }
            21 => seal(other.public_key(), pt.as_bytes(), &ctx).unwrap(), // other key
            29 => seal(key.public_key(), pt.as_bytes(), &wrong_ctx).unwrap(), // other field
            33 => format!("ss2.{}", &good[4..]),                          // wrong version
            41 => String::new(),
            _ => good,
        };
        if matches!(i % 50, 7 | 13 | 21 | 29 | 33 | 41) {
            bad += 1;
        }
        envelopes.push(e);
    }
    let refs: Vec<&str> = envelopes.iter().map(String::as_str).collect();
    let t0 = Instant::now();
    let parallel = open_batch(&key, &refs, Some(&ctx));
    let t_par = t0.elapsed();
    let t0 = Instant::now();
    let sequential: Vec<_> = refs.iter().map(|e| open(&key, e, Some(&ctx))).collect();
    let t_seq = t0.elapsed();
    assert_eq!(parallel.len(), N);
    let mut failed = 0;
    for (i, (p, s)) in parallel.iter().zip(&sequential).enumerate() {
        match (p, s) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "envelope {i}"),
            (Err(a), Err(b)) => {
                failed += 1;
                assert_eq!(a, b, "envelope {i}");
                assert_eq!(a.code(), b.code(), "envelope {i}");
                assert_eq!(a.to_string(), b.to_string(), "envelope {i}");
            }
            _ => panic!("envelope {i}: open_batch gave {p:?}, open gave {s:?}"),
        }
        if let Ok(o) = p {
            assert_eq!(o.plaintext, format!("answer {i}").into_bytes());
        }
    }
    assert_eq!(failed, bad, "exactly the bad envelopes fail");
    println!(
        "open_batch: {N} envelopes ({bad} bad) in {:.2} s parallel vs {:.2} s with open one by one; results identical",
        t_par.as_secs_f64(),
        t_seq.as_secs_f64()
    );
}
