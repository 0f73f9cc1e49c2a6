declare const LYCEUM_VERSION: string | undefined

/** Injected by the build (build.mjs); running from source reports a dev version. */
export const version: string = typeof LYCEUM_VERSION === "string" ? LYCEUM_VERSION : "0.0.0-dev"
