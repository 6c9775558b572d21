//! Arbitrary bytes opened as a sealed file (docs/FORMAT.md §10) with the
//! fuzzing-only key (fuzz/fixtures/fuzz-only.private.jwk, to which the seeds
//! in fuzz/corpus/file_open/ are sealed); see `checks::file_open`.
#![no_main]

#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checks::file_open(data);
});
