// Zips bundle files held in memory with Baton's own packer (dist/), the bytes `baton bundle pack` would produce.

const dist = new URL('../../dist/', import.meta.url);

/** @type {Promise<(files: Map<string, Uint8Array>) => Promise<Uint8Array>> | undefined} */
let packer;

/**
 * @param {Record<string, string>} files  bundle files by path, each starting with `apiproxy/`
 * @returns {Promise<Uint8Array>} the zip
 */
export async function packBundle(files) {
  packer ??= import(new URL('revisions/pack-bundle-files.js', dist).href).then(
    (module) => module.packBundleFiles,
    (err) => {
      throw new Error('cannot load dist/: run `npm run build` first', { cause: err });
    },
  );
  const encoder = new TextEncoder();
  /** @type {Map<string, Uint8Array>} */
  const entries = new Map();
  for (const [path, content] of Object.entries(files)) {
    if (!path.startsWith('apiproxy/')) throw new Error(`bundle file ${path}: expected a path under apiproxy/`);
    entries.set(path.slice('apiproxy/'.length), encoder.encode(content));
  }
  return (await packer)(entries);
}
