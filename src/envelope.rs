//! The envelope: `ss1.` followed by the unpadded base64url of a binary body
//! (docs/FORMAT.md §4).

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64ct::{Base64UrlUnpadded, Encoding};
use core::fmt;

use crate::context::Context;
use crate::error::{Error, Result};
use crate::keys::KID_LEN;

/// Text prefix of a version-1 envelope.
pub const PREFIX: &str = "ss1.";
/// HPKE KEM id: DHKEM(P-256, HKDF-SHA256).
pub const KEM_ID: u16 = 0x0010;
/// HPKE KDF id: HKDF-SHA256.
pub const KDF_ID: u16 = 0x0001;
/// HPKE AEAD id: AES-256-GCM.
pub const AEAD_ID: u16 = 0x0002;
/// Length of `enc`: an uncompressed SEC1 P-256 point.
pub const ENC_LEN: usize = 65;
/// HPKE KEM id of the hybrid suite: MLKEM768-X25519 (X-Wing,
/// draft-ietf-hpke-pq), with the same KDF and AEAD ids (docs/FORMAT.md §11).
pub const HYBRID_KEM_ID: u16 = 0x647a;
/// Length of the hybrid suite's `enc`: ML-KEM-768 ciphertext (1088) ||
/// X25519 ephemeral public key (32).
pub const HYBRID_ENC_LEN: usize = 1120;
/// AES-GCM tag length.
pub const TAG_LEN: usize = 16;
/// Largest plaintext a slice may carry (4 MiB).
pub const MAX_PLAINTEXT: usize = 4 << 20;
/// Largest envelope text accepted by the parser.
pub const MAX_ENVELOPE_LEN: usize = PREFIX.len() + (MAX_PLAINTEXT + 4096) * 4 / 3 + 4;

const HEADER_LEN: usize = 6 + KID_LEN + 2;

/// A parsed envelope. Its clear part (suite, kid, context) is authenticated
/// only once it has been opened.
#[derive(Clone, PartialEq, Eq)]
pub struct Envelope {
    kid: [u8; KID_LEN],
    context: Context,
    info: Vec<u8>,
    enc: [u8; ENC_LEN],
    ct: Vec<u8>,
}

impl fmt::Debug for Envelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Envelope")
            .field("kid", &self.kid())
            .field("context", &self.context)
            .field("ct_len", &self.ct.len())
            .finish()
    }
}

impl Envelope {
    pub(crate) fn new(
        kid: [u8; KID_LEN],
        context: Context,
        info: Vec<u8>,
        enc: [u8; ENC_LEN],
        ct: Vec<u8>,
    ) -> Self {
        Envelope {
            kid,
            context,
            info,
            enc,
            ct,
        }
    }

    /// Parse envelope text. Checks the prefix, base64url, lengths, the suite,
    /// the context encoding and that `enc` is a P-256 point; does not decrypt.
    pub fn parse(text: &str) -> Result<Self> {
        Self::from_body(&text_body(text)?)
    }

    /// Parse the binary body (the bytes after base64url decoding).
    pub fn from_body(b: &[u8]) -> Result<Self> {
        check_suite(b, KEM_ID)?;
        let parts = split_body(b, ENC_LEN)?;
        if parts.enc[0] != 0x04 || p256::PublicKey::from_sec1_bytes(parts.enc).is_err() {
            return Err(Error::envelope("enc is not an uncompressed P-256 point"));
        }
        let mut enc = [0u8; ENC_LEN];
        enc.copy_from_slice(parts.enc);
        Ok(Envelope {
            kid: parts.kid,
            context: parts.context,
            info: parts.info.to_vec(),
            enc,
            ct: parts.ct.to_vec(),
        })
    }

