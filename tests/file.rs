//! Sealed files (docs/FORMAT.md §10) through the library: round trips at the
//! chunk-size edges, every tamper case with its exact code, malformed header
//! plaintexts (each field out of range), the sealer's refusals, and no panic
//! on arbitrary or mutated input (proptest).
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use slice_seal::danger::file_sealer_deterministic;
use slice_seal::{
    Context, Error, FileMeta, FileOpener, FileSealer, Keyring, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE,
    PrivateKey, open_file, seal, seal_file,
};

#[path = "common/file_data.rs"]
mod file_data;
use file_data::{ctx, data};

const CS: usize = 1024;

/// A sealed file of `plain` with chunk size `cs`, streamed through the sealer.
fn sealed(key: &PrivateKey, plain: &[u8], cs: usize) -> Vec<u8> {
    let meta = FileMeta::new("scan.pdf", "application/pdf", plain.len() as u64)
        .unwrap()
        .with_chunk_size(cs as u32)
        .unwrap();
    let mut sealer = FileSealer::new(key.public_key(), &ctx(), meta).unwrap();
    let mut out = sealer.preamble().to_vec();
    let mut rest = plain;
    while let Some(n) = sealer.next_chunk_len() {
        let (chunk, tail) = rest.split_at(n);
        out.extend(sealer.seal_chunk(chunk).unwrap());
        rest = tail;
    }
    sealer.finish().unwrap();
    out
}

fn open_with(ring: &Keyring, file: &[u8], expected: Option<&Context>) -> Result<Vec<u8>, Error> {
    let opener = FileOpener::with_keyring(ring, file, expected)?;
    let body = &file[opener.preamble_len()..];
    Ok(opener.open_body(body)?.to_vec())
}

fn code(r: Result<Vec<u8>, Error>) -> String {
    match r {
        Ok(_) => "OK".into(),
        Err(Error::ChunkDecryptFailed { index }) => format!("CHUNK_DECRYPT_FAILED {index}"),
        Err(e) => e.code().into(),
    }
}

fn preamble_len(file: &[u8]) -> usize {
    slice_seal::preamble_len(file).unwrap()
}

#[test]
fn round_trips_at_the_chunk_edges() {
    let key = PrivateKey::generate().unwrap();
    let ring = Keyring::from_keys([key.clone()]).unwrap();
    for len in [
        0,
        1,
        CS - 1,
        CS,
        CS + 1,
        2 * CS,
        3 * CS - 1,
        3 * CS + 7,
        10 * CS,
    ] {
        let plain = data(len, 5);
        let file = sealed(&key, &plain, CS);
        let n = len.div_ceil(CS).max(1);
        assert_eq!(file.len(), preamble_len(&file) + len + 16 * n, "len {len}");
        let opener = FileOpener::with_keyring(&ring, &file, Some(&ctx())).unwrap();
        let meta = opener.meta().clone();
        assert_eq!(
            (meta.size, meta.chunk_size, meta.chunk_count()),
            (len as u64, CS as u32, n as u64)
        );
        assert_eq!(meta.body_len(), (len + 16 * n) as u64);
        assert_eq!(
            (meta.name.as_str(), meta.media_type.as_str()),
            ("scan.pdf", "application/pdf")
        );
        assert_eq!(opener.kid(), key.kid());
        assert_eq!(opener.context(), &ctx());
        assert_eq!(open_with(&ring, &file, None).unwrap(), plain, "len {len}");
        // The one-shot helpers agree.
        let (m2, c2, p2) = open_file(&key, &file, Some(&ctx())).unwrap();
        assert_eq!((m2, c2, p2.to_vec()), (meta, ctx(), plain));
    }
    // A fresh file key and ephemeral key per file: the same data seals to
    // different headers and bodies.
    let (a, b) = (
        sealed(&key, &data(100, 1), CS),
        sealed(&key, &data(100, 1), CS),
    );
    let p = preamble_len(&a);
    assert_ne!(a[..p], b[..preamble_len(&b)]);
    assert_ne!(a[p..], b[preamble_len(&b)..]);
    // Default chunk size (64 KiB) through seal_file.
    for len in [0, 65_535, 65_536, 65_537, 200_000] {
        let plain = data(len, 9);
        let file = seal_file(key.public_key(), &ctx(), "a b/ü.txt", "text/plain", &plain).unwrap();
        let (meta, _, got) = open_file(&key, &file, None).unwrap();
        assert_eq!((meta.chunk_size, meta.name.as_str()), (65_536, "a b/ü.txt"));
        assert_eq!(*got, plain);
    }
}

