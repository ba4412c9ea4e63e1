import type { MemberBoundaries } from './wire-fields.js'

// Boundaries of the OIDC Core §5.1 standard claims, shared by the UserInfo response and ID token tests.

const text: MemberBoundaries = {
  accept: ['Jane Doe', 'Zoë', 'x'],
  reject: [
    { value: '', keyword: 'minLength' },
    { value: 1, keyword: 'type' },
    { value: null, keyword: 'type' },
  ],
}
const url: MemberBoundaries = {
  accept: ['https://example.com/janedoe/me.jpg', 'http://127.0.0.1:8080/profile'],
  reject: [
    { value: 'janedoe.jpg', keyword: 'format' },
    { value: '', keyword: 'format' },
    { value: false, keyword: 'type' },
  ],
}
const verified: MemberBoundaries = {
  accept: [true, false],
  reject: [
    { value: 'true', keyword: 'type' },
    { value: 1, keyword: 'type' },
  ],
}

export const standardClaimsFull = {
  name: 'Jane Doe',
  given_name: 'Jane',
  family_name: 'Doe',
  middle_name: 'Q',
  nickname: 'JD',
  preferred_username: 'j.doe',
  profile: 'https://example.com/janedoe',
  picture: 'https://example.com/janedoe/me.jpg',
  website: 'https://janedoe.example',
  email: 'janedoe@example.com',
  email_verified: true,
  gender: 'female',
  birthdate: '0000-10-31',
  zoneinfo: 'Europe/Paris',
  locale: 'en-US',
  phone_number: '+1 (425) 555-1212',
  phone_number_verified: false,
  updated_at: 1311280970,
}

export const standardClaimsModel = {
  name: 'Jane Doe',
  givenName: 'Jane',
  familyName: 'Doe',
  middleName: 'Q',
  nickname: 'JD',
  preferredUsername: 'j.doe',
  profile: 'https://example.com/janedoe',
  picture: 'https://example.com/janedoe/me.jpg',
  website: 'https://janedoe.example',
  email: 'janedoe@example.com',
  emailVerified: true,
  gender: 'female',
  birthdate: '0000-10-31',
  zoneinfo: 'Europe/Paris',
  locale: 'en-US',
  phoneNumber: '+1 (425) 555-1212',
  phoneNumberVerified: false,
  updatedAt: 1311280970,
}

export const standardClaimsMembers: Record<string, MemberBoundaries> = {
  name: text,
  given_name: text,
  family_name: text,
  middle_name: text,
  nickname: text,
  preferred_username: text,
  profile: url,
  picture: url,
  website: url,
  email: text,
  email_verified: verified,
  gender: text,
  birthdate: {
    accept: ['1990-01-31', '1990', '0000-10-31'],
    reject: [
      { value: '31/01/1990', keyword: 'pattern' },
      { value: '90-01-31', keyword: 'pattern' },
      { value: '1990-01-31T00:00:00Z', keyword: 'pattern' },
      { value: 1990, keyword: 'type' },
    ],
  },
  zoneinfo: text,
  locale: text,
  phone_number: text,
  phone_number_verified: verified,
  updated_at: {
    accept: [0, 1311280970],
    reject: [
      { value: -1, keyword: 'minimum' },
      { value: 1311280970.25, keyword: 'type' },
      { value: '2011-07-21T20:42:50Z', keyword: 'type' },
    ],
  },
}

/** OIDC Core §2/§5.1 `sub`: 1 to 255 ASCII characters. */
export const oidcSubject: MemberBoundaries = {
  accept: ['248289761001', ' ', 'x'.repeat(255), '~'],
  reject: [
    { value: '', keyword: 'pattern' },
    { value: 'x'.repeat(256), keyword: 'pattern' },
    { value: 'usér', keyword: 'pattern' },
    { value: 'tab\t', keyword: 'pattern' },
    { value: 248289761001, keyword: 'type' },
  ],
}