    /// The binary body.
    pub fn to_body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN + self.info.len() + ENC_LEN + self.ct.len());
        self.write_head(&mut out);
        out.extend_from_slice(&self.ct);
        out
    }

    /// The envelope text, `ss1.` and the body's base64url, written in one
    /// pass into a string of the exact length: no copy of the body (the
    /// ciphertext is encoded where it lies) and no regrowth, which a large
    /// slice's text would otherwise pay several times over (benches/README.md,
    /// "Large values"). Same text as [`fmt::Display`].
    pub fn to_text(&self) -> String {
        let head_len = HEADER_LEN + self.info.len() + ENC_LEN;
        // The head (suite, kid, info, enc) and the first bytes of `ct` up to
        // a multiple of 3 bytes, so that the rest of `ct` encodes on its own
        // to the same characters as the whole body would.
        let split = ((3 - head_len % 3) % 3).min(self.ct.len());
        let (ct_head, ct_rest) = self.ct.split_at(split);
        let mut head = Vec::with_capacity(head_len + split);
        self.write_head(&mut head);
        head.extend_from_slice(ct_head);
        let head_chars = b64_len(head.len());
        let len = PREFIX.len() + head_chars + b64_len(ct_rest.len());
        let mut text = vec![0u8; len];
        text[..PREFIX.len()].copy_from_slice(PREFIX.as_bytes());
        let (head_out, rest_out) = text[PREFIX.len()..].split_at_mut(head_chars);
        // Both outputs are exactly as long as their encodings: cannot fail.
        let a = encode_into(&head, head_out);
        let b = encode_into(ct_rest, rest_out);
        debug_assert_eq!((a, b), (Some(head_chars), Some(rest_out.len())));
        // base64url is ASCII, so this never fails (the default is
        // unreachable); the check is one pass, and the core has no `unsafe`.
        String::from_utf8(text).unwrap_or_default()
    }

    /// The body before `ct`: suite, kid, `u16be(len(info))`, info, enc.
    fn write_head(&self, out: &mut Vec<u8>) {
        write_head(out, &self.kid, &self.info, &self.enc);
    }

    /// The recipient key id (base64url RFC 7638 thumbprint).
    pub fn kid(&self) -> String {
        Base64UrlUnpadded::encode_string(&self.kid)
    }

    /// The raw 32-byte key id.
    pub fn kid_bytes(&self) -> &[u8; KID_LEN] {
        &self.kid
    }

    /// The context the slice says it was sealed to.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// The HPKE `info` bytes carried in the envelope.
    pub fn info(&self) -> &[u8] {
        &self.info
    }

    /// HPKE `enc` (65 bytes).
    pub fn enc(&self) -> &[u8; ENC_LEN] {
        &self.enc
    }

    /// HPKE ciphertext with its 16-byte tag.
    pub fn ciphertext(&self) -> &[u8] {
        &self.ct
    }
}

impl fmt::Display for Envelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl core::str::FromStr for Envelope {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Envelope::parse(s)
    }
}

/// The P-256 body before `ct` (§4): suite, kid, `u16be(len(info))`, info,
/// enc; shared by [`Envelope`] and the binary form sealed piecewise
/// ([`crate::hazmat::Sealing::body_head`]).
pub(crate) fn write_head(out: &mut Vec<u8>, kid: &[u8; KID_LEN], info: &[u8], enc: &[u8; ENC_LEN]) {
    out.extend_from_slice(&KEM_ID.to_be_bytes());
    out.extend_from_slice(&KDF_ID.to_be_bytes());
    out.extend_from_slice(&AEAD_ID.to_be_bytes());
    out.extend_from_slice(kid);
    // info is at most 8 + 13 + 3 * 256 bytes.
    out.extend_from_slice(&(info.len() as u16).to_be_bytes());
    out.extend_from_slice(info);
    out.extend_from_slice(enc);
}

/// The name of a suite by its KEM id, for error messages.
pub(crate) fn suite_name(kem: u16) -> &'static str {
    match kem {
        KEM_ID => "DHKEM(P-256)",
        HYBRID_KEM_ID => "MLKEM768-X25519",
        _ => "unknown",
    }
}

/// The suite check of every body (§4, §5 step 5), for a reader of the suite
/// of KEM `want`: `MALFORMED_ENVELOPE` if the header is cut, `SUITE_MISMATCH`
/// if the envelope is of the other supported suite, else `UNSUPPORTED_SUITE`
/// unless the ids are `want`'s.
pub(crate) fn check_suite(b: &[u8], want: u16) -> Result<()> {
    if b.len() < HEADER_LEN {
        return Err(Error::envelope("truncated header"));
    }
    let kem = u16::from_be_bytes([b[0], b[1]]);
    let kdf = u16::from_be_bytes([b[2], b[3]]);
    let aead = u16::from_be_bytes([b[4], b[5]]);
    if (kdf, aead) == (KDF_ID, AEAD_ID) && kem == want {
        return Ok(());
    }
    if (kdf, aead) == (KDF_ID, AEAD_ID) && (kem == KEM_ID || kem == HYBRID_KEM_ID) {
        return Err(Error::SuiteMismatch {
            envelope: kem,
            key: want,
        });
    }
    Err(Error::UnsupportedSuite { kem, kdf, aead })
}

