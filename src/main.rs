//! `slice-seal`: the high side's command-line tool. Generates the recipient
//! key, exports its public half, seals slices (for tests and scripts) and
//! opens batches of envelopes.
//!
//! Exit status: 0 success; 1 some envelope of an `open` batch did not open
//! (each failure is reported per line), or stdout closed early; 2 bad
//! invocation or input (one `slice-seal: CODE: message` line on stderr,
//! nothing on stdout).

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::fs::{self, OpenOptions};
    use std::io::{self, BufWriter, Read, Write};
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;

    use base64ct::{Base64UrlUnpadded, Encoding};
    use clap::{Args, Parser, Subcommand};
    use serde::Serialize;
    use zeroize::Zeroizing;

    use slice_seal::{
        Context, Error, Jwk, Jwks, MAX_PLAINTEXT, PrivateKey, PublicKey, open_batch, seal,
        thumbprint,
    };

    /// Default private key file of `keygen`.
    const DEFAULT_KEY_FILE: &str = "slice-seal.private.jwk";

    /// Envelopes opened per call of `open_batch` (bounds the plaintext held
    /// in memory; output is written after each chunk).
    const OPEN_CHUNK: usize = 8192;

    #[derive(Parser, Debug)]
    #[command(
        name = "slice-seal",
        version,
        about = "Seal form answers (slices) to a P-256 key with HPKE (RFC 9180), and open them",
        long_about = "Seal form answers (slices) to a P-256 key with HPKE (RFC 9180) base mode, \
DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM, and open them.\n\n\
Keys are read as JWK, JWKS or PEM (SPKI public, PKCS#8 or SEC1 private).",
        after_help = "Exit status: 0 success; 1 some envelope of an `open` batch failed (each is \
reported), or stdout was closed; 2 bad invocation or input (one \
`slice-seal: CODE: message` line on stderr, nothing on stdout)."
    )]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand, Debug)]
    enum Command {
        /// Generate a recipient key pair: the private JWK goes to a new file
        /// (mode 0600), the public JWK (with kid) to stdout.
        ///
        /// Without --out the file is slice-seal.private.jwk in the current
        /// directory. An existing file is never overwritten unless --force is
        /// given (exit status 2).
        Keygen {
            /// Private key file to create (default: in the current directory).
            #[arg(long, value_name = "PRIVATE.jwk", default_value = DEFAULT_KEY_FILE)]
            out: PathBuf,
            /// Replace an existing file (atomically).
            #[arg(long)]
            force: bool,
        },
        /// Print the public key of a private key: JWK (default), JWKS or SPKI PEM.
        Public {
            #[command(flatten)]
            key: KeyArgs,
            /// Print a JWK Set: {"keys":[...]}.
            #[arg(long, conflicts_with = "pem")]
            jwks: bool,
            /// Print a PEM "PUBLIC KEY" (SPKI).
            #[arg(long)]
            pem: bool,
        },
        /// Seal stdin (raw bytes, at most 4 MiB) to a public key; prints one envelope.
        Seal {
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
            /// Field name.
            #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
            field: String,
            /// Submission id.
            #[arg(long, value_name = "ID", allow_hyphen_values = true)]
            submission: Option<String>,
        },
        /// Open envelopes from stdin, one per line; prints each plaintext and a newline.
        ///
        /// Blank lines are skipped; line numbers count every input line from 1.
        /// A line that does not open is reported (stderr: `line N: CODE: message`,
        /// or a JSON error object with --json) and the others are still opened;
        /// the exit status is then 1.
        Open {
            #[command(flatten)]
            key: KeyArgs,
            /// Require this form id (with --field).
            #[arg(
                long,
                value_name = "ID",
                requires = "field",
                allow_hyphen_values = true
            )]
            form: Option<String>,
            /// Require this field name (with --form).
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
            /// One JSON object per envelope:
            /// {"line","kid","form","field","submission","plaintext"} (or
            /// "plaintext_b64", base64url, if the plaintext is not UTF-8), or
            /// {"line","error":{"code","message"}}.
            #[arg(long)]
            json: bool,
        },
    }

    #[derive(Args, Debug)]
    struct KeyArgs {
        /// Private key file: JWK, JWKS of private JWKs, or PEM (PKCS#8 / SEC1).
        #[arg(long, value_name = "PRIVATE")]
        key: PathBuf,
        /// Choose the key with this kid (required for a JWKS of several keys;
        /// for a single key, checked against its thumbprint).
        #[arg(long, allow_hyphen_values = true)]
        kid: Option<String>,
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

    pub fn main() -> ExitCode {
        let cli = match Cli::try_parse() {
            Ok(c) => c,
            Err(e) => {
                // Help and version go to stdout; usage errors to stderr (status 2).
                let _ = e.print();
                return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
            }
        };
        let outcome = match cli.command {
            Command::Keygen { out, force } => keygen(&out, force),
            Command::Public { key, jwks, pem } => public(&key, jwks, pem),
            Command::Seal {
                to,
                kid,
                form,
                field,
                submission,
            } => seal_cmd(&to, kid.as_deref(), form, field, submission),
            Command::Open {
                key,
                form,
                field,
                submission,
                json,
            } => open_cmd(&key, form, field, submission, json),
        };
        match outcome {
            Outcome::Ok => ExitCode::SUCCESS,
            Outcome::SomeFailed => ExitCode::from(1),
            Outcome::Fatal(f) => {
                let _ = writeln!(io::stderr(), "slice-seal: {}: {}", f.code, f.message);
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

    // ------------------------------------------------------------------ keys

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

    /// `Some(set)` if `text` is a JSON object with a "keys" member.
    fn as_jwks(text: &str) -> Result<Option<Jwks>, Fatal> {
        let t = text.trim_start();
        if !t.starts_with('{') {
            return Ok(None);
        }
        match serde_json::from_str::<serde_json::Value>(t) {
            Ok(serde_json::Value::Object(map)) if map.contains_key("keys") => {
                Ok(Some(Jwks::from_json(t)?))
            }
            // Not a set (or not JSON at all): the single-key parser reports it.
            _ => Ok(None),
        }
    }

    /// The member of `set` chosen by `kid` (its "kid", or for a key without
    /// one its thumbprint), or the only member.
    fn select<'a>(set: &'a Jwks, kid: Option<&str>) -> Result<&'a Jwk, Fatal> {
        match kid {
            Some(kid) => set
                .keys
                .iter()
                .find(|j| match &j.kid {
                    Some(k) => k == kid,
                    None => thumbprint(j).is_ok_and(|t| t == kid),
                })
                .ok_or_else(|| Error::KeyNotFound(kid.to_owned()).into()),
            None => match set.keys.as_slice() {
                [one] => Ok(one),
                [] => Err(Error::InvalidKey("JWKS is empty".into()).into()),
                many => Err(Fatal::new(
                    "INVALID_KEY",
                    format!(
                        "JWKS holds {} keys: choose one with --kid (kids: {})",
                        many.len(),
                        many.iter()
                            .map(|j| j.kid.as_deref().unwrap_or("?"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
            },
        }
    }

    fn load_private(args: &KeyArgs) -> Result<PrivateKey, Fatal> {
        let text = read_text(&args.key, "key file")?;
        let key = match as_jwks(&text)? {
            Some(set) => PrivateKey::from_jwk(select(&set, args.kid.as_deref())?)?,
            None => PrivateKey::parse(&text)?,
        };
        if let Some(kid) = &args.kid {
            key.public_key().check_kid(kid)?;
        }
        Ok(key)
    }

    fn load_public(path: &Path, kid: Option<&str>) -> Result<PublicKey, Fatal> {
        let text = read_text(path, "public key file")?;
        let key = match as_jwks(&text)? {
            Some(set) => PublicKey::from_jwk(select(&set, kid)?)?,
            None => PublicKey::parse(&text)?,
        };
        if let Some(kid) = kid {
            key.check_kid(kid)?;
        }
        Ok(key)
    }

    // --------------------------------------------------------------- keygen

    fn keygen(out: &Path, force: bool) -> Outcome {
        collapse((|| {
            let key = fatal(PrivateKey::generate())?;
            let mut private = key.to_jwk().to_json();
            private.push('\n');
            fatal(write_private_file(out, private.as_bytes(), force))?;
            let mut public = key.public_key().to_jwk().to_json().to_string();
            public.push('\n');
            Ok(write_stdout(public.as_bytes()))
        })())
    }

    fn io_fatal(path: &Path, what: &str, e: io::Error) -> Fatal {
        Fatal::new("IO_ERROR", format!("cannot {what} {}: {e}", path.display()))
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
        // --force: write a 0600 temporary file beside the target, then rename
        // it over the target, so the target is always either old or new.
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .ok_or_else(|| {
                Fatal::new("IO_ERROR", format!("{} is not a file name", path.display()))
            })?
            .to_string_lossy()
            .into_owned();
        let mut nonce = [0u8; 8];
        getrandom::fill(&mut nonce).map_err(|_| Error::RandomFailed)?;
        let tmp = dir.join(format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            Base64UrlUnpadded::encode_string(&nonce)
        ));
        let mut f = create_private(&tmp).map_err(|e| io_fatal(&tmp, "create", e))?;
        let written = f.write_all(contents).and_then(|()| f.sync_all());
        drop(f);
        if let Err(e) = written.and_then(|()| fs::rename(&tmp, path)) {
            let _ = fs::remove_file(&tmp);
            return Err(io_fatal(path, "write", e));
        }
        Ok(())
    }

    // --------------------------------------------------------------- public

    fn public(args: &KeyArgs, jwks: bool, pem: bool) -> Outcome {
        let key = match load_private(args) {
            Ok(k) => k,
            Err(f) => return Outcome::Fatal(f),
        };
        let pk = key.public_key();
        let mut text = if pem {
            pk.to_spki_pem()
        } else if jwks {
            Jwks::from_public(pk).to_json()
        } else {
            pk.to_jwk().to_json().to_string()
        };
        if !text.ends_with('\n') {
            text.push('\n');
        }
        write_stdout(text.as_bytes())
    }

    // ----------------------------------------------------------------- seal

    fn seal_cmd(
        to: &Path,
        kid: Option<&str>,
        form: String,
        field: String,
        submission: Option<String>,
    ) -> Outcome {
        collapse((|| {
            let mut ctx = fatal(Context::new(form, field))?;
            if let Some(s) = submission {
                ctx = fatal(ctx.with_submission(s))?;
            }
            let recipient = fatal(load_public(to, kid))?;
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
            let mut envelope = fatal(seal(&recipient, &plaintext, &ctx))?;
            envelope.push('\n');
            Ok(write_stdout(envelope.as_bytes()))
        })())
    }

    // ----------------------------------------------------------------- open

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

    /// One non-blank input line: its 1-based number and its trimmed text
    /// (or why it is not text).
    struct Line<'a> {
        number: usize,
        text: Result<&'a str, Error>,
    }

    fn split_lines(input: &[u8]) -> Vec<Line<'_>> {
        input
            .split(|&b| b == b'\n')
            .enumerate()
            .filter_map(|(i, raw)| {
                let trimmed = raw.trim_ascii();
                if trimmed.is_empty() {
                    return None;
                }
                let text = std::str::from_utf8(trimmed)
                    .map_err(|_| Error::MalformedEnvelope("line is not UTF-8 text".into()));
                Some(Line {
                    number: i + 1,
                    text,
                })
            })
            .collect()
    }

    fn open_cmd(
        key_args: &KeyArgs,
        form: Option<String>,
        field: Option<String>,
        submission: Option<String>,
        json: bool,
    ) -> Outcome {
        collapse((|| {
            let expected = match (form, field) {
                (Some(form), Some(field)) => {
                    let mut c = fatal(Context::new(form, field))?;
                    if let Some(s) = submission {
                        c = fatal(c.with_submission(s))?;
                    }
                    Some(c)
                }
                // clap enforces the pairing; this is a second line of defence.
                (None, None) => None,
                _ => {
                    return Err(Outcome::Fatal(Fatal::new(
                        "INVALID_ARGS",
                        "--form and --field must be given together",
                    )));
                }
            };
            let key = fatal(load_private(key_args))?;
            let mut input = Vec::new();
            fatal(
                io::stdin()
                    .lock()
                    .read_to_end(&mut input)
                    .map_err(|e| Fatal::new("IO_ERROR", format!("cannot read stdin: {e}"))),
            )?;
            let lines = split_lines(&input);
            Ok(match open_lines(&key, &lines, expected.as_ref(), json) {
                Ok(true) => Outcome::Ok,
                Ok(false) => Outcome::SomeFailed,
                Err(e) => Outcome::StdoutFailed(e),
            })
        })())
    }

    /// Open and report every line; `Ok(true)` if all opened.
    fn open_lines(
        key: &PrivateKey,
        lines: &[Line<'_>],
        expected: Option<&Context>,
        json: bool,
    ) -> io::Result<bool> {
        let stdout = io::stdout();
        let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
        let mut all_ok = true;
        for chunk in lines.chunks(OPEN_CHUNK) {
            let texts: Vec<&str> = chunk
                .iter()
                .filter_map(|l| l.text.as_ref().ok().copied())
                .collect();
            let mut results = open_batch(key, &texts, expected).into_iter();
            for line in chunk {
                let result = match &line.text {
                    Ok(_) => match results.next() {
                        Some(r) => r,
                        // open_batch returns one result per input.
                        None => Err(Error::DecryptFailed),
                    },
                    Err(e) => Err(e.clone()),
                };
                match result {
                    Ok(opened) => {
                        if json {
                            let pt = std::str::from_utf8(&opened.plaintext).ok();
                            let record = OpenedLine {
                                line: line.number,
                                kid: &opened.kid,
                                form: &opened.context.form,
                                field: &opened.context.field,
                                submission: opened.context.submission.as_deref(),
                                plaintext: pt,
                                plaintext_b64: pt
                                    .is_none()
                                    .then(|| Base64UrlUnpadded::encode_string(&opened.plaintext)),
                            };
                            write_json(&mut out, &record)?;
                        } else {
                            out.write_all(&opened.plaintext)?;
                            out.write_all(b"\n")?;
                        }
                        let mut pt = opened.plaintext;
                        zeroize::Zeroize::zeroize(&mut pt);
                    }
                    Err(e) => {
                        all_ok = false;
                        let message = e.to_string();
                        if json {
                            let record = ErrorLine {
                                line: line.number,
                                error: ErrorBody {
                                    code: e.code(),
                                    message: &message,
                                },
                            };
                            write_json(&mut out, &record)?;
                        } else {
                            // Keep stdout and stderr in input order on a terminal.
                            out.flush()?;
                            let _ = writeln!(
                                io::stderr(),
                                "line {}: {}: {}",
                                line.number,
                                e.code(),
                                message
                            );
                        }
                    }
                }
            }
        }
        out.flush()?;
        Ok(all_ok)
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
}
