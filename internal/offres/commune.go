package offres

import "strings"

// Province names.
const (
	ProvinceSud  = "Sud"
	ProvinceNord = "Nord"
	ProvinceIles = "Îles Loyauté"
)

// Commune is a commune of New Caledonia with the spellings met in offers.
type Commune struct {
	Name     string   // official spelling
	Province string   // ProvinceSud, ProvinceNord or ProvinceIles
	Variants []string // other spellings, matched after FoldKey
}

// Communes lists the 33 communes of New Caledonia, Province Sud first.
// Poya straddles the Nord and the Sud; it is attached to the Nord.
var Communes = []Commune{
	{"Nouméa", ProvinceSud, []string{"Noumea", "Nouméa Centre"}},
	{"Dumbéa", ProvinceSud, []string{"Dumbea", "Dumbéa-sur-Mer", "Dumbea sur mer"}},
	{"Le Mont-Dore", ProvinceSud, []string{"Mont-Dore", "Mont Dore", "Mont-Dore (Le)", "Le Mont Dore", "Boulari", "Plum"}},
	{"Païta", ProvinceSud, []string{"Paita", "Païta (Tontouta)", "Tontouta"}},
	{"Boulouparis", ProvinceSud, []string{"Bouloupari"}},
	{"La Foa", ProvinceSud, []string{"Foa (La)", "Lafoa"}},
	{"Sarraméa", ProvinceSud, []string{"Sarramea"}},
	{"Farino", ProvinceSud, nil},
	{"Moindou", ProvinceSud, nil},
	{"Bourail", ProvinceSud, nil},
	{"Thio", ProvinceSud, nil},
	{"Yaté", ProvinceSud, []string{"Yate"}},
	{"L'Île-des-Pins", ProvinceSud, []string{"Île des Pins", "Ile des Pins", "Ile-des-Pins", "Île-des-Pins", "Kunié", "Kunie"}},
	{"Poya", ProvinceNord, nil},
	{"Koné", ProvinceNord, []string{"Kone"}},
	{"Pouembout", ProvinceNord, nil},
	{"Voh", ProvinceNord, nil},
	{"Kaala-Gomen", ProvinceNord, []string{"Kaala Gomen"}},
	{"Koumac", ProvinceNord, nil},
	{"Poum", ProvinceNord, nil},
	{"Belep", ProvinceNord, nil},
	{"Ouégoa", ProvinceNord, []string{"Ouegoa"}},
	{"Pouébo", ProvinceNord, []string{"Pouebo"}},
	{"Hienghène", ProvinceNord, []string{"Hienghene"}},
	{"Touho", ProvinceNord, nil},
	{"Poindimié", ProvinceNord, []string{"Poindimie"}},
	{"Ponérihouen", ProvinceNord, []string{"Ponerihouen"}},
	{"Houaïlou", ProvinceNord, []string{"Houailou"}},
	{"Kouaoua", ProvinceNord, nil},
	{"Canala", ProvinceNord, nil},
	{"Lifou", ProvinceIles, []string{"Drehu"}},
	{"Maré", ProvinceIles, []string{"Mare", "Nengone"}},
	{"Ouvéa", ProvinceIles, []string{"Ouvea", "Iaai"}},
}

var communeIndex = func() map[string]*Commune {
	m := make(map[string]*Commune)
	for i := range Communes {
		c := &Communes[i]
		m[FoldKey(c.Name)] = c
		for _, v := range c.Variants {
			m[FoldKey(v)] = c
		}
	}
	return m
}()

// LookupCommune finds a New Caledonian commune by any of its spellings
// ("Mont-Dore (Le)", "PAITA", "Ile des Pins"). A leading article is optional.
func LookupCommune(s string) (Commune, bool) {
	k := FoldKey(s)
	if c, ok := communeIndex[k]; ok {
		return *c, true
	}
	for _, art := range []string{"le ", "la ", "l "} {
		if c, ok := communeIndex[art+k]; ok {
			return *c, true
		}
		if rest, ok := strings.CutPrefix(k, art); ok {
			if c, ok := communeIndex[rest]; ok {
				return *c, true
			}
		}
	}
	return Commune{}, false
}
