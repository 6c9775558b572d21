//! `slice-seal`: the high side's command-line tool. Generates the recipient
//! keys and keeps them in a keyring, exports the public halves, seals slices
//! (for tests and scripts) and opens batches of envelopes and sealed files.
//!
//! Exit status: 0 success; 1 some envelope of an `open` batch (or a sealed
//! file of `open-file`) did not open or was refused (each failure is
//! reported), or stdout closed early;
//! 2 bad invocation or input, argument parsing included (one
//! `slice-seal: CODE: message` line on stderr, nothing on stdout).
#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod decap;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod decap_tests;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::fs::{self, OpenOptions};
    use std::io::{self, BufWriter, Read, Write};
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;
    use std::sync::mpsc;

    use base64ct::{Base64UrlUnpadded, Encoding};
    use clap::{ArgAction, Args, Parser, Subcommand};
    use serde::Serialize;
    use sha2::{Digest, Sha256};
    use zeroize::Zeroizing;

    use slice_seal::{
        AnyPrivateKey, AnyPublicKey, Context, Envelope, Error, FileMeta, FileOpener, FileSealer,
        HybridPrivateKey, Keyring, MAX_PLAINTEXT, PREFIX, PrivateKey,
    };

    /// Default private key file of `keygen`.
    const DEFAULT_KEY_FILE: &str = "slice-seal.private.jwk";

    /// Envelopes opened per call of `Keyring::open_batch` (bounds the
    /// plaintext held in memory; output is written after each chunk).
    const OPEN_CHUNK: usize = 8192;

    /// Largest key or keyring file read (a keyring of 1,024 keys is ~250 KiB).
    const MAX_KEY_FILE: u64 = 1 << 20;

    #[derive(Parser, Debug)]
    #[command(
        name = "slice-seal",
        version,
        about = "Seal form answers (slices) to a P-256 key with HPKE (RFC 9180), and open them",
        long_about = "Seal form answers (slices) to a P-256 key with HPKE (RFC 9180) base mode, \
DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM, and open them.\n\n\
Keys are read as JWK, JWKS or PEM (SPKI public, PKCS#8 or SEC1 private). \
Wherever a private key is needed, a keyring is accepted: a JWKS of private \
JWKs, or --key given several times.\n\n\
A second suite, MLKEM768-X25519 (hybrid post-quantum, docs/FORMAT.md §11), \
is chosen per key: `keygen --suite mlkem768-x25519` makes one (an \"AKP\" JWK); \
seal and seal-file follow the recipient key, open and open-file the envelope, \
and keyrings and JWKS may mix both suites.",
        after_help = "Exit status: 0 success; 1 some envelope of an `open` batch or a file of \
`open-file` failed or was refused (each is reported), or stdout was closed; 2 bad invocation or input, argument \
parsing included (one `slice-seal: CODE: message` line on stderr, nothing on stdout)."
    )]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand, Debug)]
    enum Command {
        /// Generate a recipient key pair: the private JWK goes to a new file
        /// (mode 0600) or is added to a keyring, the public JWK (with kid) to stdout.
        ///
        /// Without --out or --add-to the file is slice-seal.private.jwk in the
        /// current directory. An existing file is never overwritten unless
        /// --force is given (exit status 2). --add-to KEYRING appends the new
        /// key, with its "created" time, to a keyring (created if missing);
        /// the keyring is rewritten atomically (temporary file, then rename),
        /// mode 0600.
        Keygen {
            /// Private key file to create (default: in the current directory).
            #[arg(long, value_name = "PRIVATE.jwk", default_value = DEFAULT_KEY_FILE)]
            out: PathBuf,
            /// Replace an existing file (atomically).
            #[arg(long)]
            force: bool,
            /// Add the new key to this keyring (a JWKS of private keys)
            /// instead of writing a new file.
            #[arg(long, value_name = "KEYRING", conflicts_with_all = ["out", "force"])]
            add_to: Option<PathBuf>,
            /// With --add-to: refuse an existing keyring that group or others can read.
            #[arg(long)]
            strict: bool,
            /// The key's suite: p256 (DHKEM(P-256), the default) or
            /// mlkem768-x25519 (the hybrid post-quantum suite, docs/FORMAT.md
            /// §11: an "AKP" JWK; seal, open, seal-file, open-file, public and
            /// keyrings follow the key).
            #[arg(long, value_enum, default_value_t = Suite::P256)]
            suite: Suite,
        },
        /// Print the public key of a private key: JWK (default), JWKS or SPKI PEM.
        ///
        /// With --jwks every key of the keyring is printed (what to publish
        /// during a key rotation); JWK and PEM need one key (--kid).
        Public {
            #[command(flatten)]
            key: KeyArgs,
            /// Print a JWK Set: {"keys":[...]} (every key of the keyring).
            #[arg(long, conflicts_with = "pem")]
            jwks: bool,
            /// Print a PEM "PUBLIC KEY" (SPKI).
            #[arg(long)]
            pem: bool,
        },
        /// Seal stdin (raw bytes, at most 4 MiB) to a public key; prints one envelope.
        Seal {
            #[command(flatten)]
            to: SealTo,
        },
        /// Open envelopes from stdin, one per line, each with the key its kid names.
        ///
        /// Plain output: line N of stdout is the plaintext of input line N
        /// (empty for a blank line or a line that failed). A plaintext with a
        /// line break or a control character (or not UTF-8) is refused
        /// (UNSAFE_PLAINTEXT) unless --raw is given: use --json or --out-dir.
        /// A line that does not open is reported (stderr: `line N: CODE: message`,
        /// or a JSON error object with --json) and the others are still opened;
        /// the exit status is then 1. No key in the keyring with the
        /// envelope's kid: KEY_NOT_FOUND.
        Open(OpenArgs),
        /// Seal a file (any size, streamed in chunks) to a public key: the
        /// sealed file (docs/FORMAT.md §10) goes to -o OUT or stdout.
        ///
        /// Reads IN, or stdin for `-` or no IN. The header is a slice sealed
        /// to --form, --field (the file input's name) and --submission; it
        /// carries the file's name (--name, default IN's file name, empty for
        /// stdin), media type (--type, default empty) and size. The size must
        /// be known first: IN's (or a redirected stdin's) length, or --size
        /// for a pipe; input that ends early or goes on past it is refused
        /// (FILE_TRUNCATED / FILE_EXTENDED). -o OUT is written to a
        /// temporary file beside it and renamed only on success (an existing
        /// OUT is replaced); stdout must not be a terminal.
        SealFile(SealFileArgs),
        /// Open sealed files (docs/FORMAT.md §10) with the key their header's
        /// kid names, streaming in bounded memory (reading, opening and
        /// writing about 1 MiB at a time: at most 6 MiB in flight with 64
        /// KiB chunks).
        ///
        /// One file: IN (or `-`, stdin) to -o OUT or stdout. -o OUT is written
        /// to a temporary file beside it (mode 0600) and renamed only after the
        /// whole file authenticated, nothing after its last chunk included; on
        /// any failure the temporary file is removed and OUT is not touched.
        /// To stdout, each chunk is written once it authenticated, so a
        /// failure can come after part of the file was written: check the
        /// exit status, or use -o. Plaintext is not written to a terminal
        /// (UNSAFE_PLAINTEXT) unless --raw.
        ///
        /// A submission's files: --out-dir DIR IN... writes file k (k-th IN,
        /// from 1) to DIR/NNNNNN-NAME (NNNNNN: k in 6 digits or more; NAME:
        /// the sealed file name with every character other than A-Z a-z 0-9
        /// . - _ replaced by `_`, at most 100 characters, `file` if empty),
        /// mode 0600, via a temporary file and a rename; DIR must be empty or
        /// absent (then created, mode 0700). stdout: one JSON line per file
        /// opened:
        /// {"input","file","kid","form","field","submission","name","type","size"}.
        ///
        /// A file that does not open: `slice-seal: CODE: message` on stderr
        /// (in a batch: the message begins with the input path, and the other
        /// files are still opened), exit status 1. Codes: MALFORMED_FILE,
        /// FILE_TRUNCATED, FILE_EXTENDED, CHUNK_DECRYPT_FAILED, and the
        /// header's envelope codes (KEY_NOT_FOUND, CONTEXT_MISMATCH, ...).
        OpenFile(OpenFileArgs),
        /// Inspect or edit a keyring.
        Keyring {
            #[command(subcommand)]
            command: KeyringCommand,
        },
    }

    #[derive(Subcommand, Debug)]
    enum KeyringCommand {
        /// One line per key: kid, created (RFC 3339 UTC, "-" if unknown) and
        /// the public JWK, separated by tabs. Never private material.
        List {
            #[command(flatten)]
            key: KeyArgs,
        },
        /// Remove the key with --kid from a keyring file (retire an old key),
        /// rewriting it atomically.
        Remove {
            /// Keyring file (a JWKS of private keys).
            #[arg(long, value_name = "KEYRING")]
            key: PathBuf,
            /// Kid of the key to remove.
            #[arg(long, allow_hyphen_values = true)]
            kid: String,
            /// Refuse a keyring that group or others can read.
            #[arg(long)]
            strict: bool,
        },
    }

    /// The suite of a new key.
    #[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
    enum Suite {
        /// DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM.
        P256,
        /// MLKEM768-X25519 (X-Wing) / HKDF-SHA256 / AES-256-GCM.
        #[value(name = "mlkem768-x25519")]
        Mlkem768X25519,
    }

    #[derive(Args, Debug)]
    struct KeyArgs {
        /// Private key or keyring file: JWK, JWKS of private JWKs (keyring),
        /// or PEM (PKCS#8 / SEC1). May be given several times: the keys form
        /// one keyring.
        #[arg(long, value_name = "PRIVATE", required = true, action = ArgAction::Append)]
        key: Vec<PathBuf>,
        /// Use only the key with this kid (for a single key, checked against
        /// its thumbprint).
        #[arg(long, allow_hyphen_values = true)]
        kid: Option<String>,
        /// Refuse a key file that group or others can read (default: a
        /// KEY_FILE_PERMISSIONS warning on stderr).
        #[arg(long)]
        strict: bool,
    }

    /// A failure that ends the program with status 2.
    #[derive(Debug)]
    struct Fatal {
        code: &'static str,
        message: String,
    }

    impl Fatal {
        fn new(code: &'static str, message: impl Into<String>) -> Self {
            Fatal {
                code,
                message: message.into(),
            }
        }
    }

    impl From<Error> for Fatal {
        fn from(e: Error) -> Self {
            Fatal::new(e.code(), e.to_string())
        }
    }

    /// How a command ended.
    enum Outcome {
        /// Status 0.
        Ok,
        /// Status 1: some envelope did not open.
        SomeFailed,
        /// Status 2, message already formed.
        Fatal(Fatal),
        /// stdout could not be written (closed pipe or I/O error).
        StdoutFailed(io::Error),
    }

    /// `s` on one line: control characters and line separators escaped
    /// (messages may quote file names and argument values).
    fn one_line(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
        out
    }

    /// clap's message without its usage block, on one line.
    fn usage_message(e: &clap::Error) -> String {
        use clap::error::ErrorKind;
        if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            return "a subcommand is required (see slice-seal --help)".into();
        }
        let text = e.to_string();
        let text = text.trim_start();
        let text = text.strip_prefix("error:").unwrap_or(text);
        let head = text.split("\n\n").next().unwrap_or(text);
        let words: Vec<&str> = head.split_whitespace().collect();
        format!("{} (see slice-seal --help)", words.join(" "))
    }

    pub fn main() -> ExitCode {
        let cli = match Cli::try_parse() {
            Ok(c) => c,
            Err(e) => {
                use clap::error::ErrorKind;
                if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                    // Help and version go to stdout, status 0.
                    let _ = e.print();
                    return ExitCode::SUCCESS;
                }
                let _ = writeln!(
                    io::stderr(),
                    "slice-seal: USAGE: {}",
                    one_line(&usage_message(&e))
                );
                return ExitCode::from(2);
            }
        };
        let outcome = match cli.command {
            Command::Keygen {
                out,
                force,
                add_to,
                strict,
                suite,
            } => match add_to {
                Some(ring) => keygen_add_to(&ring, strict, suite),
                None => keygen(&out, force, suite),
            },
            Command::Public { key, jwks, pem } => public(&key, jwks, pem),
            Command::Seal { to } => seal_cmd(to),
            Command::Open(args) => open_cmd(args),
            Command::SealFile(args) => seal_file_cmd(args),
            Command::OpenFile(args) => open_file_cmd(args),
            Command::Keyring { command } => match command {
                KeyringCommand::List { key } => keyring_list(&key),
                KeyringCommand::Remove { key, kid, strict } => keyring_remove(&key, &kid, strict),
            },
        };
        match outcome {
            Outcome::Ok => ExitCode::SUCCESS,
            Outcome::SomeFailed => ExitCode::from(1),
            Outcome::Fatal(f) => {
                let _ = writeln!(
                    io::stderr(),
                    "slice-seal: {}: {}",
                    f.code,
                    one_line(&f.message)
                );
                ExitCode::from(2)
            }
            Outcome::StdoutFailed(e) => {
                if e.kind() != io::ErrorKind::BrokenPipe {
                    let _ = writeln!(
                        io::stderr(),
                        "slice-seal: IO_ERROR: cannot write to stdout: {e}"
                    );
                }
                ExitCode::from(1)
            }
        }
    }

    fn fatal<T>(r: Result<T, impl Into<Fatal>>) -> Result<T, Outcome> {
        r.map_err(|e| Outcome::Fatal(e.into()))
    }

    fn collapse(r: Result<Outcome, Outcome>) -> Outcome {
        r.unwrap_or_else(|o| o)
    }

    /// Write all of `bytes` to stdout and flush.
    fn write_stdout(bytes: &[u8]) -> Outcome {
        let mut out = io::stdout().lock();
        match out.write_all(bytes).and_then(|()| out.flush()) {
            Ok(()) => Outcome::Ok,
            Err(e) => Outcome::StdoutFailed(e),
        }
    }

    // ----------------------------------------------------------------- time

    /// The current time, RFC 3339 UTC to the second: `2026-12-01T07:30:00Z`.
    fn now_rfc3339() -> String {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let (days, rem) = (secs / 86_400, secs % 86_400);
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        let z = days as i64 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )
    }

    // ------------------------------------------------------------------ keys

    fn io_fatal(path: &Path, what: &str, e: io::Error) -> Fatal {
        Fatal::new("IO_ERROR", format!("cannot {what} {}: {e}", path.display()))
    }

    /// A private key file's text, and its mode if group or others can read it.
    struct KeyFile {
        text: Zeroizing<String>,
        loose_mode: Option<u32>,
        stamp: Stamp,
    }

    /// What identifies a file's version: inode, length, modification time.
    #[derive(Debug, PartialEq, Eq)]
    struct Stamp(u64, u64, Option<std::time::SystemTime>);

    fn stamp(meta: &fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let ino = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let ino = 0;
        Stamp(ino, meta.len(), meta.modified().ok())
    }

    /// The stamp of `path` now (`None` if it does not exist).
    fn current_stamp(path: &Path) -> io::Result<Option<Stamp>> {
        match fs::metadata(path) {
            Ok(m) => Ok(Some(stamp(&m))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    impl KeyFile {
        /// Warn about (or, with `strict`, refuse) a key file that group or
        /// others can read. Called once the file is known to hold private
        /// keys.
        fn check_permissions(&self, path: &Path, strict: bool) -> Result<(), Fatal> {
            let Some(mode) = self.loose_mode else {
                return Ok(());
            };
            let message = format!(
                "key file {} can be read by group or others (mode {mode:04o}); chmod 600 it",
                path.display(),
            );
            if strict {
                return Err(Fatal::new("KEY_FILE_PERMISSIONS", message));
            }
            let _ = writeln!(
                io::stderr(),
                "slice-seal: warning: KEY_FILE_PERMISSIONS: {}",
                one_line(&message)
            );
            Ok(())
        }
    }

    /// Read a private key file (`None` if it does not exist and
    /// `missing_ok`), with its permissions.
    fn read_key_file(path: &Path, missing_ok: bool) -> Result<Option<KeyFile>, Fatal> {
        let file = match fs::File::open(path) {
            Ok(f) => f,
            Err(e) if missing_ok && e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_fatal(path, "read key file", e)),
        };
        let meta = file
            .metadata()
            .map_err(|e| io_fatal(path, "read key file", e))?;
        #[cfg(unix)]
        let loose_mode = {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o7777;
            (mode & 0o044 != 0).then_some(mode)
        };
        #[cfg(not(unix))]
        let loose_mode = None;
        let too_big = || {
            Fatal::new(
                "INVALID_KEY",
                format!("key file {} is larger than 1 MiB", path.display()),
            )
        };
        if meta.len() > MAX_KEY_FILE {
            return Err(too_big());
        }
        // Sized up front, so the buffer holding the key is never reallocated
        // (a reallocation would free an unzeroized copy).
        let mut bytes = Zeroizing::new(Vec::with_capacity(meta.len() as usize + 1));
        file.take(MAX_KEY_FILE + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| io_fatal(path, "read key file", e))?;
        if bytes.len() as u64 > MAX_KEY_FILE {
            return Err(too_big());
        }
        match std::str::from_utf8(&bytes) {
            Ok(s) => Ok(Some(KeyFile {
                text: Zeroizing::new(s.to_owned()),
                loose_mode,
                stamp: stamp(&meta),
            })),
            Err(_) => Err(Fatal::new(
                "INVALID_KEY",
                format!("key file {} is not UTF-8 text", path.display()),
            )),
        }
    }

    /// The keyring in the key file `path`: parsed, then its permissions checked.
    fn parse_key_file(path: &Path, file: &KeyFile, strict: bool) -> Result<Keyring, Fatal> {
        let ring = Keyring::parse(&file.text).map_err(|e| key_fatal(path, e))?;
        file.check_permissions(path, strict)?;
        Ok(ring)
    }

    /// A core error about the key file `path`, with the file named.
    fn key_fatal(path: &Path, e: Error) -> Fatal {
        Fatal::new(e.code(), format!("{}: {e}", path.display()))
    }

    fn is_set(text: &str) -> bool {
        #[derive(serde::Deserialize)]
        struct Probe {
            keys: Option<serde::de::IgnoredAny>,
        }
        matches!(
            serde_json::from_str::<Probe>(text.trim()),
            Ok(Probe { keys: Some(_) })
        )
    }

    /// The keyring of every `--key` file, reduced to `--kid` if given.
    fn load_keyring(args: &KeyArgs) -> Result<Keyring, Fatal> {
        let mut ring = Keyring::new();
        let mut any_set = false;
        for path in &args.key {
            let file = read_key_file(path, false)?
                .ok_or_else(|| Fatal::new("IO_ERROR", format!("cannot read {}", path.display())))?;
            any_set |= is_set(&file.text);
            let part = parse_key_file(path, &file, args.strict)?;
            ring.merge(part).map_err(|e| key_fatal(path, e))?;
        }
        if ring.is_empty() {
            let names: Vec<String> = args.key.iter().map(|p| p.display().to_string()).collect();
            return Err(Fatal::new(
                "INVALID_KEY",
                format!("{}: the keyring holds no key", names.join(", ")),
            ));
        }
        if let Some(kid) = &args.kid {
            // A single key named by a wrong kid: the key's own error.
            if !any_set && ring.len() == 1 {
                for (key, _) in ring.iter() {
                    key.public_key().check_kid(kid)?;
                }
            }
            ring.retain_kid(kid)?;
        }
        Ok(ring)
    }

    /// [`load_keyring`] for opening: with the CLI's DH source (src/decap.rs).
    fn opening_keyring(args: &KeyArgs) -> Result<Keyring, Fatal> {
        let mut ring = load_keyring(args)?;
        crate::decap::use_p256_v013(&mut ring)?;
        Ok(ring)
    }

    /// The one key of `ring` (JWK and PEM output).
    fn only_key(ring: &Keyring) -> Result<&AnyPrivateKey, Fatal> {
        let mut keys = ring.iter();
        match (keys.next(), keys.next()) {
            (Some((key, _)), None) => Ok(key),
            _ => Err(Fatal::new(
                "INVALID_KEY",
                format!(
                    "the keyring holds {} keys: choose one with --kid (kids: {}), or print all with --jwks",
                    ring.len(),
                    ring.iter()
                        .map(|(k, _)| k.kid())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }

    /// The recipient key of `seal` / `seal-file`, of either suite (JWK by
    /// `kty`, PEM = P-256); from a JWKS (which may mix suites) the one key,
    /// or the key with `kid`.
    fn load_public(path: &Path, kid: Option<&str>) -> Result<AnyPublicKey, Fatal> {
        let text = read_text(path, "public key file")?;
        let key = if is_set(&text) {
            match kid {
                Some(kid) => AnyPublicKey::from_jwks_json(text.trim(), kid)?,
                None => {
                    let set: serde_json::Value = serde_json::from_str(text.trim())
                        .map_err(|_| Error::InvalidKey("JWKS is not valid JSON".into()))?;
                    let kids = |keys: &[serde_json::Value]| {
                        keys.iter()
                            .map(|j| j["kid"].as_str().unwrap_or("?").to_owned())
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    match set["keys"].as_array().map(Vec::as_slice) {
                        Some(many @ [_, _, ..]) => {
                            return Err(Fatal::new(
                                "INVALID_KEY",
                                format!(
                                    "JWKS holds {} keys: choose one with --kid (kids: {})",
                                    many.len(),
                                    kids(many)
                                ),
                            ));
                        }
                        _ => AnyPublicKey::parse(&text)?,
                    }
                }
            }
        } else {
            AnyPublicKey::parse(&text)?
        };
        if let Some(kid) = kid {
            key.check_kid(kid)?;
        }
        Ok(key)
    }

    fn read_text(path: &Path, what: &str) -> Result<Zeroizing<String>, Fatal> {
        let bytes = Zeroizing::new(fs::read(path).map_err(|e| {
            Fatal::new(
                "IO_ERROR",
                format!("cannot read {what} {}: {e}", path.display()),
            )
        })?);
        match std::str::from_utf8(&bytes) {
            Ok(s) => Ok(Zeroizing::new(s.to_owned())),
            Err(_) => Err(Fatal::new(
                "INVALID_KEY",
                format!("{what} {} is not UTF-8 text", path.display()),
            )),
        }
    }

    // --------------------------------------------------------------- keygen

    /// A new key of `suite`.
    fn generate(suite: Suite) -> Result<AnyPrivateKey, Fatal> {
        Ok(match suite {
            Suite::P256 => PrivateKey::generate()?.into(),
            Suite::Mlkem768X25519 => HybridPrivateKey::generate()?.into(),
        })
    }

    /// `keygen`: the private JWK to a new file, the public JWK to stdout.
    fn keygen(out: &Path, force: bool, suite: Suite) -> Outcome {
        collapse((|| {
            let key = fatal(generate(suite))?;
            let mut private = key.to_jwk_json();
            private.push('\n');
            fatal(write_private_file(out, private.as_bytes(), force))?;
            Ok(print_public(&key))
        })())
    }

    fn print_public(key: &AnyPrivateKey) -> Outcome {
        let mut public = key.public_key().to_jwk_json();
        public.push('\n');
        write_stdout(public.as_bytes())
    }

    /// A lock file beside a keyring (`.NAME.lock`) held while it is read
    /// and rewritten, so that two writers cannot lose each other's update.
    /// Removed on drop.
    struct Lock(PathBuf);

    impl Lock {
        fn acquire(path: &Path) -> Result<Lock, Fatal> {
            let name = file_name(path)?;
            let lock = parent_dir(path).join(format!(".{name}.lock"));
            match create_private(&lock) {
                Ok(_) => Ok(Lock(lock)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(Fatal::new(
                    "FILE_EXISTS",
                    format!(
                        "{} exists: another slice-seal is changing {}; if none is running, remove it",
                        lock.display(),
                        path.display()
                    ),
                )),
                Err(e) => Err(io_fatal(&lock, "create", e)),
            }
        }
    }

    impl Drop for Lock {
        fn drop(&mut self) {
            let _ = fs::remove_file(&self.0);
        }
    }

    /// Add a new key to a keyring file (created if missing), atomically.
    fn keygen_add_to(path: &Path, strict: bool, suite: Suite) -> Outcome {
        collapse((|| {
            let _lock = fatal(Lock::acquire(path))?;
            let file = fatal(read_key_file(path, true))?;
            let mut ring = match &file {
                Some(file) => fatal(parse_key_file(path, file, strict))?,
                None => Keyring::new(),
            };
            let key = fatal(generate(suite))?;
            fatal(ring.add(key.clone(), Some(now_rfc3339())))?;
            fatal(write_keyring(path, &ring, file.map(|f| f.stamp)))?;
            Ok(print_public(&key))
        })())
    }

    /// Replace the keyring file `path`, read as `read` (`None`: it did not
    /// exist), refusing if another process changed it meanwhile.
    fn write_keyring(path: &Path, ring: &Keyring, read: Option<Stamp>) -> Result<(), Fatal> {
        let mut json = ring.to_json();
        // No reallocation of the secret-holding buffer: copy into one sized
        // for the newline.
        let mut text = Zeroizing::new(String::with_capacity(json.len() + 1));
        text.push_str(&json);
        text.push('\n');
        zeroize::Zeroize::zeroize(&mut *json);
        write_atomic(path, text.as_bytes(), Some(&read))
    }

    /// Open a new file with mode 0600 from the start (no window in which it
    /// is readable by others).
    fn create_private(path: &Path) -> io::Result<fs::File> {
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        opts.open(path)
    }

    fn write_private_file(path: &Path, contents: &[u8], force: bool) -> Result<(), Fatal> {
        if !force {
            let mut f = create_private(path).map_err(|e| {
                if e.kind() == io::ErrorKind::AlreadyExists {
                    Fatal::new(
                        "FILE_EXISTS",
                        format!(
                            "{} already exists; not overwriting a key (use --force to replace it)",
                            path.display()
                        ),
                    )
                } else {
                    io_fatal(path, "create", e)
                }
            })?;
            if let Err(e) = f.write_all(contents).and_then(|()| f.sync_all()) {
                drop(f);
                let _ = fs::remove_file(path);
                return Err(io_fatal(path, "write", e));
            }
            return Ok(());
        }
        write_atomic(path, contents, None)
    }

    /// The directory holding `path` ("." for a bare file name).
    /// The last component of `path` (for names of files beside it).
    fn file_name(path: &Path) -> Result<String, Fatal> {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Fatal::new("IO_ERROR", format!("{} is not a file name", path.display())))
    }

    fn parent_dir(path: &Path) -> PathBuf {
        match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// Make a rename in `dir` durable (best effort where directories cannot
    /// be opened).
    fn sync_dir(dir: &Path) {
        #[cfg(unix)]
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        #[cfg(not(unix))]
        let _ = dir;
    }

    /// A fresh temporary name for `name` in `dir`: `.NAME.PID.RANDOM.tmp`.
    fn temp_path(dir: &Path, name: &str) -> Result<PathBuf, Fatal> {
        let mut nonce = [0u8; 8];
        getrandom::fill(&mut nonce).map_err(|_| Error::RandomFailed)?;
        Ok(dir.join(format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            Base64UrlUnpadded::encode_string(&nonce)
        )))
    }

    /// Write a 0600 temporary file beside `path`, then rename it over
    /// `path`, so `path` is always either the old or the new content. With
    /// `unchanged`, refuse (and write nothing) if `path` is no longer the
    /// version read: another writer's update is not silently lost.
    fn write_atomic(
        path: &Path,
        contents: &[u8],
        unchanged: Option<&Option<Stamp>>,
    ) -> Result<(), Fatal> {
        let dir = parent_dir(path);
        let tmp = temp_path(&dir, &file_name(path)?)?;
        let mut f = create_private(&tmp).map_err(|e| io_fatal(&tmp, "create", e))?;
        let written = f.write_all(contents).and_then(|()| f.sync_all());
        drop(f);
        if let Some(read) = unchanged {
            let now = current_stamp(path);
            if !matches!(&now, Ok(n) if n == read) {
                let _ = fs::remove_file(&tmp);
                return Err(Fatal::new(
                    "IO_ERROR",
                    format!(
                        "{} changed while it was being updated; nothing written: run the command again",
                        path.display()
                    ),
                ));
            }
        }
        if let Err(e) = written.and_then(|()| fs::rename(&tmp, path)) {
            let _ = fs::remove_file(&tmp);
            return Err(io_fatal(path, "write", e));
        }
        sync_dir(&dir);
        Ok(())
    }

    // --------------------------------------------------------------- public

    fn public(args: &KeyArgs, jwks: bool, pem: bool) -> Outcome {
        collapse((|| {
            let ring = fatal(load_keyring(args))?;
            let mut text = if jwks {
                ring.public_jwks()
            } else {
                let pk = fatal(only_key(&ring))?.public_key();
                match (&pk, pem) {
                    (AnyPublicKey::P256(k), true) => k.to_spki_pem(),
                    (_, true) => {
                        return Err(Outcome::Fatal(Fatal::new(
                            "INVALID_ARGS",
                            "an mlkem768-x25519 key has no PEM form: print it as a JWK",
                        )));
                    }
                    (_, false) => pk.to_jwk_json(),
                }
            };
            if !text.ends_with('\n') {
                text.push('\n');
            }
            Ok(write_stdout(text.as_bytes()))
        })())
    }

    // -------------------------------------------------------------- keyring

    fn keyring_list(args: &KeyArgs) -> Outcome {
        collapse((|| {
            let ring = fatal(load_keyring(args))?;
            let mut text = String::new();
            for (key, created) in ring.iter() {
                let pk = key.public_key();
                text.push_str(&pk.kid());
                text.push('\t');
                text.push_str(created.unwrap_or("-"));
                text.push('\t');
                text.push_str(&pk.to_jwk_json());
                text.push('\n');
            }
            Ok(write_stdout(text.as_bytes()))
        })())
    }

    fn keyring_remove(path: &Path, kid: &str, strict: bool) -> Outcome {
        collapse((|| {
            let _lock = fatal(Lock::acquire(path))?;
            let file =
                fatal(fatal(read_key_file(path, false))?.ok_or_else(|| {
                    Fatal::new("IO_ERROR", format!("cannot read {}", path.display()))
                }))?;
            let mut ring = fatal(parse_key_file(path, &file, strict))?;
            fatal(ring.remove(kid).map_err(|e| key_fatal(path, e)))?;
            if ring.is_empty() {
                return Err(Outcome::Fatal(Fatal::new(
                    "INVALID_ARGS",
                    format!(
                        "{kid} is the only key of {}: delete the file instead",
                        path.display()
                    ),
                )));
            }
            fatal(write_keyring(path, &ring, Some(file.stamp)))?;
            Ok(Outcome::Ok)
        })())
    }

    // ----------------------------------------------------------------- seal

    /// The context and the recipient key of `seal` / `seal-file`.
    fn seal_target(to: SealTo) -> Result<(Context, AnyPublicKey), Outcome> {
        let ctx = make_context(to.form, to.field, to.submission)?;
        let recipient = fatal(load_public(&to.to, to.kid.as_deref()))?;
        Ok((ctx, recipient))
    }

    fn seal_cmd(to: SealTo) -> Outcome {
        collapse((|| {
            // The suite follows the key: a hybrid ("kty":"AKP") key seals
            // with MLKEM768-X25519.
            let (ctx, recipient) = seal_target(to)?;
            let mut plaintext = Zeroizing::new(Vec::new());
            // Read one byte more than allowed to detect an oversized input
            // without reading all of it.
            fatal(
                io::stdin()
                    .lock()
                    .take(MAX_PLAINTEXT as u64 + 1)
                    .read_to_end(&mut plaintext)
                    .map_err(|e| Fatal::new("IO_ERROR", format!("cannot read stdin: {e}"))),
            )?;
            if plaintext.len() > MAX_PLAINTEXT {
                return Err(Outcome::Fatal(Fatal::new(
                    "INVALID_INPUT",
                    "plaintext on stdin is larger than 4 MiB",
                )));
            }
            let mut envelope = fatal(recipient.seal(&plaintext, &ctx))?;
            envelope.push('\n');
            Ok(write_stdout(envelope.as_bytes()))
        })())
    }

    // ----------------------------------------------------------------- open

    /// The expected context of `open` and `open-file`.
    #[derive(Args, Debug)]
    struct ExpectArgs {
        /// Require this form id (with --field).
        #[arg(
            long,
            value_name = "ID",
            requires = "field",
            allow_hyphen_values = true
        )]
        form: Option<String>,
        /// Require this field name (with --form); for `open-file`, the file
        /// input's name.
        #[arg(
            long,
            value_name = "NAME",
            requires = "form",
            allow_hyphen_values = true
        )]
        field: Option<String>,
        /// Require this submission id (with --form and --field).
        #[arg(long, value_name = "ID", requires = "form", allow_hyphen_values = true)]
        submission: Option<String>,
    }

    /// `open`'s options.
    #[derive(Args, Debug)]
    struct OpenArgs {
        #[command(flatten)]
        key: KeyArgs,
        #[command(flatten)]
        expect: ExpectArgs,
        /// One JSON object per envelope:
        /// {"line","kid","form","field","submission","plaintext"} (or
        /// "plaintext_b64", base64url, if the plaintext is not UTF-8; or
        /// "file" with --out-dir), or {"line","error":{"code","message"}}.
        #[arg(long)]
        json: bool,
        /// Plain output of any plaintext as it is (line breaks included):
        /// the output lines may then not match the input lines.
        #[arg(long, conflicts_with_all = ["json", "out_dir"])]
        raw: bool,
        /// Write each plaintext to DIR/NNNNNN.bin (N: input line number,
        /// 6 digits or more), mode 0600, via a temporary file and a rename.
        /// DIR must be empty or absent (it is then created, mode 0700).
        /// Failed lines give no file and are reported; stdout is empty
        /// unless --json.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
        /// Append one JSON line per envelope opened or refused to FILE
        /// (time, line, kid, form, field, submission, result, sha256 of
        /// the envelope text; never the plaintext), synced to disk before
        /// any plaintext of the batch is written out.
        #[arg(long, value_name = "FILE")]
        audit: Option<PathBuf>,
        /// Stdin is one envelope's binary body (docs/FORMAT.md "Binary
        /// form", as the npm package's sealBytesAsync makes), not lines of
        /// envelope text: opened as its text form, reported as line 1.
        #[arg(long)]
        binary: bool,
    }

    /// The text form of a binary body: `ss1.` and its base64url
    /// (docs/FORMAT.md "Binary form"); a body longer than the longest
    /// slice's is refused before it is encoded.
    fn binary_text(body: &[u8]) -> Result<String, Error> {
        if body.len() > (slice_seal::hazmat::MAX_ENVELOPE_LEN - PREFIX.len()) * 3 / 4 {
            return Err(Error::MalformedEnvelope(
                "longer than the largest slice".into(),
            ));
        }
        Ok(format!(
            "{PREFIX}{}",
            Base64UrlUnpadded::encode_string(body)
        ))
    }

    #[derive(Serialize)]
    struct OpenedLine<'a> {
        line: usize,
        kid: &'a str,
        form: &'a str,
        field: &'a str,
        submission: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        plaintext: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        plaintext_b64: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        file: Option<&'a str>,
    }

    #[derive(Serialize)]
    struct ErrorBody<'a> {
        code: &'a str,
        message: &'a str,
    }

    #[derive(Serialize)]
    struct ErrorLine<'a> {
        line: usize,
        error: ErrorBody<'a>,
    }

    /// One line of the audit log. Never holds a plaintext.
    #[derive(Serialize)]
    struct AuditLine<'a> {
        time: &'a str,
        line: usize,
        kid: Option<&'a str>,
        form: Option<&'a str>,
        field: Option<&'a str>,
        submission: Option<&'a str>,
        result: &'a str,
        sha256: String,
    }

    /// One input line: its 1-based number, its trimmed bytes, and its text
    /// (`None` for a blank line) or why it is not text.
    struct Line<'a> {
        number: usize,
        raw: &'a [u8],
        text: Option<Result<&'a str, Error>>,
    }

    /// Every input line; a final line break does not start a line.
    fn split_lines(input: &[u8]) -> Vec<Line<'_>> {
        if input.is_empty() {
            return Vec::new();
        }
        let body = input.strip_suffix(b"\n").unwrap_or(input);
        body.split(|&b| b == b'\n')
            .enumerate()
            .map(|(i, raw)| {
                let trimmed = raw.trim_ascii();
                let text = (!trimmed.is_empty()).then(|| {
                    std::str::from_utf8(trimmed)
                        .map_err(|_| Error::MalformedEnvelope("line is not UTF-8 text".into()))
                });
                Line {
                    number: i + 1,
                    raw: trimmed,
                    text,
                }
            })
            .collect()
    }

    /// Where plaintexts go.
    enum Mode {
        /// One line per input line; `raw`: any plaintext as it is.
        Plain { raw: bool },
        /// One JSON object per envelope.
        Json,
        /// One file per slice; JSON lines on stdout if `json`.
        Dir { dir: PathBuf, json: bool },
    }

    /// The result of one input line.
    enum LineResult {
        Blank,
        Opened {
            kid: String,
            context: Context,
            plaintext: Zeroizing<Vec<u8>>,
        },
        Failed {
            code: &'static str,
            message: String,
        },
    }

    /// Why plain output refuses `plaintext`, if it does.
    fn unsafe_plaintext(plaintext: &[u8]) -> Option<&'static str> {
        match std::str::from_utf8(plaintext) {
            Err(_) => Some("is not UTF-8 text"),
            Ok(s)
                if s.chars()
                    .any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}') =>
            {
                Some("contains a line break or a control character")
            }
            Ok(_) => None,
        }
    }

    fn hex(bytes: &[u8]) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            s.push(HEX[usize::from(b >> 4)] as char);
            s.push(HEX[usize::from(b & 15)] as char);
        }
        s
    }

    /// Check that `dir` is an empty directory (so that every `NNNNNN.bin`
    /// in it after the run is from this run) or absent: `Ok(true)` if it is
    /// to be created.
    fn check_out_dir(dir: &Path) -> Result<bool, Fatal> {
        match fs::read_dir(dir) {
            Ok(mut entries) => {
                if entries.next().is_some() {
                    return Err(Fatal::new(
                        "FILE_EXISTS",
                        format!(
                            "--out-dir {} is not empty: give a new or empty directory",
                            dir.display()
                        ),
                    ));
                }
                Ok(false)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
            Err(e) => Err(io_fatal(dir, "read directory", e)),
        }
    }

    /// Create the output directory, mode 0700.
    fn create_out_dir(dir: &Path) -> Result<(), Fatal> {
        let mut b = fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(dir)
            .map_err(|e| io_fatal(dir, "create directory", e))
    }

    /// `dir/NNNNNN.bin` holding `bytes`, written to a temporary name first:
    /// a `.bin` file is always complete.
    fn write_slice(dir: &Path, number: usize, bytes: &[u8]) -> io::Result<String> {
        let name = format!("{number:06}.bin");
        let tmp = dir.join(format!(".{name}.tmp"));
        let mut f = create_private(&tmp)?;
        let written = f.write_all(bytes).and_then(|()| f.sync_all());
        drop(f);
        if let Err(e) = written.and_then(|()| fs::rename(&tmp, dir.join(&name))) {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        Ok(name)
    }

    fn open_audit(path: &Path) -> Result<fs::File, Fatal> {
        let mut opts = OpenOptions::new();
        opts.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        opts.open(path)
            .map_err(|e| io_fatal(path, "open audit log", e))
    }

    /// The context of --form, --field and --submission.
    fn make_context(
        form: String,
        field: String,
        submission: Option<String>,
    ) -> Result<Context, Outcome> {
        let c = fatal(Context::new(form, field))?;
        match submission {
            Some(s) => fatal(c.with_submission(s)),
            None => Ok(c),
        }
    }

    /// The expected context of `open`/`open-file` (none without --form/--field).
    fn expected_context(args: ExpectArgs) -> Result<Option<Context>, Outcome> {
        match (args.form, args.field) {
            (Some(form), Some(field)) => make_context(form, field, args.submission).map(Some),
            // clap enforces the pairing; this is a second line of defence.
            (None, None) => Ok(None),
            _ => Err(Outcome::Fatal(Fatal::new(
                "INVALID_ARGS",
                "--form and --field must be given together",
            ))),
        }
    }

    fn open_cmd(args: OpenArgs) -> Outcome {
        collapse((|| {
            let expected = expected_context(args.expect)?;
            let opener = fatal(opening_keyring(&args.key))?;
            // Every check before anything is created.
            let create_dir = match &args.out_dir {
                Some(dir) => fatal(check_out_dir(dir))?,
                None => false,
            };
            let mut audit = match &args.audit {
                Some(path) => Some((path.as_path(), fatal(open_audit(path))?)),
                None => None,
            };
            let mode = match args.out_dir {
                Some(dir) => {
                    if create_dir {
                        fatal(create_out_dir(&dir))?;
                    }
                    Mode::Dir {
                        dir,
                        json: args.json,
                    }
                }
                None if args.json => Mode::Json,
                None => Mode::Plain { raw: args.raw },
            };
            let mut input = Vec::new();
            fatal(
                io::stdin()
                    .lock()
                    .read_to_end(&mut input)
                    .map_err(|e| Fatal::new("IO_ERROR", format!("cannot read stdin: {e}"))),
            )?;
            let text;
            let lines = if args.binary {
                text = binary_text(&input);
                // The audit's sha256 is of the text form, as for a line.
                vec![Line {
                    number: 1,
                    raw: text.as_deref().map_or(&input[..], str::as_bytes),
                    text: Some(text.as_deref().map_err(Clone::clone)),
                }]
            } else {
                split_lines(&input)
            };
            open_lines(&opener, &lines, expected.as_ref(), &mode, audit.as_mut())
        })())
    }

    /// Open, audit and report every line.
    fn open_lines(
        ring: &Keyring,
        lines: &[Line<'_>],
        expected: Option<&Context>,
        mode: &Mode,
        mut audit: Option<&mut (&Path, fs::File)>,
    ) -> Result<Outcome, Outcome> {
        let stdout = io::stdout();
        let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
        let mut all_ok = true;
        let io_out = Outcome::StdoutFailed;
        for chunk in lines.chunks(OPEN_CHUNK) {
            let texts: Vec<&str> = chunk
                .iter()
                .filter_map(|l| match &l.text {
                    Some(Ok(t)) => Some(*t),
                    _ => None,
                })
                .collect();
            let mut opened = ring.open_batch(&texts, expected).into_iter();
            let results: Vec<LineResult> = chunk
                .iter()
                .map(|line| {
                    let result = match &line.text {
                        None => return LineResult::Blank,
                        Some(Err(e)) => Err(e.clone()),
                        // open_batch returns one result per input.
                        Some(Ok(_)) => opened.next().unwrap_or(Err(Error::DecryptFailed)),
                    };
                    match result {
                        Ok(o) => {
                            let plaintext = Zeroizing::new(o.plaintext);
                            if let Mode::Plain { raw: false } = mode
                                && let Some(why) = unsafe_plaintext(&plaintext)
                            {
                                return LineResult::Failed {
                                    code: "UNSAFE_PLAINTEXT",
                                    message: format!(
                                        "the plaintext {why}; plain output would not keep one \
                                         line per envelope: use --json, --out-dir or --raw"
                                    ),
                                };
                            }
                            LineResult::Opened {
                                kid: o.kid,
                                context: o.context,
                                plaintext,
                            }
                        }
                        Err(e) => LineResult::Failed {
                            code: e.code(),
                            message: e.to_string(),
                        },
                    }
                })
                .collect();

            // The audit record of the chunk is on disk before any of its
            // plaintexts is written out.
            if let Some((path, file)) = audit.as_deref_mut() {
                write_audit(file, chunk, &results)
                    .map_err(|e| Outcome::Fatal(io_fatal(path, "write audit log", e)))?;
            }

            let mut dir_written = false;
            for (line, result) in chunk.iter().zip(&results) {
                match result {
                    LineResult::Blank => {
                        if let Mode::Plain { .. } = mode {
                            out.write_all(b"\n").map_err(io_out)?;
                        }
                    }
                    LineResult::Opened {
                        kid,
                        context,
                        plaintext,
                    } => {
                        let mut record = OpenedLine {
                            line: line.number,
                            kid,
                            form: &context.form,
                            field: &context.field,
                            submission: context.submission.as_deref(),
                            plaintext: None,
                            plaintext_b64: None,
                            file: None,
                        };
                        match mode {
                            Mode::Plain { .. } => {
                                out.write_all(plaintext).map_err(io_out)?;
                                out.write_all(b"\n").map_err(io_out)?;
                            }
                            Mode::Json => {
                                record.plaintext = std::str::from_utf8(plaintext).ok();
                                if record.plaintext.is_none() {
                                    record.plaintext_b64 =
                                        Some(Base64UrlUnpadded::encode_string(plaintext));
                                }
                                write_json(&mut out, &record).map_err(io_out)?;
                            }
                            Mode::Dir { dir, json } => {
                                dir_written = true;
                                match write_slice(dir, line.number, plaintext) {
                                    Ok(name) => {
                                        if *json {
                                            record.file = Some(&name);
                                            write_json(&mut out, &record).map_err(io_out)?;
                                        }
                                    }
                                    Err(e) => {
                                        all_ok = false;
                                        let message = format!(
                                            "cannot write {}: {e}",
                                            dir.join(format!("{:06}.bin", line.number)).display()
                                        );
                                        report(&mut out, mode, line.number, "IO_ERROR", &message)
                                            .map_err(io_out)?;
                                    }
                                }
                            }
                        }
                    }
                    LineResult::Failed { code, message } => {
                        all_ok = false;
                        if let Mode::Plain { .. } = mode {
                            out.write_all(b"\n").map_err(io_out)?;
                        }
                        report(&mut out, mode, line.number, code, message).map_err(io_out)?;
                    }
                }
            }
            if dir_written && let Mode::Dir { dir, .. } = mode {
                sync_dir(dir);
            }
            // `results` (the plaintexts) is dropped here: zeroized.
        }
        out.flush().map_err(io_out)?;
        Ok(if all_ok {
            Outcome::Ok
        } else {
            Outcome::SomeFailed
        })
    }

    /// Report a failed line: a JSON error object on stdout (--json), else
    /// `line N: CODE: message` on stderr.
    fn report(
        out: &mut impl Write,
        mode: &Mode,
        number: usize,
        code: &str,
        message: &str,
    ) -> io::Result<()> {
        if matches!(mode, Mode::Json | Mode::Dir { json: true, .. }) {
            let record = ErrorLine {
                line: number,
                error: ErrorBody { code, message },
            };
            return write_json(out, &record);
        }
        // Keep stdout and stderr in input order on a terminal.
        out.flush()?;
        let _ = writeln!(io::stderr(), "line {number}: {code}: {}", one_line(message));
        Ok(())
    }

    /// Append one audit line per envelope of `chunk`, then sync the file.
    fn write_audit(
        file: &mut fs::File,
        chunk: &[Line<'_>],
        results: &[LineResult],
    ) -> io::Result<()> {
        let time = now_rfc3339();
        let mut text = String::new();
        for (line, result) in chunk.iter().zip(results) {
            let (parsed, code) = match result {
                LineResult::Blank => continue,
                LineResult::Opened { .. } => (None, "OK"),
                LineResult::Failed { code, .. } => (
                    // Clear metadata of an envelope that did not open
                    // (unauthenticated), if it parses.
                    match &line.text {
                        Some(Ok(t)) => Envelope::parse(t).ok(),
                        _ => None,
                    },
                    *code,
                ),
            };
            let parsed_kid = parsed.as_ref().map(Envelope::kid);
            let (kid, context) = match result {
                LineResult::Opened { kid, context, .. } => (Some(kid.as_str()), Some(context)),
                _ => (
                    parsed_kid.as_deref(),
                    parsed.as_ref().map(Envelope::context),
                ),
            };
            let record = AuditLine {
                time: &time,
                line: line.number,
                kid,
                form: context.map(|c| c.form.as_str()),
                field: context.map(|c| c.field.as_str()),
                submission: context.and_then(|c| c.submission.as_deref()),
                result: code,
                sha256: hex(&Sha256::digest(line.raw)),
            };
            let json = serde_json::to_string(&record)
                .map_err(|e| io::Error::other(format!("JSON encoding failed: {e}")))?;
            text.push_str(&json);
            text.push('\n');
        }
        if text.is_empty() {
            return Ok(());
        }
        file.write_all(text.as_bytes())?;
        file.sync_data()
    }

    fn write_json(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
        // The line may hold a plaintext: zeroize it once written.
        let text = Zeroizing::new(
            serde_json::to_string(value)
                .map_err(|e| io::Error::other(format!("JSON encoding failed: {e}")))?,
        );
        out.write_all(text.as_bytes())?;
        out.write_all(b"\n")
    }

    // ------------------------------------------------ seal-file / open-file

    /// The recipient and context of `seal` and `seal-file`.
    #[derive(Args, Debug)]
    struct SealTo {
        /// Recipient public key file: JWK, JWKS or PEM.
        #[arg(long, value_name = "PUBLIC")]
        to: PathBuf,
        /// Choose the key with this kid (required for a JWKS of several keys;
        /// for a single key, checked against its thumbprint).
        #[arg(long, allow_hyphen_values = true)]
        kid: Option<String>,
        /// Form id.
        #[arg(long, value_name = "ID", allow_hyphen_values = true)]
        form: String,
        /// Field name (for `seal-file`: the file input's name).
        #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
        field: String,
        /// Submission id.
        #[arg(long, value_name = "ID", allow_hyphen_values = true)]
        submission: Option<String>,
    }

    /// `seal-file`'s options.
    #[derive(Args, Debug)]
    struct SealFileArgs {
        #[command(flatten)]
        to: SealTo,
        /// File name to carry in the header, 0-1024 bytes (default: IN's
        /// file name; empty for stdin).
        #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
        name: Option<String>,
        /// Media type to carry in the header: printable ASCII, 0-255 bytes
        /// (default: empty).
        #[arg(long = "type", value_name = "TYPE", allow_hyphen_values = true)]
        media_type: Option<String>,
        /// Size of the input in bytes (needed when stdin is a pipe; else
        /// checked against the input).
        #[arg(long, value_name = "BYTES")]
        size: Option<u64>,
        /// Plaintext bytes per chunk, 1024 to 4194304.
        #[arg(long, value_name = "BYTES", default_value_t = slice_seal::DEFAULT_CHUNK_SIZE)]
        chunk_size: u32,
        /// Input file (`-` or none: stdin).
        #[arg(value_name = "IN")]
        input: Option<PathBuf>,
        /// Write the sealed file to OUT (default: stdout).
        #[arg(short = 'o', long = "out", value_name = "OUT")]
        out: Option<PathBuf>,
    }

    /// `open-file`'s options.
    #[derive(Args, Debug)]
    struct OpenFileArgs {
        #[command(flatten)]
        key: KeyArgs,
        #[command(flatten)]
        expect: ExpectArgs,
        /// Write the plaintext to OUT (one IN only), via a temporary file and
        /// a rename after the whole file authenticated.
        #[arg(
            short = 'o',
            long = "out",
            value_name = "OUT",
            conflicts_with = "out_dir"
        )]
        out: Option<PathBuf>,
        /// Open every IN into DIR (see above); DIR must be empty or absent.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
        /// Write plaintext to stdout even when it is a terminal.
        #[arg(long, conflicts_with_all = ["out", "out_dir"])]
        raw: bool,
        /// Append one JSON line per file to FILE (time, input, kid, form,
        /// field, submission, result, header_sha256: the SHA-256 of the
        /// header text; never the name, type, size or content), synced to
        /// disk before the output file is renamed into place (to stdout:
        /// after the file).
        #[arg(long, value_name = "FILE")]
        audit: Option<PathBuf>,
        /// Sealed files (`-`: stdin, one file only).
        #[arg(value_name = "IN", required = true)]
        inputs: Vec<PathBuf>,
    }

    /// `read` until `buf` is full or the input ends; the bytes read.
    fn read_full(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < buf.len() {
            match r.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }

    fn read_fatal(e: io::Error) -> Fatal {
        Fatal::new("IO_ERROR", format!("cannot read the input: {e}"))
    }

    fn write_fatal(e: io::Error) -> Fatal {
        Fatal::new("IO_ERROR", format!("cannot write the output: {e}"))
    }

    /// An input file, or stdin for `-` / none, with the bytes left in it if
    /// it is a regular file (a redirected stdin included).
    fn open_input(path: Option<&Path>) -> Result<(Box<dyn Read + Send>, Option<u64>), Fatal> {
        let file = match path {
            Some(p) if p != Path::new("-") => {
                fs::File::open(p).map_err(|e| io_fatal(p, "read", e))?
            }
            _ => {
                #[cfg(unix)]
                {
                    use std::os::fd::AsFd;
                    let fd = io::stdin()
                        .as_fd()
                        .try_clone_to_owned()
                        .map_err(read_fatal)?;
                    fs::File::from(fd)
                }
                #[cfg(not(unix))]
                return Ok((Box::new(io::stdin()), None));
            }
        };
        let left = file
            .metadata()
            .ok()
            .filter(fs::Metadata::is_file)
            .and_then(|m| {
                use std::io::Seek;
                let pos = (&file).stream_position().ok()?;
                Some(m.len().saturating_sub(pos))
            });
        Ok((Box::new(file), left))
    }

    /// A 0600 temporary file, renamed to its destination by `commit`;
    /// dropped before that, it is removed.
    struct TempFile {
        file: Option<fs::File>,
        tmp: PathBuf,
    }

    impl TempFile {
        fn create(dir: &Path, name: &str) -> Result<TempFile, Fatal> {
            let tmp = temp_path(dir, name)?;
            let file = create_private(&tmp).map_err(|e| io_fatal(&tmp, "create", e))?;
            Ok(TempFile {
                file: Some(file),
                tmp,
            })
        }

        /// Sync, then rename to `dest` (in the same directory) and sync the directory.
        fn commit(mut self, dest: &Path) -> Result<(), Fatal> {
            let file = self.file.take();
            let synced = file.as_ref().map_or(Ok(()), fs::File::sync_all);
            drop(file);
            synced
                .and_then(|()| fs::rename(&self.tmp, dest))
                .map_err(|e| io_fatal(dest, "write", e))?;
            self.tmp = PathBuf::new();
            sync_dir(&parent_dir(dest));
            Ok(())
        }
    }

    impl Write for TempFile {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            match &mut self.file {
                Some(f) => f.write(buf),
                None => Err(io::Error::other("file already closed")),
            }
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            drop(self.file.take());
            if !self.tmp.as_os_str().is_empty() {
                let _ = fs::remove_file(&self.tmp);
            }
        }
    }

    /// Where a command's bytes go: stdout, or a temporary file renamed over OUT.
    enum Output {
        Stdout(io::Stdout),
        File(TempFile, PathBuf),
    }

    impl Output {
        fn new(out: Option<&Path>) -> Result<Output, Fatal> {
            // The rename would replace whatever OUT is: only a regular file.
            if let Some(path) = out
                && fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_file())
            {
                return Err(Fatal::new(
                    "INVALID_ARGS",
                    format!(
                        "{} exists and is not a regular file (use stdout for a device or pipe)",
                        path.display()
                    ),
                ));
            }
            Ok(match out {
                Some(path) => Output::File(
                    TempFile::create(&parent_dir(path), &file_name(path)?)?,
                    path.to_path_buf(),
                ),
                None => Output::Stdout(io::stdout()),
            })
        }

        /// Flush stdout, or put the file in place.
        fn commit(self) -> Result<(), Fatal> {
            match self {
                Output::Stdout(mut s) => s.flush().map_err(write_fatal),
                Output::File(tmp, dest) => tmp.commit(&dest),
            }
        }
    }

    impl Write for Output {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            match self {
                Output::Stdout(s) => s.write(buf),
                Output::File(f, _) => f.write(buf),
            }
        }
        fn flush(&mut self) -> io::Result<()> {
            match self {
                Output::Stdout(s) => s.flush(),
                Output::File(f, _) => f.flush(),
            }
        }
    }

    fn seal_file_cmd(args: SealFileArgs) -> Outcome {
        collapse((|| {
            let (ctx, recipient) = seal_target(args.to)?;
            let input_path = args.input.as_deref().filter(|p| *p != Path::new("-"));
            let name = match (args.name, input_path) {
                (Some(n), _) => n,
                (None, Some(p)) => p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                (None, None) => String::new(),
            };
            let (mut input, left) = fatal(open_input(args.input.as_deref()))?;
            let Some(size) = args.size.or(left) else {
                return Err(Outcome::Fatal(Fatal::new(
                    "INVALID_ARGS",
                    "the input's size is not known (a pipe): give --size",
                )));
            };
            let meta = fatal(
                FileMeta::new(name, args.media_type.unwrap_or_default(), size)
                    .and_then(|m| m.with_chunk_size(args.chunk_size)),
            )?;
            if args.out.is_none() && io::IsTerminal::is_terminal(&io::stdout()) {
                return Err(Outcome::Fatal(Fatal::new(
                    "INVALID_ARGS",
                    "stdout is a terminal: give -o OUT or redirect stdout",
                )));
            }
            let mut sealer = fatal(FileSealer::new_any(&recipient, &ctx, meta))?;
            let mut out = fatal(Output::new(args.out.as_deref()))?;
            fatal(out.write_all(sealer.preamble()).map_err(write_fatal))?;
            let mut buf = Zeroizing::new(Vec::with_capacity(args.chunk_size as usize + 16));
            while let Some(want) = sealer.next_chunk_len() {
                buf.resize(want, 0);
                let got = fatal(read_full(&mut input, &mut buf).map_err(read_fatal))?;
                buf.truncate(got);
                fatal(sealer.seal_chunk_in_place(&mut buf))?;
                fatal(out.write_all(&buf).map_err(write_fatal))?;
            }
            if fatal(read_full(&mut input, &mut [0u8]).map_err(read_fatal))? > 0 {
                return Err(Outcome::Fatal(
                    Error::FileExtended(format!("the input is longer than {size} bytes")).into(),
                ));
            }
            fatal(sealer.finish())?;
            fatal(out.commit())?;
            Ok(Outcome::Ok)
        })())
    }

    /// What `open_stream` learnt of a file that opened.
    struct OpenedFile {
        kid: String,
        context: Context,
        meta: FileMeta,
    }

    /// Open the sealed file `input` into `out`, a chunk at a time; `header`
    /// receives the header text as read (for the audit log).
    fn open_stream(
        ring: &Keyring,
        input: &mut (dyn Read + Send),
        expected: Option<&Context>,
        out: &mut (dyn Write + Send),
        header: &mut Vec<u8>,
    ) -> Result<OpenedFile, Fatal> {
        let mut lead = [0u8; 6];
        let n = read_full(input, &mut lead).map_err(read_fatal)?;
        let len = slice_seal::preamble_len(&lead[..n])?;
        let mut preamble = vec![0u8; len];
        preamble[..6].copy_from_slice(&lead);
        let got = 6 + read_full(input, &mut preamble[6..]).map_err(read_fatal)?;
        header.extend_from_slice(&preamble[6..got]);
        let mut opener = FileOpener::with_keyring(ring, &preamble[..got], expected)?;
        let opened = OpenedFile {
            kid: opener.kid().to_owned(),
            context: opener.context().clone(),
            meta: opener.meta().clone(),
        };
        open_body(&mut opener, input, out)?;
        opener.finish()?;
        Ok(opened)
    }

    /// Ciphertext read at a time: whole chunks, about 1 MiB.
    const BLOCK_BYTES: usize = 1 << 20;
    /// Bytes in flight (being read, opened, written): at most 6 blocks, at
    /// least 3 (for chunks over 2 MiB: 3 chunks, up to 12 MiB).
    const IN_FLIGHT: usize = 8 << 20;

    /// Bytes of the body as read: `buf[..len]`, then the read error that
    /// ended the input, if one did.
    struct Block {
        buf: Zeroizing<Vec<u8>>,
        len: usize,
        error: Option<io::Error>,
    }

    /// A block's authenticated plaintext: the ranges of `buf` to write.
    type Plaintext = (Zeroizing<Vec<u8>>, Vec<std::ops::Range<usize>>);

    /// Open the body after the preamble in a pipeline of three threads: a
    /// reader fills blocks of whole chunks, this thread opens them in order,
    /// a writer writes the plaintext of the chunks that authenticated, in
    /// order. Errors and output are those of reading, opening and writing
    /// one chunk after the other: the first error in stream order wins, and
    /// the chunks before it are written.
    fn open_body(
        opener: &mut FileOpener,
        input: &mut (dyn Read + Send),
        out: &mut (dyn Write + Send),
    ) -> Result<(), Fatal> {
        let full = opener.meta().chunk_size as usize + slice_seal::CHUNK_TAG_LEN;
        // A body shorter than a block is read at once, with one byte more
        // (FILE_EXTENDED); a longer one in blocks of whole chunks.
        let body = usize::try_from(opener.meta().body_len()).unwrap_or(usize::MAX);
        let block = (BLOCK_BYTES / full).max(1) * full;
        let block = if body < block { body + 1 } else { block };
        let blocks = (IN_FLIGHT / block).clamp(3, 6);
        let no_thread = |e| Fatal::new("IO_ERROR", format!("cannot start a thread: {e}"));
        std::thread::scope(|s| {
            // Owned here: whatever way this returns, they close, and the
            // threads stop before the scope ends.
            let (free_tx, free_rx) = mpsc::sync_channel(blocks);
            let (read_tx, read_rx) = mpsc::sync_channel(blocks);
            let (write_tx, write_rx) = mpsc::sync_channel(blocks);
            std::thread::Builder::new()
                .spawn_scoped(s, move || {
                    read_blocks(input, block, blocks, free_rx, read_tx)
                })
                .map_err(no_thread)?;
            let writer = std::thread::Builder::new()
                .spawn_scoped(s, move || write_blocks(out, write_rx, free_tx))
                .map_err(no_thread)?;
            let opened = open_blocks(opener, read_rx, write_tx);
            // The writer only had chunks before the one opening stopped at:
            // its error comes first in stream order.
            match writer.join() {
                Ok(Err(e)) => Err(write_fatal(e)),
                Ok(Ok(())) => opened,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }

    /// The reader of `open_body`: blocks of `len` bytes until the input ends
    /// or fails, or opening stops. Buffers come back from the writer through
    /// `free`; at most `count` are made.
    fn read_blocks(
        input: &mut dyn Read,
        len: usize,
        count: usize,
        free: mpsc::Receiver<Zeroizing<Vec<u8>>>,
        blocks: mpsc::SyncSender<Block>,
    ) {
        let mut made = 0;
        loop {
            let buf = match free.try_recv() {
                Ok(b) => b,
                Err(_) if made < count => {
                    made += 1;
                    Zeroizing::new(vec![0u8; len])
                }
                Err(_) => match free.recv() {
                    Ok(b) => b,
                    Err(_) => return,
                },
            };
            let block = read_block(input, buf);
            let end = block.len < block.buf.len();
            if blocks.send(block).is_err() || end {
                return;
            }
        }
    }

    /// The writer of `open_body`: each block's plaintext ranges, in order;
    /// then the buffer goes back to the reader.
    fn write_blocks(
        out: &mut dyn Write,
        blocks: mpsc::Receiver<Plaintext>,
        free: mpsc::SyncSender<Zeroizing<Vec<u8>>>,
    ) -> io::Result<()> {
        for (buf, ranges) in blocks {
            for r in ranges {
                out.write_all(&buf[r])?;
            }
            let _ = free.send(buf);
        }
        Ok(())
    }

    /// Fill `buf` from `input` until it is full, the input ends, or a read fails.
    fn read_block(input: &mut dyn Read, mut buf: Zeroizing<Vec<u8>>) -> Block {
        let mut len = 0;
        while len < buf.len() {
            match input.read(&mut buf[len..]) {
                Ok(0) => break,
                Ok(k) => len += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Block {
                        buf,
                        len,
                        error: Some(e),
                    };
                }
            }
        }
        Block {
            buf,
            len,
            error: None,
        }
    }

    /// The opening stage of `open_body`: each block's chunks opened in place,
    /// in order; the block then goes to the writer with the ranges of the
    /// chunks that authenticated (on a failure, those before it).
    fn open_blocks(
        opener: &mut FileOpener,
        blocks: mpsc::Receiver<Block>,
        writer: mpsc::SyncSender<Plaintext>,
    ) -> Result<(), Fatal> {
        for Block {
            mut buf,
            len,
            mut error,
        } in blocks
        {
            let mut ranges = Vec::new();
            let mut at = 0;
            let result = loop {
                let want = opener.next_chunk_len();
                // A read error where the stream needs bytes the block lacks
                // (a chunk, or the byte after the last one).
                if at + want.unwrap_or(1) > len
                    && let Some(e) = error.take()
                {
                    break Err(read_fatal(e));
                }
                if at == len {
                    break Ok(());
                }
                let Some(want) = want else {
                    break Err(Error::FileExtended("bytes follow the last chunk".into()).into());
                };
                let end = len.min(at + want);
                match opener.open_chunk_in_place(&mut buf[at..end]) {
                    Ok(n) => ranges.push(at..at + n),
                    Err(e) => break Err(Fatal::from(e)),
                }
                at = end;
            };
            // A failed send: the writer stopped on an error, which `open_body` reports.
            if writer.send((buf, ranges)).is_err() {
                return Ok(());
            }
            result?;
        }
        if opener.next_chunk_len().is_some() {
            // The input ended at a chunk boundary before the last chunk.
            opener.open_chunk_in_place(&mut [])?;
        }
        Ok(())
    }

    /// One line of `open-file`'s audit log. Never the name, type, size or content.
    #[derive(Serialize)]
    struct FileAuditLine<'a> {
        time: String,
        input: &'a str,
        kid: Option<&'a str>,
        form: Option<&'a str>,
        field: Option<&'a str>,
        submission: Option<&'a str>,
        result: &'a str,
        header_sha256: Option<String>,
    }

    /// Append the audit line of one file and sync it (`Err`: the command stops).
    fn audit_file(
        audit: Option<&mut (&Path, fs::File)>,
        input: &str,
        header: &[u8],
        result: &Result<OpenedFile, Fatal>,
    ) -> Result<(), Outcome> {
        let Some((path, file)) = audit else {
            return Ok(());
        };
        // The clear part of a header that did not open (unauthenticated).
        let parsed = match result {
            Ok(_) => None,
            Err(_) => std::str::from_utf8(header)
                .ok()
                .and_then(|t| Envelope::parse(t).ok()),
        };
        let parsed_kid = parsed.as_ref().map(Envelope::kid);
        let (kid, context) = match result {
            Ok(o) => (Some(o.kid.as_str()), Some(&o.context)),
            Err(_) => (
                parsed_kid.as_deref(),
                parsed.as_ref().map(Envelope::context),
            ),
        };
        let line = FileAuditLine {
            time: now_rfc3339(),
            input,
            kid,
            form: context.map(|c| c.form.as_str()),
            field: context.map(|c| c.field.as_str()),
            submission: context.and_then(|c| c.submission.as_deref()),
            result: match result {
                Ok(_) => "OK",
                Err(f) => f.code,
            },
            header_sha256: (!header.is_empty()).then(|| hex(&Sha256::digest(header))),
        };
        let written = serde_json::to_string(&line)
            .map_err(|e| io::Error::other(format!("JSON encoding failed: {e}")))
            .and_then(|json| file.write_all(format!("{json}\n").as_bytes()))
            .and_then(|()| file.sync_data());
        written.map_err(|e| Outcome::Fatal(io_fatal(path, "write audit log", e)))
    }

    /// The sealed file name as one safe path component: A-Z a-z 0-9 . - _
    /// kept, anything else `_`, at most 100 characters, `file` if empty.
    fn safe_name(name: &str) -> String {
        let s: String = name
            .chars()
            .take(100)
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if s.is_empty() { "file".into() } else { s }
    }

    /// `open-file`'s JSON line for a file opened into --out-dir.
    #[derive(Serialize)]
    struct FileLine<'a> {
        input: &'a str,
        file: &'a str,
        kid: &'a str,
        form: &'a str,
        field: &'a str,
        submission: Option<&'a str>,
        name: &'a str,
        #[serde(rename = "type")]
        media_type: &'a str,
        size: u64,
    }

    fn report_file(input: Option<&str>, f: &Fatal) {
        let lead = input.map(|i| format!("{i}: ")).unwrap_or_default();
        let _ = writeln!(
            io::stderr(),
            "slice-seal: {}: {}",
            f.code,
            one_line(&format!("{lead}{}", f.message))
        );
    }

    fn open_file_cmd(args: OpenFileArgs) -> Outcome {
        collapse((|| {
            let expected = expected_context(args.expect)?;
            let batch = args.out_dir.is_some();
            if !batch && args.inputs.len() != 1 {
                return Err(Outcome::Fatal(Fatal::new(
                    "INVALID_ARGS",
                    "give one IN, or --out-dir DIR for several",
                )));
            }
            if batch && args.inputs.iter().any(|p| p == Path::new("-")) {
                return Err(Outcome::Fatal(Fatal::new(
                    "INVALID_ARGS",
                    "--out-dir reads files, not stdin (-)",
                )));
            }
            let ring = fatal(opening_keyring(&args.key))?;
            if !batch
                && args.out.is_none()
                && !args.raw
                && io::IsTerminal::is_terminal(&io::stdout())
            {
                return Err(Outcome::Fatal(Fatal::new(
                    "UNSAFE_PLAINTEXT",
                    "stdout is a terminal: give -o OUT, redirect stdout, or --raw",
                )));
            }
            let create_dir = match &args.out_dir {
                Some(dir) => fatal(check_out_dir(dir))?,
                None => false,
            };
            let mut audit = match &args.audit {
                Some(path) => Some((path.as_path(), fatal(open_audit(path))?)),
                None => None,
            };
            let Some(dir) = args.out_dir else {
                let path = &args.inputs[0];
                let (mut input, _) = fatal(open_input(Some(path)))?;
                let mut out = fatal(Output::new(args.out.as_deref()))?;
                let mut header = Vec::new();
                let result =
                    open_stream(&ring, &mut input, expected.as_ref(), &mut out, &mut header);
                audit_file(
                    audit.as_mut(),
                    &path.display().to_string(),
                    &header,
                    &result,
                )?;
                return Ok(match result.and_then(|_| out.commit()) {
                    Ok(()) => Outcome::Ok,
                    Err(f) => {
                        report_file(None, &f);
                        Outcome::SomeFailed
                    }
                });
            };
            if create_dir {
                fatal(create_out_dir(&dir))?;
            }
            let mut stdout = io::stdout().lock();
            let mut all_ok = true;
            for (k, path) in args.inputs.iter().enumerate() {
                let number = k + 1;
                let shown = path.display().to_string();
                let mut header = Vec::new();
                let mut tmp = None;
                let result = (|| {
                    let mut input = fs::File::open(path).map_err(|e| io_fatal(path, "read", e))?;
                    let tmp = tmp.insert(TempFile::create(&dir, &format!("{number:06}"))?);
                    open_stream(&ring, &mut input, expected.as_ref(), tmp, &mut header)
                })();
                audit_file(audit.as_mut(), &shown, &header, &result)?;
                let done = result.and_then(|o| {
                    let name = format!("{number:06}-{}", safe_name(&o.meta.name));
                    tmp.take()
                        .ok_or_else(|| Fatal::new("IO_ERROR", "no output file"))?
                        .commit(&dir.join(&name))?;
                    Ok((o, name))
                });
                drop(tmp);
                match done {
                    Ok((o, name)) => {
                        let line = FileLine {
                            input: &shown,
                            file: &name,
                            kid: &o.kid,
                            form: &o.context.form,
                            field: &o.context.field,
                            submission: o.context.submission.as_deref(),
                            name: &o.meta.name,
                            media_type: &o.meta.media_type,
                            size: o.meta.size,
                        };
                        write_json(&mut stdout, &line).map_err(Outcome::StdoutFailed)?;
                    }
                    Err(f) => {
                        all_ok = false;
                        report_file(Some(&shown), &f);
                    }
                }
            }
            stdout.flush().map_err(Outcome::StdoutFailed)?;
            Ok(if all_ok {
                Outcome::Ok
            } else {
                Outcome::SomeFailed
            })
        })())
    }
}
