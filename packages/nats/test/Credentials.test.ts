import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { type Authenticator, nkeys } from "nats"
import { redactUrl, toConnectionOptions } from "../src/ConnectOptions.js"
import * as NatsClient from "../src/NatsClient.js"
import * as NatsServer from "../src/NatsServer.js"
import { failure } from "./utils.js"

interface KeyPair {
  getSeed(): Uint8Array
  getPublicKey(): string
}
const createUser = (nkeys as { createUser: () => KeyPair }).createUser

const tempDir = Effect.acquireRelease(
  Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "lyceum-creds-"))),
  (dir) => Effect.promise(() => fs.rm(dir, { recursive: true, force: true })),
)

const write = (dir: string, name: string, content: string | Uint8Array) =>
  Effect.promise(async () => {
    const file = path.join(dir, name)
    await fs.writeFile(file, content)
    return file
  })

const b64url = (text: string) => Buffer.from(text).toString("base64url")

/** A .creds file as `nsc generate creds` lays it out (the JWT is not signed: only its shape is checked here). */
const credsText = (jwt: string, seed: string) =>
  [
    "-----BEGIN NATS USER JWT-----",
    jwt,
    "------END NATS USER JWT------",
    "",
    "************************* IMPORTANT *************************",
    "NKEY Seed printed below can be used to sign and prove identity.",
    "",
    "-----BEGIN USER NKEY SEED-----",
    seed,
    "------END USER NKEY SEED------",
    "",
  ].join("\n")

describe("connection options", () => {
  it.effect("maps user, password and token, and takes credentials out of a server URL", () =>
    Effect.gen(function* () {
      const plain = yield* toConnectionOptions({
        servers: ["nats://127.0.0.1:4222"],
        user: "ada",
        pass: Redacted.make("lovelace"),
      })
      expect(plain).toMatchObject({ servers: ["nats://127.0.0.1:4222"], user: "ada", pass: "lovelace" })
      const inUrl = yield* toConnectionOptions({
        servers: ["nats://ada:p%40ss@10.0.0.1:4222", "nats://10.0.0.2:4222"],
        user: "other",
        pass: Redacted.make("ignored"),
      })
      expect(inUrl).toMatchObject({
        servers: ["nats://10.0.0.1:4222", "nats://10.0.0.2:4222"],
        user: "ada",
        pass: "p@ss",
      })
      const token = yield* toConnectionOptions({ servers: ["nats://s3cret@host:4222"] })
      expect(token).toMatchObject({ servers: ["nats://host:4222"], token: "s3cret" })
    }),
  )

  it("redacts passwords and tokens in URLs", () => {
    expect(redactUrl("nats://ada:lovelace@host:4222")).toBe("nats://ada:***@host:4222")
    expect(redactUrl("nats://t0ken@host:4222")).toBe("nats://***@host:4222")
    expect(redactUrl("tls://host:4222")).toBe("tls://host:4222")
    expect(redactUrl("ada:pw@host:4222")).toBe("ada:***@host:4222")
  })

  it.scoped("reads a .creds file once into an authenticator that signs the server's nonce", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const user = createUser()
      const jwt = `${b64url('{"typ":"JWT","alg":"ed25519-nkey"}')}.${b64url('{"sub":"U"}')}.c2ln`
      const file = yield* write(dir, "user.creds", credsText(jwt, new TextDecoder().decode(user.getSeed())))
      const options = yield* toConnectionOptions({ servers: ["nats://host:4222"], credsFile: file })
      const auth = (options.authenticator as Authenticator)("nonce-1") as { jwt: string; nkey: string }
      expect(auth.jwt).toBe(jwt)
      expect(auth.nkey).toBe(user.getPublicKey())
    }),
  )

  it.scoped("fails a missing or malformed credentials file with NatsCredentialsError naming it", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const missing = path.join(dir, "absent.creds")
      const notFound = yield* failure(toConnectionOptions({ servers: ["nats://h:4222"], credsFile: missing }))
      expect(notFound._tag).toBe("NatsCredentialsError")
      expect(notFound.message).toContain(missing)
      expect(notFound.message).toContain("ENOENT")

      const garbled = yield* write(dir, "garbled.creds", "this is not a creds file\n")
      const bad = yield* failure(toConnectionOptions({ servers: ["nats://h:4222"], credsFile: garbled }))
      expect(bad).toMatchObject({ _tag: "NatsCredentialsError", file: garbled })
      expect(bad.message).toContain("nsc generate creds")

      const badSeed = yield* write(dir, "seed.creds", credsText("a.b.c", "SUNOTASEED"))
      const seedError = yield* failure(
        toConnectionOptions({ servers: ["nats://h:4222"], credsFile: badSeed }),
      )
      expect(seedError.message).toContain("seed is invalid")

      const nkey = yield* write(dir, "user.nk", "no seed here\n")
      const nkeyError = yield* failure(toConnectionOptions({ servers: ["nats://h:4222"], nkeyFile: nkey }))
      expect(nkeyError).toMatchObject({ _tag: "NatsCredentialsError", file: nkey })
      expect(nkeyError.message).toContain("starting with SU")

      const ca = path.join(dir, "ca.pem")
      const caError = yield* failure(toConnectionOptions({ servers: ["nats://h:4222"], tls: { caFile: ca } }))
      expect(caError).toMatchObject({ _tag: "NatsCredentialsError", file: ca })
    }),
  )
})

describe("authenticating to nats-server", () => {
  it.scopedLive("connects with an NKey seed file and rejects another key, naming the file", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const user = createUser()
      const server = yield* NatsServer.make({
        extraConfig: `authorization { users = [ { nkey: ${user.getPublicKey()} } ] }`,
      })
      const seedFile = yield* write(dir, "user.nk", user.getSeed())
      const client = yield* NatsClient.make({ servers: [server.url], nkeyFile: seedFile })
      yield* client.flush

      const stranger = yield* write(dir, "stranger.nk", createUser().getSeed())
      const error = yield* failure(NatsClient.make({ servers: [server.url], nkeyFile: stranger }))
      expect(error._tag).toBe("NatsPermissionDenied")
      expect(error.message).toContain(`the NKey seed in ${stranger}`)
    }),
  )

  it.scopedLive("takes a password from the URL and never shows it in an error", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make({ auth: { user: "ada", password: "lovelace" } })
      const withPassword = (password: string) => server.url.replace("nats://", `nats://ada:${password}@`)
      const client = yield* NatsClient.make({ servers: [withPassword("lovelace")] })
      yield* client.flush

      const error = yield* failure(NatsClient.make({ servers: [withPassword("babbage")] }))
      expect(error._tag).toBe("NatsPermissionDenied")
      expect(error.message).toContain(`nats://ada:***@127.0.0.1:${server.port}`)
      expect(error.message).toContain('the password of user "ada" in the server URL')
      expect(error.message).not.toContain("babbage")
      expect(JSON.stringify(error)).not.toContain("babbage")
    }),
  )

  it.scopedLive("says which credential a rejected connect used", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make({ auth: { token: "s3cret" } })
      const wrongToken = yield* failure(NatsClient.make({ servers: [server.url], token: Redacted.make("x") }))
      expect(wrongToken.message).toContain("rejected the token")
      const none = yield* failure(NatsClient.make({ servers: [server.url] }))
      expect(none.message).toContain("none were given")
    }),
  )
})
