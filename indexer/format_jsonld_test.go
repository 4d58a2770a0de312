package indexer

import (
	"path/filepath"
	"strings"
	"testing"

	"offres/internal/offres"
)

func TestParseJSONLDStandalone(t *testing.T) {
	p := parseFile(t, filepath.Join("testdata", "jobposting.jsonld"))
	if len(p.valid) != 1 || len(p.rejected) != 0 {
		t.Fatalf("valid %v, rejected %v; want one posting", ids(p.valid), p.rejected)
	}
	r := p.valid[0]
	o := r.Offer
	checks := []struct {
		field     string
		got, want any
	}{
		{"pos", r.Pos, "jobposting.jsonld:posting 1"},
		{"id", o.ID, "DEE-2025-014"},
		{"title", o.Title, "Technicien réseaux et télécommunications"},
		{"employer", o.Employer, "Province Sud"},
		{"direction", o.Direction, "Direction du Système d'Information et du Numérique"},
		{"contract", o.ContractType, offres.ContractCDD},
		{"commune", o.Location.Commune, "Nouméa"},
		{"province", o.Location.Province, offres.ProvinceSud},
		{"published", o.PublishedAt, offres.Date{Year: 2025, Month: 3, Day: 3}},
		{"deadline", o.Deadline, offres.Date{Year: 2025, Month: 3, Day: 28}},
		{"start", o.StartDate, offres.Date{Year: 2025, Month: 5}},
		{"residence", o.ResidenceYears, 3},
		{"description", o.Description, "La DSIN exploite le réseau des sites de la province Sud.\n\nDurée de résidence exigée : 3 ans."},
		{"source", o.Source, "jsonld"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
		}
	}
	if o.Location.Lat == nil || *o.Location.Lat != -22.2758 {
		t.Errorf("lat = %v", o.Location.Lat)
	}
	want := []offres.Section{
		{Kind: offres.SectionMissions, Heading: "Missions",
			Text: "- Administrer les commutateurs et les liaisons des sites distants ;\n- Assurer le support de niveau 2."},
		{Kind: offres.SectionProfil, Heading: "Qualifications", Text: "BTS ou DUT réseaux et télécommunications."},
		{Kind: offres.SectionProfil, Heading: "Compétences", Text: "Cisco IOS\nSupervision (Zabbix)"},
		{Kind: offres.SectionRemuneration, Heading: "Rémunération", Text: "320000 – 380000 XPF par mois"},
		{Kind: offres.SectionContact, Heading: "Contact", Text: "Service des ressources humaines\nrecrutement@example.nc"},
	}
	if len(o.Sections) != len(want) {
		t.Fatalf("sections = %+v", o.Sections)
	}
	for i := range want {
		if o.Sections[i] != want[i] {
			t.Errorf("section %d = %+v, want %+v", i, o.Sections[i], want[i])
		}
	}
	if len(o.Skills) != 2 || o.Skills[0].Label != "Cisco IOS" {
		t.Errorf("skills = %+v", o.Skills)
	}
}

func TestParseJSONLDInHTML(t *testing.T) {
	p := parseFile(t, filepath.Join("testdata", "postings.html"))
	if len(p.valid) != 2 || len(p.rejected) != 0 {
		t.Fatalf("valid %v, rejected %v; want two postings", ids(p.valid), p.rejected)
	}
	tests := []struct {
		pos, id, title, contract, commune, description string
	}{
		{"postings.html:posting 1", "DRH-2025-101", "Assistant de gestion administrative", offres.ContractCDI,
			"Le Mont-Dore", "Accueil du public, suivi des courriers et des dossiers de la direction.\n\nPoste basé à Boulari."},
		{"postings.html:posting 2", "https://emploi.example.nc/offres/DENV-2025-007", "Garde nature", offres.ContractCDD,
			"L'Île-des-Pins", "Surveillance des aires protégées & sensibilisation du public."},
	}
	for i, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			r := p.valid[i]
			o := r.Offer
			if r.Pos != tt.pos || o.ID != tt.id || o.Title != tt.title || o.ContractType != tt.contract ||
				o.Location.Commune != tt.commune || o.Description != tt.description || o.Employer != "Province Sud" {
				t.Errorf("got %s %+v", r.Pos, o)
			}
		})
	}
}

