// Shared by the claim-set codecs; no schema here, so that the codecs run without TypeBox.

/** Copies an audience so that a model never shares an array with the wire object it came from. */
export function copyAudience(aud: string | readonly string[]): string | string[] {
  return typeof aud === 'string' ? aud : [...aud]
}
