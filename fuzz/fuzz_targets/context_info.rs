//! `Context::from_info` on arbitrary bytes, and arbitrary `Context` values.
//!
//! Properties: never panics; decoding is strict (what decodes re-encodes to
//! the same bytes); a context that validates encodes, and decodes back to an
//! equal value; validation agrees with `info` and the constructors.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use slice_seal::{Context, MAX_CONTEXT_LEN};

#[derive(Arbitrary, Debug)]
struct Raw {
    form: String,
    field: String,
    submission: Option<String>,
}

fn rule_ok(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_CONTEXT_LEN && !s.chars().any(char::is_control)
}

fuzz_target!(|data: &[u8]| {
    // 1. The bytes as HPKE info.
    if let Ok(ctx) = Context::from_info(data) {
        assert_eq!(
            ctx.info().expect("decoded context is valid"),
            data,
            "info is not canonical"
        );
        ctx.check_expected(&ctx).expect("a context matches itself");
    }

    // 2. The same bytes as a structured context.
    let Ok(raw) = Raw::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let ctx = Context {
        form: raw.form.clone(),
        field: raw.field.clone(),
        submission: raw.submission.clone(),
    };
    let valid =
        rule_ok(&ctx.form) && rule_ok(&ctx.field) && ctx.submission.as_deref().is_none_or(rule_ok);
    assert_eq!(
        ctx.validate().is_ok(),
        valid,
        "validate disagrees with the rules"
    );
    match ctx.info() {
        Ok(info) => {
            assert!(valid);
            let back = Context::from_info(&info).expect("own info decodes");
            assert_eq!(back, ctx, "info round trip changed the context");
            ctx.check_expected(&ctx).expect("a context matches itself");
        }
        Err(e) => {
            assert!(!valid);
            assert_eq!(e.code(), "INVALID_CONTEXT");
        }
    }
    let built = Context::new(raw.form, raw.field).and_then(|c| match raw.submission {
        Some(s) => c.with_submission(s),
        None => Ok(c),
    });
    assert_eq!(built.is_ok(), valid, "constructors disagree with validate");
    if let Ok(b) = built {
        assert_eq!(b, ctx);
    }
});
