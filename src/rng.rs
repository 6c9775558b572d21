//! Randomness from the platform (getrandom: the OS natively, `crypto.getRandomValues` in wasm).

use crate::error::{Error, Result};

/// A `CryptoRng` over getrandom that records a failure instead of panicking.
///
/// `rand_core`'s `CryptoRng` is infallible, so on failure this fills zeros and
/// sets `failed`; every caller checks [`CheckedRng::finish`] and discards what
/// was derived from the output.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
pub(crate) struct CheckedRng {
    failed: bool,
}

#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
impl CheckedRng {
    pub(crate) fn new() -> Self {
        CheckedRng { failed: false }
    }

    /// `Ok(())` if every request was served by the platform RNG.
    pub(crate) fn finish(self) -> Result<()> {
        if self.failed {
            Err(Error::RandomFailed)
        } else {
            Ok(())
        }
    }
}

/// Implements rand_core's infallible `TryRng` + `TryCryptoRng` for a type
/// with a `fill_or_flag(&mut self, &mut [u8])` method that records failure
/// in the type itself (callers check it after use).
macro_rules! impl_flagging_rng {
    ($ty:ty) => {
        impl hpke::rand_core::TryRng for $ty {
            type Error = core::convert::Infallible;
            fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
                let mut b = [0u8; 4];
                self.fill_or_flag(&mut b);
                Ok(u32::from_le_bytes(b))
            }
            fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
                let mut b = [0u8; 8];
                self.fill_or_flag(&mut b);
                Ok(u64::from_le_bytes(b))
            }
            fn try_fill_bytes(&mut self, dst: &mut [u8]) -> core::result::Result<(), Self::Error> {
                self.fill_or_flag(dst);
                Ok(())
            }
        }
        impl hpke::rand_core::TryCryptoRng for $ty {}
    };
}
pub(crate) use impl_flagging_rng;

#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
impl CheckedRng {
    fn fill_or_flag(&mut self, dst: &mut [u8]) {
        if getrandom::fill(dst).is_err() {
            self.failed = true;
            dst.fill(0);
        }
    }
}

impl_flagging_rng!(CheckedRng);

/// Fill `buf` from the platform RNG.
pub(crate) fn fill(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|_| Error::RandomFailed)
}
