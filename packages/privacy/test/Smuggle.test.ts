import { makeRng } from "@lyceum/core"
import { describe, expect, it } from "vitest"
import { cleanCorpus } from "../src/CleanCorpus.js"
import { composeSmuggles, smuggleList, smuggles, splitAcrossLessons, splitSecret } from "../src/Smuggle.js"

describe("smuggling transforms", () => {
  it("each applicable transform changes the secret it hides", () => {
    for (const secret of ["7391", "Olivia", "jane.doe@example.com"]) {
      for (const smuggle of smuggleList) {
        if (!smuggle.appliesTo(secret)) continue
        expect(smuggle.apply(secret, makeRng(1)), `${smuggle.name} on ${secret}`).not.toBe(secret)
      }
    }
  })

  it("examples of the disguises", () => {
    const rng = () => makeRng(2)
    expect(smuggles["spelled-digits"]!.apply("7391", rng())).toMatch(/^seven.+three.+nine.+one$/)
    expect(smuggles.base64!.apply("7391", rng())).toMatch(/^NzM5MQ/)
    expect(smuggles.reversed!.apply("Olivia", rng())).toBe("aivilO")
    expect(smuggles.rot13!.apply("Olivia", rng())).toBe("Byvivn")
    expect(composeSmuggles(smuggles.reversed!, smuggles.rot13!).apply("Olivia", rng())).toBe("nvivyB")
  })

  it("splits a secret into pieces that join back to it, one per lesson", () => {
    const pieces = splitSecret("agony library", 3, makeRng(4))
    expect(pieces).toHaveLength(3)
    expect(pieces.join("")).toBe("agony library")
    const lessons = splitAcrossLessons("agony library", 3, makeRng(4))
    lessons.forEach((lesson, i) => {
      expect(lesson).toContain(pieces[i])
      expect(lesson).not.toContain("agony library")
    })
  })
})

describe("clean corpus", () => {
  it("is seeded and full of numbers that are not secrets", () => {
    const corpus = cleanCorpus(300, 1)
    expect(cleanCorpus(300, 1)).toEqual(corpus)
    expect(corpus).toHaveLength(300)
    expect(corpus.filter((l) => /[0-9]{4}/.test(l)).length).toBeGreaterThan(50)
  })
})
