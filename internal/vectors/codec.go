package vectors

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"strings"

	"offres/internal/offres"
)

// ContentHash identifies a text for the embedding cache: the hex of the first
// 16 bytes of its SHA-256 (32 characters). The same text embedded by the same
// model gives the same vector, so a cache hit on this hash saves an
// embedding call.
func ContentHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:16])
}

// PassageText is the text of a passage that is embedded: the heading, when
// there is one and the text does not already start with it, then the text.
// The indexer embeds exactly this, and the embedding cache is keyed by
// ContentHash(PassageText(p)), so both sides agree by construction.
func PassageText(p offres.Passage) string {
	h := strings.TrimSpace(p.Heading)
	if h == "" || strings.HasPrefix(p.Text, h) {
		return p.Text
	}
	return h + "\n" + p.Text
}

// Encode returns the vector as little-endian IEEE 754 float32s, 4 bytes per
// component.
func Encode(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// Decode is the inverse of Encode. A length that is not a multiple of 4 is
// an error wrapping offres.ErrInvalid.
func Decode(b []byte) ([]float32, error) {
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("vector of %d bytes, not a multiple of 4: %w", len(b), offres.ErrInvalid)
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}

// Normalize returns v scaled to unit L2 norm, in a new slice, and false when
// v cannot be normalised: all zeros, or a NaN or infinite component.
func Normalize(v []float32) ([]float32, bool) {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 || math.IsNaN(sum) || math.IsInf(sum, 0) {
		return nil, false
	}
	inv := 1 / math.Sqrt(sum)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) * inv)
	}
	return out, true
}
