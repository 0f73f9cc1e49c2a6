/** A kind's report tables and HTML sections: the report package renders them in every format. */
export type { KindReport, KindTable } from "@lyceum/report"
