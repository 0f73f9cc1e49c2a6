import { mkdtempSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { natsServerOn, useNetns } from "./support/Netns.js"

// Hosts on one test network: the NATS server, and the machines that talk through it.
const hosts = useNetns(["nats", "b", "c", "d"])
const dir = mkdtempSync(join(tmpdir(), "lyceum-multihost-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const natsJs = createRequire(import.meta.url).resolve("nats")
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const until = async (done: () => boolean, timeoutMs: number, what: string) => {
  for (const start = Date.now(); !done(); await sleep(50)) {
    if (Date.now() - start > timeoutMs) throw new Error(`waited ${timeoutMs} ms for ${what}`)
  }
}

// A nats.js client that prints what it receives on probe.> ...
const subscriber = `
const { connect } = require(process.env.NATS_JS)
connect({ servers: process.env.NATS_URL, maxReconnectAttempts: -1, reconnectTimeWait: 200 }).then((nc) => {
  const sub = nc.subscribe("probe.>")
  nc.flush().then(() => console.log("ready"))
  ;(async () => { for await (const m of sub) console.log("got " + m.subject + " " + m.string()) })()
})`
// ... and one that publishes a numbered message every 100 ms, printing every status change. It pings every
// 500 ms, so it notices a dead link after ~1.5 s and starts reconnecting, as a worker would.
const publisher = `
const { connect } = require(process.env.NATS_JS)
connect({ servers: process.env.NATS_URL, maxReconnectAttempts: -1, reconnectTimeWait: 200, pingInterval: 500, maxPingOut: 2 }).then((nc) => {
  ;(async () => { for await (const s of nc.status()) console.log("status " + s.type) })()
  console.log("ready")
  let n = 0
  setInterval(() => { n++; nc.publish(process.env.SUBJECT, String(n)); console.log("sent " + n) }, 100)
})`

describe.skipIf(hosts.skip !== undefined)("hosts in network namespaces", () => {
  it("cutting one host's link stops its messages without killing it; restored, it reconnects", async () => {
    const net = hosts.net
    const server = await natsServerOn(net, "nats", dir)
    const env = (subject: string) => ({
      env: { ...process.env, NATS_JS: natsJs, NATS_URL: server.url, SUBJECT: subject },
    })
    const b = net.exec("b", process.execPath, ["-e", subscriber], env(""))
    await b.waitFor(/^ready$/)
    const c = net.exec("c", process.execPath, ["-e", publisher], env("probe.c"))
    net.exec("d", process.execPath, ["-e", publisher], env("probe.d"))
    await Promise.all([b.waitFor(/^got probe\.c /), b.waitFor(/^got probe\.d /)])
    const received = (host: string) =>
      b.lines
        .filter((line) => line.startsWith(`got probe.${host} `))
        .map((line) => Number(line.split(" ")[2]))

    net.cut("c")
    const cutAt = Date.now()
    // Whatever was already on the wire lands within a moment; after that nothing from c gets through.
    await sleep(300)
    const cBefore = received("c").length
    const dBefore = received("d").length
    const cSentBefore = c.lines.filter((line) => line.startsWith("sent ")).length
    await c.waitFor(/^status disconnect$/, 5_000)
    await sleep(Math.max(0, 3_500 - (Date.now() - cutAt)))
    expect(received("c").length).toBe(cBefore)
    // c is alive and still trying: it kept publishing into its dead link ...
    expect(c.child.exitCode).toBeNull()
    expect(c.lines.filter((line) => line.startsWith("sent ")).length).toBeGreaterThan(cSentBefore + 10)
    // ... while d, on the same server, was never cut off.
    expect(received("d").length).toBeGreaterThan(dBefore + 10)
    const lastBeforeCut = Math.max(...received("c"))

    net.restore("c")
    await c.waitFor(/^status reconnect$/, 10_000)
    // Messages published after the reconnect arrive again.
    const sentSince = Number(
      c.lines
        .filter((line) => line.startsWith("sent "))
        .at(-1)!
        .split(" ")[1],
    )
    await until(() => received("c").some((n) => n > sentSince), 10_000, "a message c sent after reconnecting")
    expect(Math.max(...received("c"))).toBeGreaterThan(lastBeforeCut)
    expect(c.child.exitCode).toBeNull()
  })
})
