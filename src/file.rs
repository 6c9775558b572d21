//! Sealed files (docs/FORMAT.md §10): `"ssf1" || u16be(len(header)) ||
//! header || body`. The header is an ordinary slice whose plaintext carries a
//! fresh AES-256-GCM file key and the metadata; the body is AES-256-GCM
//! chunks with STREAM nonces (an 11-byte chunk counter and a last-chunk flag),
//! so truncation, appending, reordering and chunks or bodies from another
//! file all fail.
//!
//! Both sides stream: a [`FileSealer`] seals chunk after chunk, a
//! [`FileOpener`] hands out a chunk's plaintext only once that chunk
//! authenticated.
//!
//! The header takes the suite of the recipient key (§11): a hybrid key
//! ([`FileSealer::new_hybrid`], [`FileSealer::new_any`]) seals a hybrid
//! header slice; the chunks are the same whatever the suite.
//!
//! ```
//! use slice_seal::{Context, FileMeta, FileOpener, FileSealer, PrivateKey};
//! let key = PrivateKey::generate()?;
//! let ctx = Context::new("vetting-step-3", "passport-scan")?;
//! let data = vec![7u8; 3000];
//! let meta = FileMeta::new("scan.pdf", "application/pdf", 3000)?.with_chunk_size(1024)?;
//! let mut sealer = FileSealer::new(key.public_key(), &ctx, meta)?;
//! let mut file = sealer.preamble().to_vec();
//! for chunk in data.chunks(1024) {
//!     file.extend(sealer.seal_chunk(chunk)?);
//! }
//! sealer.finish()?;
//!
//! let mut opener = FileOpener::new(&key, &file, Some(&ctx))?;
//! assert_eq!(opener.meta().name, "scan.pdf");
//! let body = &file[opener.preamble_len()..];
//! assert_eq!(*opener.open_body(body)?, data);
//! # Ok::<(), slice_seal::Error>(())
//! ```

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use zeroize::Zeroizing;

use crate::any::{AnyPrivateKey, AnyPublicKey};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::hybrid::{HybridPrivateKey, HybridPublicKey, HybridSealer};
use crate::keys::{PrivateKey, PublicKey};
use crate::seal::{Opened, Sealer};

/// The 4 bytes a sealed file begins with: ASCII `ssf1`.
pub const FILE_MAGIC: [u8; 4] = *b"ssf1";
/// Version of the header plaintext layout.
pub const FILE_LAYOUT_VERSION: u8 = 1;
/// Chunk size writers use (64 KiB).
pub const DEFAULT_CHUNK_SIZE: u32 = 65_536;
/// Smallest chunk size a sealed file may have.
pub const MIN_CHUNK_SIZE: u32 = 1024;
/// Largest chunk size a sealed file may have (4 MiB).
pub const MAX_CHUNK_SIZE: u32 = 4 << 20;
/// Largest plaintext size a sealed file may announce: 2^53 − 1 bytes (exact
/// in a JavaScript number).
pub const MAX_FILE_SIZE: u64 = (1 << 53) - 1;
/// Longest original file name, in UTF-8 bytes.
pub const MAX_FILE_NAME: usize = 1024;
/// Longest media type, in bytes (printable ASCII).
pub const MAX_MEDIA_TYPE: usize = 255;
/// AES-GCM tag length of every chunk.
pub const CHUNK_TAG_LEN: usize = 16;
/// Media type of a sealed file (a Blob, an HTTP part).
pub const FILE_MEDIA_TYPE: &str = "application/vnd.slice-seal.file";

/// Bytes before the header text: magic and `u16be(len(header))`.
const LEAD: usize = 6;
const FILE_KEY_LEN: usize = 32;

/// A sealed file's metadata, carried (authenticated) in its header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileMeta {
    /// The original file name: 0–1024 bytes of UTF-8, any characters. It
    /// comes from the sender: never use it as a path unchecked.
    pub name: String,
    /// The media type: 0–255 bytes of printable ASCII (0x20–0x7e).
    pub media_type: String,
    /// Plaintext size in bytes, at most [`MAX_FILE_SIZE`].
    pub size: u64,
    /// Plaintext bytes per chunk, [`MIN_CHUNK_SIZE`]..=[`MAX_CHUNK_SIZE`].
    pub chunk_size: u32,
}

