// Category and contract type filters.

package assistant

import (
	"strings"
	"sync"

	"offres/internal/offres"
)

var categoryWords = set("categorie", "categories", "cat", "category")

var beforeCategory = set("de", "en", "la", "les", "une", "un", "des", "d'", "du")

// categoryLetter returns "A", "B" or "C" when the token at j is a category
// letter after « catégorie ». A lower-case « a » is also the verb (« quelle
// catégorie a le poste ? »): it counts only at the end or before a
// connector, a preposition or another letter.
func (p *parser) categoryLetter(j int) string {
	if j >= len(p.toks) || !p.toks[j].free() || p.toks[j].quoted {
		return ""
	}
	t := p.toks[j]
	switch {
	case !p.shouting && (t.orig == "A" || t.orig == "B" || t.orig == "C"):
		return t.orig
	case t.lower == "b" || t.lower == "c":
		return strings.ToUpper(t.lower)
	case t.lower != "a":
		return ""
	}
	if j+1 == len(p.toks) {
		return "A"
	}
	next := p.toks[j+1]
	if afterCategoryA[next.lower] ||
		contracts().byFirst[next.key] != nil {
		return "A"
	}
	return ""
}

// afterCategoryA are the words (lower case, accents kept) after which a
// lower-case « a » is the category.
var afterCategoryA = set("et", "ou", "à", "au", "aux", "en", "sur", "dans", "pour", "avec", "qui", "dont", "b", "c",
	"and", "or", "in", "job", "jobs", "position", "positions", "offers")

func (p *parser) category() {
	for i := 0; i < len(p.toks); i++ {
		t := p.toks[i]
		if !t.free() || t.quoted || !categoryWords[t.key] {
			continue
		}
		letter := p.categoryLetter(i + 1)
		if letter == "" {
			continue
		}
		letters := []string{letter}
		j := i + 2
		for j < len(p.toks) {
			if l := p.categoryLetter(j); l != "" {
				letters = append(letters, l)
				j++
				continue
			}
			if k := p.toks[j].key; (k == "et" || k == "ou" || k == "and" || k == "or") && p.toks[j].free() {
				if l := p.categoryLetter(j + 1); l != "" {
					letters = append(letters, l)
					j += 2
					continue
				}
			}
			break
		}
		p.mark(i, j, offres.FacetCategory)
		p.backConsume(i, beforeCategory, 2, offres.FacetCategory)
		p.addFilter(offres.FacetCategory, letters...)
		i = j - 1
	}
}

// --- Contract type

// contracts finds the contract types of words/contracts.txt.
var contracts = sync.OnceValue(func() *matcher[string] {
	m := newMatcher[string](nil)
	for _, c := range []string{offres.ContractTitulaire, offres.ContractContractuel, offres.ContractCDD,
		offres.ContractCDI, offres.ContractInterim, offres.ContractStage, offres.ContractAlternance} {
		m.add(c, words("contracts.txt", c)...)
	}
	return m
})

var (
	holderOf       = set("du", "d'", "de", "des")
	beforeContract = set("en", "les", "des", "un", "une", "de", "d'", "pour", "contrat", "contrats", "agent", "agents")
)

func (p *parser) contract() {
	for i := 0; i < len(p.toks); i++ {
		ph, ok := contracts().at(p.toks, i, func(ph phrase[string], i int) bool {
			// « titulaire du permis B », « titulaire d'un diplôme »: a holder.
			next := i + len(ph.keys)
			return ph.keys[0] != "titulaire" || next >= len(p.toks) || !holderOf[p.toks[next].key]
		})
		if !ok {
			continue
		}
		p.mark(i, i+len(ph.keys), offres.FacetContract)
		p.backConsume(i, beforeContract, 3, offres.FacetContract)
		p.addFilter(offres.FacetContract, ph.val)
		i += len(ph.keys) - 1
	}
}