#[test]
fn every_tamper_case_has_its_code() {
    let key = PrivateKey::generate().unwrap();
    let ring = Keyring::from_keys([key.clone()]).unwrap();
    let plain = data(3 * CS - 72, 1); // chunks of 1024, 1024, 952
    let file = sealed(&key, &plain, CS);
    let other = sealed(&key, &data(plain.len(), 2), CS); // same size, other file key
    let p = preamble_len(&file);
    let q = preamble_len(&other);
    let c = CS + 16; // bytes of a full chunk
    let chunk = |f: &[u8], start: usize, i: usize| {
        f[start + i * c..(start + (i + 1) * c).min(f.len())].to_vec()
    };
    let cat = |parts: &[&[u8]]| parts.concat();
    let check = |name: &str, f: Vec<u8>, want: &str| {
        assert_eq!(code(open_with(&ring, &f, Some(&ctx()))), want, "{name}");
    };
    check("intact", file.clone(), "OK");

    // Cut short.
    check("empty input", Vec::new(), "MALFORMED_FILE");
    check("inside the magic", file[..3].to_vec(), "MALFORMED_FILE");
    check(
        "inside the header length",
        file[..5].to_vec(),
        "MALFORMED_FILE",
    );
    check(
        "inside the header",
        file[..p - 1].to_vec(),
        "MALFORMED_FILE",
    );
    check("after the header", file[..p].to_vec(), "FILE_TRUNCATED");
    check("inside chunk 0", file[..p + 100].to_vec(), "FILE_TRUNCATED");
    check(
        "at the chunk 1 boundary",
        file[..p + c].to_vec(),
        "FILE_TRUNCATED",
    );
    check(
        "inside chunk 1's tag",
        file[..p + 2 * c - 1].to_vec(),
        "FILE_TRUNCATED",
    );
    check(
        "at the last chunk boundary",
        file[..p + 2 * c].to_vec(),
        "FILE_TRUNCATED",
    );
    check(
        "last byte",
        file[..file.len() - 1].to_vec(),
        "FILE_TRUNCATED",
    );

    // Extended.
    check("one byte more", cat(&[&file, &[0]]), "FILE_EXTENDED");
    check(
        "a whole chunk more",
        cat(&[&file, &chunk(&file, p, 0)]),
        "FILE_EXTENDED",
    );
    check(
        "another file appended",
        cat(&[&file, &other]),
        "FILE_EXTENDED",
    );

    // A byte flipped in each part.
    let flip = |at: usize| {
        let mut f = file.clone();
        f[at] ^= 0x01;
        f
    };
    for at in 0..4 {
        check("magic", flip(at), "MALFORMED_FILE");
    }
    let mut zero_len = file.clone();
    zero_len[4..6].copy_from_slice(&[0, 0]);
    check("header length 0", zero_len, "MALFORMED_FILE");
    let mut long_len = file.clone();
    long_len[4..6].copy_from_slice(&u16::MAX.to_be_bytes());
    check("header length past the input", long_len, "MALFORMED_FILE");
    // The header length cut by 1 to 3 so that the base64url left is 1 mod 4
    // characters long: never a valid encoding. (One less character is not
    // always malformed: by the last character's low bits, it may decode to
    // a body one byte short, which fails to decrypt.)
    let h = p - 6 - "ss1.".len();
    let cut = (1..=3).find(|k| (h - k) % 4 == 1).unwrap();
    let mut short_len = file.clone();
    short_len[4..6].copy_from_slice(&((p - 6 - cut) as u16).to_be_bytes());
    check("header length cut", short_len, "MALFORMED_ENVELOPE");
    check("header prefix", flip(6), "MALFORMED_ENVELOPE");
    // A base64url character of the header's ciphertext, to another one.
    let mut ct_char = file.clone();
    ct_char[p - 20] = if ct_char[p - 20] == b'A' { b'B' } else { b'A' };
    check("header ciphertext", ct_char, "DECRYPT_FAILED");
    let mut not_text = file.clone();
    not_text[p - 20] = 0xff;
    check("header not text", not_text, "MALFORMED_ENVELOPE");
    for (i, at) in [
        (0, p),
        (0, p + c - 1),
        (1, p + c + 500),
        (2, p + 2 * c),
        (2, file.len() - 1),
    ] {
        check("chunk byte", flip(at), &format!("CHUNK_DECRYPT_FAILED {i}"));
    }

    // Reordered, moved, mixed with another file.
    let (c0, c1, c2) = (chunk(&file, p, 0), chunk(&file, p, 1), chunk(&file, p, 2));
    check(
        "chunks 0 and 1 swapped",
        cat(&[&file[..p], &c1, &c0, &c2]),
        "CHUNK_DECRYPT_FAILED 0",
    );
    check(
        "chunk 1 twice",
        cat(&[&file[..p], &c0, &c1, &c1[..c2.len()]]),
        "CHUNK_DECRYPT_FAILED 2",
    );
    check(
        "chunk 1 of another file",
        cat(&[&file[..p], &c0, &chunk(&other, q, 1), &c2]),
        "CHUNK_DECRYPT_FAILED 1",
    );
    check(
        "last chunk of another file",
        cat(&[&file[..p], &c0, &c1, &chunk(&other, q, 2)]),
        "CHUNK_DECRYPT_FAILED 2",
    );
    check(
        "body of another file",
        cat(&[&file[..p], &other[q..]]),
        "CHUNK_DECRYPT_FAILED 0",
    );
    check(
        "header of another file",
        cat(&[&other[..q], &file[p..]]),
        "CHUNK_DECRYPT_FAILED 0",
    );

    // Key and context.
    let stranger = Keyring::from_keys([PrivateKey::generate().unwrap()]).unwrap();
    assert_eq!(code(open_with(&stranger, &file, None)), "KEY_NOT_FOUND");
    let wrong_key = PrivateKey::generate().unwrap();
    let r = FileOpener::new(&wrong_key, &file, None).map(|_| Vec::new());
    assert_eq!(code(r), "KID_MISMATCH");
    for wrong in [
        Context::new("vetting-step-3", "other-field").unwrap(),
        Context::new("other-form", "passport-scan").unwrap(),
        ctx().with_submission("s-2").unwrap(),
    ] {
        assert_eq!(
            code(open_with(&ring, &file, Some(&wrong))),
            "CONTEXT_MISMATCH"
        );
    }
    // An expected context without a submission accepts any.
    let loose = Context::new("vetting-step-3", "passport-scan").unwrap();
    assert_eq!(open_with(&ring, &file, Some(&loose)).unwrap(), plain);
    // The earlier check wins: a wrong key on a file cut short is KEY_NOT_FOUND.
    assert_eq!(
        code(open_with(&stranger, &file[..p + 10], None)),
        "KEY_NOT_FOUND"
    );
    // A cut inside a chunk is FILE_TRUNCATED even when an earlier byte of
    // that chunk was altered (the chunk is never decrypted).
    let mut cut = flip(p + c + 3);
    cut.truncate(p + c + 10);
    check("altered, then cut in the same chunk", cut, "FILE_TRUNCATED");
}

