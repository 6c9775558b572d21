// Sealed files (docs/FORMAT.md §10), exported by every entry of the package.
import type { Opener, PrivateKeyInput, PublicKeyInput, SealContext, Sealer } from './web/slice_seal.js';

/** Media type of a sealed file: `"application/vnd.slice-seal.file"`. */
export declare const SEALED_FILE_TYPE: 'application/vnd.slice-seal.file';

/** Every `code` the file functions add to the envelope codes (`SliceSealErrorCode`). */
export type SliceSealFileErrorCode =
    | 'MALFORMED_FILE' | 'FILE_TRUNCATED' | 'FILE_EXTENDED' | 'CHUNK_DECRYPT_FAILED' | 'FILE_UNREADABLE' | 'STORAGE_FAILED';

/** Called after each step (about 1 MiB) with the bytes done so far and the total; ends at `(size, size)`. */
export type FileProgress = (done: number, total: number) => void;

interface FileOptionsBase {
    onProgress?: FileProgress;
    /** `false`: AES-GCM (and the Sealer/Opener built from a key) in wasm, not WebCrypto. */
    webCrypto?: boolean;
}

export interface SealFileOptions extends FileOptionsBase {
    /** Name carried in the sealed header (≤ 1024 UTF-8 bytes); default the File's name, else "". */
    name?: string;
    /** Media type carried (≤ 255 printable ASCII); default the Blob's `type`. */
    type?: string;
    /** With a key (not a Sealer): pin its thumbprint (`KID_MISMATCH` otherwise). */
    kid?: string;
}

export interface SealFileStreamOptions extends FileOptionsBase {
    /** Exact number of bytes the source gives (needed up front: it is in the header). */
    size: number;
    name?: string;
    type?: string;
    kid?: string;
}

export type OpenFileOptions = FileOptionsBase;

/** What an opened file's header says (authenticated). */
export interface OpenedFileInfo {
    /** Original file name, as sealed: untrusted text, never use it as a path unchecked. */
    name: string;
    /** Media type, as sealed (may be ""). */
    type: string;
    /** Plaintext size in bytes. */
    size: number;
    /** Plaintext bytes per chunk (65536 from this package). */
    chunkSize: number;
    /** The context the header was sealed for. */
    context: SealContext;
    /** Key id the file was sealed to. */
    kid: string;
}

export interface OpenedFile extends OpenedFileInfo {
    /** The plaintext, of type `type`. */
    blob: Blob;
}

/** Bytes as a stream: a Node `Readable` in Node, an async iterable elsewhere. */
export type FileByteStream = AsyncIterable<Uint8Array>;

export interface OpenedFileStream extends OpenedFileInfo {
    /** The plaintext; each byte only after its chunk authenticated; fails with the code of a later error. */
    stream: FileByteStream;
}

/**
 * Seal a `Blob` or `File` to a public key (or a `Sealer`, used as it is):
 * the header is one slice sealed under `context` (field = the input's name).
 * Reads and seals about 1 MiB at a time; resolves to the sealed file as a
 * `Blob` of type `application/vnd.slice-seal.file`.
 */
export declare function sealFile(
    publicKeyOrSealer: PublicKeyInput | Sealer,
    blob: Blob,
    context: SealContext,
    options?: SealFileOptions,
): Promise<Blob>;

/**
 * Open a sealed file with a private key (or an `Opener`). With
 * `expectedContext`, the header must have been sealed for it
 * (`CONTEXT_MISMATCH`). Rejects with the first error in file order:
 * `MALFORMED_FILE`, the header's envelope codes, `FILE_TRUNCATED`,
 * `CHUNK_DECRYPT_FAILED`, `FILE_EXTENDED`.
 */
export declare function openFile(
    privateKeyOrOpener: PrivateKeyInput | Opener,
    blob: Blob,
    expectedContext?: SealContext | null,
    options?: OpenFileOptions,
): Promise<OpenedFile>;

/**
 * Seal exactly `options.size` bytes from a Node `Readable`, async iterable
 * or `ReadableStream` of bytes; returns the sealed file as a stream, which
 * fails with `FILE_TRUNCATED` / `FILE_EXTENDED` if the source gives fewer /
 * more bytes.
 */
export declare function sealFileStream(
    publicKeyOrSealer: PublicKeyInput | Sealer,
    source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
    context: SealContext,
    options: SealFileStreamOptions,
): FileByteStream;

/**
 * Open a sealed file from a stream: the header is read and opened first
 * (its errors reject), then `stream` gives the plaintext.
 */
export declare function openFileStream(
    privateKeyOrOpener: PrivateKeyInput | Opener,
    source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
    expectedContext?: SealContext | null,
    options?: OpenFileOptions,
): Promise<OpenedFileStream>;
