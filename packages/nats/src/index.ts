export * as NatsClient from "./NatsClient.js"
export * as NatsError from "./NatsError.js"
export * as NatsServer from "./NatsServer.js"
export * as Subjects from "./Subjects.js"
