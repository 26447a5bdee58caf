// Size and shape limits applied while reading a bundle from a zip or a folder (reliability-security §3.1, §3.2).

export interface BundleLimits {
  /** Largest zip accepted, in bytes (compat §2.2 rule 7: 15 MB). */
  maxZipBytes: number;
  /** Most entries (files, folders and ignored entries alike) one bundle may hold. */
  maxEntries: number;
  /** Largest inflated size of one file, in bytes. */
  maxEntryBytes: number;
  /** Largest inflated size of all kept files together, in bytes. */
  maxTotalBytes: number;
  /** Highest inflated:compressed ratio of one entry once it inflates past `ratioThresholdBytes`. */
  maxRatio: number;
  /** Inflated size below which the ratio is not checked: tiny files of repeated bytes compress very well. */
  ratioThresholdBytes: number;
  /** Longest entry name, in UTF-8 bytes. */
  maxNameBytes: number;
  /** Most path segments in one entry name (`apiproxy/policies/a.xml` has 3). */
  maxDepth: number;
}

export const defaultBundleLimits: Readonly<BundleLimits> = Object.freeze({
  maxZipBytes: 15 * 1024 * 1024,
  maxEntries: 5_000,
  maxEntryBytes: 15 * 1024 * 1024,
  maxTotalBytes: 50 * 1024 * 1024,
  maxRatio: 100,
  ratioThresholdBytes: 1024 * 1024,
  maxNameBytes: 1_024,
  maxDepth: 32,
});

/** Fills the limits a caller left out with the defaults. */
export function toBundleLimits(limits: Partial<BundleLimits> | undefined): BundleLimits {
  return { ...defaultBundleLimits, ...limits };
}
