//! `run(len, n)`: AES-256-GCM-encrypt `len` bytes in place `n` times (fresh
//! nonce each time); returns a byte of the last tag so nothing is optimised away.
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};

#[unsafe(no_mangle)]
pub extern "C" fn run(len: usize, n: u32) -> u32 {
    let mut buf = vec![7u8; len];
    let c = Aes256Gcm::new(&[1u8; 32].into());
    let mut last = 0u32;
    for i in 0..n {
        let nonce = Nonce::from([i as u8; 12]);
        if let Ok(tag) = c.encrypt_inout_detached(&nonce, b"", buf.as_mut_slice().into()) {
            last = tag[0] as u32;
        }
    }
    last
}
