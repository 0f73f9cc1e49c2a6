import { Redacted } from "effect"
import * as Option from "effect/Option"
import { describe, expect, it } from "vitest"
import { type NatsAuthFlags, natsClientOptions } from "../src/NatsOptions.js"

const none: NatsAuthFlags = {
  natsUser: Option.none(),
  natsCreds: Option.none(),
  natsNkey: Option.none(),
  natsCa: Option.none(),
  natsCert: Option.none(),
  natsKey: Option.none(),
}

describe("NATS options from flags and environment", () => {
  it("takes NATS_* variables, flags winning, secrets only from the environment and redacted", () => {
    const options = natsClientOptions(
      "nats://h:4222",
      "lyceum-run",
      { ...none, natsUser: Option.some("flag-user"), natsCa: Option.some("/flag/ca.pem") },
      {
        NATS_USER: "env-user",
        NATS_PASSWORD: "pw",
        NATS_TOKEN: "tok",
        NATS_NKEY: "/env/user.nk",
        NATS_CREDS: "/env/user.creds",
        NATS_CA: "/env/ca.pem",
        NATS_CERT: "/env/cert.pem",
        NATS_KEY: "",
      },
    )
    expect(options).toMatchObject({
      servers: ["nats://h:4222"],
      name: "lyceum-run",
      user: "flag-user",
      nkeyFile: "/env/user.nk",
      credsFile: "/env/user.creds",
      tls: { caFile: "/flag/ca.pem", certFile: "/env/cert.pem" },
    })
    expect(options.tls).not.toHaveProperty("keyFile") // empty variables count as unset
    expect(Redacted.value(options.pass!)).toBe("pw")
    expect(Redacted.value(options.token!)).toBe("tok")
    expect(JSON.stringify(options)).not.toContain("pw")
  })

  it("connects without credentials when none are given", () => {
    expect(natsClientOptions("nats://h:4222", "w", none, {})).toEqual({
      servers: ["nats://h:4222"],
      name: "w",
    })
  })
})