/// The last-chunk flag of the nonce: the first two chunks of a 3-chunk file
/// under the header of a 2-chunk file with the same file key (only possible
/// with a fixed key) fail at chunk 1, which a 2-chunk file seals as last.
#[test]
fn a_file_cut_at_a_chunk_boundary_fails_even_under_a_shorter_header() {
    let key = PrivateKey::generate().unwrap();
    let ring = Keyring::from_keys([key.clone()]).unwrap();
    let file_key = [7u8; 32];
    let make = |len: usize| {
        let meta = FileMeta::new("x", "", len as u64)
            .unwrap()
            .with_chunk_size(CS as u32)
            .unwrap();
        let mut s =
            file_sealer_deterministic(key.public_key(), &ctx(), meta, &[1u8; 32], &file_key)
                .unwrap();
        let mut out = s.preamble().to_vec();
        for chunk in data(len, 3).chunks(CS) {
            out.extend(s.seal_chunk(chunk).unwrap());
        }
        s.finish().unwrap();
        out
    };
    let (two, three) = (make(2 * CS), make(3 * CS));
    let (p2, p3) = (preamble_len(&two), preamble_len(&three));
    assert_eq!(
        two[p2..p2 + CS + 16],
        three[p3..p3 + CS + 16],
        "same key, same chunk 0"
    );
    let spliced = [&two[..p2], &three[p3..p3 + 2 * (CS + 16)]].concat();
    assert_eq!(
        code(open_with(&ring, &spliced, None)),
        "CHUNK_DECRYPT_FAILED 1"
    );
    assert_eq!(open_with(&ring, &two, None).unwrap(), data(2 * CS, 3));
}

