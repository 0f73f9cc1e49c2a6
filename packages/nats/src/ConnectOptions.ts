/**
 * `NatsClientOptions` → nats.js `ConnectionOptions`, credentials included: user/password or token (also when
 * embedded in a server URL), an NKey seed file, a `.creds` file, TLS files. Files are read and checked here, once,
 * so a missing or malformed one fails with `NatsCredentialsError` naming the file instead of a nats.js error at
 * the first (re)connect. Shared by every connection Lyceum makes (NatsClient, SharedLimits).
 */
import * as fs from "node:fs/promises"
import { Effect, Redacted, Schema } from "effect"
import { type ConnectionOptions, credsAuthenticator, nkeyAuthenticator, nkeys } from "nats"
import type { NatsClientOptions } from "./NatsClient.js"
import { NatsCredentialsError } from "./NatsError.js"

/**
 * A subject prefix for a connection's reply inboxes: dot-separated tokens, no whitespace, no wildcards. A worker
 * uses `_INBOX_<name>` so the server can let it subscribe to its own replies (JetStream pulls) and no one else's.
 */
export const InboxPrefix = Schema.String.pipe(
  Schema.pattern(/^[^\s.*>]+(\.[^\s.*>]+)*$/, {
    message: () =>
      "an inbox prefix must be dot-separated subject tokens without whitespace or the wildcards * and >, e.g. _INBOX_w1",
  }),
)
const isInboxPrefix = Schema.is(InboxPrefix)

/** Credentials found in a server URL (`nats://user:pass@host`, or `nats://token@host` as nats-server reads it). */
type UrlCredentials = { readonly token: string } | { readonly user: string; readonly pass: string }

const parse = (url: string): URL | undefined => {
  try {
    // A bare host:port has no scheme; give it one so the user info (if any) is found.
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `nats://${url}`)
  } catch {
    return undefined
  }
}

/** The URL with its password or token replaced by `***`: what may be printed, logged or stored. */
export const redactUrl = (url: string): string => {
  const at = url.lastIndexOf("@")
  if (at < 0) return url
  const schemeEnd = url.indexOf("://")
  const start = schemeEnd < 0 ? 0 : schemeEnd + 3
  if (at < start) return url
  const userInfo = url.slice(start, at)
  const colon = userInfo.indexOf(":")
  // `user:pass@` keeps the user; a lone `token@` is all secret.
  const shown = colon < 0 ? "***" : `${userInfo.slice(0, colon)}:***`
  return `${url.slice(0, start)}${shown}${url.slice(at)}`
}

/** Every server, redacted, joined for messages. */
export const redactServers = (servers: ReadonlyArray<string>): string => servers.map(redactUrl).join(", ")

/** The URL without user info (nats.js ignores it; it would only leak into its logs), and the credentials. */
const splitUrl = (
  url: string,
): { readonly url: string; readonly credentials: UrlCredentials | undefined } => {
  const parsed = parse(url)
  if (parsed === undefined || (parsed.username === "" && parsed.password === "")) {
    return { url, credentials: undefined }
  }
  const user = decodeURIComponent(parsed.username)
  const credentials: UrlCredentials =
    parsed.password === "" ? { token: user } : { user, pass: decodeURIComponent(parsed.password) }
  const at = url.lastIndexOf("@")
  const schemeEnd = url.indexOf("://")
  return { url: `${schemeEnd < 0 ? "" : url.slice(0, schemeEnd + 3)}${url.slice(at + 1)}`, credentials }
}

const readFile = (file: string, what: string, hint: string) =>
  Effect.tryPromise({
    try: () => fs.readFile(file),
    catch: (cause) =>
      new NatsCredentialsError({
        file,
        message: `Cannot read the NATS ${what} ${file} (${(cause as NodeJS.ErrnoException).code ?? String(cause)}); ${hint}`,
        cause,
      }),
  })

/** A minimal view of nkeys.js (nats re-exports it untyped). */
interface KeyPair {
  readonly getPublicKey: () => string
}
const fromSeed = (nkeys as { fromSeed: (seed: Uint8Array) => KeyPair }).fromSeed

const malformed = (file: string, what: string, hint: string, cause?: unknown) =>
  new NatsCredentialsError({ file, message: `The NATS ${what} ${file} is malformed: ${hint}`, cause })

/** The seed of an NKey file: its first line starting with `SU` (a user seed), trimmed. */
const readNkeySeed = (file: string) =>
  Effect.gen(function* () {
    const text = new TextDecoder().decode(yield* readFile(file, "NKey seed file", nkeyHint))
    const seed = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find((line) => line.startsWith("SU"))
    if (seed === undefined) return yield* malformed(file, "NKey seed file", nkeyHint)
    const bytes = new TextEncoder().encode(seed)
    yield* Effect.try({
      try: () => fromSeed(bytes),
      catch: (cause) => malformed(file, "NKey seed file", nkeyHint, cause),
    })
    return bytes
  })
const nkeyHint =
  "give a file holding a user seed (a line starting with SU, as `nk -gen user` writes), whose public key (U...) the server's authorization lists"

