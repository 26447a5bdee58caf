// Reads one XML file of a bundle for the bundle parsers: a file that does not parse is a fatal problem naming it.
import type { BundleProblem } from '../errors.js';
import { parseXml } from './parse-xml.js';
import type { BundleFiles } from './read-bundle-zip.js';
import type { XmlElement } from './xml-element.js';

/** The file's root element, or undefined after pushing the parser's message onto `fatal`. */
export function readBundleXml(files: BundleFiles, file: string, fatal: BundleProblem[]): XmlElement | undefined {
  try {
    return parseXml(files.get(file)!);
  } catch (err) {
    fatal.push({ file, message: (err as Error).message });
    return undefined;
  }
}
