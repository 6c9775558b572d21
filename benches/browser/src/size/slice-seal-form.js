// slice-seal's form integration as a page loads it (for the bundle-size
// table): form.js and, through its dynamic import, the glue (+ the .wasm).
import 'slice-seal/form';
