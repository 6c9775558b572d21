//! `Context::from_info` on arbitrary bytes, and the same bytes decoded by
//! `arbitrary` as a `Context` (form, field, submission strings); see
//! `checks::context_info_bytes` and `checks::context_struct`.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};

#[path = "../checks/mod.rs"]
mod checks;

#[derive(Arbitrary, Debug)]
struct RawContext {
    form: String,
    field: String,
    submission: Option<String>,
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checks::context_info_bytes(data);
    if let Ok(raw) = RawContext::arbitrary_take_rest(Unstructured::new(data)) {
        checks::context_struct(raw.form, raw.field, raw.submission);
    }
});