/// The fields of a body after its suite ids (§4), `enc` being `enc_len` bytes.
pub(crate) struct BodyParts<'a> {
    pub(crate) kid: [u8; KID_LEN],
    pub(crate) context: Context,
    pub(crate) info: &'a [u8],
    pub(crate) enc: &'a [u8],
    pub(crate) ct: &'a [u8],
}

/// Split a body whose suite was checked ([`check_suite`]) into its fields,
/// with the length and context checks of §5.
pub(crate) fn split_body(b: &[u8], enc_len: usize) -> Result<BodyParts<'_>> {
    let mut kid = [0u8; KID_LEN];
    kid.copy_from_slice(&b[6..6 + KID_LEN]);
    let info_len = u16::from_be_bytes([b[HEADER_LEN - 2], b[HEADER_LEN - 1]]) as usize;
    let rest = &b[HEADER_LEN..];
    if rest.len() < info_len + enc_len + TAG_LEN {
        return Err(Error::envelope(
            "truncated: too short for info, enc and tag",
        ));
    }
    let (info, rest) = rest.split_at(info_len);
    let context = Context::from_info(info).map_err(|e| match e {
        Error::InvalidContext(m) => Error::envelope(m),
        other => other,
    })?;
    let (enc, ct) = rest.split_at(enc_len);
    if ct.len() > MAX_PLAINTEXT + TAG_LEN {
        return Err(Error::envelope("longer than the largest slice"));
    }
    Ok(BodyParts {
        kid,
        context,
        info,
        enc,
        ct,
    })
}

/// Envelope text of the layout of §4 for any suite: `ss1.` and the base64url
/// of `kem || kdf || aead || kid || u16be(len(info)) || info || enc || ct`.
pub(crate) fn body_text(
    kem: u16,
    kid: &[u8; KID_LEN],
    info: &[u8],
    enc: &[u8],
    ct: &[u8],
) -> (Vec<u8>, String) {
    let mut body = Vec::with_capacity(HEADER_LEN + info.len() + enc.len() + ct.len());
    body.extend_from_slice(&kem.to_be_bytes());
    body.extend_from_slice(&KDF_ID.to_be_bytes());
    body.extend_from_slice(&AEAD_ID.to_be_bytes());
    body.extend_from_slice(kid);
    // info is at most 8 + 13 + 3 * 256 bytes.
    body.extend_from_slice(&(info.len() as u16).to_be_bytes());
    body.extend_from_slice(info);
    body.extend_from_slice(enc);
    body.extend_from_slice(ct);
    let text = format!("{PREFIX}{}", URL_CANONICAL.encode(&body));
    (body, text)
}

/// The envelope text's body, decoded: the `ss1.` prefix and size checks of
/// [`Envelope::parse`], for any suite.
pub(crate) fn text_body(text: &str) -> Result<Vec<u8>> {
    if text.len() > MAX_ENVELOPE_LEN {
        return Err(Error::envelope("longer than the largest slice"));
    }
    let Some((prefix, body)) = text.split_once('.') else {
        return Err(Error::envelope(
            "no \"ss1.\" prefix: not a slice-seal envelope",
        ));
    };
    if prefix != "ss1" {
        let v = prefix.strip_prefix("ss").unwrap_or("");
        if !v.is_empty() && v.len() <= 4 && v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::UnsupportedVersion(format!("ss{v}")));
        }
        return Err(Error::envelope(
            "no \"ss1.\" prefix: not a slice-seal envelope",
        ));
    }
    decode_body(body)
}

