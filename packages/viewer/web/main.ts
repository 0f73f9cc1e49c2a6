// The viewer's entry: the hash routes and the header with the database's name.
import { get, type Meta } from "./Api.js"
import { h, replace } from "./Dom.js"
import { answersPage } from "./pages/AnswersPage.js"
import { comparePage } from "./pages/ComparePage.js"
import { lessonPage } from "./pages/LessonPage.js"
import { lessonsPage } from "./pages/LessonsPage.js"
import { runPage } from "./pages/RunPage.js"
import { runsPage } from "./pages/RunsPage.js"
import type { Page, Route } from "./Router.js"
import { start } from "./Router.js"

const notFound: Page = ({ root, route }) =>
  replace(
    root,
    h("h1", {}, "Not found"),
    h("p", {}, `No page at #/${route.path.join("/")}. `, h("a", { href: "#/" }, "Back to the runs.")),
  )

const resolve = ({ path }: Route): Page => {
  const [first, id, sub, lessonId] = path
  if (first === undefined) return runsPage
  if (first === "compare") return comparePage
  if (first !== "run" || id === undefined) return notFound
  if (sub === undefined) return runPage
  if (sub === "lessons" && lessonId === undefined) return lessonsPage
  if (sub === "lesson" && lessonId !== undefined) return lessonPage
  if (sub === "answers") return answersPage
  return notFound
}

const main = () => {
  const root = document.getElementById("main")
  if (root === null) return
  start(root, resolve)
  const db = document.getElementById("db")
  get<Meta>("/api/meta").then(
    (meta) => {
      if (db !== null) db.textContent = `${meta.db} · schema ${meta.schemaVersion} · lyceum ${meta.version}`
      document.title = `Lyceum · ${meta.db.split("/").pop() ?? meta.db}`
    },
    () => undefined,
  )
}

main()
