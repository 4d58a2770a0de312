// Package document extracts the text of an uploaded CV: PDF (through
// github.com/ledongthuc/pdf, the only package that imports it), DOCX (the
// standard library's archive/zip and encoding/xml) and plain text (UTF-8,
// UTF-16 with a byte-order mark, or Windows-1252/Latin-1, decoded with
// golang.org/x/text).
//
// Extract detects the format from the content (magic bytes) and the name's
// extension, and returns the text with its whitespace normalised: one line
// break between the lines of a paragraph, one blank line between
// paragraphs, NFC-composed accents. Every failure is an *offres.UserError of
// kind offres.ErrInvalid whose French message names the problem (« fichier
// illisible : PDF endommagé », « le PDF ne contient pas de texte : … »), so
// the API answers 400, never 500. Uploads are untrusted: Limits bounds the
// input size, the extracted text, the decompressed size of a DOCX, the
// pages, streams and time spent on a PDF.
package document