impl FileMeta {
    /// Metadata with the default chunk size (64 KiB); `INVALID_INPUT` if a
    /// value is out of range.
    pub fn new(name: impl Into<String>, media_type: impl Into<String>, size: u64) -> Result<Self> {
        let meta = FileMeta {
            name: name.into(),
            media_type: media_type.into(),
            size,
            chunk_size: DEFAULT_CHUNK_SIZE,
        };
        meta.check().map_err(Error::InvalidInput)?;
        Ok(meta)
    }

    /// The same metadata with another chunk size (`INVALID_INPUT` if out of range).
    pub fn with_chunk_size(mut self, chunk_size: u32) -> Result<Self> {
        self.chunk_size = chunk_size;
        self.check().map_err(Error::InvalidInput)?;
        Ok(self)
    }

    /// Every rule of the layout; the message says which one is broken.
    fn check(&self) -> core::result::Result<(), String> {
        if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&self.chunk_size) {
            return Err(format!(
                "chunk size {} is not in {MIN_CHUNK_SIZE}..={MAX_CHUNK_SIZE}",
                self.chunk_size
            ));
        }
        if self.size > MAX_FILE_SIZE {
            return Err(format!("size {} is larger than 2^53 - 1", self.size));
        }
        if self.name.len() > MAX_FILE_NAME {
            return Err(format!(
                "file name is {} bytes, more than {MAX_FILE_NAME}",
                self.name.len()
            ));
        }
        if self.media_type.len() > MAX_MEDIA_TYPE {
            return Err(format!(
                "media type is {} bytes, more than {MAX_MEDIA_TYPE}",
                self.media_type.len()
            ));
        }
        if !self.media_type.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
            return Err("media type is not printable ASCII (0x20-0x7e)".into());
        }
        Ok(())
    }

    /// Number of chunks: `max(1, ceil(size / chunk_size))`.
    pub fn chunk_count(&self) -> u64 {
        self.size.div_ceil(u64::from(self.chunk_size)).max(1)
    }

    /// Plaintext bytes of chunk `index` (`None` past the last chunk).
    pub fn chunk_plaintext_len(&self, index: u64) -> Option<usize> {
        let n = self.chunk_count();
        if index >= n {
            return None;
        }
        let cs = u64::from(self.chunk_size);
        let len = if index + 1 < n {
            cs
        } else {
            self.size - (n - 1) * cs
        };
        // At most `chunk_size` (≤ 4 MiB): fits in usize.
        Some(len as usize)
    }

    /// Length of the body: `size + 16 · chunk_count`.
    pub fn body_len(&self) -> u64 {
        self.size + CHUNK_TAG_LEN as u64 * self.chunk_count()
    }

    /// The header plaintext: version, file key, chunk size, size, name, type.
    fn header_plaintext(&self, key: &[u8; FILE_KEY_LEN]) -> Zeroizing<Vec<u8>> {
        let mut hp = Zeroizing::new(Vec::with_capacity(
            1 + FILE_KEY_LEN + 4 + 8 + 4 + self.name.len() + self.media_type.len(),
        ));
        hp.push(FILE_LAYOUT_VERSION);
        hp.extend_from_slice(key);
        hp.extend_from_slice(&self.chunk_size.to_be_bytes());
        hp.extend_from_slice(&self.size.to_be_bytes());
        // Lengths are checked (≤ 1024, ≤ 255) before a header is built.
        hp.extend_from_slice(&(self.name.len() as u16).to_be_bytes());
        hp.extend_from_slice(self.name.as_bytes());
        hp.extend_from_slice(&(self.media_type.len() as u16).to_be_bytes());
        hp.extend_from_slice(self.media_type.as_bytes());
        hp
    }

    /// Parse a header plaintext (`MALFORMED_FILE` unless it is exactly the
    /// version-1 layout with every value in range).
    fn parse_header_plaintext(hp: &[u8]) -> Result<(Zeroizing<[u8; FILE_KEY_LEN]>, FileMeta)> {
        let bad = |m: &str| Error::MalformedFile(format!("header plaintext: {m}"));
        let mut rest = hp;
        let mut take = |n: usize| -> Result<&[u8]> {
            if rest.len() < n {
                return Err(bad("truncated"));
            }
            let (head, tail) = rest.split_at(n);
            rest = tail;
            Ok(head)
        };
        let version = take(1)?[0];
        if version != FILE_LAYOUT_VERSION {
            return Err(bad(&format!("layout version {version}, not 1")));
        }
        let mut key = Zeroizing::new([0u8; FILE_KEY_LEN]);
        key.copy_from_slice(take(FILE_KEY_LEN)?);
        let chunk_size = u32::from_be_bytes(take(4)?.try_into().map_err(|_| bad("truncated"))?);
        let size = u64::from_be_bytes(take(8)?.try_into().map_err(|_| bad("truncated"))?);
        let name_len = usize::from(u16::from_be_bytes(
            take(2)?.try_into().map_err(|_| bad("truncated"))?,
        ));
        if name_len > MAX_FILE_NAME {
            return Err(bad(&format!(
                "file name is {name_len} bytes, more than {MAX_FILE_NAME}"
            )));
        }
        let name = core::str::from_utf8(take(name_len)?)
            .map_err(|_| bad("file name is not UTF-8"))?
            .to_owned();
        let type_len = usize::from(u16::from_be_bytes(
            take(2)?.try_into().map_err(|_| bad("truncated"))?,
        ));
        if type_len > MAX_MEDIA_TYPE {
            return Err(bad(&format!(
                "media type is {type_len} bytes, more than {MAX_MEDIA_TYPE}"
            )));
        }
        let media_type = take(type_len)?;
        if !media_type.iter().all(|b| (0x20..=0x7e).contains(b)) {
            return Err(bad("media type is not printable ASCII (0x20-0x7e)"));
        }
        // Printable ASCII is UTF-8.
        let media_type = String::from_utf8_lossy(media_type).into_owned();
        if !rest.is_empty() {
            return Err(bad(&format!("{} bytes after the media type", rest.len())));
        }
        let meta = FileMeta {
            name,
            media_type,
            size,
            chunk_size,
        };
        meta.check().map_err(|m| bad(&m))?;
        Ok((key, meta))
    }
}

