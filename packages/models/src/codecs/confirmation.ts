// Shared by the codecs that carry a `cnf` claim; no schema here, so that the codecs run without TypeBox.
import type { Confirmation } from '../confirmation.js'

/** Copies the confirmation members this package knows, so a model never shares an object with the wire. */
export function copyConfirmation(cnf: Readonly<Confirmation>): { jkt?: string } {
  const copy: { jkt?: string } = {}
  if (cnf.jkt !== undefined) copy.jkt = cnf.jkt
  return copy
}