/// Header plaintexts built by hand, sealed as ordinary slices.
fn with_header_plaintext(key: &PrivateKey, hp: &[u8], body: &[u8]) -> Vec<u8> {
    let env = seal(key.public_key(), hp, &ctx()).unwrap();
    let mut f = b"ssf1".to_vec();
    f.extend_from_slice(&(env.len() as u16).to_be_bytes());
    f.extend_from_slice(env.as_bytes());
    f.extend_from_slice(body);
    f
}

fn hp(
    version: u8,
    chunk: u32,
    size: u64,
    name: &[u8],
    name_len: u16,
    ty: &[u8],
    ty_len: u16,
) -> Vec<u8> {
    let mut v = vec![version];
    v.extend_from_slice(&[0x42; 32]);
    v.extend_from_slice(&chunk.to_be_bytes());
    v.extend_from_slice(&size.to_be_bytes());
    v.extend_from_slice(&name_len.to_be_bytes());
    v.extend_from_slice(name);
    v.extend_from_slice(&ty_len.to_be_bytes());
    v.extend_from_slice(ty);
    v
}

#[test]
fn malformed_header_plaintexts() {
    let key = PrivateKey::generate().unwrap();
    let ring = Keyring::from_keys([key.clone()]).unwrap();
    let ok = |chunk: u32, size: u64, name: &[u8], ty: &[u8]| {
        hp(1, chunk, size, name, name.len() as u16, ty, ty.len() as u16)
    };
    let good = ok(1024, 0, b"a.txt", b"text/plain");
    let header_code = |hp: &[u8]| {
        let f = with_header_plaintext(&key, hp, &[]);
        match FileOpener::with_keyring(&ring, &f, None) {
            Ok(_) => "OK".to_string(),
            Err(e) => e.code().to_string(),
        }
    };
    let long_name = vec![b'n'; 1024];
    let long_type = vec![b't'; 255];
    // In range, at the edges.
    for valid in [
        good.clone(),
        ok(1024, 0, b"", b""),
        ok(MIN_CHUNK_SIZE, 1, b"x", b""),
        ok(MAX_CHUNK_SIZE, (1 << 53) - 1, &long_name, &long_type),
        ok(65_536, 12, "ünïcødé 👩‍💻\n\0".as_bytes(), b" ~"),
    ] {
        assert_eq!(header_code(&valid), "OK");
    }
    let mut trailing = good.clone();
    trailing.push(0);
    let mut name_2049 = vec![b'n'; 1025];
    name_2049.truncate(1025);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("version 0", hp(0, 1024, 0, b"", 0, b"", 0)),
        ("version 2", hp(2, 1024, 0, b"", 0, b"", 0)),
        ("truncated in the key", good[..20].to_vec()),
        ("truncated in the size", good[..40].to_vec()),
        ("no type length", good[..good.len() - 12].to_vec()),
        ("truncated in the type", good[..good.len() - 1].to_vec()),
        ("chunk size 0", ok(0, 0, b"", b"")),
        ("chunk size 1023", ok(1023, 0, b"", b"")),
        ("chunk size 4 MiB + 1", ok(MAX_CHUNK_SIZE + 1, 0, b"", b"")),
        ("size 2^53", ok(1024, 1 << 53, b"", b"")),
        ("size 2^64 - 1", ok(1024, u64::MAX, b"", b"")),
        ("name 1025 bytes", ok(1024, 0, &name_2049, b"")),
        ("name not UTF-8", ok(1024, 0, b"a\xff", b"")),
        (
            "name length past the end",
            hp(1, 1024, 0, b"ab", 40, b"", 0),
        ),
        ("type 256 bytes", ok(1024, 0, b"", &[b't'; 256])),
        ("type with DEL", ok(1024, 0, b"", b"text/\x7f")),
        ("type with a control", ok(1024, 0, b"", b"text/\x1f")),
        ("type with a line break", ok(1024, 0, b"", b"text/plain\n")),
        ("type not ASCII", ok(1024, 0, b"", "tëxt".as_bytes())),
        ("a byte after the type", trailing),
    ];
    for (name, bad) in cases {
        assert_eq!(header_code(&bad), "MALFORMED_FILE", "{name}");
    }
    // The header's envelope fails before its plaintext is looked at.
    let f = with_header_plaintext(&key, &hp(9, 0, 0, b"", 0, b"", 0), &[]);
    let stranger = Keyring::from_keys([PrivateKey::generate().unwrap()]).unwrap();
    assert_eq!(
        FileOpener::with_keyring(&stranger, &f, None)
            .unwrap_err()
            .code(),
        "KEY_NOT_FOUND"
    );
}

