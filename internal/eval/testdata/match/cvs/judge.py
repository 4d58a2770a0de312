# The title patterns the cvs set was judged with: python3 judge.py qrels.txt (reads /tmp/offers.tsv: id<TAB>title of every imported offer).
import re, sys
offers=[l.rstrip('\n').split('\t',1) for l in open('/tmp/offers.tsv')]
I=re.I
R={
'cv01-infirmiere': (r"infirmi", r"\bsoins\b|aide.soignant|cadre de sant"),
'cv02-developpeur': (r"d[ée]velopp(eur|euse)", r"architecte (applicatif|logiciel)|int[ée]grateur d.applications|devops|ing[ée]nieur.*(logiciel|d[ée]veloppement|int[ée]grateur)|gestionnaire d.application"),
'cv03-chauffeur-pl': (r"(chauffeur|conducteur).*(poids lourds?|\bPL\b|\bBOM\b|ripeur|collect|benne)|ripeur.?chauffeur", r"chauffeur|conducteur(?! de travaux)"),
'cv04-comptable': (r"comptab", r"budg[ée]t|contr[ôo]le(ur)? de gestion|financi"),
'cv05-professeur-ecoles': (r"professeur|enseignant", r"p[ée]dagog"),
'cv06-menage-taches': (r"nettoyage|agent (d.)?entretien(?! (des )?espaces verts)|agent de service|laveur de vitres|m[ée]nage|agent de propret[ée](?! urbaine)", r"propret[ée]|hygi[èe]ne|entretien"),
'cv07-juriste-marches': (r"juriste.*march|march[ée]s publics|commande publique", r"juriste|juridique"),
'cv08-technicien-support': (r"technicien.*(informatique|support|exploitation|assistance|soutien)|support .*utilisateurs|assistance.*utilisateurs|traitant assistance", r"technicien.*(r[ée]seau|telecom|t[ée]l[ée]phonie|syst[eè]me|SIC)|informatique de proximit|correspondant.*informatique|support de proximit"),
'cv09-gestionnaire-paie': (r"\bpaie\b|\bpaye\b|carri[eè]re", r"ressources humaines|\bRH\b|\bGRH\b|personnels"),
'cv10-assistante-direction': (r"assist.*direction|secr[ée]taire(?! g[ée]n[ée]ral)|secr[ée]tariat(?! g[ée]n[ée]ral)(?! du CIH)", r"assistant.*(administratif|de gestion)|gestion administrative"),
'cv11-nuisibles-taches': (r"nuisible|d[ée]ratis|d[ée]sinsect|hygi[ée]niste|appl?icat(eur|rice)|d[ée]sinfect|\b3D\b", r"hygi[èe]ne"),
'cv12-jardinier': (r"espaces? verts|jardinier|paysag", r"espaces? publics|espace rural|agent technique polyvalent"),
'cv13-chargee-communication': (r"communication", r"presse|relations ext[ée]rieures|marketing|partenariat"),
'cv14-magasinier': (r"magasin|r[ée]ception exp[ée]dition|cariste|pr[ée]parateur de commandes", r"logistique|approvision"),
'cv15-mecanicien': (r"m[ée]canicien|atelier (auto|mobilit|maintenance)|chef d.atelier", r"maintenance|monteur"),
'cv16-data-analyst': (r"data (analyst|scientist)|statisti", r"donn[ée]es|big data|\bdata\b"),
'cv17-reseaux-securite': (r"cyber|s[ée]curit[ée] (des syst[eè]mes|informatique)|\bSSI\b|r[ée]seau.*(informatique|syst[eè]me|t[ée]l[ée]com)|administrateur.*r[ée]seau|ing[ée]nieur syst[eè]me|anti.malware", r"informatique|syst[eè]mes? d.information|telecom|\bSIC\b"),
'cv18-collecte-cherche': (r"ripeur|collecte|d[ée]ch[eè]t+erie|agent.*d[ée]chets", r"propret[ée] urbaine|d[ée]chets|poubelle"),
'cv19-gestion-budgetaire': (r"budg[ée]t|comptab", r"financ|contr[ôo]le(ur)? de gestion|contr[ôo]leur.*gestion"),
'cv20-electricien': (r"[ée]lectricien|[ée]lectrotechn", r"^$"),
'cv21-chef-projet-si': (r"projets?.*(\bSI\b|informatique|applicati|num[ée]rique)|domaine applicatif|(\bSI\b|informatique).*projet", r"syst[eè]mes? d.information|informatique|num[ée]rique|applicati"),
'cv22-cuisinier': (r"cuisin", r"restauration"),
}
EXCL={'cv10-assistante-direction': r"projets et applications|Chargé\(e\) de mission auprès du Secrétariat|Responsable du Secrétariat général|Responsable des affaires juridiques et du secr", 'cv17-reseaux-securite': r"assainissement", 'cv08-technicien-support': r"nettoiement|assainissement", 'cv21-chef-projet-si': r"am[ée]nagement|logistique", 'cv03-chauffeur-pl': r"xxx"}
out=open(sys.argv[1],'w') if len(sys.argv)>1 else None
for cv,(g2,g1) in R.items():
    n2=n1=0
    lines=[]
    for oid,t in offers:
        if cv in EXCL and re.search(EXCL[cv],t,I): continue
        g=2 if re.search(g2,t,I) else 1 if re.search(g1,t,I) else 0
        if g:
            lines.append((g,oid,t))
            if out: out.write(f"{cv} 0 {oid} {g}\n")
    print(f"=== {cv}: {sum(1 for l in lines if l[0]==2)} g2, {sum(1 for l in lines if l[0]==1)} g1")
    for g,oid,t in lines[:400]:
        print(f"  {g} {t[:100]}")
