package indexer

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"offres/internal/offres"
)

func parseFranceTravail(e *emitter, r io.Reader) error {
	return walkJSON(e, r, []string{"resultats"}, func(pos string, raw []byte) error {
		if !utf8.Valid(raw) {
			return e.reject(pos, errInvalidUTF8)
		}
		var ft ftOffer
		if err := json.Unmarshal(raw, &ft); err != nil {
			return e.emit(Record{Offer: offres.Offer{ID: ft.ID, Title: ft.Intitule}, Pos: pos,
				Err: fmt.Errorf("decode france travail offer: %s: %w", jsonReason(err), offres.ErrInvalid)})
		}
		return e.offer(pos, ft.offer())
	})
}

// ftOffer is the part of a France Travail "Offres d'emploi v2" result that
// the index uses.
type ftOffer struct {
	ID                 string `json:"id"`
	Intitule           string `json:"intitule"`
	Description        string `json:"description"`
	DateCreation       string `json:"dateCreation"`
	RomeCode           string `json:"romeCode"`
	TypeContrat        string `json:"typeContrat"`
	TypeContratLibelle string `json:"typeContratLibelle"`
	Alternance         bool   `json:"alternance"`
	LieuTravail        struct {
		Libelle   string   `json:"libelle"`
		Latitude  *float64 `json:"latitude"`
		Longitude *float64 `json:"longitude"`
	} `json:"lieuTravail"`
	Entreprise struct {
		Nom string `json:"nom"`
	} `json:"entreprise"`
	Salaire struct {
		Libelle     string `json:"libelle"`
		Commentaire string `json:"commentaire"`
		Complement1 string `json:"complement1"`
		Complement2 string `json:"complement2"`
	} `json:"salaire"`
	Contact struct {
		Nom            string `json:"nom"`
		Coordonnees1   string `json:"coordonnees1"`
		Coordonnees2   string `json:"coordonnees2"`
		Coordonnees3   string `json:"coordonnees3"`
		Telephone      string `json:"telephone"`
		Courriel       string `json:"courriel"`
		URLPostulation string `json:"urlPostulation"`
	} `json:"contact"`
	Competences              []ftRequirement `json:"competences"`
	QualitesProfessionnelles []ftRequirement `json:"qualitesProfessionnelles"`
	Formations               []struct {
		NiveauLibelle  string `json:"niveauLibelle"`
		DomaineLibelle string `json:"domaineLibelle"`
		Exigence       string `json:"exigence"`
	} `json:"formations"`
	Langues                     []ftRequirement `json:"langues"`
	Permis                      []ftRequirement `json:"permis"`
	ExperienceLibelle           string          `json:"experienceLibelle"`
	ExperienceCommentaire       string          `json:"experienceCommentaire"`
	DureeTravailLibelle         string          `json:"dureeTravailLibelle"`
	DureeTravailLibelleConverti string          `json:"dureeTravailLibelleConverti"`
	ComplementExercice          string          `json:"complementExercice"`
	DeplacementLibelle          string          `json:"deplacementLibelle"`
	NombrePostes                int             `json:"nombrePostes"`
	OrigineOffre                struct {
		URLOrigine string `json:"urlOrigine"`
	} `json:"origineOffre"`
}

// ftRequirement is a labelled requirement; Exigence is "E" (exigé) or "S"
// (souhaité).
type ftRequirement struct {
	Libelle  string `json:"libelle"`
	Exigence string `json:"exigence"`
}

func (r ftRequirement) required() bool { return r.Exigence == "E" }

func (ft *ftOffer) offer() offres.Offer {
	o := offres.Offer{
		ID:           ft.ID,
		Title:        ft.Intitule,
		Employer:     ft.Entreprise.Nom,
		ContractType: ftContract(ft.TypeContrat, ft.Alternance),
		Location:     ft.location(),
		RomeCode:     ft.RomeCode,
		URL:          ft.OrigineOffre.URLOrigine,
		Posts:        min(max(ft.NombrePostes, 0), offres.MaxPosts),
		Source:       string(FormatFranceTravail),
	}
	if d, err := offres.ParseDate(ft.DateCreation); err == nil {
		o.PublishedAt = d
	}
	o.Description, o.Sections = splitSections(ft.Description)
	o.Sections = appendSection(o.Sections, offres.SectionProfil, "Exigences", ft.requirements())
	o.Sections = appendSection(o.Sections, offres.SectionConditions, "Conditions de travail", ft.conditions())
	o.Sections = appendSection(o.Sections, offres.SectionRemuneration, "Salaire", ft.salary())
	o.Sections = appendSection(o.Sections, offres.SectionContact, "Contact", ft.contact())
	for _, c := range ft.Competences {
		o.Skills = append(o.Skills, offres.Skill{Label: c.Libelle, Required: c.required()})
	}
	for _, q := range ft.QualitesProfessionnelles {
		o.Skills = append(o.Skills, offres.Skill{Label: q.Libelle})
	}
	return o
}

