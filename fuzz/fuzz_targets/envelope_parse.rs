//! Arbitrary bytes as envelope text and as an envelope body
//! (`Envelope::parse` / `Envelope::from_body`); see `checks::envelope_parse`.
#![no_main]

#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::envelope_parse(data));
