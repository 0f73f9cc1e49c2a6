import { Options } from "@effect/cli"
import { type NatsClient, NatsError } from "@lyceum/nats"
import { Option, Redacted } from "effect"

/**
 * Credentials and TLS for every NATS connection of `lyceum run --nats` and `lyceum worker`: flags, else `NATS_*`
 * environment variables. Passwords and tokens come only from the environment (or the URL): a command line is
 * visible to every user of the machine (ps, /proc/PID/cmdline). Nothing here is stored or logged.
 */

const file = (name: string, env: string, what: string) =>
  Options.text(name).pipe(Options.withDescription(`${what} (or ${env})`), Options.optional)

export const natsAuthOptions = {
  natsUser: Options.text("nats-user").pipe(
    Options.withDescription(
      "NATS user name (or NATS_USER); its password only from NATS_PASSWORD, a token only from NATS_TOKEN, " +
        "never from a flag: command lines are visible to every user via ps",
    ),
    Options.optional,
  ),
  natsCreds: file("nats-creds", "NATS_CREDS", "NATS .creds file (user JWT and NKey seed, from nsc)"),
  natsNkey: file("nats-nkey", "NATS_NKEY", "file with an NKey user seed (SU...) the NATS server knows"),
  natsCa: file("nats-ca", "NATS_CA", "CA certificate (PEM) to verify the NATS server's TLS certificate"),
  natsCert: file("nats-cert", "NATS_CERT", "client certificate (PEM) for NATS TLS"),
  natsKey: file("nats-key", "NATS_KEY", "client private key (PEM) for NATS TLS"),
}

export interface NatsAuthFlags {
  readonly natsUser: Option.Option<string>
  readonly natsCreds: Option.Option<string>
  readonly natsNkey: Option.Option<string>
  readonly natsCa: Option.Option<string>
  readonly natsCert: Option.Option<string>
  readonly natsKey: Option.Option<string>
}

type Env = Readonly<Record<string, string | undefined>>

/** The flag, else the (non-empty) environment variable. */
const pick = (flag: Option.Option<string>, env: Env, name: string): string | undefined =>
  Option.getOrUndefined(flag) ?? (env[name] !== undefined && env[name] !== "" ? env[name] : undefined)

/** Options for one connection to `url` (which may carry `user:pass@`; NatsClient takes it out and redacts it). */
export const natsClientOptions = (
  url: string,
  name: string,
  flags: NatsAuthFlags,
  env: Env = process.env,
): NatsClient.NatsClientOptions => {
  const user = pick(flags.natsUser, env, "NATS_USER")
  const pass = pick(Option.none(), env, "NATS_PASSWORD")
  const token = pick(Option.none(), env, "NATS_TOKEN")
  const credsFile = pick(flags.natsCreds, env, "NATS_CREDS")
  const nkeyFile = pick(flags.natsNkey, env, "NATS_NKEY")
  const caFile = pick(flags.natsCa, env, "NATS_CA")
  const certFile = pick(flags.natsCert, env, "NATS_CERT")
  const keyFile = pick(flags.natsKey, env, "NATS_KEY")
  const tls = caFile !== undefined || certFile !== undefined || keyFile !== undefined
  // A cluster: several URLs, comma-separated; the client fails over between them.
  const servers = url
    .split(",")
    .map((u) => u.trim())
    .filter((u) => u.length > 0)
  return {
    servers: servers.length > 0 ? (servers as [string, ...Array<string>]) : [url],
    name,
    ...(user !== undefined && { user }),
    ...(pass !== undefined && { pass: Redacted.make(pass) }),
    ...(token !== undefined && { token: Redacted.make(token) }),
    ...(credsFile !== undefined && { credsFile }),
    ...(nkeyFile !== undefined && { nkeyFile }),
    ...(tls && {
      tls: {
        ...(caFile !== undefined && { caFile }),
        ...(certFile !== undefined && { certFile }),
        ...(keyFile !== undefined && { keyFile }),
      },
    }),
  }
}

const where =
  "lyceum reads them from --nats-user/NATS_USER with NATS_PASSWORD, NATS_TOKEN, --nats-nkey/NATS_NKEY, " +
  "--nats-creds/NATS_CREDS, or the --nats URL (nats://user:password@host:port)"

/** A connect the server refused, told in the CLI's terms: where those credentials come from. */
export const explainRejection = <E>(error: E): E =>
  error instanceof NatsError.NatsPermissionDenied && error.subject === undefined
    ? (new NatsError.NatsPermissionDenied({
        server: error.server,
        message: `${error.message} (${where})`,
        cause: error.cause,
      }) as E)
    : error