/// The STREAM nonce of chunk `index`: `u88be(index) || last`.
fn chunk_nonce(index: u64, last: bool) -> Nonce<aes_gcm::aead::consts::U12> {
    let mut n = Nonce::<aes_gcm::aead::consts::U12>::default();
    n[3..11].copy_from_slice(&index.to_be_bytes());
    n[11] = u8::from(last);
    n
}

/// The chunk cursor both sides share: the cipher, the metadata, the next index.
struct Stream {
    cipher: Aes256Gcm,
    meta: FileMeta,
    next: u64,
}

impl Stream {
    fn new(key: &[u8; FILE_KEY_LEN], meta: FileMeta) -> Self {
        Stream {
            cipher: Aes256Gcm::new(key.into()),
            meta,
            next: 0,
        }
    }

    fn next_len(&self) -> Option<usize> {
        self.meta.chunk_plaintext_len(self.next)
    }

    /// The nonce of the next chunk, and the step to it.
    fn advance(&mut self) -> Nonce<aes_gcm::aead::consts::U12> {
        let index = self.next;
        self.next += 1;
        chunk_nonce(index, self.next == self.meta.chunk_count())
    }

    /// `got`, the bytes given for the next chunk, must be its plaintext
    /// length plus `extra`: fewer is `FILE_TRUNCATED`, more is `longer`'s
    /// error, and any chunk after the last is `FILE_EXTENDED`.
    fn expect_len(
        &self,
        got: usize,
        extra: usize,
        longer: impl FnOnce(String) -> Error,
    ) -> Result<usize> {
        let index = self.next;
        let Some(want) = self.next_len().map(|n| n + extra) else {
            return Err(Error::FileExtended(format!(
                "{got} bytes after the last of {} chunks",
                self.meta.chunk_count()
            )));
        };
        let msg = || format!("chunk {index} is {want} bytes, {got} given");
        match got.cmp(&want) {
            core::cmp::Ordering::Less => Err(Error::FileTruncated(msg())),
            core::cmp::Ordering::Greater => Err(longer(msg())),
            core::cmp::Ordering::Equal => Ok(want),
        }
    }

