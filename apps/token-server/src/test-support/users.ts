import { hashSecret, type Store } from '@pipeshub/server'

/** The password of the end-user `createTestUser` stores. */
export const TEST_PASSWORD = 'correct horse battery staple'

/** Stores the end-user the page and flow tests sign in as: `alice`, with a slow password hash like any user. */
export async function createTestUser(
  store: Store,
  fields: { subject?: string; password?: string; name?: string | null; email?: string | null } = {},
): Promise<void> {
  const email = fields.email === undefined ? 'alice@example.com' : fields.email
  await store.users.create({
    subject: fields.subject ?? 'user-1',
    username: 'alice',
    passwordHash: await hashSecret(fields.password ?? TEST_PASSWORD),
    name: fields.name === undefined ? 'Alice' : fields.name,
    email,
    emailVerified: email !== null,
    createdAt: 0,
  })
}
