//! Arbitrary envelope text opened with a fixed, fuzzing-only private key
//! (fuzz/fixtures/fuzz-only.private.jwk, to which the seeds in
//! fuzz/corpus/open/ are sealed), without and with expected contexts; see
//! `checks::open`.
#![no_main]

#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checks::open(data);
});