    fn done(&self) -> bool {
        self.next >= self.meta.chunk_count()
    }

    /// `FILE_TRUNCATED` unless every chunk was `what` (sealed, opened).
    fn finish(&self, what: &str) -> Result<()> {
        if !self.done() {
            return Err(Error::FileTruncated(format!(
                "{} of {} chunks {what}",
                self.next,
                self.meta.chunk_count()
            )));
        }
        Ok(())
    }
}

/// Seals one file: first its [`FileSealer::preamble`] (magic and header),
/// then each chunk in order with [`FileSealer::seal_chunk`]. It knows from the
/// announced size how long each chunk must be, and refuses other lengths:
/// fewer bytes than announced is `FILE_TRUNCATED`, more is `FILE_EXTENDED`.
/// The file key is zeroized on drop.
pub struct FileSealer {
    stream: Stream,
    preamble: Vec<u8>,
}

impl core::fmt::Debug for FileSealer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FileSealer")
            .field("meta", &self.stream.meta)
            .field("next_chunk", &self.stream.next)
            .finish_non_exhaustive()
    }
}

impl FileSealer {
    /// Seal a file of `meta` to `recipient` under `context` (the form, the
    /// file input's name as the field, the submission), with a fresh random
    /// file key.
    pub fn new(recipient: &PublicKey, context: &Context, meta: FileMeta) -> Result<Self> {
        Self::with(context, meta, |hp| {
            crate::seal::seal(recipient, hp, context)
        })
    }

    /// As [`FileSealer::new`], with a prepared [`Sealer`] for the header.
    pub fn with_sealer(sealer: &mut Sealer, context: &Context, meta: FileMeta) -> Result<Self> {
        Self::with(context, meta, |hp| sealer.seal(hp, context))
    }

    /// As [`FileSealer::new`] for a hybrid recipient: the header is a slice
    /// of the MLKEM768-X25519 suite.
    pub fn new_hybrid(
        recipient: &HybridPublicKey,
        context: &Context,
        meta: FileMeta,
    ) -> Result<Self> {
        Self::with(context, meta, |hp| {
            crate::hybrid::seal_hybrid(recipient, hp, context)
        })
    }

    /// As [`FileSealer::new_hybrid`], with a prepared [`HybridSealer`].
    pub fn with_hybrid_sealer(
        sealer: &mut HybridSealer,
        context: &Context,
        meta: FileMeta,
    ) -> Result<Self> {
        Self::with(context, meta, |hp| sealer.seal(hp, context))
    }

    /// As [`FileSealer::new`] with the suite of `recipient`.
    pub fn new_any(recipient: &AnyPublicKey, context: &Context, meta: FileMeta) -> Result<Self> {
        Self::with(context, meta, |hp| recipient.seal(hp, context))
    }

    fn with(
        context: &Context,
        meta: FileMeta,
        seal: impl FnOnce(&[u8]) -> Result<String>,
    ) -> Result<Self> {
        let mut key = Zeroizing::new([0u8; FILE_KEY_LEN]);
        crate::rng::fill(key.as_mut())?;
        context.validate()?;
        Self::from_parts(&key, meta, seal)
    }

    /// With a given file key and header sealing (the deterministic example
    /// in `danger` fixes both).
    pub(crate) fn from_parts(
        key: &[u8; FILE_KEY_LEN],
        meta: FileMeta,
        seal: impl FnOnce(&[u8]) -> Result<String>,
    ) -> Result<Self> {
        meta.check().map_err(Error::InvalidInput)?;
        let header = seal(&meta.header_plaintext(key))?;
        let header_len = u16::try_from(header.len())
            .map_err(|_| Error::input("header envelope is longer than 65535 bytes"))?;
        let mut preamble = Vec::with_capacity(LEAD + header.len());
        preamble.extend_from_slice(&FILE_MAGIC);
        preamble.extend_from_slice(&header_len.to_be_bytes());
        preamble.extend_from_slice(header.as_bytes());
        Ok(FileSealer {
            stream: Stream::new(key, meta),
            preamble,
        })
    }

