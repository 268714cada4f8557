import * as age from 'age-encryption'
import { describe, expect, it } from 'vitest'
import { BzzzError } from '../../../src-shared/errors.ts'
import { ageDecrypt, ageEncrypt, ageRecipientOf, armor, generateAgeIdentity, NativeX25519Identity } from './age.ts'

describe('age with native X25519 stanzas', () => {
  it('round-trips to several recipients; each one decrypts with its own identity', async () => {
    const ids = Array.from({ length: 4 }, () => generateAgeIdentity())
    const ct = await ageEncrypt('decision text', ids.map(ageRecipientOf))
    for (const id of ids) {
      const r = await ageDecrypt(ct, [new NativeX25519Identity(id)])
      expect(new TextDecoder().decode(r?.plaintext)).toBe('decision text')
    }
  })

  it('returns null for a non-recipient and names which identity matched', async () => {
    const [a, b, c] = [generateAgeIdentity(), generateAgeIdentity(), generateAgeIdentity()]
    const ct = await ageEncrypt('x', [ageRecipientOf(b)])
    expect(await ageDecrypt(ct, [new NativeX25519Identity(a)])).toBeNull()
    const r = await ageDecrypt(ct, [new NativeX25519Identity(a), new NativeX25519Identity(b), new NativeX25519Identity(c)])
    expect(r?.identity.recipient).toBe(ageRecipientOf(b))
  })

  it('interoperates with the library reference path both ways', async () => {
    const id = await age.generateX25519Identity()
    const recipient = await age.identityToRecipient(id)
    expect(ageRecipientOf(id)).toBe(recipient)
    const ours = await ageEncrypt('from native', [recipient])
    const d = new age.Decrypter()
    d.addIdentity(id)
    expect(await d.decrypt(ours, 'text')).toBe('from native')
    const e = new age.Encrypter()
    e.addRecipient(recipient)
    const theirs = await e.encrypt('from library')
    expect(new TextDecoder().decode((await ageDecrypt(theirs, [new NativeX25519Identity(id)]))?.plaintext)).toBe('from library')
  })

  it('rejects tampered ciphertext, bad armor and bad keys with clear errors', async () => {
    const id = generateAgeIdentity()
    const ct = await ageEncrypt('secret', [ageRecipientOf(id)])
    const flipped = new Uint8Array(ct)
    flipped[flipped.length - 3]! ^= 1
    await expect(ageDecrypt(flipped, [new NativeX25519Identity(id)])).rejects.toBeInstanceOf(BzzzError)
    // A changed stanza looks like a stanza for someone else: nothing opens it.
    const stanza = new Uint8Array(ct)
    stanza[30]! ^= 1
    expect(await ageDecrypt(stanza, [new NativeX25519Identity(id)])).toBeNull()
    // A changed header MAC is tampering, named as such.
    const mac = new Uint8Array(ct)
    const macAt = Buffer.from(ct).indexOf('\n--- ') + 6
    mac[macAt] = mac[macAt] === 0x41 ? 0x42 : 0x41
    await expect(ageDecrypt(mac, [new NativeX25519Identity(id)])).rejects.toThrow(/header HMAC/)
    expect(() => armor.decode('-----BEGIN AGE ENCRYPTED FILE-----\nnope\n')).toThrow(BzzzError)
    expect(() => new NativeX25519Identity('AGE-SECRET-KEY-1NOPE')).toThrow(/age identity/)
    expect(() => ageRecipientOf('age1notakey')).toThrow(BzzzError)
    await expect(ageEncrypt('x', [])).rejects.toThrow(/at least one recipient/)
  })
})