#[test]
fn the_sealer_refuses_other_lengths_and_bad_metadata() {
    let key = PrivateKey::generate().unwrap();
    let meta = FileMeta::new("n", "", 2000)
        .unwrap()
        .with_chunk_size(1024)
        .unwrap();
    let new = || FileSealer::new(key.public_key(), &ctx(), meta.clone()).unwrap();
    let c = |r: Result<Vec<u8>, Error>| r.map(|_| ()).unwrap_err().code();
    let mut s = new();
    assert_eq!(c(s.seal_chunk(&[0; 1023])), "FILE_TRUNCATED");
    assert_eq!(c(s.seal_chunk(&[0; 1025])), "FILE_EXTENDED");
    assert_eq!(s.seal_chunk(&[0; 1024]).unwrap().len(), 1040);
    assert_eq!(s.next_chunk_len(), Some(976));
    assert_eq!(c(s.seal_chunk(&[0; 1024])), "FILE_EXTENDED");
    let mut done = new();
    done.seal_chunk(&[0; 1024]).unwrap();
    assert_eq!(done.finish().unwrap_err().code(), "FILE_TRUNCATED");
    s.seal_chunk(&[0; 976]).unwrap();
    assert_eq!(c(s.seal_chunk(&[])), "FILE_EXTENDED");
    s.finish().unwrap();
    // Empty file: one empty chunk.
    let mut e =
        FileSealer::new(key.public_key(), &ctx(), FileMeta::new("", "", 0).unwrap()).unwrap();
    assert_eq!(e.seal_chunk(&[]).unwrap().len(), 16);
    e.finish().unwrap();

    let meta_code = |r: Result<FileMeta, Error>| r.unwrap_err().code();
    assert_eq!(
        meta_code(FileMeta::new("n".repeat(1025), "", 0)),
        "INVALID_INPUT"
    );
    assert_eq!(
        meta_code(FileMeta::new("", "t".repeat(256), 0)),
        "INVALID_INPUT"
    );
    assert_eq!(meta_code(FileMeta::new("", "a\tb", 0)), "INVALID_INPUT");
    assert_eq!(meta_code(FileMeta::new("", "", 1 << 53)), "INVALID_INPUT");
    for cs in [0, 1023, MAX_CHUNK_SIZE + 1] {
        assert_eq!(
            meta_code(FileMeta::new("", "", 0).unwrap().with_chunk_size(cs)),
            "INVALID_INPUT"
        );
    }
    let bad_ctx = Context {
        form: String::new(),
        field: "f".into(),
        submission: None,
    };
    assert_eq!(
        FileSealer::new(key.public_key(), &bad_ctx, meta)
            .unwrap_err()
            .code(),
        "INVALID_CONTEXT"
    );
}