    /// The first bytes of the sealed file: magic, header length, header.
    pub fn preamble(&self) -> &[u8] {
        &self.preamble
    }

    /// The metadata the header carries.
    pub fn meta(&self) -> &FileMeta {
        &self.stream.meta
    }

    /// Plaintext bytes the next chunk must have (`None` once all are sealed).
    pub fn next_chunk_len(&self) -> Option<usize> {
        self.stream.next_len()
    }

    /// Seal the next chunk; returns ciphertext and tag.
    pub fn seal_chunk(&mut self, plaintext: &[u8]) -> Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(plaintext.len() + CHUNK_TAG_LEN);
        buf.extend_from_slice(plaintext);
        self.seal_chunk_in_place(&mut buf)?;
        Ok(buf)
    }

    /// Seal the next chunk in place: `buf` holds its plaintext and is
    /// replaced by ciphertext and tag (on an error it is left unchanged).
    pub fn seal_chunk_in_place(&mut self, buf: &mut Vec<u8>) -> Result<()> {
        self.stream.expect_len(buf.len(), 0, Error::FileExtended)?;
        let nonce = self.stream.advance();
        let tag = self
            .stream
            .cipher
            .encrypt_inout_detached(&nonce, b"", buf.as_mut_slice().into())
            .map_err(|_| Error::EncryptFailed)?;
        buf.extend_from_slice(&tag);
        Ok(())
    }

    /// Check that every announced chunk was sealed (`FILE_TRUNCATED` if not).
    pub fn finish(self) -> Result<()> {
        self.stream.finish("sealed")
    }
}

/// Seal all of `data` as one file (in memory; [`FileSealer`] streams).
pub fn seal_file(
    recipient: &PublicKey,
    context: &Context,
    name: &str,
    media_type: &str,
    data: &[u8],
) -> Result<Vec<u8>> {
    let meta = FileMeta::new(name, media_type, data.len() as u64)?;
    seal_file_with(FileSealer::new(recipient, context, meta)?, data)
}

/// As [`seal_file`] with the suite of `recipient` (P-256 or hybrid).
pub fn seal_file_any(
    recipient: &AnyPublicKey,
    context: &Context,
    name: &str,
    media_type: &str,
    data: &[u8],
) -> Result<Vec<u8>> {
    let meta = FileMeta::new(name, media_type, data.len() as u64)?;
    seal_file_with(FileSealer::new_any(recipient, context, meta)?, data)
}

fn seal_file_with(mut sealer: FileSealer, data: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(sealer.preamble().len() + data.len() + 16);
    out.extend_from_slice(sealer.preamble());
    let cs = sealer.meta().chunk_size as usize;
    if data.is_empty() {
        out.extend(sealer.seal_chunk(&[])?);
    }
    for chunk in data.chunks(cs) {
        out.extend(sealer.seal_chunk(chunk)?);
    }
    sealer.finish()?;
    Ok(out)
}

/// The length of the preamble (magic, header length, header) from a file's
/// first bytes: at least 6 are needed. `MALFORMED_FILE` if they are not
/// `ssf1` followed by a header length of 1 or more.
pub fn preamble_len(start: &[u8]) -> Result<usize> {
    if start.len() < FILE_MAGIC.len() || start[..FILE_MAGIC.len()] != FILE_MAGIC {
        return Err(Error::MalformedFile(
            "no \"ssf1\" magic: not a sealed file".into(),
        ));
    }
    if start.len() < LEAD {
        return Err(Error::MalformedFile(
            "the input ends inside the header length".into(),
        ));
    }
    let n = usize::from(u16::from_be_bytes([start[4], start[5]]));
    if n == 0 {
        return Err(Error::MalformedFile("header length is 0".into()));
    }
    Ok(LEAD + n)
}

