"""BM25 reference of offres-bench: Xapian, in-process, one thread.

Reads the corpus (NDJSON offers, offres' JSON) and the queries (a JSON list)
from the files named on the command line, indexes the offers into a Xapian
database on disk (its default backend, glass, in the directory named last)
with the French stemmer (title with a weight of 3,
employer, description, sections), then runs every query `rounds` times after
a warm-up pass (top 10, BM25, the default weighting; OP_AND with the
default query parser flags, as offres requires every term) and prints one
JSON object: indexing time and per-query latencies in seconds.

Run by offres-bench --reference xapian with Debian's /usr/bin/python3 and
python3-xapian; not meant to be run by hand.
"""
import json
import sys
import time

import xapian


def main():
    corpus, queries_file, rounds, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    with open(queries_file, encoding="utf-8") as f:
        queries = json.load(f)
    db = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE)
    stemmer = xapian.Stem("french")
    tg = xapian.TermGenerator()
    tg.set_stemmer(stemmer)
    tg.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
    start = time.perf_counter()
    docs = 0
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            doc = xapian.Document()
            tg.set_document(doc)
            tg.index_text(o.get("title", ""), 3)
            tg.increase_termpos()
            tg.index_text(o.get("employer", ""))
            tg.increase_termpos()
            tg.index_text(o.get("description", ""))
            for s in o.get("sections") or []:
                tg.increase_termpos()
                tg.index_text(s.get("heading", ""))
                tg.index_text(s.get("text", ""))
            doc.set_data(o.get("id", ""))
            db.add_document(doc)
            docs += 1
    db.commit()
    index_seconds = time.perf_counter() - start

    qp = xapian.QueryParser()
    qp.set_stemmer(stemmer)
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_database(db)
    qp.set_default_op(xapian.Query.OP_AND)
    enquire = xapian.Enquire(db)
    enquire.set_weighting_scheme(xapian.BM25Weight())

    def search(q):
        enquire.set_query(qp.parse_query(q))
        m = enquire.get_mset(0, 10)
        return [d.document.get_data() for d in m]

    for q in queries:  # warm-up
        search(q)
    lat = []
    for _ in range(rounds):
        for q in queries:
            t = time.perf_counter()
            search(q)
            lat.append(time.perf_counter() - t)
    json.dump({"engine": "Xapian " + xapian.version_string(), "docs": docs,
               "index_seconds": index_seconds, "latencies": lat}, sys.stdout)


if __name__ == "__main__":
    main()
