// Generates consumer keys and secrets: Edge's lengths (32 and 16 characters), letters and digits, uniformly random.
import { randomInt } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export const consumerKeyLength = 32;
export const consumerSecretLength = 16;

/** randomInt rejects biased draws, so every character carries log2(62) ≈ 5.95 bits. */
export function toRandomText(length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[randomInt(alphabet.length)];
  return text;
}

export function generateCredential(): { consumerKey: string; consumerSecret: string } {
  return { consumerKey: toRandomText(consumerKeyLength), consumerSecret: toRandomText(consumerSecretLength) };
}