/// The header text of a preamble (`input` may go on past it).
fn header_text(input: &[u8]) -> Result<(&str, usize)> {
    let len = preamble_len(input)?;
    let Some(header) = input.get(LEAD..len) else {
        return Err(Error::MalformedFile(format!(
            "header length {} is longer than the input",
            len - LEAD
        )));
    };
    let text =
        core::str::from_utf8(header).map_err(|_| Error::envelope("header is not ASCII text"))?;
    Ok((text, len))
}

/// Opens one sealed file: the header at construction (with a key or a
/// keyring, and an optional expected context), then the chunks in order.
/// A chunk's plaintext is handed out only after the chunk authenticated; the
/// caller must still treat the file as complete only after
/// [`FileOpener::finish`] (and, reading a stream, after checking that nothing
/// follows the last chunk: `FILE_EXTENDED`).
pub struct FileOpener {
    stream: Stream,
    /// The chunk that failed: every later call fails with it.
    failed: Option<u64>,
    kid: String,
    context: Context,
    preamble_len: usize,
}

impl core::fmt::Debug for FileOpener {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FileOpener")
            .field("kid", &self.kid)
            .field("context", &self.context)
            .field("meta", &self.stream.meta)
            .field("next_chunk", &self.stream.next)
            .finish_non_exhaustive()
    }
}

impl FileOpener {
    /// Open the preamble at the start of `input` (which may hold more of the
    /// file, or all of it) with `key`. Errors in the order of FORMAT.md §10:
    /// `MALFORMED_FILE` (magic, header length), the envelope codes of the
    /// header (§5), then `MALFORMED_FILE` (header plaintext layout).
    pub fn new(key: &PrivateKey, input: &[u8], expected: Option<&Context>) -> Result<Self> {
        Self::with(input, |h| crate::seal::open(key, h, expected))
    }

    /// As [`FileOpener::new`] with a hybrid key (a P-256 header is
    /// `SUITE_MISMATCH`, as a P-256 key meets a hybrid header).
    pub fn new_hybrid(
        key: &HybridPrivateKey,
        input: &[u8],
        expected: Option<&Context>,
    ) -> Result<Self> {
        Self::with(input, |h| crate::hybrid::open_hybrid(key, h, expected))
    }

    /// As [`FileOpener::new`] with a key of either suite.
    pub fn new_any(key: &AnyPrivateKey, input: &[u8], expected: Option<&Context>) -> Result<Self> {
        Self::with(input, |h| key.open(h, expected))
    }

    /// As [`FileOpener::new`], with the key of `ring` that the header's kid
    /// names, of either suite (`KEY_NOT_FOUND` if none).
    #[cfg(all(feature = "json", not(target_arch = "wasm32")))]
    pub fn with_keyring(
        ring: &crate::Keyring,
        input: &[u8],
        expected: Option<&Context>,
    ) -> Result<Self> {
        Self::with(input, |h| ring.open(h, expected))
    }

    fn with(input: &[u8], open: impl FnOnce(&str) -> Result<Opened>) -> Result<Self> {
        let (header, preamble_len) = header_text(input)?;
        let opened = open(header)?;
        let hp = Zeroizing::new(opened.plaintext);
        let (key, meta) = FileMeta::parse_header_plaintext(&hp)?;
        Ok(FileOpener {
            stream: Stream::new(&key, meta),
            failed: None,
            kid: opened.kid,
            context: opened.context,
            preamble_len,
        })
    }

    /// Bytes of the preamble: the body starts there.
    pub fn preamble_len(&self) -> usize {
        self.preamble_len
    }

    /// The authenticated metadata.
    pub fn meta(&self) -> &FileMeta {
        &self.stream.meta
    }

    /// The key id of the recipient key.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The authenticated context (form, field, submission) of the header.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Bytes (ciphertext and tag) of the next chunk (`None` once all are opened).
    pub fn next_chunk_len(&self) -> Option<usize> {
        self.stream.next_len().map(|n| n + CHUNK_TAG_LEN)
    }

