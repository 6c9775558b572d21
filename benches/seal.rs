//! Native throughput of the core operations (criterion; short runs: the whole
//! bench takes well under a minute). `cargo bench --bench seal`
//!
//! - `keygen`: a new P-256 recipient key.
//! - `seal_1KiB`: one-shot `seal` of 1 KiB (public key already imported).
//! - `seal_1KiB_from_jwk`: the same, importing the JWK text each time.
//! - `sealer_seal_1KiB`: `Sealer::seal` (key imported and tabled once).
//! - `sealer_seal_prepared_1KiB`: `Sealer::seal` with an encapsulation
//!   (key pair and ECDH) prepared ahead (the latency left at submit time).
//! - `open_1KiB`: `open` of one 1 KiB slice.
//! - `open_batch_1x1KiB`: `open_batch` of one slice (its per-envelope cost,
//!   one thread).
//! - `ecdh_p256`: `primitives::ecdh`, p256's constant-time variable-base
//!   scalar multiplication, the one opening does once per envelope
//!   (src/dh.rs): the floor of `open_batch_1x1KiB`. (The CLI's p256 0.13
//!   against it: `cargo bench -p slice-seal-cli`.)
//! - `open_batch_1000x1KiB`: `open_batch` (the parallel code `slice-seal open`
//!   uses) over 1,000 envelopes; reported as elements per second.
//! - `hybrid/*`: the hybrid suite (MLKEM768-X25519, docs/FORMAT.md §11):
//!   `keygen`, one-shot `seal_hybrid` of 1 KiB, `HybridSealer::seal` with an
//!   encapsulation prepared ahead, `open_hybrid` of 1 KiB; compare with
//!   `single/*` of the same run.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use slice_seal::{
    Context, HybridPrivateKey, HybridSealer, PrivateKey, PublicKey, Sealer, open, open_batch,
    open_hybrid, primitives, seal, seal_hybrid,
};

fn plaintext() -> Vec<u8> {
    (0..1024u32).map(|i| (i % 251) as u8).collect()
}

fn context() -> Context {
    Context::new("vetting-step-2", "date-of-birth")
        .unwrap()
        .with_submission("4f1c2a9e-bench")
        .unwrap()
}

fn single(c: &mut Criterion) {
    let key = PrivateKey::generate().unwrap();
    let pk = key.public_key().clone();
    let jwk = pk.to_jwk().to_json().to_string();
    let pt = plaintext();
    let ctx = context();
    let envelope = seal(&pk, &pt, &ctx).unwrap();

    let mut g = c.benchmark_group("single");
    g.throughput(Throughput::Elements(1));
    g.bench_function("keygen", |b| {
        b.iter(|| black_box(PrivateKey::generate().unwrap()))
    });
    g.bench_function("seal_1KiB", |b| {
        b.iter(|| black_box(seal(black_box(&pk), black_box(&pt), &ctx).unwrap()))
    });
    g.bench_function("seal_1KiB_from_jwk", |b| {
        b.iter(|| {
            let pk = PublicKey::from_jwk_json(black_box(&jwk)).unwrap();
            black_box(seal(&pk, black_box(&pt), &ctx).unwrap())
        })
    });
    let mut sealer = Sealer::new(pk.clone());
    g.bench_function("sealer_seal_1KiB", |b| {
        b.iter(|| black_box(sealer.seal(black_box(&pt), &ctx).unwrap()))
    });
    g.bench_function("sealer_seal_prepared_1KiB", |b| {
        b.iter_batched(
            || {
                let mut s = sealer.clone();
                s.prepare(1).unwrap();
                s
            },
            |mut s| black_box(s.seal(black_box(&pt), &ctx).unwrap()),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("open_1KiB", |b| {
        b.iter(|| black_box(open(&key, black_box(&envelope), Some(&ctx)).unwrap()))
    });
    // One envelope through open_batch: its single-thread path (one scalar
    // multiplication per envelope instead of the hpke crate's two).
    let one = [envelope.as_str()];
    g.bench_function("open_batch_1x1KiB", |b| {
        b.iter(|| black_box(open_batch(&key, black_box(&one), Some(&ctx))))
    });
    let peer = PrivateKey::generate().unwrap();
    g.bench_function("ecdh_p256", |b| {
        b.iter(|| black_box(primitives::ecdh(&key, black_box(peer.public_key()))))
    });
    g.finish();
}

fn hybrid(c: &mut Criterion) {
    let key = HybridPrivateKey::generate().unwrap();
    let pk = key.public_key().clone();
    let pt = plaintext();
    let ctx = context();
    let envelope = seal_hybrid(&pk, &pt, &ctx).unwrap();
    let mut g = c.benchmark_group("hybrid");
    g.throughput(Throughput::Elements(1));
    g.bench_function("keygen", |b| {
        b.iter(|| black_box(HybridPrivateKey::generate().unwrap()))
    });
    g.bench_function("seal_1KiB", |b| {
        b.iter(|| black_box(seal_hybrid(black_box(&pk), black_box(&pt), &ctx).unwrap()))
    });
    let sealer = HybridSealer::new(pk.clone());
    g.bench_function("sealer_seal_prepared_1KiB", |b| {
        b.iter_batched(
            || {
                let mut s = sealer.clone();
                s.prepare(1).unwrap();
                s
            },
            |mut s| black_box(s.seal(black_box(&pt), &ctx).unwrap()),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("open_1KiB", |b| {
        b.iter(|| black_box(open_hybrid(&key, black_box(&envelope), Some(&ctx)).unwrap()))
    });
    g.finish();
}

fn batch(c: &mut Criterion) {
    let key = PrivateKey::generate().unwrap();
    let mut sealer = Sealer::new(key.public_key().clone());
    let pt = plaintext();
    let ctx = context();
    let envelopes: Vec<String> = (0..1000).map(|_| sealer.seal(&pt, &ctx).unwrap()).collect();
    let refs: Vec<&str> = envelopes.iter().map(String::as_str).collect();
    // Sanity: every envelope opens, in order.
    assert!(
        open_batch(&key, &refs, Some(&ctx))
            .iter()
            .all(|r| r.is_ok())
    );

    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Elements(refs.len() as u64));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("open_batch_1000x1KiB", |b| {
        b.iter(|| black_box(open_batch(&key, black_box(&refs), Some(&ctx))))
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = single, hybrid, batch
}
criterion_main!(benches);
