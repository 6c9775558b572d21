//! The context a slice is sealed to, and its encoding as HPKE `info`.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Quoted, Result};

/// Application label with format version; the first item of every `info`.
pub const LABEL: &str = "slice-seal/v1";

/// Longest form id, field name or submission id, in UTF-8 bytes.
pub const MAX_CONTEXT_LEN: usize = 256;

/// Where a slice belongs: the form, the field, and optionally the submission.
///
/// A slice opens only under the context it was sealed with, so one moved to
/// another field, form or submission fails.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Context {
    /// Form id, e.g. `vetting-step-2`.
    pub form: String,
    /// Field name, e.g. `date-of-birth`.
    pub field: String,
    /// Submission id (random per submit in the form integration); `None` if unused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submission: Option<String>,
}

/// `MAX_CONTEXT_LEN` as text (a test checks they agree).
const MAX_CONTEXT_LEN_TEXT: &str = "256";

fn check(what: &str, value: &str) -> Result<()> {
    // Messages joined without `format!`: the lean browser module calls this,
    // and keeps `core::fmt`'s formatting code out (benches/README.md).
    let fail = |why: &[&str]| Err(Error::context([&[what], why].concat().concat()));
    if value.is_empty() {
        return fail(&[" must not be empty"]);
    }
    if value.len() > MAX_CONTEXT_LEN {
        return fail(&[" is longer than ", MAX_CONTEXT_LEN_TEXT, " bytes"]);
    }
    if value.chars().any(char::is_control) {
        return fail(&[" must not contain control characters"]);
    }
    Ok(())
}

impl Context {
    /// A validated context without a submission id.
    pub fn new(form: impl Into<String>, field: impl Into<String>) -> Result<Self> {
        let c = Context {
            form: form.into(),
            field: field.into(),
            submission: None,
        };
        c.validate()?;
        Ok(c)
    }

    /// The same context with a submission id.
    pub fn with_submission(mut self, submission: impl Into<String>) -> Result<Self> {
        self.submission = Some(submission.into());
        self.validate()?;
        Ok(self)
    }

    /// Check the rules: form and field 1–256 bytes, submission (if given)
    /// 1–256 bytes, no control characters.
    pub fn validate(&self) -> Result<()> {
        check("form id", &self.form)?;
        check("field name", &self.field)?;
        if let Some(s) = &self.submission {
            check("submission id", s)?;
        }
        Ok(())
    }

    /// The HPKE `info` bytes (docs/FORMAT.md §3):
    /// `lp(LABEL) || lp(form) || lp(field) || lp(submission or "")`, where
    /// `lp(x)` is `x`'s length as a big-endian u16 followed by `x`.
    pub fn info(&self) -> Result<Vec<u8>> {
        self.validate()?;
        let sub = self.submission.as_deref().unwrap_or("");
        let mut out =
            Vec::with_capacity(8 + LABEL.len() + self.form.len() + self.field.len() + sub.len());
        for item in [LABEL, &self.form, &self.field, sub] {
            // Every item is at most MAX_CONTEXT_LEN bytes, so it fits in a u16.
            out.extend_from_slice(&(item.len() as u16).to_be_bytes());
            out.extend_from_slice(item.as_bytes());
        }
        Ok(out)
    }

    /// Decode `info` bytes, strictly: the label must be [`LABEL`], every
    /// item valid UTF-8 within the rules, nothing left over.
    pub fn from_info(info: &[u8]) -> Result<Self> {
        let mut rest = info;
        let mut items: [&str; 4] = [""; 4];
        for (i, slot) in items.iter_mut().enumerate() {
            if rest.len() < 2 {
                return Err(Error::context("info is truncated"));
            }
            let n = u16::from_be_bytes([rest[0], rest[1]]) as usize;
            rest = &rest[2..];
            if rest.len() < n {
                return Err(Error::context("info is truncated"));
            }
            let (item, tail) = rest.split_at(n);
            *slot = core::str::from_utf8(item)
                .map_err(|_| Error::context(format!("info item {} is not valid UTF-8", i + 1)))?;
            rest = tail;
        }
        if !rest.is_empty() {
            return Err(Error::context("info has trailing bytes"));
        }
        if items[0] != LABEL {
            return Err(Error::context(
                "info does not start with the slice-seal/v1 label",
            ));
        }
        let ctx = Context {
            form: items[1].to_owned(),
            field: items[2].to_owned(),
            submission: (!items[3].is_empty()).then(|| items[3].to_owned()),
        };
        ctx.validate()?;
        Ok(ctx)
    }

    /// `Ok` if a slice sealed under `self` may be opened where `expected` is
    /// required. `expected.submission == None` accepts any submission.
    pub fn check_expected(&self, expected: &Context) -> Result<()> {
        let mut wrong = Vec::new();
        if self.form != expected.form {
            wrong.push(format!(
                "form {} (expected {})",
                Quoted(&self.form),
                Quoted(&expected.form)
            ));
        }
        if self.field != expected.field {
            wrong.push(format!(
                "field {} (expected {})",
                Quoted(&self.field),
                Quoted(&expected.field)
            ));
        }
        if let Some(want) = &expected.submission
            && self.submission.as_ref() != Some(want)
        {
            wrong.push(format!(
                "submission {} (expected {})",
                Quoted(self.submission.as_deref().unwrap_or("")),
                Quoted(want)
            ));
        }
        if wrong.is_empty() {
            Ok(())
        } else {
            Err(Error::ContextMismatch(format!(
                "sealed for {}",
                wrong.join(", ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_len_text_is_the_constant() {
        assert_eq!(MAX_CONTEXT_LEN_TEXT, MAX_CONTEXT_LEN.to_string());
        let long = "a".repeat(MAX_CONTEXT_LEN + 1);
        let e = Context::new(long, "f").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid context: form id is longer than 256 bytes"
        );
    }
}