    /// Open the next chunk (ciphertext and tag), all of it or what the input
    /// still held: shorter than [`FileOpener::next_chunk_len`] is
    /// `FILE_TRUNCATED`; a failed tag is `CHUNK_DECRYPT_FAILED`; a chunk after
    /// the last is `FILE_EXTENDED`.
    pub fn open_chunk(&mut self, chunk: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let mut buf = Zeroizing::new(chunk.to_vec());
        let n = self.open_chunk_in_place(&mut buf)?;
        buf.truncate(n);
        Ok(buf)
    }

    /// As [`FileOpener::open_chunk`], decrypting in place: on success the
    /// plaintext is `chunk[..n]` for the returned `n`; on an error `chunk` is
    /// left as it was (no unauthenticated plaintext is written).
    pub fn open_chunk_in_place(&mut self, chunk: &mut [u8]) -> Result<usize> {
        if let Some(index) = self.failed {
            return Err(Error::ChunkDecryptFailed { index });
        }
        let index = self.stream.next;
        let want = self
            .stream
            .expect_len(chunk.len(), CHUNK_TAG_LEN, Error::InvalidInput)?;
        let (ct, tag) = chunk.split_at_mut(want - CHUNK_TAG_LEN);
        let tag = Tag::<aes_gcm::aead::consts::U16>::try_from(&*tag)
            .map_err(|_| Error::ChunkDecryptFailed { index })?;
        let nonce = self.stream.advance();
        if self
            .stream
            .cipher
            .decrypt_inout_detached(&nonce, b"", ct.into(), &tag)
            .is_err()
        {
            // The stream stops here: a later call cannot skip the bad chunk.
            self.failed = Some(index);
            return Err(Error::ChunkDecryptFailed { index });
        }
        Ok(want - CHUNK_TAG_LEN)
    }

    /// Open a whole body in memory, in the order of FORMAT.md §10: each chunk
    /// `FILE_TRUNCATED` if the body ends inside or before it, else
    /// `CHUNK_DECRYPT_FAILED` if it fails; then `FILE_EXTENDED` if bytes follow.
    pub fn open_body(mut self, body: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let cap = usize::try_from(self.meta().size)
            .unwrap_or(usize::MAX)
            .min(body.len());
        let mut out = Zeroizing::new(Vec::with_capacity(cap));
        let mut rest = body;
        while let Some(want) = self.next_chunk_len() {
            let (chunk, tail) = rest.split_at(want.min(rest.len()));
            out.extend_from_slice(&self.open_chunk(chunk)?);
            rest = tail;
        }
        if !rest.is_empty() {
            return Err(Error::FileExtended(format!(
                "{} bytes after the last chunk",
                rest.len()
            )));
        }
        Ok(out)
    }

    /// Check that every announced chunk was opened (`FILE_TRUNCATED` if not).
    /// Whether input follows the last chunk is the caller's to check
    /// (`FILE_EXTENDED`).
    pub fn finish(self) -> Result<()> {
        if let Some(index) = self.failed {
            return Err(Error::ChunkDecryptFailed { index });
        }
        self.stream.finish("opened")
    }
}

/// Open a whole sealed file in memory with `key` ([`FileOpener`] streams):
/// the opener (metadata, kid, context) and the plaintext.
pub fn open_file(
    key: &PrivateKey,
    file: &[u8],
    expected: Option<&Context>,
) -> Result<(FileMeta, Context, Zeroizing<Vec<u8>>)> {
    open_file_with(FileOpener::new(key, file, expected)?, file)
}

/// As [`open_file`] with a key of either suite.
pub fn open_file_any(
    key: &AnyPrivateKey,
    file: &[u8],
    expected: Option<&Context>,
) -> Result<(FileMeta, Context, Zeroizing<Vec<u8>>)> {
    open_file_with(FileOpener::new_any(key, file, expected)?, file)
}

fn open_file_with(
    opener: FileOpener,
    file: &[u8],
) -> Result<(FileMeta, Context, Zeroizing<Vec<u8>>)> {
    let (meta, context) = (opener.meta().clone(), opener.context().clone());
    let body = &file[opener.preamble_len()..];
    Ok((meta, context, opener.open_body(body)?))
}
