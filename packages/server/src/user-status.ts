import { stored } from './errors.js'
import type { ServerContext } from './server-context.js'
import type { Store } from './store/types.js'

/**
 * Whether `subject` is an end-user who is disabled. False for an unknown subject, such as the client id
 * a `client_credentials` token carries as its `sub`: only a stored user can be disabled.
 */
export async function isUserDisabled(store: Pick<Store, 'users'>, subject: string): Promise<boolean> {
  const user = await stored(() => store.users.get(subject))
  return user?.disabledAt != null
}

/**
 * Disables an end-user (`disabled: true`: their codes and refresh tokens stop working and their access
 * tokens stop being active; the host's login must refuse them) or enables them again, and tells the
 * security-event listener. Nothing is revoked, so enabling brings back what has not expired. False when
 * the user is unknown.
 */
export async function setUserDisabled(
  context: Pick<ServerContext, 'store' | 'now' | 'emit'>,
  subject: string,
  disabled: boolean,
): Promise<boolean> {
  const { store } = context
  const user = await stored(() => store.users.get(subject))
  if (!user) return false
  if ((user.disabledAt != null) !== disabled) {
    const known = await stored(() =>
      store.users.update({ ...user, disabledAt: disabled ? context.now() : null }),
    )
    if (!known) return false
  }
  context.emit({ type: disabled ? 'user_disabled' : 'user_enabled', subject })
  return true
}