// The two armored blocks of a .creds file, as nats.js' credsAuthenticator finds them.
const credsBlock = /\s*(?:(?:-{3,}[^\n]*-{3,}\n)(.+)(?:\n\s*-{3,}[^\n]*-{3,}\n))/gi
const credsHint =
  "expected a user JWT block and an NKEY seed block, as `nsc generate creds` writes them; generate the file again"

/** The bytes of a .creds file, checked the way nats.js will parse them at every connect. */
const readCreds = (file: string) =>
  Effect.gen(function* () {
    const bytes = yield* readFile(file, "credentials file", credsHint)
    const text = new TextDecoder().decode(bytes)
    const blocks = [...text.matchAll(credsBlock)].map((m) => (m[1] ?? "").trim())
    const [jwt, seed] = blocks
    if (jwt === undefined || seed === undefined || jwt.split(".").length !== 3) {
      return yield* malformed(file, "credentials file", credsHint)
    }
    yield* Effect.try({
      try: () => fromSeed(new TextEncoder().encode(seed)),
      catch: (cause) => malformed(file, "credentials file", `its NKEY seed is invalid; ${credsHint}`, cause),
    })
    return bytes
  })

const checkReadable = (file: string, what: string) =>
  Effect.tryPromise({
    try: () => fs.access(file, fs.constants.R_OK),
    catch: (cause) =>
      new NatsCredentialsError({
        file,
        message: `Cannot read the NATS TLS ${what} ${file} (${(cause as NodeJS.ErrnoException).code ?? String(cause)}); check the path and its permissions`,
        cause,
      }),
  })

/** Which credential the server checked, for an error that says what to fix. */
export const describeCredentials = (options: NatsClientOptions): string => {
  const fromUrl = options.servers.map((s) => splitUrl(s).credentials).find((c) => c !== undefined)
  if (fromUrl !== undefined) {
    return "token" in fromUrl
      ? "the token in the server URL"
      : `the password of user "${fromUrl.user}" in the server URL`
  }
  if (options.credsFile !== undefined) return `the credentials file ${options.credsFile}`
  if (options.nkeyFile !== undefined) return `the NKey seed in ${options.nkeyFile}`
  if (options.token !== undefined) return "the token"
  if (options.user !== undefined) return `the password of user "${options.user}"`
  return "credentials (none were given; the server requires some)"
}

/**
 * The options nats.js connects with. Credentials embedded in a server URL win over `user`/`pass`/`token` (as in
 * nats.go and the nats CLI); one set of credentials serves every server of the connection.
 */
export const toConnectionOptions = (
  options: NatsClientOptions,
): Effect.Effect<ConnectionOptions, NatsCredentialsError> =>
  Effect.gen(function* () {
    const split = options.servers.map(splitUrl)
    const fromUrl = split.map((s) => s.credentials).find((c) => c !== undefined)
    const out: ConnectionOptions = {
      servers: split.map((s) => s.url),
      timeout: options.connectTimeoutMs ?? 5_000,
      reconnect: true,
      maxReconnectAttempts: options.maxReconnectAttempts ?? -1,
      reconnectTimeWait: options.reconnectTimeWaitMs ?? 1_000,
      noAsyncTraces: options.noAsyncTraces ?? true,
    }
    if (options.name !== undefined) out.name = options.name
    if (options.inboxPrefix !== undefined) {
      // Options are usually built in code, not decoded: check here. A bad prefix is a caller's bug (a defect).
      if (!isInboxPrefix(options.inboxPrefix)) {
        return yield* Effect.dieMessage(
          `Invalid NATS inboxPrefix ${JSON.stringify(options.inboxPrefix)}: it must be dot-separated subject tokens without whitespace or the wildcards * and >, e.g. _INBOX_w1`,
        )
      }
      out.inboxPrefix = options.inboxPrefix
    }
    if (fromUrl !== undefined) {
      if ("token" in fromUrl) out.token = fromUrl.token
      else {
        out.user = fromUrl.user
        out.pass = fromUrl.pass
      }
    } else {
      if (options.user !== undefined) out.user = options.user
      if (options.pass !== undefined) out.pass = Redacted.value(options.pass)
      if (options.token !== undefined) out.token = Redacted.value(options.token)
    }
    // nats.js reads the files at every connect; read them once here so a bad file fails now, by name.
    if (options.credsFile !== undefined)
      out.authenticator = credsAuthenticator(yield* readCreds(options.credsFile))
    else if (options.nkeyFile !== undefined)
      out.authenticator = nkeyAuthenticator(yield* readNkeySeed(options.nkeyFile))
    if (options.tls !== undefined) {
      const { caFile, certFile, keyFile } = options.tls
      if (caFile !== undefined) yield* checkReadable(caFile, "CA file")
      if (certFile !== undefined) yield* checkReadable(certFile, "client certificate")
      if (keyFile !== undefined) yield* checkReadable(keyFile, "client key")
      out.tls = {
        ...(caFile !== undefined ? { caFile } : {}),
        ...(certFile !== undefined ? { certFile } : {}),
        ...(keyFile !== undefined ? { keyFile } : {}),
      }
    }
    return out
  })
