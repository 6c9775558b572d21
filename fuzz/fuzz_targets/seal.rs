//! Sealing with arbitrary plaintexts and contexts through `seal` and the
//! `Sealer` fast path (prepared and fresh ephemeral keys), opened again with
//! the `hpke` crate; and `Sealer::seal_with_agreement` with arbitrary
//! `enc` / `dh`. See `checks::seal_round_trip` and `checks::seal_with_agreement`.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};

#[path = "../checks/mod.rs"]
mod checks;

#[derive(Arbitrary, Debug)]
enum Input<'a> {
    RoundTrip {
        form: String,
        field: String,
        submission: Option<String>,
        prepare: bool,
        plaintext: &'a [u8],
    },
    Agreement {
        enc: &'a [u8],
        dh: &'a [u8],
        form: &'a str,
        plaintext: &'a [u8],
    },
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    match Input::arbitrary_take_rest(Unstructured::new(data)) {
        Ok(Input::RoundTrip {
            form,
            field,
            submission,
            prepare,
            plaintext,
        }) => checks::seal_round_trip(form, field, submission, plaintext, prepare),
        Ok(Input::Agreement {
            enc,
            dh,
            form,
            plaintext,
        }) => checks::seal_with_agreement(enc, dh, plaintext, form),
        Err(_) => {}
    }
});