func TestParseJSONLDErrors(t *testing.T) {
	t.Run("broken script", func(t *testing.T) {
		page := `<html><head><script type="application/ld+json">{"@type": "JobPosting",</script>
			<script type="application/ld+json">{"@type":"JobPosting","identifier":"X1","title":"Agent","description":"d"}</script>
			</head></html>`
		p := parseString(t, "page.html", page)
		if len(p.valid) != 1 || len(p.rejected) != 1 || p.rejected[0].Pos != "page.html:script 1" {
			t.Errorf("valid %v, rejected %v", ids(p.valid), p.rejected)
		}
	})
	t.Run("posting without id", func(t *testing.T) {
		p := parseString(t, "p.jsonld", `[{"@type":"JobPosting","title":"Agent","description":"d"}]`)
		if len(p.rejected) != 1 || !strings.Contains(p.rejected[0].Err.Error(), "missing id") {
			t.Errorf("rejected %v, want a missing id", p.rejected)
		}
	})
	t.Run("elements nested too deep", func(t *testing.T) {
		p := parseString(t, "page.html", "<h1>T</h1>"+strings.Repeat("<div>", 600)+"Référence : 1")
		if len(p.valid) != 0 || len(p.rejected) != 1 || !strings.Contains(p.rejected[0].Err.Error(), "invalid HTML") {
			t.Errorf("valid %v, rejected %v; want one rejection", ids(p.valid), p.rejected)
		}
	})
	t.Run("no posting", func(t *testing.T) {
		p := parseString(t, "p.jsonld", `{"@context":"https://schema.org","@type":"Organization","name":"X"}`)
		if len(p.rejected) != 1 || !strings.Contains(p.rejected[0].Err.Error(), "no schema.org JobPosting") {
			t.Errorf("rejected %v", p.rejected)
		}
	})
}

func TestParseHTMLWithoutJSONLD(t *testing.T) {
	page := `<!DOCTYPE html><html><head><title>Emploi</title><style>h1{}</style></head><body>
		<nav><ul><li>Accueil</li><li>Offres</li></ul></nav>
		<h1>Chargé de communication</h1>
		<p><strong>Référence :</strong> COM-2025-3</p>
		<p>Employeur : Province Sud<br>Lieu de travail : La Foa</p>
		<h2>Missions</h2>
		<ul><li>Animer les réseaux sociaux ;</li><li>Rédiger les communiqués.</li></ul>
		<h2>Profil</h2><p>Aisance rédactionnelle.</p>
		<footer>Mentions légales</footer></body></html>`
	p := parseString(t, "offre.html", page)
	if len(p.valid) != 1 {
		t.Fatalf("rejected %v", p.rejected)
	}
	o := p.valid[0].Offer
	if o.ID != "COM-2025-3" || o.Title != "Chargé de communication" || o.Location.Commune != "La Foa" ||
		o.Employer != "Province Sud" {
		t.Errorf("offer = %+v", o)
	}
	if len(o.Sections) != 2 || o.Sections[0].Text != "- Animer les réseaux sociaux ;\n- Rédiger les communiqués." {
		t.Errorf("sections = %+v", o.Sections)
	}
}

func TestHTMLText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Texte simple.\nDeux lignes.", "Texte simple.\nDeux lignes."},
		{"entities only", "Sécurité &amp; santé", "Sécurité & santé"},
		{"paragraphs", "<p>Un.</p><p>Deux <b>gras</b>.</p>", "Un.\n\nDeux gras."},
		{"line breaks", "Un<br>Deux<br/>Trois", "Un\nDeux\nTrois"},
		{"list", "<ul><li>a</li><li>b</li></ul>", "- a\n- b"},
		{"escaped html", "&lt;p&gt;Un&lt;/p&gt;&lt;p&gt;Deux&lt;/p&gt;", "Un\n\nDeux"},
		{"script dropped", "<p>Un</p><script>alert(1)</script>", "Un"},
		{"inline spaces", "<p>Un <em>deux</em>\n trois</p>", "Un deux trois"},
		{"less-than in text", "Salaire < 300 000 XPF", "Salaire < 300 000 XPF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := htmlText(tt.in); got != tt.want {
				t.Errorf("htmlText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