#[test]
fn the_opener_stops_at_the_first_bad_chunk() {
    let key = PrivateKey::generate().unwrap();
    let mut file = sealed(&key, &data(3 * CS, 4), CS);
    let p = preamble_len(&file);
    file[p + 5] ^= 1;
    let mut o = FileOpener::new(&key, &file, None).unwrap();
    let c = CS + 16;
    let err = |r: Result<usize, Error>| r.unwrap_err();
    let mut chunk0 = file[p..p + c].to_vec();
    assert_eq!(
        err(o.open_chunk_in_place(&mut chunk0)),
        Error::ChunkDecryptFailed { index: 0 }
    );
    // The failed chunk is left as it was: no unauthenticated plaintext.
    assert_eq!(chunk0, file[p..p + c]);
    let mut chunk1 = file[p + c..p + 2 * c].to_vec();
    assert_eq!(
        err(o.open_chunk_in_place(&mut chunk1)),
        Error::ChunkDecryptFailed { index: 0 }
    );
    assert_eq!(
        o.finish().unwrap_err(),
        Error::ChunkDecryptFailed { index: 0 }
    );
    // A chunk longer than the next one is the caller's error.
    let mut o = FileOpener::new(&key, &file, None).unwrap();
    assert_eq!(
        o.open_chunk(&file[p..p + c + 1]).unwrap_err().code(),
        "INVALID_INPUT"
    );
    assert_eq!(o.finish().unwrap_err().code(), "FILE_TRUNCATED");
    // Error messages never hold the plaintext or the key.
    let e = Error::ChunkDecryptFailed { index: 7 };
    assert!(e.to_string().contains("chunk 7"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Arbitrary bytes, with and without the magic, never panic and never open.
    #[test]
    fn arbitrary_input_is_refused_with_a_code(mut bytes in proptest::collection::vec(any::<u8>(), 0..600), magic in any::<bool>()) {
        if magic {
            let mut f = b"ssf1".to_vec();
            f.append(&mut bytes);
            bytes = f;
        }
        let key = PrivateKey::generate().unwrap();
        let r = FileOpener::new(&key, &bytes, None);
        prop_assert!(r.is_err());
        let e = r.unwrap_err();
        prop_assert!(["MALFORMED_FILE", "MALFORMED_ENVELOPE", "UNSUPPORTED_VERSION", "UNSUPPORTED_SUITE", "KID_MISMATCH"].contains(&e.code()), "{e:?}");
    }

    /// A valid file with bytes replaced, cut or added: never a panic; the
    /// result is an error unless the bytes are the original ones.
    #[test]
    fn mutated_files_fail_or_are_unchanged(
        len in 0usize..3000,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        cut in proptest::option::of(any::<prop::sample::Index>()),
        extra in proptest::collection::vec(any::<u8>(), 0..3),
    ) {
        static KEY: std::sync::LazyLock<PrivateKey> = std::sync::LazyLock::new(|| PrivateKey::generate().unwrap());
        let plain = data(len, 6);
        let file = sealed(&KEY, &plain, CS);
        let mut m = file.clone();
        for (at, b) in &edits {
            let i = at.index(m.len());
            m[i] = *b;
        }
        if let Some(c) = cut {
            m.truncate(c.index(m.len() + 1));
        }
        m.extend_from_slice(&extra);
        let ring = Keyring::from_keys([KEY.clone()]).unwrap();
        match open_with(&ring, &m, None) {
            Ok(got) => {
                prop_assert_eq!(&m, &file);
                prop_assert_eq!(got, plain);
            }
            Err(e) => prop_assert!(m != file, "the intact file failed: {e:?}"),
        }
    }
}

/// A hybrid recipient's file (§10/§11): the header slice is of the hybrid
/// suite (its suite ids, a 1120-byte enc), the chunks are as for P-256.
/// Round trips through every door (hybrid key, any key, mixed keyring, the
/// prepared sealer); the other suite's key is SUITE_MISMATCH either way;
/// a cut or altered hybrid header has its code.
#[test]
fn hybrid_files() {
    use base64ct::Encoding;
    use slice_seal::{
        AnyPrivateKey, AnyPublicKey, HYBRID_KEM_ID, HybridEnvelope, HybridPrivateKey, HybridSealer,
        open_file_any, seal_file_any,
    };
    let h = HybridPrivateKey::generate().unwrap();
    let p = PrivateKey::generate().unwrap();
    let any_h = AnyPrivateKey::from(h.clone());
    let ring = Keyring::from_keys([AnyPrivateKey::from(p.clone()), any_h.clone()]).unwrap();
    let open_h = |file: &[u8]| -> Result<Vec<u8>, Error> {
        let opener = FileOpener::new_hybrid(&h, file, Some(&ctx()))?;
        let body = &file[opener.preamble_len()..];
        Ok(opener.open_body(body)?.to_vec())
    };
    for len in [0usize, 1, CS - 1, CS, CS + 1, 3 * CS + 5] {
        let plain = data(len, 3);
        let meta = FileMeta::new("scan.pdf", "application/pdf", len as u64)
            .unwrap()
            .with_chunk_size(CS as u32)
            .unwrap();
        let mut sealer = FileSealer::new_hybrid(h.public_key(), &ctx(), meta).unwrap();
        let mut file = sealer.preamble().to_vec();
        let mut rest = &plain[..];
        while let Some(n) = sealer.next_chunk_len() {
            let (chunk, tail) = rest.split_at(n);
            file.extend(sealer.seal_chunk(chunk).unwrap());
            rest = tail;
        }
        sealer.finish().unwrap();
        assert_eq!(open_h(&file).unwrap(), plain, "len {len}");
        assert_eq!(open_with(&ring, &file, Some(&ctx())).unwrap(), plain);
        let (meta, context, opened) = open_file_any(&any_h, &file, Some(&ctx())).unwrap();
        assert_eq!(
            (meta.size, context, opened.to_vec()),
            (len as u64, ctx(), plain)
        );

        // The header is a hybrid slice: its suite ids and enc length.
        let header = std::str::from_utf8(&file[6..preamble_len(&file)]).unwrap();
        let env = HybridEnvelope::parse(header).unwrap();
        assert_eq!(env.enc().len(), slice_seal::HYBRID_ENC_LEN);
        assert_eq!(env.kid(), h.kid());
        let body = base64ct::Base64UrlUnpadded::decode_vec(&header[4..]).unwrap();
        assert_eq!(u16::from_be_bytes([body[0], body[1]]), HYBRID_KEM_ID);
        assert_eq!(&body[2..6], &[0, 1, 0, 2]);
        // The P-256 key, and a P-256 key's file under the hybrid key.
        assert_eq!(
            FileOpener::new(&p, &file, None).unwrap_err().code(),
            "SUITE_MISMATCH"
        );
    }
    let any_pub = AnyPublicKey::from(h.public_key().clone());
    let file = seal_file_any(&any_pub, &ctx(), "a.txt", "text/plain", b"hello").unwrap();
    assert_eq!(open_h(&file).unwrap(), b"hello");
    let p_file = seal_file(p.public_key(), &ctx(), "a.txt", "text/plain", b"hello").unwrap();
    assert_eq!(code(open_h(&p_file)), "SUITE_MISMATCH");
    // FORMAT.md §10.1: the hybrid header is about 1,400 characters longer
    // (1,055 more bytes of enc, in base64url).
    let longer = preamble_len(&file) - preamble_len(&p_file);
    assert!((1400..=1410).contains(&longer), "{longer}");
    assert_eq!(
        FileOpener::new_any(&any_h, &p_file, None)
            .unwrap_err()
            .code(),
        "SUITE_MISMATCH"
    );
    assert_eq!(open_with(&ring, &p_file, Some(&ctx())).unwrap(), b"hello");
    let p_any = seal_file_any(
        &AnyPublicKey::from(p.public_key().clone()),
        &ctx(),
        "a.txt",
        "text/plain",
        b"hello",
    )
    .unwrap();
    assert_eq!(open_file(&p, &p_any, None).unwrap().2.to_vec(), b"hello");

    // A prepared hybrid sealer takes one encapsulation per file header.
    let mut hs = HybridSealer::new(h.public_key().clone());
    hs.prepare(2).unwrap();
    let meta = FileMeta::new("n", "t", 3).unwrap();
    let mut s = FileSealer::with_hybrid_sealer(&mut hs, &ctx(), meta).unwrap();
    assert_eq!(hs.prepared(), 1);
    let mut f = s.preamble().to_vec();
    f.extend(s.seal_chunk(b"abc").unwrap());
    s.finish().unwrap();
    assert_eq!(open_h(&f).unwrap(), b"abc");

    // Cut and altered hybrid headers.
    let file = seal_file_any(&any_pub, &ctx(), "a.txt", "text/plain", &data(3000, 1)).unwrap();
    let pl = preamble_len(&file);
    assert_eq!(code(open_h(&file[..pl - 1])), "MALFORMED_FILE");
    assert_eq!(code(open_h(&file[..pl])), "FILE_TRUNCATED");
    assert_eq!(code(open_h(&file[..5])), "MALFORMED_FILE");
    // A byte of the header body flipped (re-encoded: same length).
    let env = HybridEnvelope::parse(std::str::from_utf8(&file[6..pl]).unwrap()).unwrap();
    let flip = |at: usize| {
        let mut body = env.to_body();
        body[at] ^= 0x01;
        let text = format!("ss1.{}", base64ct::Base64UrlUnpadded::encode_string(&body));
        [&file[..6], text.as_bytes(), &file[pl..]].concat()
    };
    let enc_at = 40 + env.info().len();
    let ct_at = enc_at + env.enc().len();
    assert_eq!(code(open_h(&flip(enc_at + 500))), "DECRYPT_FAILED");
    assert_eq!(code(open_h(&flip(ct_at + 3))), "DECRYPT_FAILED");
    assert_eq!(code(open_h(&flip(20))), "KID_MISMATCH");
    assert_eq!(code(open_with(&ring, &flip(20), None)), "KEY_NOT_FOUND");
    assert_eq!(code(open_h(&flip(1))), "UNSUPPORTED_SUITE");
    // A header length that cuts the header's enc: the hybrid parser's own
    // length check.
    let mut short = file[..pl].to_vec();
    short.truncate(6 + 4 + 1400);
    let n = (short.len() - 6) as u16;
    short[4..6].copy_from_slice(&n.to_be_bytes());
    assert_eq!(code(open_h(&short)), "MALFORMED_ENVELOPE");
    // The other key of the same suite: KID_MISMATCH; a stranger's keyring:
    // KEY_NOT_FOUND.
    let other = HybridPrivateKey::generate().unwrap();
    assert_eq!(
        FileOpener::new_hybrid(&other, &file, None)
            .unwrap_err()
            .code(),
        "KID_MISMATCH"
    );
    let stranger = Keyring::from_keys([other]).unwrap();
    assert_eq!(code(open_with(&stranger, &file, None)), "KEY_NOT_FOUND");
}
