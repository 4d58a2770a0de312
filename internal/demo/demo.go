// Package demo ships the demo corpus: a set of invented job offers of the
// Province Sud (New Caledonia), written for demonstrations and tests. None of
// them is a real posting; employers' contact addresses are fictitious.
package demo

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"offres/internal/offres"
)

// Offers is the demo corpus as a JSON array of offres.Offer.
//
//go:embed offers.json
var Offers []byte

// Load decodes the demo corpus.
func Load() ([]offres.Offer, error) {
	var out []offres.Offer
	if err := json.Unmarshal(Offers, &out); err != nil {
		return nil, fmt.Errorf("demo corpus: %w", err)
	}
	return out, nil
}
