// What the set-up scripts (ensure-nats-server.mjs, ensure-chromium.mjs) share: finding a binary, what this
// machine allows (apt as root or through sudo -n, LYCEUM_NO_INSTALL) and installing one Debian package.
import { spawnSync } from "node:child_process"
import { accessSync, constants } from "node:fs"

export const executable = (file) => {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

const succeeds = (command, args) => spawnSync(command, args, { stdio: "ignore" }).status === 0

/** The facts `plan` decides from, read from this machine and environment. */
export const machine = () => ({
  platform: process.platform,
  uid: process.getuid?.() ?? -1,
  hasApt: succeeds("sh", ["-c", "command -v apt-get"]),
  sudoWithoutPassword: succeeds("sh", ["-c", "command -v sudo && sudo -n true"]),
  noInstall: (process.env.LYCEUM_NO_INSTALL ?? "") !== "",
})

/**
 * What to do when the binary is missing, from what the machine allows: install with apt (as root or through
 * sudo -n), or `missing` (refuse or skip, as the caller decides) with the line the user needs.
 */
export const aptPlan = (
  { found, platform, uid, hasApt, sudoWithoutPassword, noInstall },
  what,
  how,
  missing,
) => {
  if (found !== undefined) return { action: "none", binary: found }
  if (noInstall) return { action: missing, message: `${what} not found and LYCEUM_NO_INSTALL is set: ${how}` }
  if (platform !== "linux" || !hasApt) return { action: missing, message: `${what} not found: ${how}` }
  if (uid === 0) return { action: "install", sudo: false }
  if (sudoWithoutPassword) return { action: "install", sudo: true }
  return { action: missing, message: `${what} not found, and installing it needs root: ${how}` }
}

/** `apt-get update` then `install` of one package; the failed step and its exit status, or undefined. */
export const aptInstall = (pkg, { sudo }) => {
  const prefix = sudo ? ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive"] : []
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
  for (const step of [
    ["apt-get", "update", "-y"],
    ["apt-get", "install", "-y", "--no-install-recommends", pkg],
  ]) {
    const [command, ...args] = [...prefix, ...step]
    const result = spawnSync(command, args, { stdio: ["ignore", "inherit", "inherit"], env })
    if (result.status !== 0) return { step: step.join(" "), status: result.status }
  }
  return undefined
}