// ftContract maps France Travail contract codes.
func ftContract(code string, alternance bool) string {
	if alternance {
		return offres.ContractAlternance
	}
	switch strings.ToUpper(strings.TrimSpace(code)) {
	case "":
		return ""
	case "CDI":
		return offres.ContractCDI
	case "CDD", "SAI": // SAI: saisonnier, a fixed-term contract
		return offres.ContractCDD
	case "MIS":
		return offres.ContractInterim
	}
	return offres.ContractAutre // DDI, LIB, TTI, FRA, CCE…
}

// ftDepartmentRE matches the department number that starts a place:
// "971 - LE GOSIER", "2A - AJACCIO".
var ftDepartmentRE = regexp.MustCompile(`^\s*(\d{2,3}|2[AB])\s*-\s*`)

// location keeps the commune as France Travail spells it, without its
// department number; the department's name goes to the province field, the
// nearest one an offer has (« 974 - ST DENIS »: ST DENIS, La Réunion). A
// place without a department is a region (or "France"): it goes there too.
func (ft *ftOffer) location() offres.Location {
	l := offres.Location{Lat: ft.LieuTravail.Latitude, Lon: ft.LieuTravail.Longitude}
	place := strings.TrimSpace(ft.LieuTravail.Libelle)
	switch m := ftDepartmentRE.FindStringSubmatchIndex(place); {
	case m != nil:
		l.Commune = place[m[1]:]
		l.Province = departments[strings.ToUpper(place[m[2]:m[3]])]
	case !strings.EqualFold(place, "France"):
		l.Province = place
	}
	return l
}

func (ft *ftOffer) requirements() []string {
	var lines []string
	experience := ft.ExperienceLibelle
	if !strings.Contains(experience, ft.ExperienceCommentaire) {
		experience = joinNonEmpty(", ", experience, ft.ExperienceCommentaire)
	}
	if x := strings.TrimSpace(experience); x != "" {
		lines = append(lines, "Expérience : "+x)
	}
	for _, f := range ft.Formations {
		lines = appendRequirement(lines, "Formation", joinNonEmpty(", ", f.NiveauLibelle, f.DomaineLibelle), f.Exigence)
	}
	for _, l := range ft.Langues {
		lines = appendRequirement(lines, "Langue", l.Libelle, l.Exigence)
	}
	for _, p := range ft.Permis {
		lines = appendRequirement(lines, "Permis", p.Libelle, p.Exigence)
	}
	return lines
}

func appendRequirement(lines []string, what, label, exigence string) []string {
	if strings.TrimSpace(label) == "" {
		return lines
	}
	level := "souhaité"
	if exigence == "E" {
		level = "exigé"
	}
	return append(lines, fmt.Sprintf("%s : %s (%s)", what, label, level))
}

func (ft *ftOffer) conditions() []string {
	var lines []string
	if ft.TypeContratLibelle != "" {
		lines = append(lines, "Contrat : "+ft.TypeContratLibelle)
	}
	if x := joinNonEmpty(", ", ft.DureeTravailLibelle, ft.DureeTravailLibelleConverti, ft.ComplementExercice); x != "" {
		lines = append(lines, "Durée du travail : "+x)
	}
	if ft.DeplacementLibelle != "" {
		lines = append(lines, "Déplacements : "+ft.DeplacementLibelle)
	}
	return lines
}

func (ft *ftOffer) salary() []string {
	s := ft.Salaire
	return []string{s.Libelle, s.Commentaire, s.Complement1, s.Complement2}
}

func (ft *ftOffer) contact() []string {
	c := ft.Contact
	lines := []string{c.Nom, c.Coordonnees1, c.Coordonnees2, c.Coordonnees3}
	known := strings.Join(lines, "\n")
	for _, x := range []string{c.Telephone, c.Courriel, c.URLPostulation} {
		if !strings.Contains(known, x) {
			lines = append(lines, x)
		}
	}
	return lines
}
