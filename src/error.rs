//! The crate's one error type.

use core::fmt;

/// Everything that can go wrong in slice-seal.
///
/// Each variant has a stable machine code ([`Error::code`]) that the CLI, the
/// JavaScript bindings and the form integration pass on unchanged. Messages
/// never contain secret bytes: they name what was wrong with an input, not its
/// value (key ids, form ids and field names are public metadata and may appear).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A key could not be imported: bad encoding, wrong `kty`/`crv`, a point
    /// that is not on P-256, the identity, a scalar out of range, wrong lengths.
    InvalidKey(String),
    /// A JWKS or keyring holds no key with the requested `kid` (for a
    /// keyring: the kid an envelope names).
    KeyNotFound(String),
    /// Two members of a keyring or key set have the same key id.
    DuplicateKid(String),
    /// A public key was given where a private key is needed.
    NotPrivateKey(String),
    /// A key's RFC 7638 thumbprint is not the pinned or expected key id.
    KidMismatch {
        /// The key id that was required.
        expected: String,
        /// The key id that was found.
        found: String,
    },
    /// The envelope text or its binary body is not well formed.
    MalformedEnvelope(String),
    /// The envelope names a format version this build does not read.
    UnsupportedVersion(String),
    /// The envelope names an HPKE suite this build does not read: neither
    /// DHKEM(P-256, HKDF-SHA256) nor MLKEM768-X25519 (0x647a), each with
    /// HKDF-SHA256 / AES-256-GCM.
    UnsupportedSuite {
        /// KEM id found.
        kem: u16,
        /// KDF id found.
        kdf: u16,
        /// AEAD id found.
        aead: u16,
    },
    /// The envelope is of one supported suite and the key (or reader) of the
    /// other: a P-256 envelope opened with an MLKEM768-X25519 key, or the
    /// other way round.
    SuiteMismatch {
        /// KEM id the envelope names.
        envelope: u16,
        /// KEM id of the key.
        key: u16,
    },
    /// A context (form id, field name, submission id) is empty, too long or
    /// contains control characters.
    InvalidContext(String),
    /// The envelope was sealed for another form, field or submission.
    ContextMismatch(String),
    /// Authentication failed: wrong key, tampered or moved envelope.
    DecryptFailed,
    /// Sealing failed inside HPKE (for example the message limit).
    EncryptFailed,
    /// An argument of a building block has the wrong length or range.
    InvalidInput(String),
    /// The operating system or browser could not supply random bytes.
    RandomFailed,
    /// A sealed file (docs/FORMAT.md §10) has no `ssf1` magic, a header
    /// length of 0 or past the input, or a header plaintext that is not the
    /// version-1 layout.
    MalformedFile(String),
    /// A sealed file ends before the chunks its header announces (or a file
    /// sealer was given fewer bytes than announced).
    FileTruncated(String),
    /// Bytes follow a sealed file's last chunk (or a file sealer was given
    /// more bytes than announced).
    FileExtended(String),
    /// A chunk of a sealed file failed authentication: altered, reordered,
    /// or from another file.
    ChunkDecryptFailed {
        /// The 0-based index of the chunk.
        index: u64,
    },
}

