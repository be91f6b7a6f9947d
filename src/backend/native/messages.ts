// What the native backend's notices say when the addon cannot load, and which command fixes it.
// The install script (scripts/build-native.mjs, plain JavaScript run before dist/ exists) says
// the same in its own line; test/backend/native-loader.test.ts pins both texts.

/** A why and a what-to-do, for the registry's notice and errors. */
export interface NativeProblem {
  reason: string;
  fix: string;
}

/** Where to get a shared library the addon links, on Debian and Ubuntu, by its name before .so. */
export const PACKAGES: Record<string, { what: string; install: string }> = {
  libopenblas: { what: 'OpenBLAS', install: 'apt-get install libopenblas0 libgomp1' },
  libgomp: { what: 'the OpenMP runtime', install: 'apt-get install libgomp1' },
  libgfortran: {
    what: "OpenBLAS's Fortran runtime",
    install: 'apt-get install libgfortran5',
  },
};

/** What to install to compile the addon (Debian and Ubuntu package names). */
export const BUILD_PACKAGES = 'g++ make pkg-config libopenblas-dev';

/**
 * The command that builds or re-checks the addon: `npm rebuild hebb` in a project that depends
 * on hebb, `npm run build:native` in a clone of hebb itself (`inClone`).
 */
export function rebuildCommand(inClone: boolean): string {
  return inClone ? 'npm run build:native' : 'npm rebuild hebb';
}

/** The shared library a failed dlopen names as missing ("libX.so.N: cannot open shared object file"). */
export function missingLibrary(message: string): string | null {
  return /([\w.+-]+\.so[\d.]*): cannot open shared object file/.exec(message)?.[1] ?? null;
}

/** The addon was found but a library it links is not installed. */
export function missingLibraryProblem(lib: string, inClone: boolean): NativeProblem {
  const p = PACKAGES[lib.replace(/\.so.*$/, '')];
  const install = p ? p.install : `install the package that provides ${lib}`;
  return {
    reason: `${p ? p.what : lib} was not found (${lib})`,
    fix: `${install}, then ${rebuildCommand(inClone)}`,
  };
}

/** Neither a build from source nor a prebuilt addon for this platform is there. */
export function notBuiltProblem(platform: string, inClone: boolean): NativeProblem {
  return {
    reason: `the native addon is not built and hebb has no prebuilt one for ${platform}`,
    fix: `install a compiler and OpenBLAS (apt-get install ${BUILD_PACKAGES}), then ${rebuildCommand(inClone)}`,
  };
}
