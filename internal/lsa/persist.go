package lsa

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
	"slices"

	"offres/internal/atomicfile"
	"offres/internal/offres"
)

// The model file, little-endian:
//
//	magic      8 bytes "offr-lsa"
//	version    uint32 (formatVersion)
//	ngramMin, ngramMax uint32, ngramShare float32, classic uint32 (0 or 1)
//	docs, corpus, features, dims uint32
//	ids        features × uint32, ascending
//	idf        features × float32
//	sigma      dims × float32
//	proj       features × dims float32, row-major (V_k, or V_k Σ_k⁻¹ if classic)
//	crc        uint32, CRC-32C of everything before it
//
// The version covers the analysis too (stop words, stemmer, hashing): a
// change to either is a new version, and files of other versions are
// rejected rather than misread.
const (
	magic         = "offr-lsa"
	formatVersion = 2
)

// Bounds checked when reading, so that a corrupt header cannot ask for
// gigabytes.
const (
	maxFileFeatures = MaxMaxFeatures
	maxFileDims     = MaxDimensions
	maxFileFloats   = 1 << 27 // proj: 512 MiB
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// WriteTo writes the model in its binary format. It implements
// io.WriterTo.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 1<<16)
	if err := m.encode(bw); err != nil {
		return cw.n, fmt.Errorf("lsa: write model: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return cw.n, fmt.Errorf("lsa: write model: %w", err)
	}
	return cw.n, nil
}

// encode writes the model and its CRC to w.
func (m *Model) encode(w io.Writer) error {
	crc := crc32.New(castagnoli)
	e := &encoder{w: io.MultiWriter(w, crc), buf: make([]byte, 0, 1<<15+8)}
	e.bytes([]byte(magic))
	e.u32(formatVersion)
	e.u32(uint32(m.an.ngramMin))
	e.u32(uint32(m.an.ngramMax))
	e.f32(m.ngramShare)
	classic := uint32(0)
	if m.classic {
		classic = 1
	}
	e.u32(classic)
	e.u32(uint32(m.docs))
	e.u32(uint32(m.corpus))
	e.u32(uint32(len(m.ids)))
	e.u32(uint32(m.dims))
	for _, id := range m.ids {
		e.u32(id)
	}
	for _, v := range m.idf {
		e.f32(v)
	}
	for _, v := range m.sigma {
		e.f32(v)
	}
	for _, v := range m.proj {
		e.f32(v)
	}
	e.flush()
	if e.err != nil {
		return e.err
	}
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], crc.Sum32())
	_, err := w.Write(sum[:])
	return err
}

// setName computes the model's id from its serialised form.
func (m *Model) setName() error {
	h := sha256.New()
	if err := m.encode(h); err != nil {
		return err
	}
	m.nameFrom(h)
	return nil
}

func (m *Model) nameFrom(h hash.Hash) {
	m.name = fmt.Sprintf("%s-v%d-%s", ModelPrefix, formatVersion, hex.EncodeToString(h.Sum(nil))[:8])
}

// Read reads a model written by WriteTo. A file of another format version,
// or that is truncated or corrupt, is an error wrapping offres.ErrInvalid.
func Read(r io.Reader) (*Model, error) {
	m, err := read(r)
	if err != nil {
		return nil, fmt.Errorf("lsa: read model: %w", err)
	}
	return m, nil
}