/// Unpadded, canonical base64url for the envelope body. The envelope is
/// public (no secret in it), so it is encoded and decoded with the `base64`
/// crate's table-driven code, ~5x faster in wasm than base64ct's
/// constant-time code (which keys and other secrets keep using). Decoding
/// accepts exactly what base64ct accepts (unpadded; trailing bits zero) and
/// encoding writes the same text: the `decode_matches_base64ct` tests.
const URL_CANONICAL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// `src`'s unpadded base64url into `dst`, which is exactly as long: its
/// length, or `None` if it is not. The `base64` crate's table-driven code,
/// or with the `small-text` feature (the lean browser module) base64ct's,
/// which the keys' code already links: one base64 implementation there,
/// the same text (the `decode_matches_base64ct` tests).
#[cfg(not(feature = "small-text"))]
fn encode_into(src: &[u8], dst: &mut [u8]) -> Option<usize> {
    URL_CANONICAL.encode_slice(src, dst).ok()
}

#[cfg(feature = "small-text")]
fn encode_into(src: &[u8], dst: &mut [u8]) -> Option<usize> {
    Base64UrlUnpadded::encode(src, dst).ok().map(str::len)
}

/// Length of the unpadded base64 of `n` bytes.
fn b64_len(n: usize) -> usize {
    n / 3 * 4 + [0, 2, 3][n % 3]
}

/// The body's base64url, decoded ([`URL_CANONICAL`]).
fn decode_body(body: &str) -> Result<Vec<u8>> {
    URL_CANONICAL
        .decode(body)
        .map_err(|_| Error::envelope("body is not canonical unpadded base64url"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// base64ct's verdict and output for `text`.
    fn ct(text: &str) -> Option<Vec<u8>> {
        Base64UrlUnpadded::decode_vec(text).ok()
    }

    #[test]
    fn decode_matches_base64ct_on_edge_cases() {
        // Every length mod 4, non-canonical trailing bits, padding, the other
        // alphabet, whitespace, non-ASCII.
        let cases = [
            "", "A", "AA", "AB", "AAA", "AAB", "AAAA", "AQ", "AR", "AQI", "AQJ", "AQID", "AA==",
            "AAA=", "A+B/", "A-B_", "AA AA", " AAAA", "AAAA\n", "AAAé", "-_-_", "____", "____-",
            "=", "AA=A",
        ];
        for text in cases {
            assert_eq!(decode_body(text).ok(), ct(text), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn decode_matches_base64ct_on_encodings(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let text = Base64UrlUnpadded::encode_string(&bytes);
            prop_assert_eq!(URL_CANONICAL.encode(&bytes), text.clone());
            prop_assert_eq!(decode_body(&text).unwrap(), bytes);
        }

        /// The one-pass text is `ss1.` + base64ct of the whole body, for
        /// every length of info and ct mod 3 (and empty ct).
        #[test]
        fn to_text_matches_base64ct_of_the_body(
            info in proptest::collection::vec(any::<u8>(), 0..40),
            ct in proptest::collection::vec(any::<u8>(), 0..2000),
            kid in any::<[u8; KID_LEN]>(),
            enc in proptest::collection::vec(any::<u8>(), ENC_LEN),
        ) {
            let env = Envelope::new(kid, Context::new("f", "a").unwrap(), info, enc.try_into().unwrap(), ct);
            let want = format!("{PREFIX}{}", Base64UrlUnpadded::encode_string(&env.to_body()));
            let text = env.to_text();
            prop_assert_eq!(text.capacity(), want.len());
            prop_assert_eq!(&text, &want);
            prop_assert_eq!(env.to_string(), want);
        }

        #[test]
        fn decode_matches_base64ct_on_any_text(text in "[A-Za-z0-9_=+/ -]{0,40}") {
            prop_assert_eq!(decode_body(&text).ok(), ct(&text));
        }

        #[test]
        fn decode_matches_base64ct_on_damaged_encodings(
            bytes in proptest::collection::vec(any::<u8>(), 1..100),
            at in any::<prop::sample::Index>(),
            with in prop::sample::select(vec!['A', 'B', 'Q', 'g', 'w', '_', '-', '+', '/', '=', '.']),
        ) {
            let mut text: Vec<char> = Base64UrlUnpadded::encode_string(&bytes).chars().collect();
            let i = at.index(text.len());
            text[i] = with;
            let text: String = text.into_iter().collect();
            prop_assert_eq!(decode_body(&text).ok(), ct(&text));
        }
    }
}
