export * from "./Ids.js"
export * from "./Lesson.js"
export * from "./Rng.js"
export * from "./TaskItem.js"
