import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { postgresDialect, sqliteDialect } from './dialect.js'
import { migrationsFor } from './migrations.js'

// A database that applied a migration keeps what it produced, and never applies it again: a released
// migration must produce, byte for byte, the SQL it produced when released. These are the SHA-256
// digests of that SQL as released (versions 1-8 before the catalogue was written once for both dialects).
const RELEASED: Record<string, Record<number, string>> = {
  sqlite: {
    1: '52cc6988177c2d27224b4267d6ced8f93d6636b77f7c56ac8c6197847e85c1a6',
    2: '4955ba07d0c7888d7f4ad35713eed5926a4954a54ffc886b4981b9d0cc338e3a',
    3: '530c4cf0b111babc997b96d06b846475aa3ff9e04cd83ebc191b02abdb21f984',
    4: '8add6da9c77ec7f7ec98fd2302ad5b4d4de027643c9b8430a9a5de7e7121162e',
    5: '39b34aa271d884bd387b86c72cf3664e29fe411093bdc29a403b0c1b4a7b09c6',
    6: '37e218e543763853450fc976e475b830e6a7beb87a6dbed90449f5c728ea53e2',
    7: 'e7b049beec3cd5387f9178cee874aa9aeb19c45460a61871f6047b6ddf2540cd',
    8: '52ee562af0309ee28b57f7c49b264a14205b63e6eeab13d944ef551ee6fd88c2',
    12: '5ff4fd2ac291b412566db0e17c3251c75e0c187aa6a49b9715cc2186b8e0098d',
    13: '72e6e02bb36b612774ba069fe7ab11693c7c6ded31b22ca1647de271ebd74275',
    15: '096f357f3645fbc32b0f55d6655f1c43323301e786149dbec4d985097f8c35b0',
    16: '8e318ddc75eae1bd93305501eb71713c85a93d376e0264672f494dc74a51d20e',
    19: '1a78ff266ea24f71c2c1c3501906318c15d0c1067295475c96452a8a30a39e08',
    20: 'e3ec6bcc3d70e7ae7dfca65eb1ea17e5c84c9af3c9bac6202d237cc14bcff37a',
  },
  postgres: {
    1: '0e2f152526bbe1a6bffd1841fd8d9a1a8439af1731e611ce5ce03ac6e9f15c09',
    2: '4a6f87453813d42a8f4b9bf31f2217f1efc0b6c70cdfd1cb0cc99b7593b4e67a',
    3: '530c4cf0b111babc997b96d06b846475aa3ff9e04cd83ebc191b02abdb21f984',
    4: '8add6da9c77ec7f7ec98fd2302ad5b4d4de027643c9b8430a9a5de7e7121162e',
    5: '39b34aa271d884bd387b86c72cf3664e29fe411093bdc29a403b0c1b4a7b09c6',
    6: '9ac7c49e56d8e628ea6344a6756325ed9afe683f7be9f6dedaf665d043bf368f',
    7: 'f74a1f77ad494aee99394887c09e377f35cd050e53a9f0962de5aeabb9bc6f5d',
    8: '52ee562af0309ee28b57f7c49b264a14205b63e6eeab13d944ef551ee6fd88c2',
    12: 'b6e5e4e41a265a4a0fc9ab67c860aa72fffd60c6018bd799aeccd244ebc74a2e',
    13: '4dc304aac31e45a576116c9dc6c86646f739e20466f501bc33fcb71edc6b440c',
    15: '56decb925b6bb29840713963a91130c8131a4594458faf1bc7a9b80cde7ca43f',
    16: '8e318ddc75eae1bd93305501eb71713c85a93d376e0264672f494dc74a51d20e',
    19: '1a78ff266ea24f71c2c1c3501906318c15d0c1067295475c96452a8a30a39e08',
    20: 'e3ec6bcc3d70e7ae7dfca65eb1ea17e5c84c9af3c9bac6202d237cc14bcff37a',
  },
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

describe('released migrations', () => {
  for (const dialect of [sqliteDialect, postgresDialect]) {
    it(`produce for ${dialect.name} the SQL they produced when released`, () => {
      const released = RELEASED[dialect.name] ?? {}
      const produced = Object.fromEntries(
        migrationsFor(dialect)
          .filter((migration) => migration.version in released)
          .map((migration) => [migration.version, sha256(migration.sql)]),
      )
      expect(produced).toEqual(released)
    })
  }

  it('keep the names recorded in pipeshub_oauth_migrations when released', () => {
    expect(
      migrationsFor(sqliteDialect)
        .slice(0, 8)
        .map((migration) => migration.name),
    ).toEqual([
      'initial',
      'client_disabled_at',
      'client_web_origins',
      'refresh_token_replaced_by',
      'grant_resources',
      'client_registrations',
      'user_profile_claims',
      'client_id_token_signed_response_alg',
    ])
  })

  // Numbers are handed out per task and may land out of order (11 before 9), so a gap is allowed while
  // the lower number is in flight: each migration applies once, by number, whatever the order.
  it('are numbered in increasing order from 1, never repeating a number', () => {
    const versions = migrationsFor(sqliteDialect).map((migration) => migration.version)
    expect(versions[0]).toBe(1)
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b))
  })
})
