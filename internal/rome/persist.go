package rome

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"offres/internal/atomicfile"
	"offres/internal/offres"
)

// The persisted form is a gzip stream (whose CRC-32 and length check the
// content) of one JSON object:
//
//	{"format": "offres-rome", "version": 1, "rome": "v460",
//	 "counts": {"codes": …, "appellations": …, "competences": …, "savoirs": …},
//	 "codes": […], "appellations": […], "competences": […], "savoirs": […]}
//
// The indexes are not stored: they are rebuilt when reading, from the
// records and the lexicon of the build that reads. A change to the records'
// fields is a new version; files of other versions are rejected rather than
// misread.
const (
	formatName    = "offres-rome"
	formatVersion = 1
	// maxFileSize bounds the decompressed size of a file (the v4.60
	// export takes about 7 MB).
	maxFileSize = 256 << 20
)

type fileCounts struct {
	Codes        int `json:"codes"`
	Appellations int `json:"appellations"`
	Competences  int `json:"competences"`
	Savoirs      int `json:"savoirs"`
}

type fileData struct {
	Format       string     `json:"format"`
	Version      int        `json:"version"`
	Rome         string     `json:"rome"`
	Counts       fileCounts `json:"counts"`
	Codes        []codeRec  `json:"codes"`
	Appellations []appRec   `json:"appellations"`
	Competences  []skillRec `json:"competences"`
	Savoirs      []skillRec `json:"savoirs"`
}

// WriteTo writes the taxonomy in its persisted form. It implements
// io.WriterTo.
func (t *Taxonomy) WriteTo(w io.Writer) (int64, error) {
	n, err := t.write(w)
	if err != nil {
		return n, fmt.Errorf("rome: write: %w", err)
	}
	return n, nil
}

func (t *Taxonomy) write(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	gz, err := gzip.NewWriterLevel(cw, gzip.BestCompression)
	if err != nil {
		return 0, err
	}
	data := fileData{
		Format:  formatName,
		Version: formatVersion,
		Rome:    t.version,
		Counts: fileCounts{
			Codes:        len(t.codes),
			Appellations: len(t.appellations),
			Competences:  len(t.competences),
			Savoirs:      len(t.savoirs),
		},
		Codes:        t.codes,
		Appellations: t.appellations,
		Competences:  t.competences,
		Savoirs:      t.savoirs,
	}
	bw := bufio.NewWriterSize(gz, 1<<16)
	if err := json.NewEncoder(bw).Encode(data); err != nil {
		return cw.n, err
	}
	if err := bw.Flush(); err != nil {
		return cw.n, err
	}
	err = gz.Close()
	return cw.n, err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Read reads a taxonomy written by WriteTo. A stream of another format or
// version, truncated or corrupt, is an error wrapping offres.ErrInvalid.
func Read(r io.Reader) (*Taxonomy, error) {
	t, err := read(r)
	if err != nil {
		return nil, fmt.Errorf("rome: read: %w", err)
	}
	return t, nil
}

func read(r io.Reader) (*Taxonomy, error) {
	gz, err := gzip.NewReader(bufio.NewReader(r))
	if err != nil {
		return nil, fmt.Errorf("not an offres ROME file: %w", invalid(err))
	}
	gz.Multistream(false)
	// Read to the end, so that gzip checks the CRC and the length.
	b, err := io.ReadAll(io.LimitReader(gz, maxFileSize+1))
	if err != nil {
		return nil, invalid(err)
	}
	if len(b) > maxFileSize {
		return nil, fmt.Errorf("more than %d bytes: %w", maxFileSize, invalid(nil))
	}
	var data fileData
	if err := json.Unmarshal(b, &data); err != nil {
		return nil, invalid(err)
	}
	if data.Format != formatName {
		return nil, fmt.Errorf("format %q, want %q: %w", data.Format, formatName, invalid(nil))
	}
	if data.Version != formatVersion {
		return nil, fmt.Errorf("format version %d, this build reads version %d (import the ROME again): %w",
			data.Version, formatVersion, invalid(nil))
	}
	got := fileCounts{len(data.Codes), len(data.Appellations), len(data.Competences), len(data.Savoirs)}
	if got != data.Counts {
		return nil, fmt.Errorf("counts %+v, the records are %+v: %w", data.Counts, got, invalid(nil))
	}
	if err := checkRecords(&data); err != nil {
		return nil, invalid(err)
	}
	t := &Taxonomy{
		version:      data.Rome,
		codes:        data.Codes,
		appellations: data.Appellations,
		competences:  data.Competences,
		savoirs:      data.Savoirs,
	}
	if err := t.build(); err != nil {
		return nil, invalid(err)
	}
	return t, nil
}

// checkRecords checks what build does not: the fields of each record.
func checkRecords(d *fileData) error {
	for _, c := range d.Codes {
		if !validCode(c.Code) || c.Label == "" || (c.Parent != "" && !validCode(c.Parent)) {
			return fmt.Errorf("bad code record %+v", c)
		}
	}
	for _, a := range d.Appellations {
		if a.ID == "" || a.Long == "" || !validCode(a.Code) {
			return fmt.Errorf("bad appellation record %+v", a)
		}
	}
	for _, list := range [][]skillRec{d.Competences, d.Savoirs} {
		for _, s := range list {
			if s.ID == "" || s.Label == "" {
				return fmt.Errorf("bad skill record %+v", s)
			}
		}
	}
	return nil
}

// invalid wraps err, if any, and offres.ErrInvalid.
func invalid(err error) error {
	if err == nil {
		return offres.ErrInvalid
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w: %w", err, offres.ErrInvalid)
}

// Save writes the taxonomy to path atomically: to a temporary file of the
// same directory, synced, then renamed over path.
func (t *Taxonomy) Save(path string) error {
	err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := t.write(w)
		return err
	})
	if err != nil {
		return fmt.Errorf("rome: save %s: %w", path, err)
	}
	return nil
}

// LoadFile reads a taxonomy saved by Save.
func LoadFile(path string) (*Taxonomy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("rome: %w", err)
	}
	defer f.Close()
	t, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}
