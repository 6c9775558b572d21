// Shared by every consumer app: given the slice-seal module namespace, run a
// seal -> open round trip and report what happened (checked by tests/npm/run.mjs).
export async function roundTrip(m, initArg) {
  await m.default(initArg);
  await m.init(initArg); // a second call is a no-op
  const kp = m.generateKeyPair();
  const ctx = { form: 'consumer-app', field: 'full-name', submission: 's-1' };
  const sealer = new m.Sealer(kp.publicKey, { kid: kp.publicKey.kid });
  const envelope = sealer.seal('Grace Hopper ✓', ctx);
  const oneShot = m.seal(JSON.stringify(kp.publicKey), new Uint8Array([1, 2, 3]), ctx);
  const result = {
    prefix: envelope.slice(0, 4),
    text: m.openText(kp.privateKey, envelope, ctx),
    bytes: Array.from(m.open(kp.privateKey, oneShot, ctx)),
    inspectKidMatches: m.inspect(envelope).kid === kp.publicKey.kid,
    sealerKid: sealer.kid === kp.publicKey.kid,
    ecdhLength: m.primitives.ecdh(kp.privateKey, kp.publicKey).length,
  };
  // The async API: P-256 in WebCrypto or wasm, whichever this page measured
  // faster. prepareAsync(2) makes one of each (both timed, both used); with
  // the pool empty, the next sealAsync uses the faster.
  const asyncSealer = new m.Sealer(kp.publicKey, { kid: kp.publicKey.kid });
  await asyncSealer.prepareAsync(2);
  const sealedAsync = await asyncSealer.sealAsync('Ada Lovelace ✓', ctx);
  await asyncSealer.sealAsync('second', ctx);
  await asyncSealer.sealAsync('third', ctx);
  const opener = new m.Opener(kp.privateKey);
  const text = await opener.openTextAsync(sealedAsync, ctx);
  await opener.openTextAsync(sealedAsync, ctx);
  await opener.openTextAsync(sealedAsync, ctx);
  const timings = m.backendTimings();
  const argmin = (t) => (t.wasm < t.webcrypto ? 'wasm' : 'webcrypto');
  result.async = {
    text,
    oneShot: await m.openTextAsync(kp.privateKey, await m.sealAsync(kp.publicKey, 'one-shot', ctx), ctx),
    syncOpen: m.openText(kp.privateKey, sealedAsync, ctx),
    sealBackendIsChoice: asyncSealer.backend === timings.seal.choice && timings.seal.choice === argmin(timings.seal),
    openBackendIsChoice: opener.backend === timings.open.choice && timings.open.choice === argmin(timings.open),
    bothTimed: [timings.seal, timings.open].every((t) => t.webcrypto >= 0 && t.wasm >= 0),
    hasSubtle: !!(globalThis.crypto && globalThis.crypto.subtle),
    choices: `seal ${timings.seal.choice} (webcrypto ${timings.seal.webcrypto} ms, wasm ${timings.seal.wasm} ms), open ${timings.open.choice} (${timings.open.webcrypto} / ${timings.open.wasm} ms)`,
  };
  try {
    await opener.openAsync(sealedAsync, { ...ctx, field: 'moved' });
    result.async.moved = 'opened';
  } catch (e) {
    result.async.moved = e.code;
  }
  asyncSealer.free();
  opener.free();
  try {
    m.open(kp.privateKey, envelope, { ...ctx, field: 'moved' });
    result.moved = 'opened';
  } catch (e) {
    result.moved = e.code;
  }
  try {
    m.seal(kp.publicKey, 42, ctx);
    result.wrongType = 'sealed';
  } catch (e) {
    result.wrongType = { isError: e instanceof Error, name: e.name, code: e.code };
  }
  sealer.free();
  try {
    sealer.seal('after free', ctx);
    result.afterFree = 'sealed';
  } catch (e) {
    result.afterFree = { isError: e instanceof Error, isTrap: e instanceof WebAssembly.RuntimeError };
  }
  return result;
}
