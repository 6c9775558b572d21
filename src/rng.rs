//! Randomness from the platform (getrandom: the OS natively, `crypto.getRandomValues` in wasm).

use crate::error::{Error, Result};

/// Fill `buf` from the platform RNG.
pub(crate) fn fill(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|_| Error::RandomFailed)
}
