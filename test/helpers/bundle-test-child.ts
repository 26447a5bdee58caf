// Bundles a TypeScript entry into one ES module a test can run with `node`: Node 20 cannot run TypeScript.
import { join } from 'node:path';
import { build } from 'vite';

const root = join(import.meta.dirname, '../..');

export interface BundleOptions {
  /** The entry, an absolute path to a .ts file. */
  readonly entry: string;
  readonly outDir: string;
  /** The bundle's file name in outDir, e.g. `child.mjs`. */
  readonly fileName: string;
  /** Bundle the dependencies too (a child run outside the project); default: they stay imports, resolved from outDir. */
  readonly bundleDependencies?: boolean;
}

/** Builds the bundle with vite (vitest's own build tool) and returns its path. */
export async function bundleTestChild(options: BundleOptions): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'silent',
    root,
    ...(options.bundleDependencies ? { ssr: { noExternal: true } } : {}),
    build: {
      ssr: options.entry,
      outDir: options.outDir,
      emptyOutDir: false,
      minify: false,
      target: 'node20',
      rollupOptions: { output: { entryFileNames: options.fileName, format: 'es' } },
    },
  });
  return join(options.outDir, options.fileName);
}