impl Error {
    /// The stable machine-readable code of this error, e.g. `"INVALID_KEY"`.
    pub const fn code(&self) -> &'static str {
        match self {
            Error::InvalidKey(_) => "INVALID_KEY",
            Error::KeyNotFound(_) => "KEY_NOT_FOUND",
            Error::DuplicateKid(_) => "DUPLICATE_KID",
            Error::NotPrivateKey(_) => "NOT_PRIVATE_KEY",
            Error::KidMismatch { .. } => "KID_MISMATCH",
            Error::MalformedEnvelope(_) => "MALFORMED_ENVELOPE",
            Error::UnsupportedVersion(_) => "UNSUPPORTED_VERSION",
            Error::UnsupportedSuite { .. } => "UNSUPPORTED_SUITE",
            Error::SuiteMismatch { .. } => "SUITE_MISMATCH",
            Error::InvalidContext(_) => "INVALID_CONTEXT",
            Error::ContextMismatch(_) => "CONTEXT_MISMATCH",
            Error::DecryptFailed => "DECRYPT_FAILED",
            Error::EncryptFailed => "ENCRYPT_FAILED",
            Error::InvalidInput(_) => "INVALID_INPUT",
            Error::RandomFailed => "RANDOM_FAILED",
            Error::MalformedFile(_) => "MALFORMED_FILE",
            Error::FileTruncated(_) => "FILE_TRUNCATED",
            Error::FileExtended(_) => "FILE_EXTENDED",
            Error::ChunkDecryptFailed { .. } => "CHUNK_DECRYPT_FAILED",
        }
    }

    pub(crate) fn key(msg: impl Into<String>) -> Self {
        Error::InvalidKey(msg.into())
    }

    pub(crate) fn envelope(msg: impl Into<String>) -> Self {
        Error::MalformedEnvelope(msg.into())
    }

    pub(crate) fn context(msg: impl Into<String>) -> Self {
        Error::InvalidContext(msg.into())
    }

    pub(crate) fn input(msg: impl Into<String>) -> Self {
        Error::InvalidInput(msg.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidKey(m) => write!(f, "invalid key: {m}"),
            Error::KeyNotFound(kid) => write!(f, "no key with kid {kid} in the key set"),
            Error::DuplicateKid(m) => write!(f, "duplicate key id: {m}"),
            Error::NotPrivateKey(m) => write!(f, "not a private key: {m}"),
            Error::KidMismatch { expected, found } => {
                write!(f, "key id mismatch: expected {expected}, found {found}")
            }
            Error::MalformedEnvelope(m) => write!(f, "malformed envelope: {m}"),
            Error::UnsupportedVersion(v) => write!(f, "unsupported envelope version: {v}"),
            Error::UnsupportedSuite { kem, kdf, aead } => write!(
                f,
                "unsupported HPKE suite: kem 0x{kem:04x}, kdf 0x{kdf:04x}, aead 0x{aead:04x} \
                 (supported: kem 0x0010 or 0x647a, kdf 0x0001, aead 0x0002)"
            ),
            Error::SuiteMismatch { envelope, key } => write!(
                f,
                "suite mismatch: the envelope is sealed with {} (kem 0x{envelope:04x}), \
                 the key is for {} (kem 0x{key:04x})",
                crate::envelope::suite_name(*envelope),
                crate::envelope::suite_name(*key)
            ),
            Error::InvalidContext(m) => write!(f, "invalid context: {m}"),
            Error::ContextMismatch(m) => write!(f, "context mismatch: {m}"),
            Error::DecryptFailed => {
                f.write_str("decryption failed: wrong key, or the envelope was altered or moved")
            }
            Error::EncryptFailed => f.write_str("encryption failed"),
            Error::InvalidInput(m) => write!(f, "invalid input: {m}"),
            Error::RandomFailed => f.write_str("no secure random numbers available"),
            Error::MalformedFile(m) => write!(f, "malformed sealed file: {m}"),
            Error::FileTruncated(m) => write!(f, "sealed file truncated: {m}"),
            Error::FileExtended(m) => write!(f, "sealed file extended: {m}"),
            Error::ChunkDecryptFailed { index } => write!(
                f,
                "chunk {index} failed authentication: altered, reordered or from another file"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// `s` in double quotes with `"`, `\\` and control characters escaped as
/// `{:?}` escapes them; other characters are written as they are (`{:?}` on
/// `str` would pull core's Unicode printability tables into the wasm module).
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        f.write_char('"')?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                '\0' => f.write_str("\\0")?,
                c if c.is_control() => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    f.write_str("\\u{")?;
                    let v = c as u32;
                    let mut started = false;
                    for shift in (0..6).rev() {
                        let d = (v >> (4 * shift)) & 15;
                        if d != 0 || started || shift == 0 {
                            started = true;
                            f.write_char(HEX[d as usize] as char)?;
                        }
                    }
                    f.write_char('}')?;
                }
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = core::result::Result<T, Error>;
