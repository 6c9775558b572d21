//! Whether the CLI's second P-256 (p256 0.13, src/decap.rs) still earns its
//! place: opening through the core's own DH (p256 0.14) against the CLI's,
//! same keys, same envelopes (criterion; well under a minute).
//! `cargo bench -p slice-seal-cli`
//!
//! - `ecdh_core` / `ecdh_cli`: `skR·pkE` alone, p256 0.14 / 0.13.
//! - `open_1KiB_core` / `open_1KiB_cli`: `Opener::open` of one 1 KiB slice,
//!   made by `Opener::new` / `hazmat::opener_with` with the CLI's source.
//! - `open_batch_1000x1KiB_core` / `_cli`: `Keyring::open_batch` (the code
//!   `slice-seal open` runs, on every core) over 1,000 envelopes.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use slice_seal::hazmat::{self, Decapsulate};
use slice_seal::{Context, ENC_LEN, Envelope, Keyring, Opener, PrivateKey, Sealer, primitives};

#[path = "../src/decap.rs"]
mod decap;
use decap::{P256V013, use_p256_v013};

fn setup() -> (PrivateKey, Context, Vec<String>) {
    let key = PrivateKey::generate().unwrap();
    let ctx = Context::new("vetting-step-2", "notes")
        .unwrap()
        .with_submission("bench")
        .unwrap();
    let pt: Vec<u8> = (0..1024u32).map(|i| (i % 251) as u8).collect();
    let mut sealer = Sealer::new(key.public_key().clone());
    let envelopes = (0..1000).map(|_| sealer.seal(&pt, &ctx).unwrap()).collect();
    (key, ctx, envelopes)
}

fn single(c: &mut Criterion) {
    let (key, ctx, envelopes) = setup();
    let env = &envelopes[0];
    let enc: [u8; ENC_LEN] = *Envelope::parse(env).unwrap().enc();
    let pk_e = slice_seal::PublicKey::from_sec1(&enc).unwrap();
    let core = Opener::new(key.clone());
    let cli = hazmat::opener_with(key.clone(), P256V013::new).unwrap();
    let d = key.to_jwk().d.unwrap();
    let scalar: [u8; 32] =
        <base64ct::Base64UrlUnpadded as base64ct::Encoding>::decode_vec(d.expose())
            .unwrap()
            .try_into()
            .unwrap();
    let source = P256V013::new(&scalar).unwrap();
    assert_eq!(*source.dh(&enc).unwrap(), *primitives::ecdh(&key, &pk_e));

    let mut g = c.benchmark_group("single");
    g.throughput(Throughput::Elements(1));
    g.bench_function("ecdh_core", |b| {
        b.iter(|| black_box(primitives::ecdh(&key, black_box(&pk_e))))
    });
    g.bench_function("ecdh_cli", |b| {
        b.iter(|| black_box(source.dh(black_box(&enc)).unwrap()))
    });
    g.bench_function("open_1KiB_core", |b| {
        b.iter(|| black_box(core.open(black_box(env), Some(&ctx)).unwrap()))
    });
    g.bench_function("open_1KiB_cli", |b| {
        b.iter(|| black_box(cli.open(black_box(env), Some(&ctx)).unwrap()))
    });
    g.finish();
}

fn batch(c: &mut Criterion) {
    let (key, ctx, envelopes) = setup();
    let refs: Vec<&str> = envelopes.iter().map(String::as_str).collect();
    let core = Keyring::from_keys([key.clone()]).unwrap();
    let mut cli = Keyring::from_keys([key]).unwrap();
    use_p256_v013(&mut cli).unwrap();
    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Elements(refs.len() as u64));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(3));
    for (name, ring) in [
        ("open_batch_1000x1KiB_core", &core),
        ("open_batch_1000x1KiB_cli", &cli),
    ] {
        assert!(ring.open_batch(&refs, Some(&ctx)).iter().all(|r| r.is_ok()));
        g.bench_function(name, |b| {
            b.iter(|| black_box(ring.open_batch(black_box(&refs), Some(&ctx))))
        });
    }
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
    targets = single, batch
}
criterion_main!(benches);
