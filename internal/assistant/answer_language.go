// The answer's language: the words an answer writes around the offers'
// quotes, in French or in English as the question was asked. The sentence
// formats are written in pairs where they are used (writer.say, writer.pick);
// what several places share is here.

package assistant

import "offres/internal/offres"

// inLang returns the French or the English text, for an answer in lang.
func inLang(lang, fr, en string) string {
	if lang == langEnglish {
		return en
	}
	return fr
}

// dateIn writes a date in lang (« 12 mars 2027 », « 12 March 2027 »).
func dateIn(lang string, d offres.Date) string { return inLang(lang, d.French(), d.English()) }

// contractLabel names a contract type in lang (offres.ContractLabels are
// the French ones).
func contractLabel(lang, contract string) string {
	if en, ok := englishContracts[contract]; ok && lang == langEnglish {
		return en
	}
	return offres.ContractLabels[contract]
}

var englishContracts = map[string]string{
	offres.ContractTitulaire:   "Tenured civil servant",
	offres.ContractContractuel: "Contract staff",
	offres.ContractCDI:         "Permanent contract (CDI)",
	offres.ContractCDD:         "Fixed-term contract (CDD)",
	offres.ContractInterim:     "Temporary agency work",
	offres.ContractStage:       "Internship",
	offres.ContractAlternance:  "Work-study",
	offres.ContractAutre:       "Other",
}

// rejectedNotice says that a model's answer failed the checks and the
// extractive answer replaces it; claim, when not empty, names the claim
// refused (claimError.describe).
func rejectedNotice(lang, claim string) string {
	s := inLang(lang, "La réponse du modèle a été écartée : elle n'était pas confirmée par les offres citées",
		"The model's answer was set aside: the offers it cited did not confirm it")
	if claim != "" {
		s += " (" + claim + ")"
	}
	return s + inLang(lang, ". Voici la réponse tirée directement des offres.", ". Here is the answer taken directly from the offers.")
}

// englishClaims name the kinds of claims (claimDate…) in English.
var englishClaims = map[string]string{claimDate: "date", claimAmount: "amount", claimDuration: "duration",
	claimCommune: "commune", claimStatus: "status", claimInstruction: "instruction"}

// describe names the claim in lang: its kind, then the claim quoted.
func (e *claimError) describe(lang string) string {
	kind, claim := e.kind, e.claim
	if lang == langEnglish {
		kind = englishClaims[kind]
		if c, ok := englishStatusClaims[claim]; ok {
			claim = c
		}
	}
	return kind + " « " + claim + " »"
}

// englishStatusClaims are the status claims (checkStatus) in English.
var englishStatusClaims = map[string]string{"ouverte": "open", "clôturée": "closed"}

// modelStatus is an offer's status as the prompt gives it to the model, in
// the question's language, for the model to repeat: « CLÔTURÉE (clôturée
// le 7 mars 2025) », « ouverte, jusqu'au 12 mars 2027 »; « CLOSED (closed
// on 7 March 2025) », « open, until 12 March 2027 » in English.
func modelStatus(lang string, o *offres.Offer, today offres.Date, undated int) string {
	status := (&writer{lang: lang, undated: undated}).statusShort(o, today)
	switch st, _ := o.StatusAt(today, undated); {
	case st.Closed():
		return inLang(lang, "CLÔTURÉE (", "CLOSED (") + status + ")"
	case st != offres.StatusUnknown:
		return inLang(lang, "ouverte, ", "open, ") + status
	}
	return status
}
