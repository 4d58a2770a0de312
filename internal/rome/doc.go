// Package rome loads the ROME referential of France Travail (Répertoire
// Opérationnel des Métiers et des Emplois) from its official CSV export,
// keeps it in a compact file, and uses it to normalise job titles to ROME
// codes and to recognise ROME skills in free text (offers and CVs).
//
// # The export
//
// Load reads the "unix_*_utf8.csv" files of the export (v4.60 in
// ../shared/data/rome/): comma-separated, every field double-quoted, one
// record per line, a header line. Five files are required:
//
//	unix_referentiel_code_rome_*.csv    1,584 codes: code_rome, libelle_rome, code_rome_parent
//	unix_referentiel_appellation_*.csv  13,120 job titles (long and short label) → code_rome
//	unix_referentiel_competence_*.csv   18,317 competences (17,810 + 507 macro-competences)
//	unix_referentiel_savoir_*.csv       15,354 savoirs (knowledge)
//	unix_texte_*.csv                    texts per code: definition and acces_metier sentences
//
// and one is optional: unix_rubrique_mobilite_*.csv (code → nearby codes).
//
// Facts about v4.60 the package relies on or works around:
//
//   - The 1,584 codes are 532 historic "fiches métiers" (their own parent)
//     and 1,052 detailed v4 codes, each with a parent among the 532
//     (M1855 « Développeur / Développeuse web » → M1805). A Match carries
//     the parent in Code (the granularity offers are labelled with) and the
//     detailed code in Specific. The appellation file has a
//     code_rome_parent of its own, which differs from the codes file's for
//     404 appellations (« Chef / Cheffe de projet informatique », M1853:
//     M1803 there, M1805 in the codes file); the codes file's is used, so
//     that a code always has one parent.
//   - The text file writes every apostrophe twice, SQL-style (l, two
//     apostrophes, entretien); Load turns a doubled apostrophe into one in
//     every field.
//   - The texts are of two kinds only: "definition" and "acces_metier".
//     There is no "conditions" text in this export (CodeInfo.Conditions
//     stays empty; a future export's condition texts would land there).
//   - The export does not link competences or savoirs to codes: the
//     "coherence" files of the full export are absent, and
//     code_ogr_macro_comp only links a competence to its macro-competence.
//     The work-context file (contexte_travail) has no link to codes either
//     and is not loaded. Skills are therefore recognised against the whole
//     referential, not per code.
//
// A bad record (unbalanced quotes, wrong number of fields, a malformed or
// unknown code, a duplicate id) is skipped and reported in
// Taxonomy.Problems as "file:line: message"; it never stops an import. A
// missing required file or column is an error naming it.
//
// # Job titles
//
// NormalizeTitle folds the title (case, accents, elided articles), drops the
// inclusive and gender marks (« (e) », « (ne) », « ·e », « H/F »), splits
// « Développeur / Développeuse » into its alternatives, reduces plurals and
// feminine forms to one light stem, and matches the content words against an
// index of the appellations built at load (a map from stems to forms of
// appellations): exact, then every word, then partial, weighted by word
// rarity and word order. A title in several parts (« Garde-nature – parc
// provincial ») is also matched by its first part. The curated lexicon
// (package lexicon) adds synonyms of the appellations (« IDE » ≡
// « infirmier diplômé d'État »), at a small discount.
//
// # Skills
//
// FindSkills finds the competences and savoirs whose labels occur in a text,
// compared on the same stems, stop words skipped, never across strong
// punctuation, non-overlapping and longest first, with byte offsets into the
// original text so that an explanation can quote the evidence. Labels that
// would match everywhere are left out by a rule (see FindSkills); lexicon
// synonyms stand for the words of a label (« IA », « SIG »).
//
// # Persistence
//
// WriteTo and Read use a gzip stream of versioned JSON (about 1.2 MB for
// v4.60); Save writes it atomically, LoadFile reads it. A corrupt, truncated
// or foreign file is an error wrapping offres.ErrInvalid. The indexes are
// rebuilt when reading.
package rome
