import { stored } from './errors.js'
import type { ServerContext } from './server-context.js'

/**
 * Disables a client (`disabled: true`: it fails client authentication, its authorization requests are
 * refused and its tokens stop being active) or enables it again, and tells the security-event listener.
 * False when the client is unknown.
 */
export async function setClientDisabled(
  context: Pick<ServerContext, 'store' | 'now' | 'emit'>,
  clientId: string,
  disabled: boolean,
): Promise<boolean> {
  const { store } = context
  const client = await stored(() => store.clients.get(clientId))
  if (!client) return false
  if ((client.disabledAt !== null) !== disabled) {
    const known = await stored(() =>
      store.clients.update({ ...client, disabledAt: disabled ? context.now() : null }),
    )
    if (!known) return false
  }
  context.emit({ type: disabled ? 'client_disabled' : 'client_enabled', clientId })
  return true
}
