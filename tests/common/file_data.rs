//! The context and data the sealed-file tests use, shared by tests/file.rs
//! (the library) and cli/tests/cli_file.rs (the CLI).
#![allow(dead_code)]

use slice_seal::Context;

/// The context of every sealed file in those tests (the CLI's `CTX` flags).
pub fn ctx() -> Context {
    Context::new("vetting-step-3", "passport-scan")
        .unwrap()
        .with_submission("s-1")
        .unwrap()
}

/// `len` bytes of a pattern that differs by `seed` and repeats every 256
/// bytes (31 is odd, so each block of 256 holds every byte value once).
pub fn data(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}
