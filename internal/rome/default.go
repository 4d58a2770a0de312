package rome

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"
)

// defaultReferential is the ROME v4.60 referential in its compact form
// (referential/README.md says where it comes from and how to rebuild it).
//
//go:embed referential/rome-v460.json.gz
var defaultReferential []byte

// Default returns the ROME referential embedded in the binary (v4.60),
// read once (about 0.3 s) and shared: a Taxonomy is immutable.
var Default = sync.OnceValues(func() (*Taxonomy, error) {
	t, err := Read(bytes.NewReader(defaultReferential))
	if err != nil {
		return nil, fmt.Errorf("embedded ROME referential: %w", err)
	}
	return t, nil
})
