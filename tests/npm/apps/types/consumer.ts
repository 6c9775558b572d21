// Compiled with tsc --noEmit (strict) by tests/npm/run.mjs against the
// installed package: the declarations must be precise (no `any` slipping
// through) — every @ts-expect-error line must be a type error.
import init, {
  backendTimings, exportPublicKey, generateKeyPair, importPublicKey, inspect, open, openAsync, openText,
  openTextAsync, Opener, primitives, seal, sealAsync, sealBytesAsync, Sealer, thumbprint,
  type BackendTimings, type Backend, type EnvelopeInfo, type Jwk, type Jwks, type KeyPair, type SealContext, type SliceSealErrorCode,
  type AkpJwk, type HybridKeyPair,
  sealFile, openFile, sealFileStream, openFileStream, SEALED_FILE_TYPE,
  type OpenedFile, type SliceSealFileErrorCode,
} from 'slice-seal';
import initLean, { createSealer, loadFull, backendChoice, Sealer as LeanSealer, WASM_BOUND_MS, type LeanTimings } from 'slice-seal/lean';
import {
  ready, SliceSealForm, initAll, createAll, SliceSealFormError,
  type SealedDetail, type SliceSealFormErrorCode,
} from 'slice-seal/form';

export async function main(): Promise<string> {
  await init();
  await init('/assets/slice_seal_bg.wasm');
  const kp: KeyPair = generateKeyPair();
  const pub: Jwk = kp.publicKey;
  const ctx: SealContext = { form: 'f', field: 'a', submission: 's' };
  const env: string = seal(pub, 'x', ctx);
  seal(JSON.stringify(pub), new Uint8Array(3), { form: 'f', field: 'a' });
  const bytes: Uint8Array = open(kp.privateKey, env, ctx);
  const text: string = openText(kp.privateKey, env);
  const info: EnvelopeInfo = inspect(env);
  const version: 1 = info.version;
  const kem: 16 | 25722 = info.kem;
  // @ts-expect-error inspect may name the hybrid KEM
  const p256Only: 16 = info.kem;
  const sub: string | undefined = info.submission;
  const sealer = new Sealer(pub, { kid: pub.kid });
  const kid: string = sealer.kid;
  const ready2: number = sealer.prepare(4);
  {
    using scoped = new Sealer(pub);
    scoped.seal('y', ctx);
  }
  const prepAsync: number = await sealer.prepareAsync(4);
  const envAsync: string = await sealer.sealAsync('z', ctx);
  const backend: 'webcrypto' | 'wasm' | undefined = sealer.backend;
  const oneShotAsync: string = await sealAsync(pub, new Uint8Array(2), ctx);
  const opener = new Opener(kp.privateKey, { webCrypto: true });
  const auto = new Sealer(pub, { webCrypto: 'auto' });
  auto.free();
  const timings: BackendTimings = backendTimings();
  const sealChoice: Backend | undefined = timings.seal.choice;
  const aesMsPerMib: number | undefined = timings.aesGcm.webcrypto;
  // @ts-expect-error the timings are numbers
  const notText: string | undefined = timings.open.wasm;
  const openedAsync: Uint8Array = await opener.openAsync(envAsync, ctx);
  const openedText: string = await opener.openTextAsync(oneShotAsync);
  const openedSync: string = opener.openText(envAsync, ctx);
  const openerBackend: 'webcrypto' | 'wasm' | undefined = opener.backend;
  const viaFn: Uint8Array = await openAsync(kp.privateKey, envAsync, ctx);
  const viaFnText: string = await openTextAsync(kp.privateKey, envAsync);
  // The binary form: bodies in, bodies out.
  const body: Uint8Array = await sealBytesAsync(pub, new Uint8Array(3), ctx);
  const body2: Uint8Array = await sealer.sealBytesAsync('z', ctx);
  const fromBody: Uint8Array = open(kp.privateKey, body, ctx);
  const fromBodyAsync: string = await opener.openTextAsync(body2);
  // @ts-expect-error sealBytesAsync resolves to bytes, not a string
  const wrongBytes: string = await sealBytesAsync(pub, 'x', ctx);
  opener.free();
  sealer.free();
  const tp: string = thumbprint(pub);
  // The hybrid suite follows the key: the same calls take an AKP JWK.
  const hkp: HybridKeyPair = generateKeyPair({ suite: 'mlkem768-x25519' });
  const hpub: AkpJwk = hkp.publicKey;
  // @ts-expect-error a hybrid pair's keys are AKP JWKs, not P-256 ones
  const notEc: Jwk = hkp.publicKey;
  // @ts-expect-error unknown suites are refused
  generateKeyPair({ suite: 'kyber' });
  const henv: string = await new Sealer(hpub, { kid: hpub.kid }).sealAsync('h', ctx);
  const hopened: string = new Opener(hkp.privateKey).openText(henv, ctx);
  const himported: AkpJwk = importPublicKey({ keys: [hpub] }, { kid: hpub.kid });
  const hraw = exportPublicKey(hpub, 'raw');
  const htp: string = thumbprint(hpub);
  const imported: Jwk = importPublicKey({ keys: [pub] } satisfies Jwks, { kid });
  const okm: Uint8Array = primitives.hkdf(new Uint8Array(1), new Uint8Array(0), new Uint8Array(0), 32);
  const ct: Uint8Array = primitives.aesGcmSeal(okm, new Uint8Array(12), bytes);
  const out: Jwk | Jwks | string | Uint8Array = exportPublicKey(imported, 'sec1');
  const code: SliceSealErrorCode = 'INVALID_UTF8';
  const sealedFile: Blob = await sealFile(pub, new File(['x'], 'a.txt'), ctx, { onProgress: (d: number, t: number) => d / t, name: 'b' });
  const fileType: 'application/vnd.slice-seal.file' = SEALED_FILE_TYPE;
  const openedFile: OpenedFile = await openFile(new Opener(kp.privateKey), sealedFile, ctx, { webCrypto: false });
  const openedName: string = openedFile.name;
  const fileCode: SliceSealFileErrorCode = 'FILE_TRUNCATED';
  const sealedStream: AsyncIterable<Uint8Array> = sealFileStream(sealer, new Blob(['x']).stream(), ctx, { size: 1 });
  const { stream, size: openedSize } = await openFileStream(kp.privateKey, sealedStream);
  for await (const chunk of stream) chunk.byteLength.toFixed();
  // @ts-expect-error sealFileStream needs the size up front
  sealFileStream(pub, new Blob(['x']).stream(), ctx, {});
  // @ts-expect-error sealFile takes a Blob, not a string
  await sealFile(pub, 'text', ctx);
  const form = await ready;
  form.protectForm(document.createElement('form'), { kid });
  const moduleName: 'slice-seal' = SliceSealForm.moduleName;
  const comp = new SliceSealForm(document.createElement('form'), {
    formId: 'f', kid, submit: 'fetch', record: 'r-1',
    onError: (e: SliceSealFormError) => { const c: SliceSealFormErrorCode = e.code; return c; },
  });
  const started: number = initAll(document.body);
  const comps: SliceSealForm[] = createAll();
  const sentDetail: SealedDetail = await comp.submit();
  comp.$root.addEventListener('slice-seal:sent', (e) => { const s: string = e.detail.submission; return s; });
  document.addEventListener('slice-seal:error', (e) => { const c: SliceSealFormErrorCode = e.detail.code; return c; });
  // @ts-expect-error submit is 'native' or 'fetch'
  new SliceSealForm(document.createElement('form'), { submit: 'xhr' });
  // @ts-expect-error the detail of slice-seal:prepared has no submission
  document.addEventListener('slice-seal:prepared', (e) => e.detail.submission);

  // @ts-expect-error plaintext must be a string or a Uint8Array
  seal(pub, 42, ctx);
  // @ts-expect-error the context needs a field
  seal(pub, 'x', { form: 'f' });
  // @ts-expect-error a context member of the wrong type
  open(kp.privateKey, env, { form: 'f', field: 1 });
  // @ts-expect-error unknown export format
  exportPublicKey(pub, 'der');
  // @ts-expect-error kid must be a string
  new Sealer(pub, { kid: 5 });
  // @ts-expect-error ecdh needs a private and a public key
  primitives.ecdh(kp.privateKey);
  // @ts-expect-error inspect returns EnvelopeInfo, whose version is 1
  const wrongVersion: 2 = info.version;
  // @ts-expect-error not an error code
  const wrongCode: SliceSealErrorCode = 'OOPS';
  // @ts-expect-error sealAsync resolves to a string, not bytes
  const wrongAsync: Uint8Array = await sealAsync(pub, 'x', ctx);
  // @ts-expect-error webCrypto is a boolean or "auto"
  new Sealer(pub, { webCrypto: 'yes' });
  // @ts-expect-error Jwk.kty is "EC"
  const rsa: Jwk = { kty: 'RSA', crv: 'P-256', x: '', y: '' };

  return [text, version, kem, sub, ready2, tp, ct.length, out, code, wrongVersion, wrongCode, rsa,
    prepAsync, backend, openedAsync.length, openedText, openedSync, openerBackend, viaFn.length, viaFnText,
    wrongAsync, moduleName, started, comps.length, sentDetail.formId, fileType, openedName, fileCode, openedSize,
    sealChoice, aesMsPerMib, notText].join();
}

export async function lean(pub: Jwk, ctx: SealContext): Promise<string> {
  await initLean();
  const s = await createSealer(pub, { kid: pub.kid });
  const n: number = await s.prepareAsync(2);
  const many: string[] = await s.sealMany([{ plaintext: 'a', context: ctx }]);
  if (s instanceof LeanSealer) {
    const t: LeanTimings | undefined = s.timings;
    const b: 'webcrypto' | 'wasm' | undefined = s.backend;
    const bound: number = WASM_BOUND_MS;
    // @ts-expect-error the lean Sealer has no synchronous seal
    s.seal('x', ctx);
    void t, b, bound;
  }
  const c = await backendChoice();
  const full = await loadFull();
  void n, many, c, full.generateKeyPair;
  // @ts-expect-error a context needs its field
  await s.sealAsync('x', { form: 'f' });
  return s.sealAsync('x', ctx);
}
