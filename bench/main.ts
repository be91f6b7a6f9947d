// Benchmarks (not tests): npm run bench -- <name> [--json] [--quick]
import { benchGemm } from './gemm.ts';

const BENCHES: Record<string, (args: string[]) => void | Promise<void>> = {
  gemm: benchGemm,
};

const [name, ...rest] = process.argv.slice(2);
if (!name || !(name in BENCHES)) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [--json] [--quick]`);
  process.exit(name ? 2 : 0);
}
await BENCHES[name](rest);
