// Node only: registers the backends that need Node to load — the native addon and the wasm
// module read from the package — with backend selection. Imported for its effect by the Node
// entry, the CLI, the tests and the benchmarks.
import './native/register.ts';
import './wasm/register.ts';
