// Minimal seal path of slice-seal (for the bundle-size table): the JS glue;
// the .wasm is measured separately and added. 'slice-seal' is aliased by
// run.mjs to the package directory under test.
import init, { Sealer } from 'slice-seal';

export async function sealOne(publicJwk, pt, ctx) {
  await init();
  return new Sealer(publicJwk).seal(pt, ctx);
}
