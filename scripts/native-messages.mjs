// The install script's side of src/backend/native/messages.ts (this runs at install, before
// dist/ exists, so it cannot import the TypeScript): the same table of libraries and commands.
// test/backend/native-loader.test.ts checks that the two agree.

/** Where to get a shared library the addon links, on Debian and Ubuntu, by its name before .so. */
export const PACKAGES = {
  libopenblas: { what: 'OpenBLAS', install: 'apt-get install libopenblas0 libgomp1' },
  libgomp: { what: 'the OpenMP runtime', install: 'apt-get install libgomp1' },
  libgfortran: {
    what: "OpenBLAS's Fortran runtime",
    install: 'apt-get install libgfortran5',
  },
};

/** What to install to compile the addon (Debian and Ubuntu package names). */
export const BUILD_PACKAGES = 'g++ make pkg-config libopenblas-dev';

export function rebuildCommand(inClone) {
  return inClone ? 'npm run build:native' : 'npm rebuild hebb';
}

export function missingLibrary(message) {
  return /([\w.+-]+\.so[\d.]*): cannot open shared object file/.exec(message)?.[1] ?? null;
}

/** The one line for an addon that cannot find a library; `fallback`: the backend used instead. */
export function missingLibraryLine(lib, fallback, inClone) {
  const p = PACKAGES[lib.replace(/\.so.*$/, '')];
  const install = p ? p.install : `install the package that provides ${lib}`;
  return `hebb: ${p ? p.what : lib} not found (${lib}); using the ${fallback} backend. For native speed: ${install}, then ${rebuildCommand(inClone)}`;
}

/** The one line for a failed build from source; `instead`: what hebb uses instead. */
export function notBuiltLine(why, instead, inClone) {
  return `hebb: native backend not built (${why}); using ${instead}. For native speed: apt-get install ${BUILD_PACKAGES}, then ${rebuildCommand(inClone)}`;
}