func read(r io.Reader) (*Model, error) {
	crc := crc32.New(castagnoli)
	sha := sha256.New()
	d := &decoder{r: io.TeeReader(bufio.NewReaderSize(r, 1<<16), io.MultiWriter(crc, sha))}
	head := d.bytes(len(magic))
	if d.err != nil || string(head) != magic {
		return nil, fmt.Errorf("not an offres LSA model: %w", invalid(d.err))
	}
	if v := d.u32(); d.err != nil || v != formatVersion {
		if d.err != nil {
			return nil, invalid(d.err)
		}
		return nil, fmt.Errorf("format version %d, this build reads version %d (retrain the model): %w", v, formatVersion, invalid(nil))
	}
	m := &Model{}
	m.an.ngramMin, m.an.ngramMax = int(d.u32()), int(d.u32())
	m.ngramShare = d.f32()
	classic := d.u32()
	m.classic = classic == 1
	m.docs = int(d.u32())
	m.corpus = int(d.u32())
	features, dims := int(d.u32()), int(d.u32())
	m.dims = dims
	switch {
	case d.err != nil:
		return nil, invalid(d.err)
	case m.an.ngramMax > 16 || m.an.ngramMin > m.an.ngramMax || (m.an.ngramMax > 0 && m.an.ngramMin < 1):
		return nil, fmt.Errorf("n-gram lengths [%d, %d] out of bounds: %w", m.an.ngramMin, m.an.ngramMax, invalid(nil))
	case classic > 1:
		return nil, fmt.Errorf("fold-in flag %d out of bounds: %w", classic, invalid(nil))
	case !(m.ngramShare >= 0 && m.ngramShare < 1):
		return nil, fmt.Errorf("n-gram share %g out of bounds: %w", m.ngramShare, invalid(nil))
	case features < 1 || features > maxFileFeatures || dims < 1 || dims > maxFileDims || features*dims > maxFileFloats:
		return nil, fmt.Errorf("%d features × %d dimensions out of bounds: %w", features, dims, invalid(nil))
	}
	m.ids = make([]uint32, features)
	for i := range m.ids {
		m.ids[i] = d.u32()
	}
	m.idf = d.f32s(features)
	m.sigma = d.f32s(dims)
	m.proj = d.f32s(features * dims)
	if d.err != nil {
		return nil, invalid(d.err)
	}
	want := crc.Sum32()
	sum := make([]byte, 4)
	if _, err := io.ReadFull(d.r, sum); err != nil {
		return nil, fmt.Errorf("no checksum: %w", invalid(err))
	}
	if binary.LittleEndian.Uint32(sum) != want {
		return nil, fmt.Errorf("checksum mismatch: %w", invalid(nil))
	}
	if !slices.IsSorted(m.ids) {
		return nil, fmt.Errorf("vocabulary not sorted: %w", invalid(nil))
	}
	m.vocab = newVocabulary(len(m.ids))
	for i, id := range m.ids {
		if !m.vocab.add(id, int32(i)) {
			return nil, fmt.Errorf("feature %d repeated: %w", id, invalid(nil))
		}
	}
	// The id hashes the whole serialised form, as setName does.
	m.nameFrom(sha)
	return m, nil
}

// invalid wraps err, if any, and offres.ErrInvalid.
func invalid(err error) error {
	switch {
	case err == nil:
		return offres.ErrInvalid
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("truncated: %w", offres.ErrInvalid)
	}
	return fmt.Errorf("%w: %w", err, offres.ErrInvalid)
}

// Save writes the model to path atomically: to a temporary file in the
// same directory, synced, then renamed over path.
func (m *Model) Save(path string) error {
	err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := m.WriteTo(w)
		return err
	})
	if err != nil {
		return fmt.Errorf("lsa: save model: %w", err)
	}
	return nil
}

// Load reads the model saved at path.
func Load(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("lsa: load model: %w", err)
	}
	defer f.Close()
	m, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
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

// encoder writes little-endian values in chunks, keeping the first error;
// flush writes what is left.
type encoder struct {
	w   io.Writer
	buf []byte
	err error
}

func (e *encoder) bytes(b []byte) {
	e.buf = append(e.buf, b...)
	if len(e.buf) >= 1<<15 {
		e.flush()
	}
}

func (e *encoder) flush() {
	if e.err == nil && len(e.buf) > 0 {
		_, e.err = e.w.Write(e.buf)
	}
	e.buf = e.buf[:0]
}

func (e *encoder) u32(v uint32) {
	e.buf = binary.LittleEndian.AppendUint32(e.buf, v)
	if len(e.buf) >= 1<<15 {
		e.flush()
	}
}

func (e *encoder) f32(v float32) { e.u32(math.Float32bits(v)) }

// decoder reads little-endian values, keeping the first error.
type decoder struct {
	r   io.Reader
	buf [4]byte
	err error
}

func (d *decoder) bytes(n int) []byte {
	b := make([]byte, n)
	if d.err == nil {
		_, d.err = io.ReadFull(d.r, b)
	}
	return b
}

func (d *decoder) u32() uint32 {
	if d.err != nil {
		return 0
	}
	if _, d.err = io.ReadFull(d.r, d.buf[:]); d.err != nil {
		return 0
	}
	return binary.LittleEndian.Uint32(d.buf[:])
}

func (d *decoder) f32() float32 { return math.Float32frombits(d.u32()) }

// f32s reads n float32s in chunks, growing the slice as data arrives so
// that a truncated file does not cost the memory its header claims.
func (d *decoder) f32s(n int) []float32 {
	out := make([]float32, 0, min(n, 1<<16))
	chunk := make([]byte, 4<<12)
	for len(out) < n && d.err == nil {
		c := min(n-len(out), len(chunk)/4)
		if _, d.err = io.ReadFull(d.r, chunk[:4*c]); d.err != nil {
			break
		}
		for i := range c {
			out = append(out, math.Float32frombits(binary.LittleEndian.Uint32(chunk[4*i:])))
		}
	}
	return out
}
