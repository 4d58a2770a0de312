#!/usr/bin/env bash
# Regenerates the fixtures of the document tests. They are committed: the
# tests never run this. It needs, as root on Debian:
#   apt-get install -y libreoffice-writer-nogui poppler-utils img2pdf qpdf
# (the committed files were made with LibreOffice 7.4, qpdf 11, img2pdf 0.4).
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The CV, in French with accents, two pages: PDF and DOCX from the same HTML.
soffice --headless --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export --outdir "$tmp" cv.html
soffice --headless --infilter="HTML (StarWriter)" --convert-to docx:"MS Word 2007 XML" --outdir "$tmp" cv.html
cp "$tmp/cv.pdf" "$tmp/cv.docx" .

# A scanned-like PDF: page 1 of the CV as a JPEG, no text layer.
pdftoppm -r 40 -gray -jpeg -jpegopt quality=60 -f 1 -l 1 cv.pdf "$tmp/scan"
img2pdf "$tmp/scan-1.jpg" -o scan.pdf

# Encrypted PDFs, from a one-line CV: a user password; an owner password
# only (AES-128: opens without a password); an owner password only with
# AES-256 (which the PDF library does not decrypt).
soffice --headless --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export --outdir "$tmp" court.html
qpdf --encrypt secret proprio 128 --use-aes=y -- "$tmp/court.pdf" cv-mot-de-passe.pdf
qpdf --encrypt "" proprio 128 --use-aes=y --print=none --modify=none -- "$tmp/court.pdf" cv-restreint.pdf
qpdf --encrypt "" proprio 256 -- "$tmp/court.pdf" cv-aes256.pdf

# cv.txt is UTF-8 with a byte-order mark and CRLF line ends; its
# Windows-1252 copy:
sed '1s/^\xEF\xBB\xBF//; s/\r$//' cv.txt | iconv -f UTF-8 -t WINDOWS-1252 > cv-latin1.txt
