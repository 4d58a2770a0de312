// Package lexicon holds the curated French synonym lexicon of the job
// offers of the Province Sud (New Caledonia): job titles and their variants,
// administrative acronyms, and the communes with their spellings.
//
// The lexicon is the embedded file synonyms.txt. Its format is one group per
// line:
//
//	# a comment runs to the end of the line
//	infirmier, infirmière, IDE, infirmier diplômé d'État
//	informaticien => développeur, technicien informatique
//
// A line of comma-separated terms is an equivalence group: every term stands
// for every other. A line "a, b => c, d" is one-way: a and b expand to c and
// d, but c and d do not expand back. Terms may be several words long.
//
// The package only parses; matching terms against text (analysis, accents,
// plurals) is the business of the packages that use it, such as fulltext.
// It depends on the standard library only.
package lexicon
