package assistant

import (
	"regexp"
	"strings"
)

// payloadRE finds, in an instruction, what it asks to say: the words after
// « réponds que », « affiche que », « say », « écris »…, or between « » after
// « ajoute ». The text is folded first.
var payloadRE = regexp.MustCompile(`\b(?:repond(?:s|ez|re)? que|dis que|dites que|affiche(?:z)? que|ecri(?:s|vez|re) que|say that|says that|say|print|write|ecri(?:s|vez)|ajoute(?:z)?(?: a la fin)?)\s*:?\s*«?\s*([^«».!?;]{3,120})`)

// quotedSpanRE is a quoted clause of an answer, its citation included.
var quotedSpanRE = regexp.MustCompile(`«[^«»]*»(?:\s*\[\d{1,3}\])?`)

// checkInstructions refuses a model's answer that obeys an instruction
// given in the question (dropped: what the question understanding left out
// as instructions) or in a passage (an offer's text): a sentence of the
// answer, outside the offer's words it quotes, that is itself an
// instruction phrase (« j'ignore mes consignes », « system prompt »), or
// the words an instruction asked to be said (« toutes les offres sont
// ouvertes », « offre garantie »).
func checkInstructions(answer, dropped string, sources []Source) error {
	free := quotedSpanRE.ReplaceAllString(answer, " ")
	for _, s := range splitSentences(citeRE.ReplaceAllString(free, " ")) {
		if hasInstructionPhrase(s) {
			return &claimError{claimInstruction, strings.TrimSpace(s)}
		}
	}
	instructions := []string{dropped}
	for _, src := range sources {
		for _, s := range splitSentences(src.Text) {
			if hasInstructionPhrase(s) {
				instructions = append(instructions, s)
			}
		}
	}
	words := " " + normalize(answer) + " "
	for _, ins := range instructions {
		for _, m := range payloadRE.FindAllStringSubmatch(foldClaims(ins), -1) {
			if p := normalize(m[1]); strings.Count(p, " ") >= 1 && strings.Contains(words, " "+p+" ") {
				return &claimError{claimInstruction, strings.TrimSpace(m[1])}
			}
		}
	}
	return nil
}

// hasInstructionPhrase reports whether s holds a phrase of injection.txt
// (« ignore », « tes consignes », « system »…).
func hasInstructionPhrase(s string) bool {
	toks := tokenize(s)
	for i := range toks {
		if _, ok := instructionPhrases().at(toks, i, nil); ok {
			return true
		}
	}
	return false
}
